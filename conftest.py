"""Test-wide setup: no network for this process or any kernel it starts (notebooks included), no screen, paths
that do not depend on the folder pytest was started from, and the `slow` marker on whole-notebook runs.

Shared test helpers live here as fixtures (`readme_block`) or in tests/support/notebook_code.py; test files never
import from each other. The repository root is `helpers.course.ROOT`.
"""
import os
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent  # the bootstrap copy of helpers.course.ROOT: helpers is not importable yet
SUPPORT_DIR = ROOT / "tests" / "support"  # bad_input.py, notebook_code.py: `from bad_input import ...` in any room
OFFLINE_DIR = SUPPORT_DIR / "offline"
SANITIZE_FILE = SUPPORT_DIR / "nbval_sanitize.cfg"
README = ROOT / "README.md"

# Kernels and subprocesses inherit PYTHONPATH and import tests/support/offline/sitecustomize.py at start-up.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_DIR), str(ROOT),
                                                         os.environ.get("PYTHONPATH", "")]))
sys.path[:0] = [str(OFFLINE_DIR), str(SUPPORT_DIR)]
import sitecustomize  # noqa: E402,F401  (the same guard, in this process)


def pytest_configure(config: pytest.Config) -> None:
    """Give nbval the sanitize file by its absolute path, so `pytest --nbval` works from any working folder."""
    if hasattr(config.option, "nbval_sanitize_with") and not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """nbval's notebook cells re-execute whole notebooks: mark them slow, like the other whole-notebook tests."""
    for item in items:
        if type(item).__module__.startswith("nbval"):
            item.add_marker(pytest.mark.slow)


def readme_fenced_block(marker: str) -> list[str]:
    """The lines of README.md's fenced block between `<!-- marker -->` and `<!-- /marker -->` (no ``` lines)."""
    text = README.read_text(encoding="utf-8")
    if f"<!-- {marker} -->" not in text:
        raise KeyError(f"README.md has no <!-- {marker} --> block")
    block = text.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    return [line for line in block.strip().splitlines() if not line.startswith("```")]


@pytest.fixture
def readme_block():
    """`readme_block("test-command")`: the lines of a marked fenced block in README.md."""
    return readme_fenced_block

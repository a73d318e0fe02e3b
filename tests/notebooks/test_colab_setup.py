"""The shared three-line setup cell: on Colab (fake google.colab, a local clone as the repository) it fetches the
course once and installs nothing, and a failed fetch stops with the error README names; locally it imports the
installed helpers; when helpers is missing or another package called helpers shadows ours, the failing line points
to the fix."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers.course import COLAB_DIR, REPO_DIR_NAME, REPO_URL, ROOT, setup_cell_source

COLAB_PARENT = COLAB_DIR.removesuffix(f"/{REPO_DIR_NAME}")  # Colab's working folder, /content

RUNNER = textwrap.dedent("""
    import json, subprocess, sys, types
    if {colab}:
        sys.modules["google"] = types.ModuleType("google")
        sys.modules["google.colab"] = types.ModuleType("google.colab")
    calls, real_run, origins = [], subprocess.run, [{local!r}, "file:///nowhere/gone"]
    def recording_run(cmd, *args, **kwargs):
        calls.append(cmd)
        return real_run(cmd.replace({url!r}, origins[len(calls) - 1]), *args, **kwargs)
    subprocess.run = recording_run
    for _ in range(2):  # running the cell again must not clone again (the second run's origin is gone)
        exec({source!r})
    print(json.dumps({{"calls": calls, "helpers": helpers.__file__, "device": str(device)}}))
""")


def make_origin(tmp_path: Path) -> Path:
    """A git repository holding the working tree's helpers/ and data/: what Colab would clone."""
    origin = tmp_path / "origin"
    for folder in ("helpers", "data"):
        shutil.copytree(ROOT / folder, origin / folder, ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "--quiet"], ["add", "."], ["commit", "--quiet", "-m", "course"]):
        subprocess.run([*git, *args], cwd=origin, check=True)
    return origin


def clean_env(*python_path: Path) -> dict:
    """The environment minus PYTHONPATH (helpers must come from the cell or the install), plus the offline guard."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join(map(str, [ROOT / "tests" / "support" / "offline", *python_path]))
    return env


def run_setup_cell_process(cwd: Path, colab: bool, content_dir: str = COLAB_PARENT, origin: Path = ROOT,
                           python_path: tuple = ()) -> subprocess.CompletedProcess:
    """Run the setup cell twice in a fresh Python, cloning from `origin`; on "Colab" its /content is `content_dir`."""
    source = setup_cell_source().replace(COLAB_PARENT, content_dir)
    script = RUNNER.format(colab=colab, local=f"file://{origin}", url=REPO_URL, source=source)
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, env=clean_env(*python_path), capture_output=True,
                          text=True)


def run_setup_cell(cwd: Path, colab: bool, **options) -> dict:
    """What two runs of the setup cell did (see RUNNER); both must succeed."""
    out = run_setup_cell_process(cwd, colab, **options)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("Device: ")
    return json.loads(lines[-1])


def test_the_cell_is_three_lines_and_only_the_colab_line_runs_a_command():
    lines = setup_cell_source().splitlines()
    assert len(lines) <= 3, "the setup cell must stay short: move what it grew into helpers.setup()"
    assert [i for i, line in enumerate(lines) if "subprocess.run(" in line] == [1]
    assert lines[1].startswith('if "google.colab" in sys.modules:')


@pytest.mark.slow
def test_on_colab_the_cell_clones_once_and_installs_nothing(tmp_path):
    content = tmp_path / "content"  # Colab's working folder
    content.mkdir()
    (tmp_path / "helpers").mkdir()  # a folder called helpers where the notebook runs: the clone must come first
    (tmp_path / "helpers" / "__init__.py").write_text("")
    result = run_setup_cell(tmp_path, colab=True, content_dir=str(content), origin=make_origin(tmp_path))
    assert result["calls"] and all("git clone" in c and "pip" not in c for c in result["calls"])
    assert Path(result["helpers"]).is_relative_to(content / REPO_DIR_NAME)
    assert result["device"] in {"cpu", "cuda", "mps"}


@pytest.mark.slow
def test_on_colab_a_failed_clone_stops_the_cell_with_the_error_readme_explains(tmp_path):
    (tmp_path / "content").mkdir()
    out = run_setup_cell_process(tmp_path, colab=True, content_dir=str(tmp_path / "content"),
                                 origin=tmp_path / "nowhere")
    error = (f"CalledProcessError: Command 'test -d {REPO_DIR_NAME} || git clone", "returned non-zero exit status 128")
    assert out.returncode != 0 and all(part in out.stderr for part in error), out.stderr
    assert "No module named" not in out.stderr, "the cell must stop at the failed clone, not at `import helpers`"
    row = next(line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| On Colab") and "CalledProcessError" in line)
    assert all(part in row.replace("\\|", "|") for part in error)


@pytest.mark.slow
def test_locally_the_cell_imports_the_installed_helpers_without_subprocesses(tmp_path):
    # An editable install puts the course on the import path; PYTHONPATH=ROOT stands for it here (test_clone.py
    # checks a real `pip install -e`). Started outside the course: the cell needs no folder search.
    result = run_setup_cell(tmp_path, colab=False, python_path=(ROOT,))
    assert result["calls"] == []
    assert Path(result["helpers"]).is_relative_to(ROOT / "helpers")


@pytest.mark.parametrize("shadow", [False, True], ids=["not installed", "another helpers package"])
def test_when_helpers_cannot_be_used_the_failing_line_names_the_fix(tmp_path, shadow):
    if shadow:  # an unrelated package called helpers, first on the path (e.g. in the notebook's folder)
        (tmp_path / "helpers").mkdir()
        (tmp_path / "helpers" / "__init__.py").write_text("def other():\n    pass\n")
    (tmp_path / "cell.py").write_text(setup_cell_source())
    # -S: no site-packages, so no editable install of ours either (CI's venv has one)
    out = subprocess.run([sys.executable, "-S", "cell.py"], cwd=tmp_path, capture_output=True, text=True,
                         env=clean_env())
    assert out.returncode != 0
    assert ("No module named 'helpers'" if not shadow else "has no attribute 'setup'") in out.stderr
    assert 'README.md, "Troubleshooting"' in out.stderr and "pip install -e ." in out.stderr

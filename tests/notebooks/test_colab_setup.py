"""The shared setup cell, run as Colab would run it (fake google.colab, a local clone as the repository)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers.course import REPO_DIR_NAME, REPO_URL, ROOT, setup_cell_source

RUNNER = textwrap.dedent("""
    import json, subprocess, sys, types
    if {colab}:
        sys.modules["google"] = types.ModuleType("google")
        sys.modules["google.colab"] = types.ModuleType("google.colab")
    calls, real_run = [], subprocess.run
    def recording_run(cmd, *args, **kwargs):
        calls.append(list(cmd))
        cmd = [{local!r} if part == {url!r} else part for part in cmd]
        return real_run(cmd, *args, **kwargs)
    subprocess.run = recording_run
    for _ in range(2):  # running the cell twice must not clone twice
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


def run_setup_cell(cwd: Path, colab: bool, origin: Path = ROOT) -> dict:
    script = RUNNER.format(colab=colab, local=f"file://{origin}", url=REPO_URL, source=setup_cell_source())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # helpers must come from the cell alone
    env["PYTHONPATH"] = str(ROOT / "tests" / "support" / "offline")
    out = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("Device: ")
    return json.loads(lines[-1])


@pytest.mark.slow
def test_on_colab_the_cell_clones_once_and_installs_nothing(tmp_path):
    content = tmp_path / "content"  # Colab's working folder
    content.mkdir()
    result = run_setup_cell(content, colab=True, origin=make_origin(tmp_path))
    assert result["calls"] == [["git", "clone", "--depth=1", "--quiet", REPO_URL, REPO_DIR_NAME]]
    assert Path(result["helpers"]).is_relative_to(content / REPO_DIR_NAME)
    assert result["device"] in {"cpu", "cuda", "mps"}


@pytest.mark.slow
def test_locally_the_cell_finds_the_repository_without_subprocesses():
    result = run_setup_cell(ROOT / "notebooks", colab=False)
    assert result["calls"] == []
    assert Path(result["helpers"]).is_relative_to(ROOT / "helpers")


def test_outside_the_course_the_cell_says_what_to_do(tmp_path):
    out = subprocess.run([sys.executable, "-c", setup_cell_source()], cwd=tmp_path, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode != 0 and "Cannot find the course's helpers/ folder" in out.stderr

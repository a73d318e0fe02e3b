"""The tests pass when pytest is started from another folder (conftest.py hands nbval its sanitize file by an
absolute path; no test reads a path relative to the working folder)."""
import os
import subprocess
import sys

import pytest

from helpers.course import ROOT


def pytest_from(folder, *args):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # as a learner starts it: nothing preset
    env["PYTHONPATH"] = str(ROOT / "tests" / "support" / "offline")                # only the offline guard
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=folder,
                          env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_unit_tests_pass_from_another_folder(tmp_path):
    result = pytest_from(tmp_path, str(ROOT / "tests" / "notebooks" / "test_readme.py"),
                         str(ROOT / "tests" / "plumbing" / "test_data_files.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_strict_nbval_passes_from_another_folder(tmp_path):
    result = pytest_from(tmp_path, "--nbval", str(ROOT / "notebooks" / "00_setup.ipynb"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "passed" in result.stdout.splitlines()[-1]

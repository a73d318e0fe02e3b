"""A fresh clone as a Windows user gets it (core.autocrlf=true, Git for Windows' default): data byte for byte,
`helpers` imports from it, and in that clone the maintainer tools refuse to destroy work (never the real repo).
The clone holds what is committed (HEAD), so commit before running these."""
import hashlib
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from helpers.course import ROOT, setup_cell_source

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                 reason="needs git and a git checkout of the course")]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """The committed course, cloned with core.autocrlf=true into a temporary folder."""
    target = tmp_path_factory.mktemp("windows") / "text-to-vectors"
    subprocess.run(["git", "clone", "--quiet", "-c", "core.autocrlf=true", str(ROOT), str(target)], check=True)
    return target


def run(args, cwd, **env_changes):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # helpers must come from the clone
    env.update(PYTHONPATH=str(ROOT / "tests" / "support" / "offline"), **env_changes)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)


def git_status(clone):
    return subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=clone, capture_output=True,
                          text=True, check=True).stdout


def test_data_comes_out_byte_for_byte(clone):
    lines = (clone / "data" / "SHA256SUMS").read_text().splitlines()
    listed = dict(reversed(line.split(maxsplit=1)) for line in lines if line.strip())
    assert listed, "data/SHA256SUMS lists no files"
    for name, digest in listed.items():
        assert hashlib.sha256((clone / "data" / name).read_bytes()).hexdigest() == digest, f"data/{name} was converted"


def test_text_files_keep_lf_line_endings(clone):
    tracked = subprocess.run(["git", "ls-files", "--eol"], cwd=clone, capture_output=True, text=True, check=True)
    crlf = [line for line in tracked.stdout.splitlines() if "w/crlf" in line or "w/mixed" in line]
    assert not crlf, f"checked out with CRLF: {crlf[:5]}"


def test_after_the_run_commands_install_the_setup_cell_imports_helpers_from_the_clone(clone, tmp_path):
    # The README's `pip install --no-deps -e .`, into a prefix of its own (the test venv stays as it is); its
    # site-packages is added the way Python adds an environment's own (site.addsitedir reads the .pth).
    prefix = tmp_path / "prefix"
    install = run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", ".",
                   "--prefix", str(prefix)], cwd=clone)
    assert install.returncode == 0, install.stdout + install.stderr
    site_packages = next(prefix.glob("lib/python*/site-packages"))
    report = "print(json.dumps([helpers.__file__, tiktoken.get_encoding('gpt2').encode('I love LLMs')]))"
    code = (f"import site; site.addsitedir({str(site_packages)!r})\n" + setup_cell_source()
            + "\nimport json, tiktoken\n" + report)
    out = run([sys.executable, "-c", code], cwd=clone / "notebooks", TIKTOKEN_CACHE_DIR=str(tmp_path / "cache"))
    assert out.returncode == 0, out.stderr
    assert "Windows line endings" not in out.stderr, out.stderr
    where, ids = json.loads(out.stdout.strip().splitlines()[-1])
    assert os.path.realpath(where).startswith(os.path.realpath(clone)) and ids == [40, 1842, 27140, 10128]


@pytest.mark.parametrize("out", [".", "notebooks", "..", "data/gpt2", "README.md"])
def test_the_site_builder_refuses_work_folders_and_changes_nothing(clone, out):
    result = run([sys.executable, "-m", "helpers.maintainer.site", "--out", out], cwd=clone)
    assert result.returncode == 2 and "site: refused:" in result.stderr, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert git_status(clone) == "", "a refused build changed the clone"


def test_the_site_builder_rebuilds_its_own_build_only(clone, tmp_path):
    out = tmp_path / "site"
    for _ in range(2):  # the second run replaces the first build
        result = run([sys.executable, "-m", "helpers.maintainer.site", "--out", str(out)], cwd=clone)
        assert result.returncode == 0, result.stderr
    (out / "my-notes.txt").write_text("mine")
    result = run([sys.executable, "-m", "helpers.maintainer.site", "--out", str(out)], cwd=clone)
    assert result.returncode == 2 and "my-notes.txt" in result.stderr
    assert (out / "my-notes.txt").read_text() == "mine" and (out / "index.html").is_file()


def test_re_recording_an_edited_lecture_refuses_and_changes_nothing(clone):
    path = clone / "notebooks" / "00_setup.ipynb"
    notebook = nbformat.read(path, as_version=4)
    setup = next(cell for cell in notebook.cells if "setup" in cell.metadata.get("tags", []))
    setup.source = setup_cell_source().replace("seed=0", "seed=42")  # the course's cell, edited
    notebook.cells[-1].metadata["slideshow"] = {"slide_type": "skip"}
    nbformat.write(notebook, path)
    before = path.read_bytes()
    result = run([sys.executable, "-m", "helpers.maintainer.record", "notebooks/00_setup.ipynb"], cwd=clone)
    assert result.returncode == 2, result.stdout + result.stderr
    for words in ("not re-recorded, nothing changed (cells counted from 1)",
                  "the setup cell (cell 3, tagged 'setup')", "seed=42",
                  "--reset-setup-cell", "--keep-setup-cell", "stored 'skip'", "--reset-slides", "--keep-slides"):
        assert words in result.stderr, f"{words!r} missing from: {result.stderr}"
    assert path.read_bytes() == before
    subprocess.run(["git", "checkout", "--quiet", "--", "notebooks"], cwd=clone, check=True)

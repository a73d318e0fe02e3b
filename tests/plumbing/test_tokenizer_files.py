"""The offline GPT-2 tokenizer: shipped files verified, found by tiktoken, Windows line endings repaired, an
unwritable cache replaced, clear errors when the files are broken (more in
tests/plumbing/test_bad_inputs_plumbing.py)."""
import hashlib
import os
import shutil
import subprocess
import sys

import pytest
import tiktoken.load

from helpers.course import ROOT
from helpers.tokenizer_files import CHECKOUT_FIX, GPT2_DIR, GPT2_FILES, install_gpt2_files, verified_gpt2_file

# What every lecture does: the setup cell's helpers.setup() (here its file step), then tiktoken's own call.
ENCODE = ("import helpers, tiktoken; helpers.install_gpt2_files(); "
          "print(tiktoken.get_encoding('gpt2').encode('I love LLMs'))")
URL = "https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/vocab.bpe"


def run_python(code, env_changes, cwd=ROOT):
    env = dict(os.environ, **env_changes)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("cache_value", ["EMPTY_DIR", ""])
def test_get_encoding_works_offline_from_an_empty_cache(tmp_path, cache_value):
    out = run_python(ENCODE, {"TIKTOKEN_CACHE_DIR": str(tmp_path) if cache_value else ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[40, 1842, 27140, 10128]"


@pytest.mark.slow  # a fresh interpreter
def test_importing_helpers_writes_nothing_and_loads_nothing_heavy(tmp_path):
    code = ("import os, sys, helpers, helpers.course; "
            "print(sorted(m for m in ('torch', 'tiktoken', 'matplotlib.pyplot') if m in sys.modules), "
            "os.listdir(os.environ['TIKTOKEN_CACHE_DIR']))")
    out = run_python(code, {"TIKTOKEN_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"


@pytest.mark.slow  # a fresh interpreter
def test_gpt2_installs_the_files_on_first_use(tmp_path):
    out = run_python("import helpers; print(helpers.gpt2().encode('I love LLMs'))",
                     {"TIKTOKEN_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[40, 1842, 27140, 10128]" and len(os.listdir(tmp_path)) == len(GPT2_FILES)


def test_install_fills_the_cache_under_tiktokens_key(tmp_path):
    install_gpt2_files(cache_dir=tmp_path)
    cached = tmp_path / hashlib.sha1(URL.encode()).hexdigest()
    assert cached.read_bytes() == (GPT2_DIR / "vocab.bpe").read_bytes()


def test_a_crlf_copy_is_used_with_lf_and_the_warning_says_how_to_repair(tmp_path, monkeypatch):
    for name in GPT2_FILES:
        (tmp_path / name).write_bytes((GPT2_DIR / name).read_bytes().replace(b"\n", b"\r\n"))
    with pytest.warns(UserWarning, match="Windows line endings.*" + CHECKOUT_FIX.replace("-", r"\-")):
        data = verified_gpt2_file("vocab.bpe", tmp_path)
    assert data == (GPT2_DIR / "vocab.bpe").read_bytes()
    with pytest.warns(UserWarning, match="CRLF"):
        install_gpt2_files(tmp_path, cache_dir=tmp_path / "cache")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))  # tiktoken itself accepts what we cached
    assert tiktoken.load.read_file_cached(URL, GPT2_FILES["vocab.bpe"]) == data


@pytest.mark.slow
@pytest.mark.parametrize("how", ["below a file", "read-only folder"])
def test_an_unwritable_tiktoken_cache_dir_falls_back_and_says_so(tmp_path, how):
    if how == "below a file":
        (tmp_path / "a-file").write_text("x")
        cache = tmp_path / "a-file" / "cache"
    else:
        if os.geteuid() == 0:
            pytest.skip("root can write into read-only folders")
        cache = tmp_path / "read-only"
        cache.mkdir()
        cache.chmod(0o555)
    code = ENCODE + "; import os; print(os.environ['TIKTOKEN_CACHE_DIR'])"
    out = run_python(code, {"TIKTOKEN_CACHE_DIR": str(cache)})
    assert out.returncode == 0, out.stderr
    ids, used = out.stdout.strip().splitlines()
    assert ids == "[40, 1842, 27140, 10128]" and used != str(cache)
    assert f"TIKTOKEN_CACHE_DIR={cache}" in out.stderr and "cannot be written" in out.stderr
    assert "set TIKTOKEN_CACHE_DIR to a folder you can write to" in out.stderr


@pytest.mark.slow
def test_a_read_only_cache_that_already_holds_the_files_is_used_as_it_is(tmp_path):
    install_gpt2_files(cache_dir=tmp_path)
    if os.geteuid() != 0:
        tmp_path.chmod(0o555)
    out = run_python(ENCODE, {"TIKTOKEN_CACHE_DIR": str(tmp_path)})
    tmp_path.chmod(0o755)
    assert out.returncode == 0 and "cannot be written" not in out.stderr, out.stderr


def make_repository(folder, with_gitattributes):
    """A git repository holding data/gpt2 (and the course's .gitattributes if asked), committed."""
    shutil.copytree(GPT2_DIR, folder / "data" / "gpt2")
    if with_gitattributes:
        shutil.copy(ROOT / ".gitattributes", folder / ".gitattributes")
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "core.autocrlf=false"]
    for args in (["init", "--quiet"], ["add", "."], ["commit", "--quiet", "-m", "data"]):
        subprocess.run([*git, *args], cwd=folder, check=True)
    return folder


def autocrlf_clone(tmp_path, with_gitattributes):
    """A clone made as Git for Windows makes it (core.autocrlf=true) of a repository holding GPT-2's files."""
    origin = make_repository(tmp_path / "origin", with_gitattributes=with_gitattributes)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "-c", "core.autocrlf=true", str(origin), str(clone)], check=True)
    return clone


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_advice_repairs_a_clone_made_without_gitattributes(tmp_path):
    clone = autocrlf_clone(tmp_path, with_gitattributes=False)
    assert b"\r\n" in (clone / "data" / "gpt2" / "vocab.bpe").read_bytes(), "git for Windows' conversion"
    subprocess.run(CHECKOUT_FIX.split(), cwd=clone, check=True)
    for name in GPT2_FILES:
        assert (clone / "data" / "gpt2" / name).read_bytes() == (GPT2_DIR / name).read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_with_the_gitattributes_an_autocrlf_clone_is_byte_for_byte(tmp_path):
    clone = autocrlf_clone(tmp_path, with_gitattributes=True)
    for name in GPT2_FILES:
        assert (clone / "data" / "gpt2" / name).read_bytes() == (GPT2_DIR / name).read_bytes()

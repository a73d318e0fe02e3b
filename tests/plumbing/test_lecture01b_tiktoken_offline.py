"""Lecture 1b: GPT-4's and GPT-4o's tokenizers offline through the real tiktoken, from rank files that have
tiktoken's own SHA-256; the js-tiktoken converter; clear errors for missing or corrupted files."""
import hashlib
import inspect
import json
import os
import re
import subprocess
import sys

import pytest
import tiktoken.load
import tiktoken_ext.openai_public as openai_public

from helpers.course import ROOT
from helpers.maintainer import convert_js_tiktoken
from helpers.tokenizer_files import (
    TIKTOKEN_DIR,
    TIKTOKEN_FILES,
    TokenizerFilesError,
    encoding,
    install_tiktoken_files,
    verified_tiktoken_file,
)

URLS = {"cl100k_base.tiktoken": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "o200k_base.tiktoken": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"}


def tiktokens_expected_hash(name):
    """The expected_hash that tiktoken itself passes when it loads this encoding (read from its source)."""
    source = inspect.getsource(getattr(openai_public, name.removesuffix(".tiktoken")))
    return re.search(r'expected_hash="([0-9a-f]{64})"', source).group(1)


@pytest.mark.parametrize("name", sorted(TIKTOKEN_FILES))
def test_shipped_file_has_tiktokens_hash_and_tiktoken_accepts_it_from_the_cache(name, tmp_path, monkeypatch):
    data = (TIKTOKEN_DIR / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == tiktokens_expected_hash(name)
    install_tiktoken_files(cache_dir=tmp_path)
    assert (tmp_path / hashlib.sha1(URLS[name].encode()).hexdigest()).read_bytes() == data
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # tiktoken's own reader checks the hash again
    assert tiktoken.load.read_file_cached(URLS[name], tiktokens_expected_hash(name)) == data


@pytest.mark.slow
def test_get_encoding_o200k_and_cl100k_work_with_the_network_blocked_from_an_empty_cache(tmp_path):
    code = ("import tiktoken; from helpers.tokenizer_files import install_tiktoken_files; install_tiktoken_files(); "
            "print(tiktoken.get_encoding('o200k_base').encode('Hello world!'), "
            "tiktoken.get_encoding('cl100k_base').encode('Hello world!'))")
    env = dict(os.environ, TIKTOKEN_CACHE_DIR=str(tmp_path))  # PYTHONPATH carries tests/offline: no network
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[13225, 2375, 0] [9906, 1917, 0]"


def test_encoding_loads_each_shipped_encoding_and_refuses_others():
    assert encoding("o200k_base").encode(" SolidGoldMagikarp") != encoding("gpt2").encode(" SolidGoldMagikarp")
    assert encoding("gpt2").encode(" SolidGoldMagikarp") == [43453]
    for wrong in ("o200k_harmony", ["gpt2"], None):
        with pytest.raises(ValueError, match="not shipped.*o200k_base"):
            encoding(wrong)


def js_module(tiktoken_bytes: bytes, per_line: int = 777) -> str:
    """js-tiktoken's compressed module for a .tiktoken file: lines `! <first rank> <token> <token> ...`."""
    tokens = [line.split()[0] for line in tiktoken_bytes.decode().splitlines()]
    lines = [f"! {start} " + " ".join(tokens[start:start + per_line]) for start in range(0, len(tokens), per_line)]
    return "export default " + json.dumps({"pat_str": "x", "special_tokens": {}, "bpe_ranks": "\n".join(lines)})


def test_converter_rebuilds_the_exact_file_and_refuses_a_wrong_hash(tmp_path):
    for name in TIKTOKEN_FILES:
        (tmp_path / name.replace(".tiktoken", ".js")).write_text(js_module((TIKTOKEN_DIR / name).read_bytes()))
    assert convert_js_tiktoken.main([str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    for name in TIKTOKEN_FILES:
        assert (tmp_path / "out" / name).read_bytes() == (TIKTOKEN_DIR / name).read_bytes()
    first, second, *rest = (TIKTOKEN_DIR / "cl100k_base.tiktoken").read_bytes().splitlines(keepends=True)
    broken = b"".join([second, first, *rest])                   # two tokens swap ranks
    (tmp_path / "cl100k_base.js").write_text(js_module(broken))
    assert convert_js_tiktoken.main([str(tmp_path), "--out", str(tmp_path / "again")]) == 1
    assert not (tmp_path / "again").exists()


def test_missing_corrupted_and_crlf_rank_files(tmp_path):
    name = "o200k_base.tiktoken"
    with pytest.raises(TokenizerFilesError, match="missing.*convert_js_tiktoken"):
        verified_tiktoken_file(name, tmp_path)
    good = (TIKTOKEN_DIR / name).read_bytes()
    (tmp_path / name).write_bytes(good[:-10])
    with pytest.raises(TokenizerFilesError, match="corrupted"):
        verified_tiktoken_file(name, tmp_path)
    (tmp_path / name).write_bytes(good.replace(b"\n", b"\r\n"))
    assert verified_tiktoken_file(name, tmp_path) == good
    with pytest.raises(ValueError, match="not one of the shipped"):
        verified_tiktoken_file("p50k_base.tiktoken")

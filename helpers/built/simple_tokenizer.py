"""Lecture 1's word-level tokenizer: a regex split, a vocabulary from a corpus, and encode/decode with <|unk|>.

Lecture 2 trains word embeddings on the course corpus with these same tokens. Input checks live in
helpers/validation/tokenizers.py; refusing an unknown word when the vocabulary has no <|unk|> is the tokenizer's own
behaviour, so it stays here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import torch

from helpers import validation
from helpers.tokenizer_files import ENDOFTEXT

UNK = "<|unk|>"
SPECIAL_TOKENS = (UNK, ENDOFTEXT)
_TOKEN = re.compile(r"<\|\w+\|>|\w+|[^\w\s]")      # a special token, a run of letters/digits, or one symbol
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([^\w\s<])")


def split_words(text: str) -> list[str]:
    """Split text into words and single punctuation marks; whitespace is dropped (and cannot come back)."""
    return _TOKEN.findall(validation.split_words_text(text))


def build_vocab(tokens: Iterable[str], specials: Sequence[str] = SPECIAL_TOKENS) -> dict[str, int]:
    """Token → id: the special tokens first, then every distinct token in sorted order."""
    tokens, specials = validation.build_vocab_arguments(tokens, specials, SPECIAL_TOKENS)
    vocab = {token: i for i, token in enumerate(specials)}
    for token in sorted(set(tokens) - set(specials)):
        vocab[token] = len(vocab)
    return vocab


class SimpleTokenizer:
    """Encode text to ids with a fixed vocabulary; unknown words become <|unk|> when the vocabulary has it."""

    def __init__(self, vocab: dict[str, int]) -> None:
        validation.word_vocabulary(vocab)
        self.str_to_id = dict(vocab)
        self.id_to_str = {int(i): token for token, i in vocab.items()}

    def encode(self, text: str) -> list[int]:
        tokens = split_words(validation.words_to_encode(text))
        unknown = [t for t in tokens if t not in self.str_to_id]
        if unknown and UNK not in self.str_to_id:
            raise ValueError(f"{unknown[0]!r} is not in the vocabulary ({len(unknown)} unknown token(s)). Add "
                             f"{UNK!r} to the vocabulary to map unknown words to it, or build the vocabulary "
                             "from a text that contains the word.")
        return [self.str_to_id[t] if t in self.str_to_id else self.str_to_id[UNK] for t in tokens]

    def decode(self, ids: Iterable[int] | torch.Tensor) -> str:
        ids = validation.known_ids(ids, self.id_to_str)
        return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(self.id_to_str[i] for i in ids))


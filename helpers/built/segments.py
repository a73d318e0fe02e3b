"""BERT-style sentence pairs: `[CLS] A [SEP] B [SEP]` with token_type_ids (0 for A, 1 for B) and batches of them
(their pictures are in helpers.plotting: segment_strip, batch_strips, shared_scale_heatmaps).

Lecture 5 writes `make_pair`, `truncate_longest_first` and `encode_batch` in the notebook; these are the reusable
versions later lectures import (a unit test checks that both agree, and tests/built/test_production_bert.py that
`encode_batch` equals BERT's own tokenizer). `pad_pairs` is the reference for Lecture 5's padding exercise.
Input checks live in helpers/validation/segments.py, so the code here reads like the production code it mirrors.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from helpers import validation

CLS, SEP, PAD = "[CLS]", "[SEP]", "[PAD]"
SPECIALS = 3  # a pair adds [CLS] and two [SEP]


def make_pair(tokens_a: Sequence[str | int], tokens_b: Sequence[str | int]
              ) -> tuple[list[str | int], list[int]]:
    """`[CLS] A [SEP] B [SEP]` and its token_type_ids: 0 for [CLS], A and the first [SEP]; 1 for B and the last [SEP].

    A and B may be token strings or token ids; [CLS] and [SEP] are inserted as strings.
    """
    tokens_a, tokens_b = validation.pair_texts(tokens_a, tokens_b, (CLS, SEP))
    tokens = [CLS, *tokens_a, SEP, *tokens_b, SEP]
    token_type_ids = [0] * (len(tokens_a) + 2) + [1] * (len(tokens_b) + 1)
    return tokens, token_type_ids


def truncate_longest_first(tokens_a: Sequence[Any], tokens_b: Sequence[Any], budget: int
                           ) -> tuple[list[Any], list[Any]]:
    """Cut A and B to at most `budget` tokens together, as BERT's (Rust) tokenizer does with 'longest_first'.

    The shorter text is kept whole if it fits in half the budget and the longer one gets the rest; otherwise
    each gets half, and an odd budget's extra token goes to the longer text (to B when both are as long).
    Tokens are cut from the end of each text.
    """
    tokens_a, tokens_b, budget = validation.truncation_arguments(tokens_a, tokens_b, budget, (CLS, SEP))
    if len(tokens_a) + len(tokens_b) <= budget:
        return tokens_a, tokens_b
    short = min(len(tokens_a), len(tokens_b))
    if 2 * short <= budget:
        keep_short, keep_long = short, budget - short
    else:
        keep_short, keep_long = budget // 2, budget - budget // 2
    keep_a, keep_b = (keep_short, keep_long) if len(tokens_a) <= len(tokens_b) else (keep_long, keep_short)
    return tokens_a[:keep_a], tokens_b[:keep_b]


def pad_pairs(pairs: Sequence[tuple[object, object]], length: int | None = None, pad_id: int = 0
              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad encoded pairs on the right to `length` (default: the longest): input_ids, token_type_ids, attention_mask.

    Each pair is (input_ids, token_type_ids) of one `[CLS] A [SEP] B [SEP]`. Pads get id `pad_id`, token type 0
    and attention mask 0, as in BERT's tokenizer; real tokens get mask 1. A pair longer than `length` is
    refused: cutting it here would drop its final [SEP] (truncate the texts before building the pair).
    All three results have shape (batch, length) and dtype int64.
    """
    rows, length, pad_id = validation.pad_arguments(pairs, length, pad_id)
    input_ids = torch.full((len(rows), length), pad_id, dtype=torch.long)
    token_type_ids = torch.zeros(len(rows), length, dtype=torch.long)
    attention_mask = torch.zeros(len(rows), length, dtype=torch.long)
    for n, (ids, types) in enumerate(rows):
        input_ids[n, :len(ids)], token_type_ids[n, :len(ids)], attention_mask[n, :len(ids)] = ids, types, 1
    return input_ids, token_type_ids, attention_mask


def encode_batch(pairs: Sequence[tuple[Sequence[str], Sequence[str]]], vocab: Mapping[str, int],
                 max_length: int | None = None) -> dict[str, torch.Tensor]:
    """Token pairs -> BERT's batch: input_ids, token_type_ids, attention_mask, each (batch, seq_len), int64.

    What `tokenizer(texts_a, texts_b, padding=True, truncation=True, max_length=max_length)` returns, for
    texts already split into WordPiece tokens: A and B cut 'longest_first' to fit max_length with the three
    special tokens, made into `[CLS] A [SEP] B [SEP]`, then padded on the right with [PAD] to the longest pair.
    """
    max_length = validation.encode_batch_arguments(pairs, vocab, max_length, PAD, SPECIALS)
    rows = []
    for n, (tokens_a, tokens_b) in enumerate(pairs):
        if max_length is not None:
            tokens_a, tokens_b = truncate_longest_first(tokens_a, tokens_b, max_length - SPECIALS)
        tokens, types = make_pair(tokens_a, tokens_b)
        validation.in_vocabulary(tokens, vocab, f"pairs[{n}]")
        rows.append(([vocab[t] for t in tokens], types))
    input_ids, token_type_ids, attention_mask = pad_pairs(rows, pad_id=vocab[PAD])
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask}

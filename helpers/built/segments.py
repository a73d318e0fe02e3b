"""BERT-style sentence pairs: `[CLS] A [SEP] B [SEP]` with token_type_ids (0 for A, 1 for B) and batches of them
(their pictures are in helpers.plotting: segment_strip, batch_strips, shared_scale_heatmaps).

Lecture 5 writes `make_pair`, `truncate_longest_first` and `encode_batch` in the notebook; these are the reusable
versions later lectures import (a unit test checks that both agree, and tests/built/test_production_bert.py that
`encode_batch` equals BERT's own tokenizer). `pad_pairs` is the reference for Lecture 5's padding exercise.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from helpers.validation import INT64_LIMIT, ids_row, token_list, whole_number

CLS, SEP, PAD = "[CLS]", "[SEP]", "[PAD]"
SPECIALS = 3  # a pair adds [CLS] and two [SEP]


def make_pair(tokens_a: Sequence[str | int], tokens_b: Sequence[str | int]
              ) -> tuple[list[str | int], list[int]]:
    """`[CLS] A [SEP] B [SEP]` and its token_type_ids: 0 for [CLS], A and the first [SEP]; 1 for B and the last [SEP].

    A and B may be token strings or token ids; [CLS] and [SEP] are inserted as strings.
    """
    tokens_a, tokens_b = token_list(tokens_a, "tokens_a", (CLS, SEP)), token_list(tokens_b, "tokens_b", (CLS, SEP))
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
    tokens_a, tokens_b = token_list(tokens_a, "tokens_a", (CLS, SEP)), token_list(tokens_b, "tokens_b", (CLS, SEP))
    budget = whole_number(budget, "budget (tokens left for A and B after [CLS] and two [SEP])", minimum=0)
    if len(tokens_a) + len(tokens_b) <= budget:
        return tokens_a, tokens_b
    short = min(len(tokens_a), len(tokens_b))
    if 2 * short <= budget:
        keep_short, keep_long = short, budget - short
    else:
        keep_short, keep_long = budget // 2, budget - budget // 2
    keep_a, keep_b = (keep_short, keep_long) if len(tokens_a) <= len(tokens_b) else (keep_long, keep_short)
    return tokens_a[:keep_a], tokens_b[:keep_b]


MAX_BATCH_BYTES = 4 * 2**30  # pad_pairs refuses a `length` whose three int64 tensors would need more memory than this


def pad_pairs(pairs: Sequence[tuple[object, object]], length: int | None = None, pad_id: int = 0
              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad encoded pairs on the right to `length` (default: the longest): input_ids, token_type_ids, attention_mask.

    Each pair is (input_ids, token_type_ids) of one `[CLS] A [SEP] B [SEP]`. Pads get id `pad_id`, token type 0
    and attention mask 0, as in BERT's tokenizer; real tokens get mask 1. A pair longer than `length` is
    refused: cutting it here would drop its final [SEP] (truncate the texts before building the pair).
    All three results have shape (batch, length) and dtype int64.
    """
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence) or not pairs:
        raise TypeError(f"pairs must be a non-empty list of (input_ids, token_type_ids) pairs, not "
                        f"{type(pairs).__name__} {pairs!r}.")
    rows = []
    for n, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"pairs[{n}] must be a pair (input_ids, token_type_ids), not {type(pair).__name__} "
                            f"{pair!r}.")
        ids, types = ids_row(pair[0], f"pairs[{n}] input_ids"), ids_row(pair[1], f"pairs[{n}] token_type_ids")
        if len(ids) and int(ids.min()) < 0:
            raise ValueError(f"pairs[{n}] input_ids holds {int(ids[ids < 0][0])}, but token ids are 0 or more (rows "
                             "of the vocabulary). Check that the ids came from the vocabulary.")
        if len(ids) != len(types):
            raise ValueError(f"pairs[{n}] has {len(ids)} input ids but {len(types)} token types: give one type "
                             f"per token.")
        if ((types != 0) & (types != 1)).any():
            raise ValueError(f"pairs[{n}] has token type {int(types[(types != 0) & (types != 1)][0])}: BERT's pairs "
                             f"use 0 for text A and 1 for text B only.")
        rows.append((ids, types))
    longest = max(len(ids) for ids, _ in rows)
    length = longest if length is None else whole_number(length, "length (the padded sequence length)")
    pad_id = whole_number(pad_id, "pad_id (BERT's [PAD] is 0)", minimum=0)
    if pad_id >= INT64_LIMIT:
        raise ValueError(f"pad_id={pad_id} is too large for a token id (ids are int64, below 2**63); BERT's [PAD] is "
                         "0.")
    needed = 3 * len(rows) * length * 8
    if needed > MAX_BATCH_BYTES:
        raise ValueError(f"length={length} for {len(rows)} pair(s) would need {needed / 2**30:,.0f} GiB for the three "
                         f"(batch, length) int64 tensors (the limit here is {MAX_BATCH_BYTES // 2**30} GiB). Use a "
                         f"length near the longest pair ({longest} tokens); BERT reads at most 512.")
    too_long = [n for n, (ids, _) in enumerate(rows) if len(ids) > length]
    if too_long:
        raise ValueError(f"pairs[{too_long[0]}] has {len(rows[too_long[0]][0])} tokens, more than length={length}. "
                         f"Use length >= {longest}, or truncate the texts before building the pairs "
                         f"(truncate_longest_first).")
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
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence) or not pairs:
        raise TypeError(f"pairs must be a non-empty list of (tokens_a, tokens_b) pairs, not {type(pairs).__name__} "
                        f"{pairs!r}.")
    if not isinstance(vocab, Mapping) or PAD not in vocab:
        raise TypeError(f"vocab must map tokens to ids and hold {PAD} (BERT's vocab.txt does: minilm.load_vocab()), "
                        f"not {type(vocab).__name__}.")
    if max_length is not None:
        max_length = whole_number(max_length, "max_length (a pair needs [CLS] and two [SEP])", minimum=SPECIALS)
    rows = []
    for n, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"pairs[{n}] must be a pair (tokens_a, tokens_b), not {type(pair).__name__} {pair!r}.")
        tokens_a, tokens_b = pair
        if max_length is not None:
            tokens_a, tokens_b = truncate_longest_first(tokens_a, tokens_b, max_length - SPECIALS)
        tokens, types = make_pair(tokens_a, tokens_b)
        unknown = [t for t in tokens if t not in vocab]
        if unknown:
            raise ValueError(f"pairs[{n}] holds {unknown[0]!r}, which is not in the vocabulary: split words into "
                             f"WordPiece tokens first (unknown ones become [UNK]).")
        rows.append(([vocab[t] for t in tokens], types))
    input_ids, token_type_ids, attention_mask = pad_pairs(rows, pad_id=vocab[PAD])
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask}

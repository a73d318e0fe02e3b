"""The checks of BERT-style sentence pairs (helpers/built/segments.py): token lists, pairs and padded batches."""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import torch

from helpers.validation.ids import INT64_LIMIT, ids_row
from helpers.validation.scalars import whole_number


def token_list(tokens: object, name: str, added: Sequence[str]) -> list[str | int]:
    """A text's tokens (all strings or all whole-number ids) as a list; `added` are special tokens the caller adds
    itself, so they may not appear in the text."""
    if isinstance(tokens, str):
        raise TypeError(f"{name} should be a list of tokens, not one string: split it first, e.g. "
                        f"{tokens[:20]!r}.split().")
    if isinstance(tokens, torch.Tensor):
        raise TypeError(f"{name} should be a list of tokens or ids, not a tensor: pass {name}.tolist().")
    if tokens is None or not isinstance(tokens, Sequence):
        raise TypeError(f"{name} should be a list of tokens (strings such as 'cat') or ids, not "
                        f"{type(tokens).__name__} {tokens!r}. Use [] for an empty text.")
    kinds = {isinstance(t, str) for t in tokens if not isinstance(t, bool)}
    odd = [t for t in tokens if isinstance(t, bool) or not isinstance(t, (str, numbers.Integral))]
    if odd:
        raise TypeError(f"{name} holds {odd[0]!r} ({type(odd[0]).__name__}); every token must be a string such as "
                        f"'cat' or a whole-number id such as 2368. Tokenize the text first.")
    if len(kinds) > 1:
        raise TypeError(f"{name} mixes token strings and ids: give all strings or all ids.")
    special = [t for t in tokens if t in added]
    if special:
        raise ValueError(f"{name} already holds {special[0]}: make_pair adds {' and '.join(added)} itself. "
                         f"Pass only the text's own tokens.")
    return [int(t) if isinstance(t, numbers.Integral) else t for t in tokens]


def pair_texts(tokens_a: object, tokens_b: object, added: Sequence[str]) -> tuple[list[str | int], list[str | int]]:
    """make_pair's texts A and B as token lists (see token_list); `added` are the special tokens it inserts."""
    return token_list(tokens_a, "tokens_a", added), token_list(tokens_b, "tokens_b", added)


def truncation_arguments(tokens_a: object, tokens_b: object, budget: object, added: Sequence[str]
                         ) -> tuple[list[str | int], list[str | int], int]:
    """truncate_longest_first's texts A and B as token lists, and its budget as a whole number of 0 or more."""
    tokens_a, tokens_b = pair_texts(tokens_a, tokens_b, added)
    return tokens_a, tokens_b, whole_number(budget, "budget (tokens left for A and B after [CLS] and two [SEP])",
                                            minimum=0)


MAX_BATCH_BYTES = 4 * 2**30  # pad_pairs refuses a `length` whose three int64 tensors would need more memory than this


def pad_arguments(pairs: object, length: object, pad_id: object
                  ) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], int, int]:
    """pad_pairs' inputs: the pairs as (ids, token types) rows of int64 tensors, the padded length (default: the
    longest pair; never shorter than a pair, never too large to allocate) and pad_id, a token id."""
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
    return rows, length, pad_id


def encode_batch_arguments(pairs: object, vocab: object, max_length: object, pad: str, specials: int) -> int | None:
    """encode_batch's inputs: a non-empty list of (tokens_a, tokens_b) pairs, a vocabulary holding `pad`, and
    max_length (None, or room for the `specials` tokens a pair adds), returned as an int."""
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence) or not pairs:
        raise TypeError(f"pairs must be a non-empty list of (tokens_a, tokens_b) pairs, not {type(pairs).__name__} "
                        f"{pairs!r}.")
    if not isinstance(vocab, Mapping) or pad not in vocab:
        raise TypeError(f"vocab must map tokens to ids and hold {pad} (BERT's vocab.txt does: minilm.load_vocab()), "
                        f"not {type(vocab).__name__}.")
    if max_length is not None:
        max_length = whole_number(max_length, "max_length (a pair needs [CLS] and two [SEP])", minimum=specials)
    for n, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"pairs[{n}] must be a pair (tokens_a, tokens_b), not {type(pair).__name__} {pair!r}.")
    return max_length


def in_vocabulary(tokens: Sequence[str | int], vocab: Mapping[str | int, int], where: str) -> None:
    """Refuse a pair's tokens when one is not in the vocabulary (the pair is named by `where`, e.g. pairs[2])."""
    unknown = [t for t in tokens if t not in vocab]
    if unknown:
        raise ValueError(f"{where} holds {unknown[0]!r}, which is not in the vocabulary: split words into "
                         f"WordPiece tokens first (unknown ones become [UNK]).")

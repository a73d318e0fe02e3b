"""BERT-style sentence pairs: `[CLS] A [SEP] B [SEP]` with token_type_ids (0 for A, 1 for B), batches of them, and
their pictures.

Lecture 5 writes `make_pair`, `truncate_longest_first` and `encode_batch` in the notebook; these are the reusable
versions later lectures import (a unit test checks that both agree, and tests/test_production_bert.py that
`encode_batch` equals BERT's own tokenizer). `pad_batch` is the reference for Lecture 5's padding exercise.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from helpers.plotting import DIVERGING_CMAP, OKABE_ITO, token_strip, visible
from helpers.validation import integer_ids, whole_number

CLS, SEP, PAD = "[CLS]", "[SEP]", "[PAD]"
SPECIALS = 3  # a pair adds [CLS] and two [SEP]
PAD_GREY = "#BBBBBB"


def _tokens(tokens: object, name: str) -> list[str | int]:
    """`tokens` as a list of token strings or token ids, or a clear error saying what to pass instead."""
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
    special = [t for t in tokens if t in (CLS, SEP)]
    if special:
        raise ValueError(f"{name} already holds {special[0]}: make_pair adds [CLS] and [SEP] itself. "
                         f"Pass only the text's own tokens.")
    return [int(t) if isinstance(t, numbers.Integral) else t for t in tokens]


def make_pair(tokens_a: Sequence[str | int], tokens_b: Sequence[str | int]
              ) -> tuple[list[str | int], list[int]]:
    """`[CLS] A [SEP] B [SEP]` and its token_type_ids: 0 for [CLS], A and the first [SEP]; 1 for B and the last [SEP].

    A and B may be token strings or token ids; [CLS] and [SEP] are inserted as strings.
    """
    tokens_a, tokens_b = _tokens(tokens_a, "tokens_a"), _tokens(tokens_b, "tokens_b")
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
    tokens_a, tokens_b = _tokens(tokens_a, "tokens_a"), _tokens(tokens_b, "tokens_b")
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


INT64_LIMIT = 2**63          # ids and pad_id must fit in torch.long
MAX_BATCH_BYTES = 4 * 2**30  # pad_batch refuses a `length` whose three int64 tensors would need more memory than this


def _ids_row(values: object, name: str) -> torch.Tensor:
    """One row of ids or token types as a 1-D int64 tensor (from a list, a tensor or a numpy array)."""
    if isinstance(values, np.ndarray):
        values = torch.from_numpy(values)
    if isinstance(values, torch.Tensor):
        values = integer_ids(values, name)
        if values.is_meta:
            raise ValueError(f"{name} are on the meta device, which holds no values (only a shape); use real ids on "
                             "the CPU, e.g. the lists from make_pair and the vocabulary.")
    elif isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list or 1-D tensor of whole numbers, not {type(values).__name__} "
                        f"{values!r}. Build the pair first (make_pair, then look the tokens up).")
    elif not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must hold whole numbers (ids or token types), not {list(values)[:5]!r}. "
                        f"Look the tokens up in the vocabulary first.")
    else:
        huge = [v for v in values if not -INT64_LIMIT <= v < INT64_LIMIT]
        if huge:
            raise ValueError(f"{name} holds {huge[0]}, too large for a token id (ids are int64, below 2**63; a real "
                             "vocabulary has fewer than a million). Check where the ids came from.")
    row = torch.as_tensor(values, dtype=torch.long)
    if row.dim() != 1:
        raise ValueError(f"{name} must be one row (1-D), but it has shape {tuple(row.shape)}. Pass one pair per row.")
    return row


def pad_batch(pairs: Sequence[tuple[object, object]], length: int | None = None, pad_id: int = 0
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
        ids, types = _ids_row(pair[0], f"pairs[{n}] input_ids"), _ids_row(pair[1], f"pairs[{n}] token_type_ids")
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
    input_ids, token_type_ids, attention_mask = pad_batch(rows, pad_id=vocab[PAD])
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask}


def _segment_ids(token_type_ids: Sequence[int], count: int) -> list[int]:
    types = list(token_type_ids.tolist() if isinstance(token_type_ids, torch.Tensor) else token_type_ids)
    if len(types) != count:
        raise ValueError(f"{count} tokens but {len(types)} token_type_ids: give one segment id per token.")
    bad = [t for t in types if isinstance(t, bool) or not isinstance(t, numbers.Integral) or t not in (0, 1)]
    if bad:
        raise ValueError(f"segment id {bad[0]!r} is out of range: BERT's pairs use 0 for text A and 1 for text B.")
    return types


def segment_strip(tokens: Sequence[str], token_type_ids: Sequence[int], *, title: str,
                  ax: Axes | None = None) -> Axes:
    """Draw tokens as boxes coloured by segment (blue A, orange B) with each token's segment id underneath."""
    types = _segment_ids(token_type_ids, len(tokens))
    ax = token_strip(tokens, types, title=title, ax=ax)
    for box, segment in zip(ax.patches, types):
        box.set_facecolor(OKABE_ITO[segment])
    return ax


def batch_strips(token_rows: Sequence[Sequence[str]], token_type_ids: object, attention_mask: object, *,
                 title: str) -> Figure:
    """A padded batch as a grid: one row per pair, one column per position; blue segment A, orange segment B,
    hatched grey [PAD] (mask 0). Under each token: its token type and attention mask, e.g. '0|1'.
    """
    def as_rows(values: object) -> list:
        return values.tolist() if isinstance(values, (torch.Tensor, np.ndarray)) else [list(row) for row in values]
    types, mask = as_rows(token_type_ids), as_rows(attention_mask)
    if not token_rows or not (len(token_rows) == len(types) == len(mask)):
        raise ValueError(f"Give one row of tokens, token types and mask per pair: got {len(token_rows)}, "
                         f"{len(types)} and {len(mask)}.")
    seq_len = len(token_rows[0])
    if any(len(row) != seq_len or len(t) != seq_len or len(m) != seq_len
           for row, t, m in zip(token_rows, types, mask)):
        raise ValueError("Every row of a padded batch has the same length: pad the pairs first.")
    width = max(len(visible(token)) for row in token_rows for token in row) * 0.075 + 0.25
    fig, ax = plt.subplots(figsize=(min(max(seq_len * width + 1.2, 4), 12.5), 0.75 * len(token_rows) + 1.1))
    for row, tokens in enumerate(token_rows):
        row_types = _segment_ids(types[row], seq_len)
        for position, (token, segment, keep) in enumerate(zip(tokens, row_types, mask[row])):
            ax.add_patch(FancyBboxPatch((position + 0.06, row - 0.3), 0.88, 0.42, boxstyle="round,pad=0.02",
                                        facecolor=OKABE_ITO[segment] if keep else PAD_GREY, alpha=0.4,
                                        hatch="" if keep else "///", edgecolor="black"))
            ax.text(position + 0.5, row - 0.09, visible(token), ha="center", va="center", fontsize=8,
                    family="monospace")
            ax.text(position + 0.5, row + 0.3, f"{segment}|{keep}", ha="center", va="center", fontsize=8,
                    color="#333333")
    ax.set_xlim(0, seq_len)
    ax.set_ylim(len(token_rows) - 0.5, -0.5)
    ax.set_xticks([p + 0.5 for p in range(seq_len)], [str(p) for p in range(seq_len)])
    ax.set_yticks(range(len(token_rows)), [f"pair {n}" for n in range(len(token_rows))])
    ax.set(xlabel="position (token type | attention mask under each token)", title=title)
    ax.grid(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def shared_scale_heatmaps(parts: Mapping[str, object], *, row_labels: Sequence[str], title: str,
                          xlabel: str = "dimension (d_model)", ylabel: str = "token") -> Figure:
    """Panels side by side on ONE diverging colour scale (one colour bar), so their values can be compared.

    Each part is a (rows, columns) matrix; integer ticks on the columns, `row_labels` on the rows.
    """
    matrices = {name: torch.as_tensor(part).detach().cpu().float() for name, part in parts.items()}
    shapes = {tuple(m.shape) for m in matrices.values()}
    if not matrices or len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError(f"Give 2-D parts of one shape to compare, got shapes {sorted(shapes)}.")
    rows = next(iter(shapes))[0]
    if len(row_labels) != rows:
        raise ValueError(f"{rows} rows but {len(row_labels)} row labels: give one label per row.")
    limit = max(float(m.abs().max()) for m in matrices.values()) or 1.0
    fig, axes = plt.subplots(1, len(matrices), figsize=(2.5 * len(matrices) + 1, 4.6), sharey=True, squeeze=False,
                             layout="constrained")
    for ax, (name, matrix) in zip(axes[0], matrices.items()):
        image = ax.imshow(matrix.numpy(), cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit, aspect="auto",
                          interpolation="nearest")
        ax.set(title=name, xlabel=xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(False)
    axes[0, 0].set_yticks(range(rows), list(row_labels))
    axes[0, 0].set_ylabel(ylabel)
    fig.suptitle(title)
    fig.colorbar(image, ax=list(axes[0]), label="value (one scale for every panel)", fraction=0.025, pad=0.02)
    return fig

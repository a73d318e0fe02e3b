"""Token ids at the API boundary: id tensors and id lists, their dtypes, and ids within a table's rows.

Each message names the argument, what it got and how to fix it, so a learner never meets a bare error from deep
inside torch.
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import torch

ID_DTYPES = (torch.int64, torch.int32)  # what nn.Embedding and indexing take; int8/int16/uint8 fail deep inside torch
TOO_SMALL = ("int8", "uint8", "int16")  # too small for GPT-2's ids (up to 50256): a cast to them wraps ids around
INT64_LIMIT = 2**63  # ids must fit in torch.long


def has_values(tensor: torch.Tensor, name: str) -> torch.Tensor:
    """`tensor` of ids unless it is on the meta device (a shape, no values): the course's one meta-device check."""
    if tensor.is_meta:
        raise ValueError(f"{name} are on the meta device, which holds no values (only a shape); use real ids on the "
                         "CPU, e.g. torch.tensor(enc.encode(text)).")
    return tensor


def integer_ids(ids: object, name: str = "ids", allow_meta: bool = False) -> torch.Tensor:
    """`ids` if it is a tensor of int64 or int32 ids (rows of a table) with values; otherwise explain how to make one.

    `allow_meta=True` accepts meta-device ids (only their shape is used, e.g. to count a module's output shape).
    """
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, not {type(ids).__name__}. "
                        f"Make one with torch.tensor({name}, dtype=torch.long).")
    if ids.dtype not in ID_DTYPES:
        kind = "vectors, not ids" if ids.dtype.is_floating_point else "ids in a dtype torch cannot index with"
        raise TypeError(f"{name} must hold token ids as torch.long (int64), not {ids.dtype} ({kind}). "
                        f"Convert with {name}.long(), or check that you passed ids and not embeddings.")
    return ids if allow_meta else has_values(ids, name)


def id_list(ids: object, caller: str = "decode") -> list[int]:
    """A list of int ids from a list (numpy ints allowed) or a 1-D integer numpy array or tensor.

    Anything else gets a clear error: floats, bools, text, 2-D ids, and dtypes too small to hold token ids
    (int8, uint8, int16: a cast to them silently wraps large ids around).
    """
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(f"{caller} needs a list of int ids, not {type(ids).__name__}. "
                        "To get ids from text, use encode.")
    if isinstance(ids, torch.Tensor) or hasattr(ids, "dtype") and hasattr(ids, "ndim"):  # a tensor or numpy array
        kind = str(ids.dtype).removeprefix("torch.")
        if isinstance(ids, torch.Tensor):
            has_values(ids, f"the ids {caller} got")
        if ids.ndim != 1:
            raise ValueError(f"{caller} takes one sequence of ids, not shape {tuple(ids.shape)}; pass one row, "
                             "e.g. ids[0].")
        if kind in TOO_SMALL:
            raise TypeError(f"Token ids must be int64 or int32, not {kind}: {kind} is too small for token ids "
                            "(a cast to it wraps large ids around). Keep the ids as torch.long (int64) from "
                            "the tokenizer on.")
        if "int" not in kind:
            raise TypeError(f"Token ids must be integers (e.g. int64), not {kind}. If they are whole numbers, "
                            "convert them (tensor.long(), array.astype('int64')); check that you passed ids, not "
                            "vectors.")
        return [int(i) for i in ids.tolist()]
    ids = list(ids)
    for position, token_id in enumerate(ids):
        if isinstance(token_id, bool) or not isinstance(token_id, numbers.Integral):
            raise TypeError(f"Token ids must be ints, but position {position} holds {token_id!r} "
                            f"({type(token_id).__name__}).")
    return [int(token_id) for token_id in ids]


def ids_within(ids: torch.Tensor | Sequence[int], size: int, what: str, table: str, fix: str) -> None:
    """Refuse ids outside rows 0..size-1 of a table, naming the first bad one (meta or empty ids: nothing to check)."""
    if isinstance(ids, torch.Tensor):
        if ids.numel() == 0 or ids.is_meta:
            return
        low, high = int(ids.min()), int(ids.max())
    elif not ids:
        return
    else:
        low, high = min(ids), max(ids)
    if low < 0 or high >= size:
        bad = low if low < 0 else high
        raise ValueError(f"{what} {bad} is outside {table}, which has rows 0..{size - 1}. {fix}")


def ids_row(values: object, name: str) -> torch.Tensor:
    """One row of ids or token types as a 1-D int64 tensor (from a list, a tensor or a numpy array)."""
    if isinstance(values, np.ndarray):
        values = torch.from_numpy(values)
    if isinstance(values, torch.Tensor):
        values = integer_ids(values, name)
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


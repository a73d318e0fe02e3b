"""The checks every public function shares, with one wording: whole numbers, even sizes and integer id tensors.

Non-integers raise TypeError, integers out of range raise ValueError; each message names the argument, what it
got and how to fix it, so a learner never meets a bare error from deep inside torch.
"""
from __future__ import annotations

import numbers

import torch

ID_DTYPES = (torch.int64, torch.int32)  # what nn.Embedding and indexing take; int8/int16/uint8 fail deep inside torch


def whole_number(value: object, name: str, minimum: int = 1) -> int:
    """`value` as an int if it is a whole number (numpy ints too) of at least `minimum`, else a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number such as {max(minimum, 4)}, not {type(value).__name__} "
                        f"{value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}.")
    return int(value)


def positive_even(value: object, name: str) -> int:
    """`value` as an int if it is a positive even whole number (dimensions that come in pairs), else a clear error."""
    value = whole_number(value, name)
    if value % 2:
        raise ValueError(f"{name} must be even (dimensions come in sin/cos or rotation pairs), not {value}. "
                         f"Use {value + 1} or {value - 1 if value > 1 else 2}.")
    return value


def integer_ids(ids: object, name: str = "ids") -> torch.Tensor:
    """`ids` if it is a tensor of int64 or int32 ids (rows of a table); otherwise explain how to make one."""
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, not {type(ids).__name__}. "
                        f"Make one with torch.tensor({name}, dtype=torch.long).")
    if ids.dtype not in ID_DTYPES:
        kind = "vectors, not ids" if ids.dtype.is_floating_point else "ids in a dtype torch cannot index with"
        raise TypeError(f"{name} must hold token ids as torch.long (int64), not {ids.dtype} ({kind}). "
                        f"Convert with {name}.long(), or check that you passed ids and not embeddings.")
    return ids

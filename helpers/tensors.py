"""Describe a tensor the way the lectures talk about it: named dimensions, dtype, device."""
from __future__ import annotations

from collections.abc import Sequence

import torch


def shape_str(tensor: torch.Tensor, dims: str | Sequence[str]) -> str:
    """`(batch=8, seq_len=4, d_model=256)` for a tensor of shape (8, 4, 256) and dims "batch seq_len d_model"."""
    if not isinstance(tensor, torch.Tensor):
        fix = "torch.from_numpy(...)" if type(tensor).__module__ == "numpy" else "torch.tensor(...)"
        raise TypeError(f"Expected a torch.Tensor, got {type(tensor).__name__}. Convert it with {fix}.")
    if isinstance(dims, str):
        names = dims.split()
    elif isinstance(dims, Sequence) and all(isinstance(n, str) for n in dims):
        names = list(dims)
    else:
        raise TypeError(f"The dimension names must be a string such as 'batch seq_len' or a list of strings, not "
                        f"{type(dims).__name__} {dims!r}.")
    if len(names) != tensor.dim():
        raise ValueError(f"The tensor has {tensor.dim()} dimensions {tuple(tensor.shape)} but {len(names)} "
                         f"names were given ({' '.join(names) or 'none'}). Give one name per dimension.")
    return "(" + ", ".join(f"{n}={s}" for n, s in zip(names, tensor.shape)) + ")"


def describe(tensor: torch.Tensor, dims: str | Sequence[str], name: str = "tensor") -> None:
    """Print `name: (batch=8, seq_len=4) int64 on cpu` for a tensor and its dimension names."""
    shape = shape_str(tensor, dims)
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'x', not {type(name).__name__} {name!r}.")
    print(f"{name}: {shape} {str(tensor.dtype).removeprefix('torch.')} on {tensor.device.type}")

"""Seed every random number generator the course uses, so every run prints the same numbers."""
from __future__ import annotations

import numbers
import random

import numpy as np
import torch


def seed_everything(seed: int = 0) -> None:
    """Seed Python's `random`, NumPy and PyTorch (all devices) with one integer.

    Create random tensors on the CPU and then move them (`torch.randn(3).to(device)`): CUDA and MPS generators
    differ from the CPU's. On CPUs, float64 draws are the same whatever the kernels; float32 draws of 16 or more
    values can differ in their last bits between torch's default and AVX kernels.
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"The seed must be a whole number such as 0 or 42, not {type(seed).__name__} {seed!r}.")
    if not 0 <= seed < 2**32:
        raise ValueError(f"The seed must be between 0 and 2**32 - 1 (NumPy's limit), not {seed}. Use e.g. 0 or 42.")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

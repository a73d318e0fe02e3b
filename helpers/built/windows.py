"""Training examples from one long id sequence: sliding windows as views (no copies), batched by PyTorch's DataLoader.

Lecture 1 builds these; later lectures import them. `sliding_windows` returns strided views of the id
tensor, so (4, 1) windows over 500,000 ids cost no memory beyond the ids themselves. `WindowDataset` is a
standard map-style `torch.utils.data.Dataset` (window k -> (inputs, targets), two views), and `window_loader`
returns a plain `torch.utils.data.DataLoader` over it: every argument means what PyTorch documents.
"""
from __future__ import annotations

import operator
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from helpers.validation import dataloader_options, flag, integer_ids, whole_number


def check_ids(ids: object) -> torch.Tensor:
    """Return `ids` if it is a 1-D tensor of non-negative integer token ids; otherwise explain how to make one."""
    ids = integer_ids(ids)
    if ids.dim() != 1:
        raise ValueError(f"ids must be one long 1-D sequence, not shape {tuple(ids.shape)}. "
                         "Join your texts first, e.g. ids.flatten() or torch.cat([...]).")
    if len(ids) and int(ids.min()) < 0:
        position = int((ids < 0).nonzero()[0, 0])
        raise ValueError(f"ids must be token ids (0 or more), but position {position} holds {int(ids[position])}. "
                         "Check that the ids came from a tokenizer (negative numbers are never token ids).")
    return ids


def sliding_windows(ids: torch.Tensor, context_length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets, each (num_windows, context_length), as views of `ids` (nothing copied).

    Window k starts at k * stride; targets are the inputs shifted one id to the right. A stride longer than
    the text gives one window.
    """
    ids = check_ids(ids)
    context_length = whole_number(context_length, "context_length")
    stride = whole_number(stride, "stride")
    if len(ids) < context_length + 1:
        raise ValueError(f"context_length={context_length} needs at least {context_length + 1} ids (the inputs "
                         f"plus one next-token target), but the text has only {len(ids)}. Use a smaller "
                         "context_length or a longer text.")
    step = min(stride, len(ids))  # any stride past the text's end gives the same single window (and no overflow)
    return ids[:-1].unfold(0, context_length, step), ids[1:].unfold(0, context_length, step)


class WindowDataset(Dataset):
    """A standard map-style PyTorch Dataset: `dataset[k]` is window k as (inputs, targets), two views of the ids.

    PyTorch's DataLoader draws the indices and stacks a batch of windows into (batch_size, context_length).
    """

    def __init__(self, ids: torch.Tensor, context_length: int, stride: int) -> None:
        self.inputs, self.targets = sliding_windows(ids, context_length, stride)
        self._count = len(self.inputs)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        if type(index) is not int:  # the DataLoader passes ints; accept numpy ints and 0-d integer tensors too
            index = _window_index(index)
        if not -self._count <= index < self._count:
            raise IndexError(f"Window {index} does not exist: this dataset has {self._count} windows "
                             f"(0 to {self._count - 1}).")
        return self.inputs[index], self.targets[index]


def _window_index(index: object) -> int:
    try:
        if isinstance(index, bool):
            raise TypeError
        return operator.index(index)
    except TypeError:
        raise TypeError(f"A WindowDataset is indexed by one whole number (a window), not {type(index).__name__}; "
                        "for batches, use a DataLoader (window_loader).") from None


def window_loader(ids: torch.Tensor, batch_size: int, context_length: int, stride: int, shuffle: bool = False,
                  seed: int = 0, drop_last: bool = False, **dataloader_kwargs: Any) -> DataLoader:
    """PyTorch's own DataLoader over `WindowDataset(ids, context_length, stride)`: batches of (inputs, targets),
    each (batch_size, context_length).

    `batch_size`, `shuffle`, `drop_last` and any other keyword (`num_workers`, `pin_memory`, `collate_fn`, ...)
    mean what `torch.utils.data.DataLoader` documents. The order is drawn from a `torch.Generator` seeded with
    `seed`: `shuffle=True` gives a new order each pass, and the same sequence of orders every time.
    """
    dataset = WindowDataset(ids, context_length, stride)
    batch_size = whole_number(batch_size, "batch_size")
    flag(shuffle, "shuffle")
    flag(drop_last, "drop_last")
    dataloader_kwargs = dataloader_options(dataloader_kwargs, shuffle)
    seed = whole_number(seed, "seed", minimum=0)
    if seed >= 2**63:
        raise ValueError(f"seed must be below 2**63 (a torch.Generator seed is a 64-bit integer), not {seed}.")
    if drop_last and len(dataset) < batch_size:
        raise ValueError(f"drop_last=True with batch_size={batch_size}, but there are only {len(dataset)} windows: "
                         "the loader would yield no batch at all. Use a smaller batch_size, a smaller stride or "
                         "context_length, more text, or drop_last=False.")
    generator = dataloader_kwargs.pop("generator", None)
    if generator is not None and seed != 0:
        raise ValueError("Give either seed=... or generator=..., not both: the seed only seeds the generator.")
    if generator is None:
        generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=generator,
                      **dataloader_kwargs)

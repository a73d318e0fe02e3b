"""Training examples from one long id sequence: sliding windows as views (no copies), batched by PyTorch's DataLoader.

Lecture 1 builds these; later lectures import them. `sliding_windows` returns strided views of the id
tensor, so (4, 1) windows over 500,000 ids cost no memory beyond the ids themselves. `WindowDataset` is a
standard map-style `torch.utils.data.Dataset` (window k -> (inputs, targets), two views), and `window_loader`
returns a plain `torch.utils.data.DataLoader` over it: every argument means what PyTorch documents. Input checks
live in helpers/validation/windows.py, so the code here reads like the production code it mirrors.
"""
from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from helpers import validation


def sliding_windows(ids: torch.Tensor, context_length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets, each (num_windows, context_length), as views of `ids` (nothing copied).

    Window k starts at k * stride; targets are the inputs shifted one id to the right. A stride longer than
    the text gives one window.
    """
    ids, context_length, stride = validation.window_arguments(ids, context_length, stride)
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
        index = validation.window_index(index, self._count)
        return self.inputs[index], self.targets[index]


def window_loader(ids: torch.Tensor, batch_size: int, context_length: int, stride: int, shuffle: bool = False,
                  seed: int = 0, drop_last: bool = False, **dataloader_kwargs: Any) -> DataLoader:
    """PyTorch's own DataLoader over `WindowDataset(ids, context_length, stride)`: batches of (inputs, targets),
    each (batch_size, context_length).

    `batch_size`, `shuffle`, `drop_last` and any other keyword (`num_workers`, `pin_memory`, `collate_fn`, ...)
    mean what `torch.utils.data.DataLoader` documents. The order is drawn from a `torch.Generator` seeded with
    `seed`: `shuffle=True` gives a new order each pass, and the same sequence of orders every time.
    """
    dataset = WindowDataset(ids, context_length, stride)
    batch_size, seed, dataloader_kwargs = validation.loader_arguments(len(dataset), batch_size, shuffle, seed,
                                                                      drop_last, dataloader_kwargs)
    generator = dataloader_kwargs.pop("generator", None)
    if generator is None:
        generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=generator,
                      **dataloader_kwargs)

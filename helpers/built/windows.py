"""Training examples from one long id sequence: sliding windows as views (no copies), batches gathered by indexing.

Lecture 1 builds these; later lectures import them. `sliding_windows` returns strided views of the id
tensor, so (4, 1) windows over 500,000 ids cost no memory beyond the ids themselves.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from helpers.validation import integer_ids, whole_number

Index = int | slice | Sequence[int] | torch.Tensor
BATCHES_PER_GATHER = 64  # batches gathered per indexing operation: few Python steps, a small block


def check_ids(ids: object) -> torch.Tensor:
    """Return `ids` if it is a 1-D tensor of integer token ids; otherwise explain how to make one."""
    ids = integer_ids(ids)
    if ids.dim() != 1:
        raise ValueError(f"ids must be one long 1-D sequence, not shape {tuple(ids.shape)}. "
                         "Join your texts first, e.g. ids.flatten() or torch.cat([...]).")
    return ids


def sliding_windows(ids: torch.Tensor, context_length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets, each (num_windows, context_length), as views of `ids` (nothing copied).

    Window k starts at k * stride; targets are the inputs shifted one id to the right.
    """
    windows = windows_with_next(ids, context_length, stride)
    return windows[:, :-1], windows[:, 1:]


def windows_with_next(ids: torch.Tensor, context_length: int, stride: int) -> torch.Tensor:
    """Windows of context_length + 1 ids (inputs plus the last target): a view of `ids`, nothing copied."""
    ids = check_ids(ids)
    context_length = whole_number(context_length, "context_length")
    stride = whole_number(stride, "stride")
    if len(ids) < context_length + 1:
        raise ValueError(f"context_length={context_length} needs at least {context_length + 1} ids (the inputs "
                         f"plus one next-token target), but the text has only {len(ids)}. Use a smaller "
                         "context_length or a longer text.")
    return ids.unfold(0, context_length + 1, stride)


class WindowDataset(Dataset):
    """A PyTorch Dataset of (input, target) windows; index it with one int or a whole batch of indices.

    A batch is gathered with one indexing operation on the windows of context_length + 1 ids; its inputs
    and targets are the two overlapping slices of that block.
    """

    def __init__(self, ids: torch.Tensor, context_length: int, stride: int) -> None:
        self.windows = windows_with_next(ids, context_length, stride)
        self.inputs, self.targets = self.windows[:, :-1], self.windows[:, 1:]

    def __len__(self) -> int:
        return self.windows.shape[0]

    def __getitem__(self, index: Index) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(index, (list, tuple)):
            index = torch.as_tensor(index, dtype=torch.long)
        block = self.windows[index]
        return block[..., :-1], block[..., 1:]

    def __getitems__(self, indices: Sequence[int] | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A whole batch in one indexing operation: (len(indices), context_length) each."""
        return self[indices if isinstance(indices, torch.Tensor) else list(indices)]


class IndexBatches(Sampler[torch.Tensor]):
    """Window indices cut into batches, each one tensor: in order, or shuffled reproducibly from `seed`."""

    def __init__(self, num_windows: int, batch_size: int, shuffle: bool = False, seed: int = 0,
                 drop_last: bool = False) -> None:
        self.num_windows, self.batch_size = num_windows, whole_number(batch_size, "batch_size")
        self.shuffle, self.drop_last = shuffle, drop_last
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        full, rest = divmod(self.num_windows, self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self) -> Iterator[torch.Tensor]:
        if self.shuffle:
            order = torch.randperm(self.num_windows, generator=self.generator)
        else:
            order = torch.arange(self.num_windows)
        return iter(order.split(self.batch_size)[:len(self)])


class WindowLoader(DataLoader):
    """A DataLoader of window batches that gathers the windows of many batches with one indexing operation.

    torch's own iterator adds per-batch bookkeeping (a profiler hook, a collate step) that costs more
    than gathering a batch of 8 windows. This one gathers `BATCHES_PER_GATHER` batches at once, in the
    sampler's order, and hands each batch out as its own slice of that block (no batch shares memory
    with another or with the ids). benchmarks/windows_vs_list.py measures the difference.
    """

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        windows = self.dataset.windows
        index_batches = iter(self.batch_sampler)
        while group := list(itertools.islice(index_batches, BATCHES_PER_GATHER)):
            block = windows[torch.cat(group)]                # (windows in the group, context_length + 1)
            sizes = [len(indices) for indices in group]
            yield from zip(block[:, :-1].split(sizes), block[:, 1:].split(sizes))


def window_loader(ids: torch.Tensor, batch_size: int, context_length: int, stride: int, shuffle: bool = False,
                  seed: int = 0, drop_last: bool = False) -> DataLoader:
    """A DataLoader of (inputs, targets) batches, each (batch_size, context_length), gathered a batch at a time.

    Its batch sampler yields one tensor of window indices per batch; the loader gathers the windows of
    many batches with one indexing operation on the view. `shuffle=True` draws a new order each pass,
    reproducibly from `seed`.
    """
    dataset = WindowDataset(ids, context_length, stride)
    batches = IndexBatches(len(dataset), batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)
    return WindowLoader(dataset, batch_sampler=batches, collate_fn=_as_is)


def _as_is(batch: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return batch

"""Training examples from one long id sequence: sliding windows as views (no copies), batched a batch at a time.

Lecture 1 builds these; later lectures import them. `sliding_windows` returns strided views of the id
tensor, so (4, 1) windows over 500,000 ids cost no memory beyond the ids themselves.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler, SequentialSampler

Index = int | slice | Sequence[int] | torch.Tensor


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number such as 4, not {type(value).__name__} {value!r}.")
    if value <= 0:
        raise ValueError(f"{name} must be at least 1, not {value}.")
    return value


def check_ids(ids: object) -> torch.Tensor:
    """Return `ids` if it is a 1-D tensor of integer token ids; otherwise explain how to make one."""
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"ids must be a torch.Tensor, not {type(ids).__name__}. "
                        "Make one with torch.tensor(ids, dtype=torch.long).")
    if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
        raise TypeError(f"ids must hold integers (token ids), not {ids.dtype}. Convert with ids.long(), "
                        "or check that you passed ids and not embeddings.")
    if ids.dim() != 1:
        raise ValueError(f"ids must be one long 1-D sequence, not shape {tuple(ids.shape)}. "
                         "Join your texts first, e.g. ids.flatten() or torch.cat([...]).")
    return ids


def sliding_windows(ids: torch.Tensor, context_length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets, each (num_windows, context_length), as views of `ids` (nothing copied).

    Window k starts at k * stride; targets are the inputs shifted one id to the right.
    """
    ids = check_ids(ids)
    context_length = _positive_int(context_length, "context_length")
    stride = _positive_int(stride, "stride")
    if len(ids) < context_length + 1:
        raise ValueError(f"context_length={context_length} needs at least {context_length + 1} ids (the inputs "
                         f"plus one next-token target), but the text has only {len(ids)}. Use a smaller "
                         "context_length or a longer text.")
    inputs = ids[:-1].unfold(0, context_length, stride)
    targets = ids[1:].unfold(0, context_length, stride)
    return inputs, targets


class WindowDataset(Dataset):
    """A PyTorch Dataset of (input, target) windows; index it with one int or a whole batch of indices."""

    def __init__(self, ids: torch.Tensor, context_length: int, stride: int) -> None:
        self.inputs, self.targets = sliding_windows(ids, context_length, stride)

    def __len__(self) -> int:
        return self.inputs.shape[0]

    def __getitem__(self, index: Index) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(index, (list, tuple)):
            index = torch.as_tensor(index, dtype=torch.long)
        return self.inputs[index], self.targets[index]

    def __getitems__(self, indices: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """A whole batch in one indexing operation: (len(indices), context_length) each."""
        return self[list(indices)]


def window_loader(ids: torch.Tensor, batch_size: int, context_length: int, stride: int, shuffle: bool = False,
                  seed: int = 0, drop_last: bool = False) -> DataLoader:
    """A DataLoader of (inputs, targets) batches, each (batch_size, context_length), gathered a batch at a time.

    A BatchSampler hands the dataset a list of window indices, and one tensor index gathers the batch
    from the view; `shuffle=True` draws a reproducible order from `seed`.
    """
    dataset = WindowDataset(ids, context_length, stride)
    batch_size = _positive_int(batch_size, "batch_size")
    generator = torch.Generator().manual_seed(seed)
    order = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
    batches = BatchSampler(order, batch_size=batch_size, drop_last=drop_last)
    return DataLoader(dataset, batch_size=None, sampler=batches)

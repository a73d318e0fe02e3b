"""The checks of sliding windows (helpers/built/windows.py): token ids, window sizes, a window's index and the
DataLoader options window_loader passes on."""
from __future__ import annotations

import inspect
import operator
from collections.abc import Mapping
from typing import Any

import torch
from torch.utils.data import DataLoader

from helpers.validation.ids import integer_ids
from helpers.validation.scalars import flag, whole_number

_DATALOADER_OPTIONS = set(inspect.signature(DataLoader).parameters) - {"self", "dataset"}
_SET_BY_WINDOW_LOADER = {"batch_size", "shuffle", "drop_last", "generator"}


def dataloader_options(options: Mapping[str, Any], shuffle: bool) -> dict[str, Any]:
    """The extra keywords of `window_loader`, checked before PyTorch's DataLoader sees them."""
    unknown = sorted(set(options) - _DATALOADER_OPTIONS)
    if unknown:
        raise TypeError(f"window_loader got {unknown[0]!r}, which torch.utils.data.DataLoader does not take. Its "
                        f"options: {', '.join(sorted(_DATALOADER_OPTIONS - _SET_BY_WINDOW_LOADER))}.")
    if "batch_sampler" in options:
        raise ValueError("window_loader makes batches of batch_size itself, so it takes no batch_sampler. For "
                         "batches of your own, use DataLoader(WindowDataset(ids, context_length, stride), "
                         "batch_sampler=...).")
    if options.get("sampler") is not None and shuffle:
        raise ValueError("Give either shuffle=True or a sampler, not both: the sampler decides the order.")
    if "num_workers" in options:
        whole_number(options["num_workers"], "num_workers (processes loading batches; 0 loads in this one)",
                     minimum=0)
    for name in ("pin_memory", "persistent_workers"):
        if name in options:
            flag(options[name], name)
    return dict(options)


def token_ids(ids: object) -> torch.Tensor:
    """`ids` if it is a 1-D tensor of non-negative integer token ids; otherwise explain how to make one."""
    ids = integer_ids(ids)
    if ids.dim() != 1:
        raise ValueError(f"ids must be one long 1-D sequence, not shape {tuple(ids.shape)}. "
                         "Join your texts first, e.g. ids.flatten() or torch.cat([...]).")
    if len(ids) and int(ids.min()) < 0:
        position = int((ids < 0).nonzero()[0, 0])
        raise ValueError(f"ids must be token ids (0 or more), but position {position} holds {int(ids[position])}. "
                         "Check that the ids came from a tokenizer (negative numbers are never token ids).")
    return ids


def window_arguments(ids: object, context_length: object, stride: object) -> tuple[torch.Tensor, int, int]:
    """sliding_windows' inputs: token ids (see token_ids) long enough for one window, and whole-number sizes."""
    ids = token_ids(ids)
    context_length = whole_number(context_length, "context_length")
    stride = whole_number(stride, "stride")
    if len(ids) < context_length + 1:
        raise ValueError(f"context_length={context_length} needs at least {context_length + 1} ids (the inputs "
                         f"plus one next-token target), but the text has only {len(ids)}. Use a smaller "
                         "context_length or a longer text.")
    return ids, context_length, stride


def window_index(index: object, count: int) -> int:
    """`index` as an int if it names one of `count` windows (negative from the end); the DataLoader passes ints,
    numpy ints and 0-d integer tensors are accepted too."""
    if type(index) is not int:
        index = _whole_index(index)
    if not -count <= index < count:
        raise IndexError(f"Window {index} does not exist: this dataset has {count} windows "
                         f"(0 to {count - 1}).")
    return index


def _whole_index(index: object) -> int:
    try:
        if isinstance(index, bool):
            raise TypeError
        return operator.index(index)
    except TypeError:
        raise TypeError(f"A WindowDataset is indexed by one whole number (a window), not {type(index).__name__}; "
                        "for batches, use a DataLoader (window_loader).") from None


def loader_arguments(windows: int, batch_size: object, shuffle: object, seed: object, drop_last: object,
                     options: Mapping[str, Any]) -> tuple[int, int, dict[str, Any]]:
    """window_loader's inputs over a dataset of `windows` windows: batch_size, seed, the flags and the DataLoader
    options (see dataloader_options), returned as batch_size, seed and the options."""
    batch_size = whole_number(batch_size, "batch_size")
    flag(shuffle, "shuffle")
    flag(drop_last, "drop_last")
    options = dataloader_options(options, shuffle)
    seed = whole_number(seed, "seed", minimum=0)
    if seed >= 2**63:
        raise ValueError(f"seed must be below 2**63 (a torch.Generator seed is a 64-bit integer), not {seed}.")
    if drop_last and windows < batch_size:
        raise ValueError(f"drop_last=True with batch_size={batch_size}, but there are only {windows} windows: "
                         "the loader would yield no batch at all. Use a smaller batch_size, a smaller stride or "
                         "context_length, more text, or drop_last=False.")
    if options.get("generator") is not None and seed != 0:
        raise ValueError("Give either seed=... or generator=..., not both: the seed only seeds the generator.")
    return batch_size, seed, options

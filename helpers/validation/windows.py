"""The checks of sliding windows (helpers/built/windows.py): the DataLoader options window_loader passes on."""
from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from torch.utils.data import DataLoader

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


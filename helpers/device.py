"""Pick the device the lectures run on: CUDA, then Apple MPS, then CPU, unless COURSE_DEVICE says otherwise.

COURSE_DEVICE=simulate-mps (or simulate-cuda) runs on the CPU under that GPU's rules (helpers/gpu_rules.py): the
tests use it to prove every lecture would run on an Apple or NVIDIA GPU without having one.
"""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

import torch

from helpers.validation import whole_number

ENV_VAR = "COURSE_DEVICE"
CHOICES = ("cpu", "cuda", "mps", "simulate-mps", "simulate-cuda")
_DEVICE_NAME = re.compile(r"cpu|mps|cuda(:\d+)?|simulate-(mps|cuda)")
MAX_THREADS = 4 * (os.cpu_count() or 1)  # more threads than this only slows torch down (and a typo could start 10**6)


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def pick_device(requested: str | None = None) -> tuple[torch.device, str]:
    """Return the device to use and a one-line reason.

    `requested` (or the COURSE_DEVICE environment variable) may be "cpu", "cuda", "cuda:N" or "mps";
    left empty, the best available device is chosen. "simulate-mps" / "simulate-cuda" return the CPU device
    "cpu:0" and enforce that GPU's rules from then on (a test mode: see helpers/gpu_rules.py).
    """
    source = "argument"
    if requested is None:
        requested = os.environ.get(ENV_VAR, "").strip() or None
        source = f"{ENV_VAR}={requested}"
    if requested is None:
        if torch.cuda.is_available():
            return torch.device("cuda"), f"CUDA GPU found: {torch.cuda.get_device_name(0)}"
        if _mps_available():
            return torch.device("mps"), "Apple GPU found (MPS)"
        return torch.device("cpu"), f"no CUDA or Apple MPS GPU found; set {ENV_VAR} to choose"
    if isinstance(requested, torch.device):
        requested = str(requested)
    if not isinstance(requested, str):
        raise TypeError(f"The device must be a string such as 'cpu' or 'cuda', not {type(requested).__name__} "
                        f"{requested!r}.")
    name = requested.strip().lower()
    kind = name.split(":", 1)[0]
    use_cpu = (f"Unset {ENV_VAR} (or set {ENV_VAR}=cpu) and restart the kernel" if source != "argument"
               else "Pass 'cpu'")
    if not _DEVICE_NAME.fullmatch(name):
        raise ValueError(f"Unknown device {requested!r} (from {source}). "
                         "Use one of: cpu, cuda, cuda:N (N = 0, 1, ...), mps.")
    if name.startswith("simulate-"):
        from helpers.gpu_rules import SIMULATED_DEVICE, simulate

        simulate(name.removeprefix("simulate-"))
        return SIMULATED_DEVICE, f"the CPU under {name.removeprefix('simulate-').upper()} rules, chosen by {source}"
    if kind == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"{requested!r} was requested ({source}) but PyTorch sees no CUDA GPU. "
                           f"{use_cpu}, or install a CUDA build of torch on a machine with a GPU.")
    if kind == "mps" and not _mps_available():
        raise RuntimeError(f"'mps' was requested ({source}) but this PyTorch has no Apple MPS support. "
                           f"{use_cpu}, or run on a Mac with Apple silicon.")
    device = torch.device(name)
    if kind == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"{requested!r} does not exist: this machine has {torch.cuda.device_count()} CUDA GPU(s).")
    return device, f"chosen by {source}"


def device_report(device: torch.device, reason: str) -> str:
    """One line that says which device the lecture uses and why."""
    return f"Device: {device.type} ({reason})"


@contextlib.contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block with `count` CPU threads for torch, then restore the previous count (even after an error).

    Tiny models train faster on one thread, and a fixed thread count keeps their sums in the same order.
    """
    count = whole_number(count, "The thread count")
    if count > MAX_THREADS:
        raise ValueError(f"The thread count must be at most {MAX_THREADS} (4 per CPU core of this machine), "
                         f"not {count}. "
                         f"Use e.g. 1, or {os.cpu_count() or 1} (one per core).")
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)

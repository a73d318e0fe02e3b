"""Run on the CPU while enforcing what an Apple (MPS) or NVIDIA (CUDA) GPU enforces, so a machine without a GPU can
test that every lecture would run on one (COURSE_DEVICE=simulate-mps or simulate-cuda; issue 16 item 2).

The simulated device is `torch.device("cpu", 0)` ("cpu:0"): explicit CPU work keeps using plain "cpu". A
TorchFunctionMode marks every tensor that reaches the simulated device (by its storage, held weakly, so views and
`nn.Module.to`, which swaps `param.data`, are covered) and every result computed from a marked tensor. It raises
`GpuRuleError` where the real device raises:
- an operation mixing a marked tensor with an unmarked CPU tensor of one or more dimensions (0-dim CPU tensors are
  allowed, as on CUDA and MPS; so are CPU index tensors in indexing, which PyTorch moves for you);
- `.numpy()` (or `np.asarray`) of a marked tensor (use `.cpu()` first, as on a GPU);
- on simulated MPS only: a float64 (or complex128) tensor on the device (MPS has no float64).
"""
from __future__ import annotations

import weakref

import torch
from torch.overrides import TorchFunctionMode

SIMULATED_DEVICE = torch.device("cpu", 0)
KINDS = ("mps", "cuda")
_NO_FLOAT64 = (torch.float64, torch.complex128)
_GET, _SET = torch.Tensor.__getitem__, torch.Tensor.__setitem__
# Indexing accepts CPU index tensors on a GPU; copies move data between devices (result: the destination's device).
_INDEXING = {_GET, _SET, torch.Tensor.index_put_, torch.Tensor.index_put, torch.index_put, torch.index_put_}
_COPIES = {torch.Tensor.copy_}
_TO_NUMPY = {torch.Tensor.numpy, torch.Tensor.__array__}
_DEVICE_GETTER = torch.Tensor.device.__get__
# Bookkeeping that nn.Module.to does while swapping in the moved parameters: no computation, no device rule.
_DATA_SETTER = torch.Tensor.data.__set__
_BOOKKEEPING = {torch._has_compatible_shallow_copy_type}


class GpuRuleError(RuntimeError):
    """A rule a real GPU enforces was broken."""


def _flat(value: object) -> list[torch.Tensor]:
    """Every tensor inside `value` (tensors, lists, tuples, dicts, nested)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _flat(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _flat(item)]
    return []


def _as_device(value: object) -> torch.device | None:
    """`value` as a torch.device when it names one (a device, a string such as "cpu:0"), else None."""
    if isinstance(value, torch.device):
        return value
    if isinstance(value, str):
        try:
            return torch.device(value)
        except RuntimeError:
            return None
    return None


class GpuRules(TorchFunctionMode):
    """The mode itself: `kind` is "mps" or "cuda" and only changes which rules apply and how errors name it."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"The simulated GPU must be one of {KINDS}, not {kind!r}.")
        self.kind = kind
        self.name = "mps:0" if kind == "mps" else "cuda:0"
        self._marked: weakref.WeakSet = weakref.WeakSet()  # storages of tensors on the simulated device

    def is_marked(self, tensor: torch.Tensor) -> bool:
        """True when `tensor` lives on the simulated device."""
        try:
            return tensor.untyped_storage() in self._marked
        except (RuntimeError, NotImplementedError):  # meta, sparse and other storage-less tensors
            return False

    def _mark(self, tensors: list[torch.Tensor]) -> None:
        for tensor in tensors:
            if self.kind == "mps" and tensor.dtype in _NO_FLOAT64:
                raise GpuRuleError(f"Cannot put a {str(tensor.dtype).removeprefix('torch.')} tensor on the Apple "
                                   "GPU: MPS has no float64 (simulated MPS rule). Use float32 on the device, or do "
                                   "float64 work on torch.device('cpu').")
            try:
                self._marked.add(tensor.untyped_storage())
            except (RuntimeError, NotImplementedError):
                continue

    def _mixed(self, func: object, tensors: list[torch.Tensor]) -> None:
        raise GpuRuleError(
            f"Expected all tensors to be on the same device, but found at least two devices, {self.name} and cpu! "
            f"(simulated {self.kind.upper()} rule, in {getattr(func, '__qualname__', func)}; shapes "
            f"{[tuple(t.shape) for t in tensors]}). Move the CPU tensor with .to(device) first.")

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001, ANN204 (torch's signature)
        kwargs = kwargs or {}
        if func == _DEVICE_GETTER:  # a new method-wrapper each time: compare by equality
            return SIMULATED_DEVICE if self.is_marked(args[0]) else func(*args, **kwargs)
        if func == _DATA_SETTER or func in _BOOKKEEPING:
            return func(*args, **kwargs)
        if func in _TO_NUMPY and self.is_marked(args[0]) and not kwargs.get("force"):
            raise GpuRuleError(f"can't convert {self.name} device type tensor to numpy (simulated "
                               f"{self.kind.upper()} rule). Use Tensor.cpu() to copy the tensor to host memory first.")
        if func is torch.Tensor.to or func is torch.Tensor.cpu:
            return self._move(func, args, kwargs)
        inputs = _flat(args) + _flat(kwargs)
        marked = [t for t in inputs if self.is_marked(t)]
        target = _as_device(kwargs.get("device"))
        if func in _INDEXING or func in _COPIES:
            self_marked = bool(args) and self.is_marked(args[0])
            indices = _flat(args[1]) if func in _INDEXING and len(args) > 1 else []
            if func in _INDEXING and not self_marked and any(self.is_marked(t) for t in indices):
                self._mixed(func, inputs)
            result = func(*args, **kwargs)
            if self_marked:
                self._mark(_flat(result))
            return result
        if marked and any(not self.is_marked(t) and t.dim() > 0 and t.device.type == "cpu" for t in inputs):
            self._mixed(func, inputs)
        result = func(*args, **kwargs)
        if target == SIMULATED_DEVICE or (marked and target is None):
            self._mark(_flat(result))
        return result

    def _move(self, func, args, kwargs):  # noqa: ANN001, ANN202
        """Tensor.to / Tensor.cpu: a copy on the simulated device is marked, one that leaves it is not."""
        source = args[0]
        if func is torch.Tensor.cpu:
            target = torch.device("cpu")
        else:
            target = _as_device(kwargs.get("device"))
            for arg in args[1:]:
                if isinstance(arg, torch.Tensor):
                    target = SIMULATED_DEVICE if self.is_marked(arg) else torch.device("cpu")
                target = _as_device(arg) or target
        was_marked = self.is_marked(source)
        if target == SIMULATED_DEVICE and not was_marked:
            result = func(*args, **{**kwargs, "copy": True})
            self._mark([result])
            return result
        result = func(*args, **kwargs)
        if target == SIMULATED_DEVICE or (target is None and was_marked):  # e.g. .to(device, dtype), .to(dtype)
            self._mark([result])
        elif target is not None and target != SIMULATED_DEVICE and was_marked:
            result = result.clone()  # a fresh storage: the CPU copy is not on the device
        return result


_active: GpuRules | None = None


def simulate(kind: str) -> GpuRules:
    """Start enforcing `kind`'s rules ("mps" or "cuda") for the rest of this process; returns the active mode."""
    global _active
    if _active is None:
        _active = GpuRules(kind)
        _active.__enter__()
    elif _active.kind != kind:
        raise RuntimeError(f"This process already simulates {_active.kind}; restart the kernel to simulate {kind}.")
    return _active

"""nbval starts one kernel per notebook. With two test workers (`-n 2`) two kernels can start at the same moment,
and once in CI one died before it answered (`Kernel died before replying to kernel_info`; nbval sends the kernel's
stderr to /dev/null, so the cause is not known). A second start gets a fresh process and fresh ports."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


def retried_once(start: Callable[..., Any]) -> Callable[..., Any]:
    """`start`, called a second time if the first kernel dies before it is ready (nbval raises RuntimeError then)."""
    def start_again_if_it_died(*args: Any, **kwargs: Any) -> Any:
        try:
            return start(*args, **kwargs)
        except RuntimeError:
            return start(*args, **kwargs)
    return start_again_if_it_died


def install() -> None:
    """Wrap nbval's kernel start (where nbval is installed)."""
    try:
        import nbval.kernel
    except ImportError:
        return
    nbval.kernel.start_new_kernel = retried_once(nbval.kernel.start_new_kernel)

"""Plumbing for the lecture notebooks: device, seeding, plots, the offline GPT-2 tokenizer, exercise checks.

Layout: learner plumbing sits at the top of this folder; `built/` holds the reusable versions of what the
lectures build; `widgets/` the interactive widgets; `exercises/` the checkers; `maintainer/` the tools only
maintainers run (re-recording, the static site).

Importing `helpers` has no side effects and loads nothing heavy: each name below is imported on first use.
`helpers.setup()` (every lecture's setup cell) places GPT-2's shipped tokenizer files where tiktoken looks, so
`tiktoken.get_encoding("gpt2")` works offline; `helpers.gpt2()` does the same on first use.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

# name -> the module that defines it (imported when the name is first used: `import helpers.course` stays light)
_LAZY = {
    "load_corpus": "helpers.corpus",
    "LECTURES": "helpers.course", "REPO_URL": "helpers.course",
    "device_report": "helpers.device", "pick_device": "helpers.device", "torch_threads": "helpers.device",
    "check": "helpers.exercises.checking", "predict": "helpers.exercises.checking",
    "reveal": "helpers.exercises.checking",
    "heatmap": "helpers.plotting", "line_plot": "helpers.plotting", "pipeline_map": "helpers.plotting",
    "use_course_style": "helpers.plotting",
    "seed_everything": "helpers.seeding",
    "describe": "helpers.tensors", "shape_str": "helpers.tensors",
    "gpt2": "helpers.tokenizer_files", "install_gpt2_files": "helpers.tokenizer_files",
}

# `progress` is also the name of its module: imported here, once, so that a later `import helpers.progress` (which
# binds the module to the package's attribute on first import only) can never hide the function.
from helpers.progress import progress  # noqa: E402,F401  (light: tqdm only)

__all__ = sorted([*_LAZY, "progress", "setup"])


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562), so `import helpers` costs nothing."""
    if name not in _LAZY:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def setup(seed: int = 0, device: str | None = None) -> torch.device:
    """Start a lecture: GPT-2's tokenizer files in place, course plot style, every generator seeded, device chosen
    and reported in one line."""
    from helpers.device import device_report, pick_device
    from helpers.plotting import use_course_style
    from helpers.seeding import seed_everything
    from helpers.tokenizer_files import install_gpt2_files

    install_gpt2_files()
    use_course_style()
    seed_everything(seed)
    chosen, reason = pick_device(device)
    print(device_report(chosen, reason))
    return chosen

"""Plumbing for the lecture notebooks: device, seeding, plots, the offline GPT-2 tokenizer, exercise checks.

Layout: learner plumbing sits at the top of this folder; `built/` holds the reusable versions of what the
lectures build; `widgets/` the interactive widgets; `exercises/` the checkers; `maintainer/` the tools only
maintainers run (re-recording, the static site).

Importing `helpers` verifies GPT-2's tokenizer files in data/gpt2/ and places them where tiktoken
looks, so `tiktoken.get_encoding("gpt2")` works without a network connection.
"""
from __future__ import annotations

import torch

from helpers.corpus import load_corpus
from helpers.course import LECTURES, REPO_URL
from helpers.device import device_report, pick_device, torch_threads
from helpers.exercises.checking import check, predict, reveal
from helpers.plotting import heatmap, line_plot, pipeline_map, use_course_style
from helpers.progress import progress
from helpers.seeding import seed_everything
from helpers.tensors import describe, shape_str
from helpers.tokenizer_files import gpt2, install_gpt2_files

install_gpt2_files()

__all__ = ["LECTURES", "REPO_URL", "check", "describe", "device_report", "gpt2", "heatmap",
           "install_gpt2_files", "line_plot", "load_corpus", "pick_device", "pipeline_map", "predict", "progress",
           "reveal", "seed_everything", "setup", "shape_str", "torch_threads", "use_course_style"]


def setup(seed: int = 0, device: str | None = None) -> torch.device:
    """Start a lecture: course plot style, every generator seeded, device chosen and reported in one line."""
    use_course_style()
    seed_everything(seed)
    chosen, reason = pick_device(device)
    print(device_report(chosen, reason))
    return chosen

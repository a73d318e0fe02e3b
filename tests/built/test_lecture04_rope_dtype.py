"""RoPE's angles are computed in float32 (float64 for float64 inputs) and cast at the end, never in bfloat16."""
import math

import pytest
import torch

from helpers.built.positions import rope
from notebook_code import definitions


def lecture_rope():
    return definitions("04_relative_positions.ipynb", "defines-rope", context={"torch": torch, "math": math})["rope"]


@pytest.mark.parametrize("which", ["helper", "lecture"])
@pytest.mark.parametrize("start", [0, 256, 1024])
def test_bfloat16_rope_is_as_exact_as_bfloat16_allows(which, start):
    """Against float64, a bfloat16 rotation may differ by rounding (< 0.05 here), not by whole radians."""
    function = rope if which == "helper" else lecture_rope()
    x = torch.randn(start + 300, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) / 2
    result = function(x.bfloat16())
    assert result.dtype == torch.bfloat16
    error = (result.double() - function(x)).abs()[start:].max().item()
    assert error < 0.05, f"positions {start}..{start + 299}: error {error:.3f}"


def test_float32_rope_matches_float64_far_out():
    x = torch.randn(4096, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    for function in (rope, lecture_rope()):
        assert (function(x.float()).double() - function(x)).abs().max() < 5e-3

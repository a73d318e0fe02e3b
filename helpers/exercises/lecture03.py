"""Checkers for Lecture 3's exercises (absolute positions); expected values come from the formulas, not the lecture."""
from __future__ import annotations

import math
from typing import Any

import torch

from helpers.exercises.model_sizes import GPT2_CONTEXT, GPT2_D_MODEL, GPT2_VOCAB
from helpers.exercises.checking import exercise, expect, expect_close, expect_tensor, expect_type


@exercise("3.1")
def _wavelength(answer: Any) -> None:
    omega = 10000.0 ** (-2 / 64)
    expect_close(answer, 2 * math.pi / omega, "The wavelength", {
        "That is the angular frequency ω_1; a full turn takes 2π/ω_1 positions.": omega,
        "Close: that is 1/ω_1, the positions per radian. A full turn is 2π radians.": 1 / omega,
        "Pair i = 1 holds dimensions 2 and 3, so the exponent is 2·1/64, not 1/64.": 2 * math.pi * 10000.0 ** (1 / 64),
    })


@exercise("3.2")
def _position_three(answer: Any) -> None:
    expected = torch.tensor([math.sin(3), math.cos(3), math.sin(3 / 100), math.cos(3 / 100)])
    expect_type(answer, torch.Tensor, "Your encoding")
    expect(answer.numel() == 4, f"d_model = 4 gives 4 numbers, you gave {answer.numel()}.")
    flat = answer.detach().cpu().float().flatten()
    expect(not torch.allclose(flat, expected[[0, 2, 1, 3]], atol=1e-4),
           "Those are all sines first, then all cosines. The lecture interleaves: sin, cos, sin, cos.")
    expect(not torch.allclose(flat[[0, 2]], torch.tensor([math.sin(3), math.sin(3 / 10000)]), atol=1e-4),
           "The second pair has ω_1 = 10000^(-2·1/4): check the exponent.")
    expect_tensor(flat, expected, "Your encoding", atol=1e-4)


@exercise("3.3")
def _gpt2_position_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    expect(answer != GPT2_VOCAB * GPT2_D_MODEL, "That is the token table (one row per vocabulary entry); count rows per position.")
    expect(answer not in (GPT2_CONTEXT, GPT2_D_MODEL), "A table has rows × columns entries: one row per position, one column per dimension.")
    expect(answer == GPT2_CONTEXT * GPT2_D_MODEL, "One row of d_model numbers for each of the context's positions.")


@exercise("3.4")
def _dot_product_at_distance(answer: Any) -> None:
    expected = sum(math.cos(5 * 10000.0 ** (-2 * i / 64)) for i in range(32))
    expect_close(answer, expected, "The dot product", {
        "Sum over the d_model/2 = 32 pairs, not over all 64 dimensions.":
            sum(math.cos(5 * 10000.0 ** (-2 * i / 64)) for i in range(64)),
        "Use the distance k = 5 inside the cosine: cos(5·ω_i).": sum(math.cos(10000.0 ** (-2 * i / 64)) for i in range(32)),
    })

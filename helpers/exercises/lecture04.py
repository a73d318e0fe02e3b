"""Checkers for Lecture 4's exercises (relative positions); expected values come from the papers' formulas."""
from __future__ import annotations

import math
from typing import Any

import torch

from helpers.exercises.checking import exercise, expect, expect_close, expect_tensor, expect_type


@exercise("4.1")
def _alibi_slopes_four_heads(answer: Any) -> None:
    expected = torch.tensor([2.0 ** (-8 * h / 4) for h in range(1, 5)])
    expect_type(answer, torch.Tensor, "The slopes")
    expect(answer.numel() == 4, f"One slope per head: 4 numbers, not {answer.numel()}.")
    flat = answer.detach().cpu().float().flatten()
    expect(not torch.allclose(flat, torch.tensor([2.0 ** (-h) for h in range(1, 5)])),
           "Those are the first slopes of an 8-head model; with n heads the ratio is 2^(-8/n).")
    expect(not torch.allclose(flat, expected.flip(0)), "Right values, wrong order: the first head is the steepest.")
    expect_tensor(flat, expected, "The slopes", atol=1e-6)


def _t5_bucket_reference(relative_position: int, num_buckets: int = 32, max_distance: int = 128) -> int:
    """T5's bidirectional bucket for one relative position, in plain Python (Raffel et al., 2020)."""
    half = num_buckets // 2
    bucket = half if relative_position > 0 else 0
    distance = abs(relative_position)
    max_exact = half // 2
    if distance < max_exact:
        return bucket + distance
    far = max_exact + int(math.log(distance / max_exact) / math.log(max_distance / max_exact) * (half - max_exact))
    return bucket + min(far, half - 1)


@exercise("4.2")
def _t5_bucket(answer: Any) -> None:
    expect_type(answer, int, "The bucket")
    expect(answer != _t5_bucket_reference(20), "That is the bucket of a key 20 tokens *after* the query. "
                                               "A key before the query has a negative relative position.")
    expect(answer != 20, "Only distances below 8 get a bucket of their own; farther ones are on a log scale.")
    expect(answer == _t5_bucket_reference(-20), "Follow the function step by step for relative_position = -20.")


@exercise("4.3")
def _rope_angle(answer: Any) -> None:
    omega = 10000.0 ** (-2 / 8)
    expect_close(answer, 3 * omega, "The angle", {
        "That is ω_1, the angle per position; the query is at position 3.": omega,
        "Use the exponent -2i/head_dim with i = 1 and head_dim = 8.": 3 * 10000.0 ** (-1 / 8),
        "That is in degrees; give radians.": math.degrees(3 * omega),
    })


@exercise("4.4")
def _alibi_bias_value(answer: Any) -> None:
    expect_close(answer, -3 / 2, "The bias", {
        "The bias lowers the score of distant keys: it is negative.": 3 / 2,
        "That is the slope alone; multiply by the distance.": -1 / 2,
        "Head 0 has the steepest slope, 2^(-8·1/8).": -3 / 256,
    })

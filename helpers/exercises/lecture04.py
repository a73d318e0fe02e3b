"""Checkers for Lecture 4's exercises (relative positions): build-its 4.1 (T5's decoder buckets) and 4.5 (RoPE in
Llama's layout), each with one variant function per typical mistake; values 4.2-4.4; prediction 4.p."""
from __future__ import annotations

import math
from functools import partial
from typing import Any

import torch

from helpers.built.positions import t5_bucket
from helpers.exercises.checking import Case, Value, check_function, exercise, expect_dtype, prediction, values


def _causal(r: torch.Tensor, num_buckets: int = 32, max_distance: int = 128, *, sign: int = -1, exact: int = 2,
            clamp: bool = True, both_ways: bool = False, rounded: bool = False) -> torch.Tensor:
    """T5's decoder bucket with one typical mistake switched on."""
    distance, max_exact = r.long().abs() if both_ways else (sign * r.long()).clamp(min=0), num_buckets // exact
    scaled = torch.log(distance.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact)
    scaled = scaled * (num_buckets - max_exact)
    far = max_exact + (scaled.round() if rounded else scaled).long()
    return torch.where(distance < max_exact, distance, far.clamp(max=num_buckets - 1) if clamp else far)


BUCKET_MISTAKES = {
    "That is the encoder's bucket (two halves, one per direction): the decoder gives all num_buckets buckets to "
    "keys before the query.": t5_bucket,
    "A key before the query has a negative relative position (key − query): the distance back is "
    "−relative_position.": partial(_causal, sign=1),
    "With all buckets for one direction, the exact buckets cover distances 0 .. num_buckets//2 − 1 (the encoder's "
    "num_buckets//4 is for half the buckets).": partial(_causal, exact=4),
    "Every distance past max_distance shares the last bucket: clamp at num_buckets − 1.": partial(_causal, clamp=False),
    "Keys after the query (relative position > 0) are masked in a decoder and get bucket 0: clamp the distance at 0 "
    "instead of taking its absolute value.": partial(_causal, both_ways=True),
    "Truncate the logarithmic part with .long(), as T5 does; rounding moves some distances one bucket up.":
        partial(_causal, rounded=True),
}


@exercise("4.1")
def _t5_decoder_buckets(answer: Any) -> None:
    grid = torch.arange(24)[None, :] - torch.arange(24)[:, None]
    random = torch.randint(-5000, 50, (3, 7), generator=torch.Generator().manual_seed(41))
    cases = [Case(args, label=f"t5_bucket_causal({label})") for label, *args in [
        ("torch.arange(-300, 301)", torch.arange(-300, 301)), ("key - query for 24 positions, shape (24, 24)", grid),
        ("torch.tensor(-20)", torch.tensor(-20)), ("torch.arange(-100, 5), 16, 64", torch.arange(-100, 5), 16, 64),
        ("torch.arange(-1000, 1), 64, 256", torch.arange(-1000, 1), 64, 256),
        ("random relative positions of shape (3, 7), down to -5000", random),
        ("torch.arange(-40, 1, dtype=torch.int32), 8, 20", torch.arange(-40, 1, dtype=torch.int32), 8, 20)]]
    causal = partial(t5_bucket, bidirectional=False)
    check_function(answer, causal, cases, "t5_bucket_causal", BUCKET_MISTAKES, atol=0)
    check_function(answer, causal, cases[-1:], "t5_bucket_causal", atol=0, exact_dtype=True)   # int32 in, int64 out


def _rotated(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0, *, sign: float = 1.0,
             swap: bool = False, exponent: float = 2.0, interleaved: bool = False, in_dtype: bool = False,
             from_zero: bool = False, base_10000: bool = False) -> torch.Tensor:
    """RoPE on pairs (i, i + head_dim/2), angles in float64 and one rounding to x's dtype (the best any dtype
    allows): the reference, or with one typical mistake switched on."""
    exact, positions = x.dtype if in_dtype else torch.float64, torch.arange(x.shape[-2]) if from_zero else positions
    omega = (10000.0 if base_10000 else base) ** (-exponent * torch.arange(x.shape[-1] // 2, dtype=exact) / x.shape[-1])
    angle = sign * positions.to(exact)[:, None] * omega
    cos, sin = (angle.sin(), angle.cos()) if swap else (angle.cos(), angle.sin())
    a, b = (x.to(exact)[..., 0::2], x.to(exact)[..., 1::2]) if interleaved else x.to(exact).chunk(2, dim=-1)
    pairs = (a * cos - b * sin, a * sin + b * cos)
    return (torch.stack(pairs, dim=-1).flatten(-2) if interleaved else torch.cat(pairs, dim=-1)).to(x.dtype)


ROPE_MISTAKES = {
    "You rotated neighbours (2i, 2i+1), the layout of this lecture's rope() and Meta's code; here dimension i is "
    "paired with i + head_dim/2, as in Llama's code in transformers.": partial(_rotated, interleaved=True),
    "Use the positions you are given (a KV cache starts them past 0; interpolation makes them fractional), not "
    "0 .. seq_len − 1.": partial(_rotated, from_zero=True),
    "Your pairs turn the wrong way (by −angle): a rotation by +angle maps (a, b) to (a·cos − b·sin, a·sin + b·cos).":
        partial(_rotated, sign=-1.0),
    "cos and sin are swapped: the first coordinate of a rotated pair is a·cos(angle) − b·sin(angle).":
        partial(_rotated, swap=True),
    "Check the frequencies: ω_i = base^(−2i/head_dim) for pair i = 0 .. head_dim/2 − 1.": partial(_rotated, exponent=1),
    "Use the base argument instead of 10000.": partial(_rotated, base_10000=True),
    "Compute the angles in float32 or float64, then cast cos and sin to x's dtype: bfloat16 keeps 8 significant "
    "bits, so it cannot even hold the positions above 256, and its angles are wrong by whole radians.":
        partial(_rotated, in_dtype=True),
}
ROPE_CASES = [  # x's shape and dtype, positions, what the hint calls them, base, tolerance (float32 angles pass)
    ((4, 8), "", torch.arange(4), "positions 0..3", None, 1e-4),
    ((2, 6, 8), "", torch.arange(10, 16), "positions 10..15 (after 10 cached tokens)", None, 1e-4),
    ((2, 3, 5, 16), "", torch.arange(5) / 4, "positions 0, 0.25, .., 1 (interpolated)", 100.0, 1e-4),
    ((3, 24, 78), "", torch.arange(25, 49), "positions 25..48", 1787.0, 1e-4),
    ((3, 15, 52), "", torch.arange(159, 174), "positions 159..173", 12329.0, 1e-4),
    ((3, 31, 14), "", torch.arange(160, 191), "positions 160..190", 13015.0, 1e-4),
    ((1, 8), "", torch.tensor([7]), "one position, 7", None, 1e-4),
    ((7, 2), "", torch.arange(7), "one pair", None, 1e-4),
    ((300, 4), "float64", torch.arange(300), "positions 0..299", None, 1e-4),
    ((1000, 8), "", torch.arange(1000), "positions 0..999", None, 1e-3),
    ((300, 8), "bfloat16", torch.arange(300), "positions 0..299", None, 0.05),
    ((2, 64, 16), "bfloat16", torch.arange(1024, 1088), "positions 1024..1087", None, 0.05)]


@exercise("4.5")
def _rope_half_split(answer: Any) -> None:
    generator = torch.Generator().manual_seed(45)
    for shape, dtype, positions, note, base, atol in ROPE_CASES:
        x = (torch.randn(shape, generator=generator, dtype=torch.float64) / 2).to(getattr(torch, dtype or "float32"))
        label = ", ".join(filter(None, [f"x of shape {shape}", dtype, note, base and f"base={base:g}"]))
        check_function(answer, _rotated, [Case((x, positions) + ((base,) if base else ()), label=f"rope_half_split("
                                               f"{label})")], "rope_half_split", ROPE_MISTAKES, atol=atol)
    for dtype in (torch.float32, torch.float64, torch.bfloat16):
        expect_dtype(answer, Case((torch.ones(3, 4, dtype=dtype), torch.arange(3))), "rope_half_split", dtype,
                     "return x's dtype (cast cos and sin, or the result, with .to(x.dtype)).")


OMEGA = 10000.0 ** (-2 / 8)
values({
    "4.2": Value(10, "The bucket", "Follow the function step by step for relative_position = -20.", {
        26: "That is the bucket of a key 20 tokens *after* the query: a key before has a negative relative position.",
        20: "Only distances below 8 get a bucket of their own; farther ones are on a log scale.",
        17: "That is the bucket of T5's decoder (Exercise 4.1: all 32 buckets for keys before the query); "
            "bidirectional attention splits them, 16 for keys before and 16 for keys after.",
        11: "One bucket too high: re-check the rounding. T5 truncates the logarithmic part (.long(), like int()).",
        9: "One bucket too low: re-check the boundary. The logarithmic part is added to max_exact = 8, the first "
           "bucket after the exact ones 0..7."}),
    "4.3": Value(3 * OMEGA, "The angle", "The angle is not right yet; re-read the formula step by step.", {
        OMEGA: "That is ω_1, the angle per position; the query is at position 3.",
        3 * 10000.0 ** (-1 / 8): "Use the exponent -2i/head_dim with i = 1 and head_dim = 8.",
        math.degrees(3 * OMEGA): "That is in degrees; give radians.",
        3 * 10000.0 ** (-4 / 8): "That is pair i = 2 (dimensions 4 and 5); dimensions 2 and 3 are pair i = 1.",
        3.0: "That is pair 0, which turns by 1 radian per position; pair 1 turns by 10000^(-2/8)."}),
    "4.4": Value(-1.5, "The bias", "The bias is not right yet; re-read the formula step by step.", {
        1.5: "The bias lowers the score of distant keys: it is negative.",
        -0.5: "That is the slope alone; multiply by the distance.",
        -3 / 256: "Head 0 has the steepest slope, 2^(-8·1/8).",
        -3.0: "That uses slope 2^0 = 1: heads are numbered from 0, but the exponent is -8(h+1)/n.",
        -2.0: "Count the distance again: a key 3 positions before its query is 3 away (key − query = −3)."}),
})
prediction("4.p", ["A", "B", "C"])  # which ALiBi head gives more attention to keys more than 10 tokens back

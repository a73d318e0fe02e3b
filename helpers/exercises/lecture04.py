"""Checkers for Lecture 4's exercises (relative positions); expected values come from the papers' formulas."""
from __future__ import annotations

import math
from typing import Any

import torch

from helpers.built.positions import rope, t5_bucket
from helpers.exercises.checking import Case, check_function, exercise, expect, expect_close, expect_type, prediction

# Build-it 4.1: T5's decoder buckets (all buckets for keys before the query) ----------------------------------------

def _t5_causal(relative_position: torch.Tensor, num_buckets: int = 32, max_distance: int = 128) -> torch.Tensor:
    return t5_bucket(relative_position, num_buckets, max_distance, bidirectional=False)


def _causal_variant(relative_position: torch.Tensor, num_buckets: int, max_distance: int, *, sign: int = -1,
                    exact: int = 2, clamp: bool = True, both_ways: bool = False, rounded: bool = False) -> torch.Tensor:
    """T5's decoder bucket with one typical mistake switched on."""
    distance = (sign * relative_position.long()).clamp(min=0) if not both_ways else relative_position.long().abs()
    max_exact = num_buckets // exact
    scaled = torch.log(distance.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact)
    scaled = scaled * (num_buckets - max_exact)
    far = max_exact + (scaled.round() if rounded else scaled).long()
    far = far.clamp(max=num_buckets - 1) if clamp else far
    return torch.where(distance < max_exact, distance, far)


BUCKET_MISTAKES = {
    "That is the encoder's bucket (two halves, one per direction): the decoder gives all num_buckets buckets to "
    "keys before the query.": lambda r, n=32, m=128: t5_bucket(r, n, m, bidirectional=True),
    "A key before the query has a negative relative position (key − query): the distance back is "
    "−relative_position.": lambda r, n=32, m=128: _causal_variant(r, n, m, sign=1),
    "With all buckets for one direction, the exact buckets cover distances 0 .. num_buckets//2 − 1 (the encoder's "
    "num_buckets//4 is for half the buckets).": lambda r, n=32, m=128: _causal_variant(r, n, m, exact=4),
    "Every distance past max_distance shares the last bucket: clamp at num_buckets − 1.":
        lambda r, n=32, m=128: _causal_variant(r, n, m, clamp=False),
    "Keys after the query (relative position > 0) are masked in a decoder and get bucket 0: clamp the distance at 0 "
    "instead of taking its absolute value.": lambda r, n=32, m=128: _causal_variant(r, n, m, both_ways=True),
    "Truncate the logarithmic part with .long(), as T5 does; rounding moves some distances one bucket up.":
        lambda r, n=32, m=128: _causal_variant(r, n, m, rounded=True),
}


def _bucket_cases() -> list[Case]:
    generator = torch.Generator().manual_seed(41)
    grid = torch.arange(24)[None, :] - torch.arange(24)[:, None]
    return [Case((torch.arange(-300, 301),), label="t5_bucket_causal(torch.arange(-300, 301))"),
            Case((grid,), label="t5_bucket_causal(key - query for 24 positions, shape (24, 24))"),
            Case((torch.tensor(-20),), label="t5_bucket_causal(torch.tensor(-20))"),
            Case((torch.arange(-100, 5), 16, 64), label="t5_bucket_causal(torch.arange(-100, 5), 16, 64)"),
            Case((torch.arange(-1000, 1), 64, 256), label="t5_bucket_causal(torch.arange(-1000, 1), 64, 256)"),
            Case((torch.randint(-5000, 50, (3, 7), generator=generator),),
                 label="t5_bucket_causal(random relative positions of shape (3, 7), down to -5000)"),
            Case((torch.arange(-40, 1, dtype=torch.int32), 8, 20),
                 label="t5_bucket_causal(torch.arange(-40, 1, dtype=torch.int32), 8, 20)")]


@exercise("4.1")
def _t5_decoder_buckets(answer: Any) -> None:
    check_function(answer, _t5_causal, _bucket_cases(), "t5_bucket_causal", mistakes=BUCKET_MISTAKES, atol=0)
    relative = torch.arange(-50, 3, dtype=torch.int32)
    got = answer(relative)
    expect(got.dtype == torch.int64, f"For t5_bucket_causal(torch.arange(-50, 3, dtype=torch.int32)) the values are "
                                     f"right but the dtype is {got.dtype}: return bucket ids as int64 (torch.long), "
                                     "the dtype nn.Embedding looks up.")
    expect(torch.equal(relative, torch.arange(-50, 3, dtype=torch.int32)),
           "Your function changed relative_position in place: compute new tensors instead (e.g. -relative_position, "
           "not relative_position.neg_()).")


# Build-it 4.5: RoPE in Llama's half-split layout, at given positions ----------------------------------------------

def _rope_half(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Pairs (i, i + head_dim/2) rotated by positions·ω_i: the course's rope() on reordered dimensions."""
    head_dim = x.shape[-1]
    half_split = torch.cat([torch.arange(0, head_dim, 2), torch.arange(1, head_dim, 2)])
    return rope(x[..., half_split.argsort()], base, positions)[..., half_split]


def _rope_half_exact(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """The same in float64, rounded once to x's dtype: the best answer any dtype allows."""
    return _rope_half(x.double(), positions, base).to(x.dtype)


def _rotated(x: torch.Tensor, positions: torch.Tensor, base: float, *, sign: float = 1.0, swap: bool = False,
             exponent: float = 2.0, interleaved: bool = False, in_dtype: bool = False) -> torch.Tensor:
    """RoPE with one typical mistake switched on (angles in float64 unless `in_dtype`)."""
    head_dim = x.shape[-1]
    exact = x.dtype if in_dtype else torch.float64
    omega = base ** (-exponent * torch.arange(head_dim // 2, dtype=exact) / head_dim)
    angle = sign * positions.to(exact)[:, None] * omega
    cos, sin = (angle.sin(), angle.cos()) if swap else (angle.cos(), angle.sin())
    if in_dtype:
        a, b = x[..., : head_dim // 2], x[..., head_dim // 2:]
        return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)
    x64 = x.double()
    if interleaved:
        a, b = x64[..., 0::2], x64[..., 1::2]
        return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2).to(x.dtype)
    a, b = x64[..., : head_dim // 2], x64[..., head_dim // 2:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1).to(x.dtype)


ROPE_MISTAKES = {
    "You rotated neighbours (2i, 2i+1), the layout of this lecture's rope() and Meta's code; here dimension i is "
    "paired with i + head_dim/2, as in Llama's code in transformers.":
        lambda x, p, base=10000.0: _rotated(x, p, base, interleaved=True),
    "Use the positions you are given (a KV cache starts them past 0; interpolation makes them fractional), not "
    "0 .. seq_len − 1.": lambda x, p, base=10000.0: _rotated(x, torch.arange(x.shape[-2]), base),
    "Your pairs turn the wrong way (by −angle): a rotation by +angle maps (a, b) to (a·cos − b·sin, a·sin + b·cos).":
        lambda x, p, base=10000.0: _rotated(x, p, base, sign=-1.0),
    "cos and sin are swapped: the first coordinate of a rotated pair is a·cos(angle) − b·sin(angle).":
        lambda x, p, base=10000.0: _rotated(x, p, base, swap=True),
    "Check the frequencies: ω_i = base^(−2i/head_dim) for pair i = 0 .. head_dim/2 − 1.":
        lambda x, p, base=10000.0: _rotated(x, p, base, exponent=1.0),
    "Use the base argument instead of 10000.": lambda x, p, base=10000.0: _rotated(x, p, 10000.0),
    "Compute the angles in float32 or float64, then cast cos and sin to x's dtype: bfloat16 keeps 8 significant "
    "bits, so it cannot even hold the positions above 256, and its angles are wrong by whole radians.":
        lambda x, p, base=10000.0: _rotated(x, p, base, in_dtype=True),
}


def _rope_cases() -> list[Case]:
    generator = torch.Generator().manual_seed(45)

    def case(shape, positions, base=None, dtype=torch.float32, note=""):
        x = torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)
        args = (x, positions) if base is None else (x, positions, base)
        shown = f"x of shape {shape}{'' if dtype == torch.float32 else ', ' + str(dtype).removeprefix('torch.')}"
        return Case(args, label=f"rope_half_split({shown}, {note}{'' if base is None else f', base={base:g}'})")

    cases = [case((4, 8), torch.arange(4), note="positions 0..3"),
             case((2, 6, 8), torch.arange(10, 16), note="positions 10..15 (after 10 cached tokens)"),
             case((2, 3, 5, 16), torch.arange(5) / 4, 100.0, note="positions 0, 0.25, .., 1 (interpolated)")]
    for _ in range(3):                                   # random shapes, positions and bases
        seq_len, pairs = torch.randint(1, 40, (2,), generator=generator).tolist()
        start = int(torch.randint(0, 200, (1,), generator=generator))
        base = float(torch.randint(50, 20000, (1,), generator=generator))
        cases.append(case((3, seq_len, 2 * pairs), torch.arange(start, start + seq_len), base,
                          note=f"positions {start}..{start + seq_len - 1}"))
    return cases + [case((1, 8), torch.tensor([7]), note="one position, 7"),
                    case((7, 2), torch.arange(7), note="one pair"),
                    case((300, 4), torch.arange(300), dtype=torch.float64, note="positions 0..299")]


def _rope_far_cases() -> list[tuple[Case, float]]:
    """Positions past 256, in float32 and in bfloat16, with the tolerance each dtype allows."""
    generator = torch.Generator().manual_seed(46)
    x32 = torch.randn(1000, 8, generator=generator, dtype=torch.float64).float() / 2
    x16 = torch.randn(300, 8, generator=generator, dtype=torch.float64).bfloat16() / 2
    cache = torch.randn(2, 64, 16, generator=generator, dtype=torch.float64).bfloat16() / 2
    return [(Case((x32, torch.arange(1000)), label="rope_half_split(x of shape (1000, 8), positions 0..999)"), 1e-3),
            (Case((x16, torch.arange(300)), label="rope_half_split(x of shape (300, 8), bfloat16, positions 0..299)"),
             0.05),
            (Case((cache, torch.arange(1024, 1088)),
                  label="rope_half_split(x of shape (2, 64, 16), bfloat16, positions 1024..1087)"), 0.05)]


@exercise("4.5")
def _rope_half_split(answer: Any) -> None:
    check_function(answer, _rope_half, _rope_cases(), "rope_half_split", mistakes=ROPE_MISTAKES, atol=1e-4)
    for case, tolerance in _rope_far_cases():
        check_function(answer, _rope_half_exact, [case], "rope_half_split", mistakes=ROPE_MISTAKES, atol=tolerance)
    for dtype in (torch.float32, torch.float64, torch.bfloat16):
        x, positions = torch.ones(3, 4, dtype=dtype), torch.arange(3)
        got = answer(x, positions)
        expect(got.dtype == dtype, f"For rope_half_split(x of shape (3, 4), {str(dtype).removeprefix('torch.')}, "
                                   f"positions 0..2) the values are right but your function returned "
                                   f"{str(got.dtype).removeprefix('torch.')}: return x's dtype (cast cos and sin, "
                                   "or the result, with .to(x.dtype)).")
        expect(torch.equal(x, torch.ones(3, 4, dtype=dtype)) and torch.equal(positions, torch.arange(3)),
               "Your function changed its input in place (x or positions): build the result in a new tensor, e.g. "
               "with torch.cat, and leave x as it was; the caller still needs it.")


@exercise("4.2")
def _t5_bucket(answer: Any) -> None:
    expect_type(answer, int, "The bucket")
    after, before = (int(t5_bucket(torch.tensor(distance))) for distance in (20, -20))
    expect(answer != after, "That is the bucket of a key 20 tokens *after* the query. "
                            "A key before the query has a negative relative position.")
    expect(answer != 20, "Only distances below 8 get a bucket of their own; farther ones are on a log scale.")
    expect(answer != int(_t5_causal(torch.tensor(-20))),
           "That is the bucket of T5's decoder (causal attention, Exercise 4.1), which gives all 32 buckets to keys "
           "before the query. Bidirectional attention splits them: 16 for keys before, 16 for keys after.")
    expect(answer == before, "Follow the function step by step for relative_position = -20.")


@exercise("4.3")
def _rope_angle(answer: Any) -> None:
    omega = 10000.0 ** (-2 / 8)
    expect_close(answer, 3 * omega, "The angle", {
        "That is ω_1, the angle per position; the query is at position 3.": omega,
        "Use the exponent -2i/head_dim with i = 1 and head_dim = 8.": 3 * 10000.0 ** (-1 / 8),
        "That is in degrees; give radians.": math.degrees(3 * omega),
        "That is pair i = 2 (dimensions 4 and 5); dimensions 2 and 3 are pair i = 1.": 3 * 10000.0 ** (-4 / 8),
        "That is pair 0, which turns by 1 radian per position; pair 1 turns by 10000^(-2/8).": 3.0,
    })


@exercise("4.4")
def _alibi_bias_value(answer: Any) -> None:
    expect_close(answer, -3 / 2, "The bias", {
        "The bias lowers the score of distant keys: it is negative.": 3 / 2,
        "That is the slope alone; multiply by the distance.": -1 / 2,
        "Head 0 has the steepest slope, 2^(-8·1/8).": -3 / 256,
        "That uses slope 2^0 = 1: heads are numbered from 0, but the exponent is -8(h+1)/n.": -3.0,
        "Count the distance again: a key 3 positions before its query is 3 away (key − query = −3), so the bias "
        "is −slope · 3.": -4 / 2,
    })


prediction("4.p", ["A", "B", "C"])  # which ALiBi head gives more attention to keys more than 10 tokens back

"""Checkers for Lecture 4's exercises (relative positions); expected values come from the papers' formulas."""
from __future__ import annotations

import math
from typing import Any

import torch

from helpers.built.positions import alibi_slopes, rope, t5_bucket
from helpers.exercises.checking import Case, check_function, exercise, expect, expect_close, expect_type, prediction

# Build-it 4.1: ALiBi slopes for any number of heads ---------------------------------------------------------------

def _closest_power_of_two(num_heads: int) -> int:
    return 2 ** int(math.log2(num_heads))


def _slopes_plain_formula(num_heads: int) -> torch.Tensor:
    """A typical mistake: 2^(-8(h+1)/n) for every n, power of two or not."""
    return 2.0 ** (-8 * torch.arange(1, num_heads + 1, dtype=torch.float64) / num_heads)


def _slopes_off_by_one(num_heads: int) -> torch.Tensor:
    """A typical mistake: h counted from 0 in the exponent, so the first slope is 1 (recipe otherwise right)."""
    n = _closest_power_of_two(num_heads)
    slopes = [2 ** (-8 * h / n) for h in range(n)] + [2 ** (-8 * h / (2 * n)) for h in range(0, 2 * n, 2)]
    return torch.tensor(slopes[:num_heads], dtype=torch.float64)


def _slopes_of_closest_power(num_heads: int) -> torch.Tensor:
    """A typical mistake: the slopes of the closest smaller power of two only (the wrong head count)."""
    return alibi_slopes(_closest_power_of_two(num_heads))


def _slopes_of_next_power(num_heads: int) -> torch.Tensor:
    """A typical mistake: all slopes of the next power of two (the wrong head count)."""
    return (alibi_slopes(2 * _closest_power_of_two(num_heads)) if num_heads & (num_heads - 1)
            else alibi_slopes(num_heads))


def _slopes_even_extra(num_heads: int) -> torch.Tensor:
    """A typical mistake: the extra slopes taken from the even-numbered slopes of 2n heads (repeating old ones)."""
    n = _closest_power_of_two(num_heads)
    slopes = [2 ** (-8 * (h + 1) / n) for h in range(n)] + [2 ** (-8 * (h + 1) / (2 * n)) for h in range(1, 2 * n, 2)]
    return torch.tensor(slopes[:num_heads], dtype=torch.float64)


def _slopes_reversed(num_heads: int) -> torch.Tensor:
    return alibi_slopes(num_heads).flip(0)


def _slope_cases() -> list[Case]:
    fixed = [1, 2, 6, 8, 12, 16, 24]
    generator = torch.Generator().manual_seed(4)
    random = torch.randint(3, 100, (6,), generator=generator).tolist()
    edge = [3, 5, 7, 32, 112, 256]                      # odd counts, BLOOM's 112 heads, a large power of two
    return [Case((n,)) for n in fixed + random + edge]


SLOPE_MISTAKES = {
    "For a head count that is not a power of two the slopes are not 2^(-8(h+1)/n): take the slopes of the "
    "closest smaller power of two n', then every other slope of 2n' heads.": _slopes_plain_formula,
    "The first head's slope is 2^(-8/n), not 1: the exponent uses h + 1 for head h = 0, 1, ...": _slopes_off_by_one,
    "One slope per head: you returned the slopes of the closest smaller power of two only; the remaining heads "
    "get every other slope of twice as many heads.": _slopes_of_closest_power,
    "One slope per head: you returned all the slopes of the next power of two; keep the smaller power of two's "
    "slopes and add only as many in-between slopes as there are heads left.": _slopes_of_next_power,
    "The extra slopes are the odd-numbered ones of 2n' heads (2^(-8·1/(2n')), 2^(-8·3/(2n')), ...); the "
    "even-numbered ones repeat slopes you already have.": _slopes_even_extra,
    "Right values, wrong order: head 0 has the steepest slope.": _slopes_reversed,
}


@exercise("4.1")
def _alibi_slopes_for_any_head_count(answer: Any) -> None:
    check_function(answer, alibi_slopes, _slope_cases(), "alibi_slopes_mine", mistakes=SLOPE_MISTAKES, atol=1e-6)


# Build-it 4.5: RoPE's rotation ----------------------------------------------------------------------------------

def _rope_reference(x: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    return rope(x, base)


def _rotated(x: torch.Tensor, base: float, *, sign: float = 1.0, swap: bool = False, start: int = 0,
             exponent: float = 2.0, half_split: bool = False) -> torch.Tensor:
    """RoPE with one typical mistake switched on (computed in float64 like the reference's float64 path)."""
    seq_len, head_dim = x.shape[-2:]
    omega = base ** (-exponent * torch.arange(head_dim // 2, dtype=torch.float64) / head_dim)
    angle = sign * (torch.arange(seq_len, dtype=torch.float64) + start)[:, None] * omega
    cos, sin = angle.cos(), angle.sin()
    if swap:
        cos, sin = sin, cos
    x64 = x.double()
    if half_split:
        a, b = x64[..., : head_dim // 2], x64[..., head_dim // 2:]
        return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1).to(x.dtype)
    a, b = x64[..., 0::2], x64[..., 1::2]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2).to(x.dtype)


ROPE_MISTAKES = {
    "Your pairs turn the wrong way (by -angle): a rotation by +angle maps (a, b) to "
    "(a·cos − b·sin, a·sin + b·cos).": lambda x, base=10000.0: _rotated(x, base, sign=-1.0),
    "cos and sin are swapped: the first coordinate of a rotated pair is a·cos(angle) − b·sin(angle).":
        lambda x, base=10000.0: _rotated(x, base, swap=True),
    "You paired dimension i with i + head_dim/2 (the half-split layout of Llama's code in transformers); this "
    "exercise pairs neighbours (x[..., 2i], x[..., 2i+1]).": lambda x, base=10000.0: _rotated(x, base, half_split=True),
    "The first token is at position 0 (it is not rotated at all): positions run 0..seq_len-1.":
        lambda x, base=10000.0: _rotated(x, base, start=1),
    "Check the frequencies: ω_i = base^(−2i/head_dim) for pair i = 0 .. head_dim/2 − 1.":
        lambda x, base=10000.0: _rotated(x, base, exponent=1.0),
    "Use the base argument instead of 10000.": lambda x, base=10000.0: _rotated(x, 10000.0),
}


def _rope_cases() -> list[Case]:
    generator = torch.Generator().manual_seed(45)
    cases = [Case((torch.randn(4, 4, generator=generator),), label="rope_mine(x of shape (4, 4))"),
             Case((torch.randn(2, 6, 8, generator=generator),), label="rope_mine(x of shape (2, 6, 8))"),
             Case((torch.randn(2, 3, 5, 16, generator=generator), 100.0),
                  label="rope_mine(x of shape (2, 3, 5, 16), base=100.0)")]
    for _ in range(3):                                   # random shapes and bases
        seq_len, pairs = torch.randint(1, 40, (2,), generator=generator).tolist()
        base = float(torch.randint(50, 20000, (1,), generator=generator))
        x = torch.randn(3, seq_len, 2 * pairs, generator=generator)
        cases.append(Case((x, base), label=f"rope_mine(x of shape {tuple(x.shape)}, base={base:g})"))
    cases += [Case((torch.randn(1, 8, generator=generator),), label="rope_mine(x of shape (1, 8)): one position"),
              Case((torch.randn(7, 2, generator=generator),), label="rope_mine(x of shape (7, 2)): one pair"),
              Case((torch.randn(300, 4, dtype=torch.float64, generator=generator),),
                   label="rope_mine(x of shape (300, 4), float64): far positions")]
    return cases


@exercise("4.5")
def _rope_rotation(answer: Any) -> None:
    check_function(answer, _rope_reference, _rope_cases(), "rope_mine", mistakes=ROPE_MISTAKES, atol=1e-4)


@exercise("4.2")
def _t5_bucket(answer: Any) -> None:
    expect_type(answer, int, "The bucket")
    after, before = (int(t5_bucket(torch.tensor(distance))) for distance in (20, -20))
    expect(answer != after, "That is the bucket of a key 20 tokens *after* the query. "
                            "A key before the query has a negative relative position.")
    expect(answer != 20, "Only distances below 8 get a bucket of their own; farther ones are on a log scale.")
    expect(answer == before, "Follow the function step by step for relative_position = -20.")


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


prediction("4.p", ["A", "B", "C"])  # which ALiBi head gives more attention to keys more than 10 tokens back

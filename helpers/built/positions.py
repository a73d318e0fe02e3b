"""Position schemes built in Lectures 3–4, reusable by later lectures: learned and sinusoidal tables,
RoPE, ALiBi and T5's relative-position buckets, plus attention scores that check their inputs.

Conventions: sinusoidal tables interleave sin (even dimensions 2i) and cos (odd dimensions 2i+1), as
in Vaswani et al. (2017); RoPE rotates interleaved pairs (dimensions 2i, 2i+1), as in Su et al. (2021).
Input checks live in helpers/validation/positions.py, so the code here reads like the production code it mirrors.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from helpers import validation


def pair_frequencies(dim: int, base: float = 10000.0) -> torch.Tensor:
    """Angular frequency base^(-2i/dim) of each dimension pair i = 0..dim/2-1, shape (dim/2,)."""
    dim = validation.positive_even(dim, "The number of dimensions")
    base = validation.position_base(base)
    return base ** (-torch.arange(0, dim, 2, dtype=torch.float32) / dim)


def sinusoidal(num_positions: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """The (num_positions, d_model) sinusoidal table: PE[p, 2i] = sin(p·ω_i), PE[p, 2i+1] = cos(p·ω_i).

    num_positions and d_model are whole numbers (numpy integers too), d_model even; base a finite number > 1.
    """
    num_positions = validation.whole_number(num_positions, "num_positions")
    d_model = validation.positive_even(d_model, "d_model")
    validation.table_fits(num_positions, d_model, "sinusoidal table")
    angles = torch.arange(num_positions, dtype=torch.float32)[:, None] * pair_frequencies(d_model, base)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(num_positions, d_model)


class LearnedPositions(nn.Module):
    """A learned table of `context_length` position vectors (GPT-2, BERT), with a clear error past its end."""

    def __init__(self, context_length: int, d_model: int) -> None:
        super().__init__()
        context_length = validation.whole_number(context_length, "context_length")
        d_model = validation.whole_number(d_model, "d_model")
        validation.table_fits(context_length, d_model, "position table")
        self.context_length = context_length
        self.table = nn.Embedding(context_length, d_model)

    def forward(self, seq_len: int) -> torch.Tensor:
        """The (seq_len, d_model) vectors of positions 0..seq_len-1; they broadcast over the batch."""
        seq_len = validation.seq_len_within(seq_len, self.context_length)
        return self.table(torch.arange(seq_len, device=self.table.weight.device))


def rope(x: torch.Tensor, base: float = 10000.0, positions: torch.Tensor | None = None) -> torch.Tensor:
    """Rotate each pair (x[..., 2i], x[..., 2i+1]) of x (..., seq_len, head_dim) by the angle position·ω_i,
    with ω_i = base^(-2i/head_dim).

    `positions` (seq_len,) defaults to 0..seq_len-1; they may be fractional (position interpolation divides
    them by a factor). Apply it to queries and keys, never to values. Angles are computed in float64 for
    float64 inputs and in float32 otherwise (as Hugging Face's Llama does).
    """
    x, base, positions = validation.rope_arguments(x, base, positions)
    head_dim = x.shape[-1]
    exact = torch.float64 if x.dtype == torch.float64 else torch.float32
    omega = base ** (-torch.arange(0, head_dim, 2, dtype=exact, device=x.device) / head_dim)
    angles = positions.to(x.device, exact)[:, None] * omega
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)


def alibi_slopes(num_heads: int) -> torch.Tensor:
    """ALiBi's per-head slopes (Press et al., 2022): 2^(-8/n), 2^(-16/n), ..., 2^(-8) for n a power of two.

    For other head counts, the recipe of the paper's code (ofirpress/attention_with_linear_biases) and of
    BLOOM (transformers' `_get_alibi_slopes`): the slopes of the closest smaller power of two n', then every
    other slope of 2n' heads (2^(-4/n'), 2^(-12/n'), ...) for the remaining heads.
    """
    validation.whole_number(num_heads, "num_heads")
    closest = 2 ** int(math.log2(num_heads))
    slopes = [2 ** (-8 * (h + 1) / closest) for h in range(closest)]
    slopes += [2 ** (-8 * (h + 1) / (2 * closest)) for h in range(0, 2 * closest, 2)][: num_heads - closest]
    return torch.tensor(slopes, dtype=torch.float32)


def alibi(num_heads: int, seq_len: int, causal: bool = True) -> torch.Tensor:
    """ALiBi's (num_heads, seq_len, seq_len) bias -m_h·|i - j| for query i and key j.

    causal=True (the paper's decoder setting) puts -inf on future keys j > i, the causal mask;
    causal=False gives the symmetric variant used by bidirectional adaptations.
    """
    validation.alibi_arguments(num_heads, seq_len, causal)
    positions = torch.arange(seq_len)
    distance = (positions[:, None] - positions[None, :]).abs().float()
    bias = -alibi_slopes(num_heads)[:, None, None] * distance
    if causal:
        bias = bias.masked_fill(positions[None, :] > positions[:, None], float("-inf"))
    return bias


def t5_bucket(relative_position: torch.Tensor, num_buckets: int = 32, max_distance: int = 128,
              bidirectional: bool = True) -> torch.Tensor:
    """T5's bucket (Raffel et al., 2020) for each relative position key - query: exact for small distances,
    logarithmically wider up to `max_distance`, one last bucket beyond. Same algorithm as Mesh TensorFlow
    and transformers' `T5Attention._relative_position_bucket`.

    The exact buckets cover distances 0..max_exact-1, with max_exact = num_buckets // 4 when bidirectional
    (each direction has half the buckets) and num_buckets // 2 otherwise; max_distance must exceed max_exact.
    """
    validation.t5_arguments(relative_position, num_buckets, max_distance, bidirectional)
    half = num_buckets // 2 if bidirectional else num_buckets
    max_exact = half // 2
    buckets = torch.zeros_like(relative_position, dtype=torch.int64)
    if bidirectional:
        buckets = buckets + (relative_position > 0).long() * half
        distance = relative_position.long().abs()
    else:
        distance = (-relative_position.long()).clamp(min=0)
    log_ratio = torch.log(distance.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact)
    large = (max_exact + (log_ratio * (half - max_exact)).long()).clamp(max=half - 1)
    return buckets + torch.where(distance < max_exact, distance, large)


def attention_scores(queries: torch.Tensor, keys: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """Scaled dot-product scores q·k/√d (..., q_len, k_len), plus an optional position bias.

    queries (..., q_len, head_dim) and keys (..., k_len, head_dim) must agree on head_dim, dtype and device;
    the bias must broadcast to the scores (e.g. (num_heads, q_len, k_len) for ALiBi or T5).
    """
    validation.score_inputs(queries, keys)
    scores = queries @ keys.transpose(-2, -1) / math.sqrt(queries.shape[-1])
    return scores if bias is None else scores + validation.score_bias(bias, scores)

"""Position schemes built in Lectures 3–4, reusable by later lectures: learned and sinusoidal tables,
RoPE, ALiBi and T5's relative-position buckets, plus attention scores that check their inputs.

Conventions: sinusoidal tables interleave sin (even dimensions 2i) and cos (odd dimensions 2i+1), as
in Vaswani et al. (2017); RoPE rotates interleaved pairs (dimensions 2i, 2i+1), as in Su et al. (2021).
"""
from __future__ import annotations

import math
import numbers

import torch
from torch import nn

from helpers.validation import positive_even, whole_number


MAX_TABLE_ELEMENTS = 2 ** 30  # 4 GiB of float32: a bigger position table is almost surely a typo


def _checked_base(base: object) -> float:
    """`base` as a float if it is a finite real number greater than 1, else an error that says why and what to use."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        tensor = " (for a one-number tensor, pass base.item())" if hasattr(base, "shape") else ""
        raise TypeError(f"base must be a real number such as 10000.0, not {type(base).__name__} {base!r}{tensor}.")
    if not math.isfinite(base) or base <= 1:
        raise ValueError(f"base must be a finite number greater than 1, not {base}: pair i turns at base^(-2i/d), "
                         "so with base <= 1 the pairs do not slow down (base = 1: all turn alike; base = 0: "
                         "division by zero). The Transformer uses base = 10000.0 (Vaswani et al., 2017).")
    return float(base)


def _fits_in_memory(rows: int, columns: int, what: str) -> None:
    """Refuse a (rows, columns) float32 table bigger than MAX_TABLE_ELEMENTS, before torch tries to allocate it."""
    if rows * columns > MAX_TABLE_ELEMENTS:
        raise ValueError(f"A {what} of {rows:,} × {columns:,} numbers would need {rows * columns * 4 / 2 ** 30:,.0f} GiB "
                         f"of memory (the limit here is {MAX_TABLE_ELEMENTS * 4 // 2 ** 30} GiB): ask for fewer "
                         "positions or dimensions.")


def pair_frequencies(dim: int, base: float = 10000.0) -> torch.Tensor:
    """Angular frequency base^(-2i/dim) of each dimension pair i = 0..dim/2-1, shape (dim/2,)."""
    dim = positive_even(dim, "The number of dimensions")
    base = _checked_base(base)
    return base ** (-torch.arange(0, dim, 2, dtype=torch.float32) / dim)


def sinusoidal(num_positions: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """The (num_positions, d_model) sinusoidal table: PE[p, 2i] = sin(p·ω_i), PE[p, 2i+1] = cos(p·ω_i).

    num_positions and d_model are whole numbers (numpy integers too), d_model even; base a finite number > 1.
    """
    num_positions = whole_number(num_positions, "num_positions")
    d_model = positive_even(d_model, "d_model")
    base = _checked_base(base)
    _fits_in_memory(num_positions, d_model, "sinusoidal table")
    angles = torch.arange(num_positions, dtype=torch.float32)[:, None] * pair_frequencies(d_model, base)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(num_positions, d_model)


class LearnedPositions(nn.Module):
    """A learned table of `context_length` position vectors (GPT-2, BERT), with a clear error past its end."""

    def __init__(self, context_length: int, d_model: int) -> None:
        super().__init__()
        context_length = whole_number(context_length, "context_length")
        d_model = whole_number(d_model, "d_model")
        _fits_in_memory(context_length, d_model, "position table")
        self.context_length = context_length
        self.table = nn.Embedding(context_length, d_model)

    def forward(self, seq_len: int) -> torch.Tensor:
        """The (seq_len, d_model) vectors of positions 0..seq_len-1; they broadcast over the batch."""
        if hasattr(seq_len, "shape") and not isinstance(seq_len, numbers.Integral):  # most likely the ids
            raise TypeError(f"LearnedPositions takes seq_len, the number of positions (an int), not a "
                            f"{type(seq_len).__name__} of shape {tuple(seq_len.shape)}. For a batch of ids "
                            f"(batch, seq_len), call it with ids.shape[-1]; for a one-number tensor, int(n).")
        seq_len = whole_number(seq_len, "seq_len")
        if seq_len > self.context_length:
            raise ValueError(f"A sequence of {seq_len} tokens needs positions 0..{seq_len - 1}, but this table "
                             f"only has rows for positions 0..{self.context_length - 1} (context_length="
                             f"{self.context_length}). Cut the text into windows of at most "
                             f"{self.context_length} tokens, or use a scheme without a table (sinusoidal, RoPE, ALiBi).")
        return self.table(torch.arange(seq_len, device=self.table.weight.device))


def rope(x: torch.Tensor, base: float = 10000.0, positions: torch.Tensor | None = None) -> torch.Tensor:
    """Rotate each pair (x[..., 2i], x[..., 2i+1]) of x (..., seq_len, head_dim) by the angle position·ω_i.

    `positions` (seq_len,) defaults to 0..seq_len-1. Apply it to queries and keys, never to values.
    """
    if x.dim() < 2:
        raise ValueError(f"rope needs x of shape (..., seq_len, head_dim), got shape {tuple(x.shape)}.")
    seq_len, head_dim = x.shape[-2:]
    positive_even(head_dim, "head_dim (the last dimension of x)")
    if positions is None:
        positions = torch.arange(seq_len, device=x.device)
    if positions.shape != (seq_len,):
        raise ValueError(f"positions has shape {tuple(positions.shape)} but x has seq_len={seq_len}: "
                         f"give one position per token, shape ({seq_len},).")
    angles = positions.to(x.device, torch.float32)[:, None] * pair_frequencies(head_dim, base).to(x.device)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)


def alibi_slopes(num_heads: int) -> torch.Tensor:
    """ALiBi's per-head slopes (Press et al., 2022): 2^(-8/n), 2^(-16/n), ... for n a power of two.

    For other head counts, the paper's recipe: the slopes of the nearest smaller power of two, then every
    other slope of the next power of two.
    """
    whole_number(num_heads, "num_heads")
    closest = 2 ** int(math.log2(num_heads))
    slopes = [2 ** (-8 * (h + 1) / closest) for h in range(closest)]
    slopes += [2 ** (-8 * (h + 1) / (2 * closest)) for h in range(0, 2 * closest, 2)][: num_heads - closest]
    return torch.tensor(slopes, dtype=torch.float32)


def alibi(num_heads: int, seq_len: int, causal: bool = True) -> torch.Tensor:
    """ALiBi's (num_heads, seq_len, seq_len) bias -m_h·|i - j| for query i and key j.

    causal=True (the paper's decoder setting) puts -inf on future keys j > i, the causal mask;
    causal=False gives the symmetric variant used by bidirectional adaptations.
    """
    whole_number(seq_len, "seq_len")
    positions = torch.arange(seq_len)
    distance = (positions[:, None] - positions[None, :]).abs().float()
    bias = -alibi_slopes(num_heads)[:, None, None] * distance
    if causal:
        bias = bias.masked_fill(positions[None, :] > positions[:, None], float("-inf"))
    return bias


def t5_bucket(relative_position: torch.Tensor, num_buckets: int = 32, max_distance: int = 128,
              bidirectional: bool = True) -> torch.Tensor:
    """T5's bucket (Raffel et al., 2020) for each relative position key - query: exact for small distances,
    logarithmically wider up to `max_distance`, one last bucket beyond. Same algorithm as Mesh TensorFlow.
    """
    whole_number(num_buckets, "num_buckets")
    whole_number(max_distance, "max_distance")
    if relative_position.is_floating_point():
        raise TypeError("relative_position must hold whole numbers (an integer tensor), "
                        f"got dtype {relative_position.dtype}. Use torch.arange(...) or .long().")
    buckets = torch.zeros_like(relative_position)
    if bidirectional:
        num_buckets //= 2
        buckets = buckets + (relative_position > 0).long() * num_buckets
        distance = relative_position.abs()
    else:
        distance = (-relative_position).clamp(min=0)
    max_exact = num_buckets // 2
    log_ratio = torch.log(distance.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact)
    large = (max_exact + (log_ratio * (num_buckets - max_exact)).long()).clamp(max=num_buckets - 1)
    return buckets + torch.where(distance < max_exact, distance, large)


def attention_scores(queries: torch.Tensor, keys: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """Scaled dot-product scores q·k/√d (..., q_len, k_len), plus an optional position bias.

    queries (..., q_len, head_dim) and keys (..., k_len, head_dim) must agree on head_dim; the bias must
    broadcast to the scores (e.g. (num_heads, q_len, k_len) for ALiBi or T5).
    """
    if queries.dim() < 2 or keys.dim() < 2 or queries.shape[-1] != keys.shape[-1]:
        raise ValueError(f"queries {tuple(queries.shape)} and keys {tuple(keys.shape)} must both be "
                         "(..., seq_len, head_dim) with the same head_dim: each query is compared with each key.")
    scores = queries @ keys.transpose(-2, -1) / math.sqrt(queries.shape[-1])
    if bias is None:
        return scores
    try:
        return scores + bias
    except RuntimeError as error:
        raise ValueError(f"The bias {tuple(bias.shape)} does not fit the scores {tuple(scores.shape)} "
                         "(..., q_len, k_len): build it for the same sequence lengths and heads.") from error

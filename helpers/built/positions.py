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

from helpers.validation import flag, positive_even, whole_number

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
        raise ValueError(f"A {what} of {rows:,} × {columns:,} numbers would need "
                         f"{rows * columns * 4 / 2 ** 30:,.0f} GiB "
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
                             f"{self.context_length} tokens, or use a scheme without a table "
                             "(sinusoidal, RoPE, ALiBi).")
        return self.table(torch.arange(seq_len, device=self.table.weight.device))


def _tensor(value: object, name: str, example: str) -> torch.Tensor:
    """`value` if it is a torch.Tensor, else a clear TypeError (numpy arrays and lists included)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, not {type(value).__name__}. Make one with {example}.")
    return value


def _finite(tensor: torch.Tensor, name: str) -> None:
    if tensor.numel() and not bool(torch.isfinite(tensor).all()):
        raise ValueError(f"{name} holds NaN or infinite values; RoPE would spread them into every output. "
                         f"Find where they come from (e.g. torch.isfinite({name}).all()).")


def _float_vectors(x: object, name: str) -> torch.Tensor:
    """`x` if it is a floating-point tensor of vectors; ids, bools and numpy arrays get a clear error."""
    x = _tensor(x, name, f"torch.as_tensor({name}, dtype=torch.float32)")
    if not x.is_floating_point():
        raise TypeError(f"{name} must hold vectors of floats (e.g. float32), not {x.dtype}: rotating or "
                        f"comparing whole numbers would round the results to 0. Convert with {name}.float(), "
                        "or check that you passed queries/keys and not token ids.")
    return x


def _real_above(value: object, name: str, low: float, example: str) -> float:
    """`value` as a float if it is a finite real number greater than `low`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite number such as {example}, not {type(value).__name__} {value!r}.")
    if value <= low:
        raise ValueError(f"{name} must be greater than {low:g}, not {value!r} (the usual value is {example}).")
    return float(value)


def rope(x: torch.Tensor, base: float = 10000.0, positions: torch.Tensor | None = None) -> torch.Tensor:
    """Rotate each pair (x[..., 2i], x[..., 2i+1]) of x (..., seq_len, head_dim) by the angle position·ω_i,
    with ω_i = base^(-2i/head_dim).

    `positions` (seq_len,) defaults to 0..seq_len-1; they may be fractional (position interpolation divides
    them by a factor). Apply it to queries and keys, never to values. Angles are computed in float64 for
    float64 inputs and in float32 otherwise (as Hugging Face's Llama does).
    """
    x = _float_vectors(x, "x")
    if x.dim() < 2:
        raise ValueError(f"rope needs x of shape (..., seq_len, head_dim), got shape {tuple(x.shape)}. "
                         "For one vector at one position use x[None, :].")
    seq_len, head_dim = x.shape[-2:]
    if seq_len == 0:
        raise ValueError(f"x has shape {tuple(x.shape)}: seq_len is 0, so there is no position to rotate. "
                         "Pass at least one token.")
    positive_even(head_dim, "head_dim (the last dimension of x)")
    base = _real_above(base, "base", 1.0, "10000.0")
    _finite(x, "x")
    if positions is None:
        positions = torch.arange(seq_len, device=x.device)
    positions = _tensor(positions, "positions", f"torch.arange({seq_len})")
    if positions.dtype == torch.bool or positions.is_complex():
        raise TypeError(f"positions must be numbers (int or float), not {positions.dtype}. "
                        f"Use torch.arange({seq_len}).")
    if positions.shape != (seq_len,):
        raise ValueError(f"positions has shape {tuple(positions.shape)} but x has seq_len={seq_len}: "
                         f"give one position per token, shape ({seq_len},).")
    _finite(positions, "positions")  # isfinite works on any dtype; .double() would fail on an Apple GPU
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
    whole_number(num_heads, "num_heads")
    closest = 2 ** int(math.log2(num_heads))
    slopes = [2 ** (-8 * (h + 1) / closest) for h in range(closest)]
    slopes += [2 ** (-8 * (h + 1) / (2 * closest)) for h in range(0, 2 * closest, 2)][: num_heads - closest]
    return torch.tensor(slopes, dtype=torch.float32)


MAX_BIAS_ELEMENTS = 2 ** 28  # 1 GiB of float32: a bias larger than this is refused with the size it would need


def alibi(num_heads: int, seq_len: int, causal: bool = True) -> torch.Tensor:
    """ALiBi's (num_heads, seq_len, seq_len) bias -m_h·|i - j| for query i and key j.

    causal=True (the paper's decoder setting) puts -inf on future keys j > i, the causal mask;
    causal=False gives the symmetric variant used by bidirectional adaptations.
    """
    whole_number(num_heads, "num_heads")
    whole_number(seq_len, "seq_len")
    flag(causal, "causal")
    if num_heads * seq_len ** 2 > MAX_BIAS_ELEMENTS:
        raise ValueError(f"alibi({num_heads}, {seq_len}) would hold {num_heads * seq_len ** 2:,} numbers "
                         f"({num_heads * seq_len ** 2 * 4 / 2 ** 30:.1f} GiB): too large. Use a shorter seq_len, "
                         "or add the bias block by block.")
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
    relative_position = _tensor(relative_position, "relative_position", "torch.arange(-5, 6)")
    if relative_position.dtype not in (torch.int64, torch.int32):
        raise TypeError("relative_position must hold whole numbers (an int64 or int32 tensor; key position - "
                        f"query position, so negative numbers too), got dtype {relative_position.dtype}. "
                        "Use torch.arange(...) or .long().")
    flag(bidirectional, "bidirectional")
    whole_number(num_buckets, "num_buckets", minimum=4 if bidirectional else 2)
    whole_number(max_distance, "max_distance")
    half = num_buckets // 2 if bidirectional else num_buckets
    max_exact = half // 2
    if max_distance <= max_exact:
        raise ValueError(f"max_distance must be larger than {max_exact}, not {max_distance}: with num_buckets="
                         f"{num_buckets}{' (bidirectional: half per direction)' if bidirectional else ''} the "
                         f"distances 0..{max_exact - 1} already get a bucket each, and the logarithmic buckets "
                         f"cover {max_exact}..max_distance. Raise max_distance (T5 uses 128) or lower num_buckets.")
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
    queries, keys = _float_vectors(queries, "queries"), _float_vectors(keys, "keys")
    if queries.dim() < 2 or keys.dim() < 2 or queries.shape[-1] != keys.shape[-1] or queries.shape[-1] == 0:
        raise ValueError(f"queries {tuple(queries.shape)} and keys {tuple(keys.shape)} must both be "
                         "(..., seq_len, head_dim) with the same head_dim: each query is compared with each key.")
    if queries.dtype != keys.dtype or queries.device != keys.device:
        raise TypeError(f"queries ({queries.dtype} on {queries.device}) and keys ({keys.dtype} on {keys.device}) "
                        "must have the same dtype and device: convert one, e.g. keys.to(queries).")
    scores = queries @ keys.transpose(-2, -1) / math.sqrt(queries.shape[-1])
    if bias is None:
        return scores
    bias = _tensor(bias, "bias", "alibi(num_heads, seq_len)")
    if not bias.is_floating_point() or bias.device != scores.device:
        raise TypeError(f"bias must be a float tensor on {scores.device} like the scores, not {bias.dtype} on "
                        f"{bias.device}: convert it with bias.to(scores.dtype).to(device).")
    try:
        return scores + bias
    except RuntimeError as error:
        raise ValueError(f"The bias {tuple(bias.shape)} does not fit the scores {tuple(scores.shape)} "
                         "(..., q_len, k_len): build it for the same sequence lengths and heads.") from error

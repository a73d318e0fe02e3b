"""The checks of the position schemes (helpers/built/positions.py): Lectures 3–4's sinusoidal and learned tables,
RoPE, ALiBi, T5's buckets and attention scores."""
from __future__ import annotations

import math
import numbers

import torch

from helpers.validation.scalars import flag, positive_even, whole_number

MAX_TABLE_ELEMENTS = 2 ** 30  # 4 GiB of float32: a bigger position table is almost surely a typo
MAX_BIAS_ELEMENTS = 2 ** 28   # 1 GiB of float32: a bias larger than this is refused with the size it would need


def position_base(base: object) -> float:
    """`base` as a float if it is a finite real number greater than 1, else an error that says why and what to use."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        tensor = " (for a one-number tensor, pass base.item())" if hasattr(base, "shape") else ""
        raise TypeError(f"base must be a real number such as 10000.0, not {type(base).__name__} {base!r}{tensor}.")
    if not math.isfinite(base) or base <= 1:
        raise ValueError(f"base must be a finite number greater than 1, not {base}: pair i turns at base^(-2i/d), "
                         "so with base <= 1 the pairs do not slow down (base = 1: all turn alike; base = 0: "
                         "division by zero). The Transformer uses base = 10000.0 (Vaswani et al., 2017).")
    return float(base)


def table_fits(rows: int, columns: int, what: str) -> None:
    """Refuse a (rows, columns) float32 table bigger than MAX_TABLE_ELEMENTS, before torch tries to allocate it."""
    if rows * columns > MAX_TABLE_ELEMENTS:
        raise ValueError(f"A {what} of {rows:,} × {columns:,} numbers would need "
                         f"{rows * columns * 4 / 2 ** 30:,.0f} GiB "
                         f"of memory (the limit here is {MAX_TABLE_ELEMENTS * 4 // 2 ** 30} GiB): ask for fewer "
                         "positions or dimensions.")


def seq_len_within(seq_len: object, context_length: int) -> int:
    """`seq_len` as an int if a learned table of `context_length` rows has a vector for each of its positions."""
    if hasattr(seq_len, "shape") and not isinstance(seq_len, numbers.Integral):  # most likely the ids
        raise TypeError(f"LearnedPositions takes seq_len, the number of positions (an int), not a "
                        f"{type(seq_len).__name__} of shape {tuple(seq_len.shape)}. For a batch of ids "
                        f"(batch, seq_len), call it with ids.shape[-1]; for a one-number tensor, int(n).")
    seq_len = whole_number(seq_len, "seq_len")
    if seq_len > context_length:
        raise ValueError(f"A sequence of {seq_len} tokens needs positions 0..{seq_len - 1}, but this table "
                         f"only has rows for positions 0..{context_length - 1} (context_length="
                         f"{context_length}). Cut the text into windows of at most "
                         f"{context_length} tokens, or use a scheme without a table "
                         "(sinusoidal, RoPE, ALiBi).")
    return seq_len


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


def rope_arguments(x: object, base: object, positions: object) -> tuple[torch.Tensor, float, torch.Tensor]:
    """RoPE's inputs checked: x a finite float tensor (..., seq_len, head_dim) with head_dim even and seq_len > 0,
    base a finite number > 1, positions one finite number per token (default 0..seq_len-1 on x's device)."""
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
    return x, base, positions


def alibi_arguments(num_heads: object, seq_len: object, causal: object) -> None:
    """ALiBi's sizes: whole numbers, a True/False flag, and a bias small enough to allocate."""
    whole_number(num_heads, "num_heads")
    whole_number(seq_len, "seq_len")
    flag(causal, "causal")
    if num_heads * seq_len ** 2 > MAX_BIAS_ELEMENTS:
        raise ValueError(f"alibi({num_heads}, {seq_len}) would hold {num_heads * seq_len ** 2:,} numbers "
                         f"({num_heads * seq_len ** 2 * 4 / 2 ** 30:.1f} GiB): too large. Use a shorter seq_len, "
                         "or add the bias block by block.")


def t5_arguments(relative_position: object, num_buckets: object, max_distance: object, bidirectional: object) -> None:
    """T5's bucket inputs: whole-number relative positions, and bucket counts whose exact part fits max_distance."""
    relative_position = _tensor(relative_position, "relative_position", "torch.arange(-5, 6)")
    if relative_position.dtype not in (torch.int64, torch.int32):
        raise TypeError("relative_position must hold whole numbers (an int64 or int32 tensor; key position - "
                        f"query position, so negative numbers too), got dtype {relative_position.dtype}. "
                        "Use torch.arange(...) or .long().")
    flag(bidirectional, "bidirectional")
    whole_number(num_buckets, "num_buckets", minimum=4 if bidirectional else 2)
    whole_number(max_distance, "max_distance")
    max_exact = (num_buckets // 2 if bidirectional else num_buckets) // 2
    if max_distance <= max_exact:
        raise ValueError(f"max_distance must be larger than {max_exact}, not {max_distance}: with num_buckets="
                         f"{num_buckets}{' (bidirectional: half per direction)' if bidirectional else ''} the "
                         f"distances 0..{max_exact - 1} already get a bucket each, and the logarithmic buckets "
                         f"cover {max_exact}..max_distance. Raise max_distance (T5 uses 128) or lower num_buckets.")


def score_inputs(queries: object, keys: object) -> None:
    """Queries (..., q_len, head_dim) and keys (..., k_len, head_dim): float tensors of one head_dim, dtype and
    device."""
    queries, keys = _float_vectors(queries, "queries"), _float_vectors(keys, "keys")
    if queries.dim() < 2 or keys.dim() < 2 or queries.shape[-1] != keys.shape[-1] or queries.shape[-1] == 0:
        raise ValueError(f"queries {tuple(queries.shape)} and keys {tuple(keys.shape)} must both be "
                         "(..., seq_len, head_dim) with the same head_dim: each query is compared with each key.")
    if queries.dtype != keys.dtype or queries.device != keys.device:
        raise TypeError(f"queries ({queries.dtype} on {queries.device}) and keys ({keys.dtype} on {keys.device}) "
                        "must have the same dtype and device: convert one, e.g. keys.to(queries).")


def score_bias(bias: object, scores: torch.Tensor) -> torch.Tensor:
    """`bias` if it is a float tensor on the scores' device that broadcasts with the scores (..., q_len, k_len)."""
    bias = _tensor(bias, "bias", "alibi(num_heads, seq_len)")
    if not bias.is_floating_point() or bias.device != scores.device:
        raise TypeError(f"bias must be a float tensor on {scores.device} like the scores, not {bias.dtype} on "
                        f"{bias.device}: convert it with bias.to(scores.dtype).to(device).")
    try:
        torch.broadcast_shapes(scores.shape, bias.shape)
    except RuntimeError as error:
        raise ValueError(f"The bias {tuple(bias.shape)} does not fit the scores {tuple(scores.shape)} "
                         "(..., q_len, k_len): build it for the same sequence lengths and heads.") from error
    return bias

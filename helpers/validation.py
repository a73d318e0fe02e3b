"""The checks every public function shares, in one place and with one wording: whole numbers, flags, even sizes,
id tensors and id lists, ids within a table, token lists, DataLoader options.

They live here, at the API boundary, so the code in helpers/built/ reads like the production code it mirrors.
Non-integers raise TypeError, integers out of range raise ValueError; each message names the argument, what it
got and how to fix it, so a learner never meets a bare error from deep inside torch.
"""
from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

ID_DTYPES = (torch.int64, torch.int32)  # what nn.Embedding and indexing take; int8/int16/uint8 fail deep inside torch
TOO_SMALL = ("int8", "uint8", "int16")  # too small for GPT-2's ids (up to 50256): a cast to them wraps ids around
INT64_LIMIT = 2**63  # ids must fit in torch.long


def whole_number(value: object, name: str, minimum: int = 1) -> int:
    """`value` as an int if it is a whole number (numpy ints too) of at least `minimum`, else a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number such as {max(minimum, 4)}, not {type(value).__name__} "
                        f"{value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}.")
    return int(value)


def positive_even(value: object, name: str) -> int:
    """`value` as an int if it is a positive even whole number (dimensions that come in pairs), else a clear error."""
    value = whole_number(value, name)
    if value % 2:
        raise ValueError(f"{name} must be even (dimensions come in sin/cos or rotation pairs), not {value}. "
                         f"Use {value + 1} or {value - 1 if value > 1 else 2}.")
    return value


def flag(value: object, name: str) -> bool:
    """`value` if it is True or False (not 0/1, not a string), else a clear error."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__} {value!r}.")
    return value


def has_values(tensor: torch.Tensor, name: str) -> torch.Tensor:
    """`tensor` of ids unless it is on the meta device (a shape, no values): the course's one meta-device check."""
    if tensor.is_meta:
        raise ValueError(f"{name} are on the meta device, which holds no values (only a shape); use real ids on the "
                         "CPU, e.g. torch.tensor(enc.encode(text)).")
    return tensor


def integer_ids(ids: object, name: str = "ids", allow_meta: bool = False) -> torch.Tensor:
    """`ids` if it is a tensor of int64 or int32 ids (rows of a table) with values; otherwise explain how to make one.

    `allow_meta=True` accepts meta-device ids (only their shape is used, e.g. to count a module's output shape).
    """
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, not {type(ids).__name__}. "
                        f"Make one with torch.tensor({name}, dtype=torch.long).")
    if ids.dtype not in ID_DTYPES:
        kind = "vectors, not ids" if ids.dtype.is_floating_point else "ids in a dtype torch cannot index with"
        raise TypeError(f"{name} must hold token ids as torch.long (int64), not {ids.dtype} ({kind}). "
                        f"Convert with {name}.long(), or check that you passed ids and not embeddings.")
    return ids if allow_meta else has_values(ids, name)


def id_list(ids: object, caller: str = "decode") -> list[int]:
    """A list of int ids from a list (numpy ints allowed) or a 1-D integer numpy array or tensor.

    Anything else gets a clear error: floats, bools, text, 2-D ids, and dtypes too small to hold token ids
    (int8, uint8, int16: a cast to them silently wraps large ids around).
    """
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(f"{caller} needs a list of int ids, not {type(ids).__name__}. "
                        "To get ids from text, use encode.")
    if isinstance(ids, torch.Tensor) or hasattr(ids, "dtype") and hasattr(ids, "ndim"):  # a tensor or numpy array
        kind = str(ids.dtype).removeprefix("torch.")
        if isinstance(ids, torch.Tensor):
            has_values(ids, f"the ids {caller} got")
        if ids.ndim != 1:
            raise ValueError(f"{caller} takes one sequence of ids, not shape {tuple(ids.shape)}; pass one row, "
                             "e.g. ids[0].")
        if kind in TOO_SMALL:
            raise TypeError(f"Token ids must be int64 or int32, not {kind}: {kind} is too small for token ids "
                            "(a cast to it wraps large ids around). Keep the ids as torch.long (int64) from "
                            "the tokenizer on.")
        if "int" not in kind:
            raise TypeError(f"Token ids must be integers (e.g. int64), not {kind}. If they are whole numbers, "
                            "convert them (tensor.long(), array.astype('int64')); check that you passed ids, not "
                            "vectors.")
        return [int(i) for i in ids.tolist()]
    ids = list(ids)
    for position, token_id in enumerate(ids):
        if isinstance(token_id, bool) or not isinstance(token_id, numbers.Integral):
            raise TypeError(f"Token ids must be ints, but position {position} holds {token_id!r} "
                            f"({type(token_id).__name__}).")
    return [int(token_id) for token_id in ids]


def ids_within(ids: torch.Tensor | Sequence[int], size: int, what: str, table: str, fix: str) -> None:
    """Refuse ids outside rows 0..size-1 of a table, naming the first bad one (meta or empty ids: nothing to check)."""
    if isinstance(ids, torch.Tensor):
        if ids.numel() == 0 or ids.is_meta:
            return
        low, high = int(ids.min()), int(ids.max())
    elif not ids:
        return
    else:
        low, high = min(ids), max(ids)
    if low < 0 or high >= size:
        bad = low if low < 0 else high
        raise ValueError(f"{what} {bad} is outside {table}, which has rows 0..{size - 1}. {fix}")


def ids_row(values: object, name: str) -> torch.Tensor:
    """One row of ids or token types as a 1-D int64 tensor (from a list, a tensor or a numpy array)."""
    if isinstance(values, np.ndarray):
        values = torch.from_numpy(values)
    if isinstance(values, torch.Tensor):
        values = integer_ids(values, name)
    elif isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list or 1-D tensor of whole numbers, not {type(values).__name__} "
                        f"{values!r}. Build the pair first (make_pair, then look the tokens up).")
    elif not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must hold whole numbers (ids or token types), not {list(values)[:5]!r}. "
                        f"Look the tokens up in the vocabulary first.")
    else:
        huge = [v for v in values if not -INT64_LIMIT <= v < INT64_LIMIT]
        if huge:
            raise ValueError(f"{name} holds {huge[0]}, too large for a token id (ids are int64, below 2**63; a real "
                             "vocabulary has fewer than a million). Check where the ids came from.")
    row = torch.as_tensor(values, dtype=torch.long)
    if row.dim() != 1:
        raise ValueError(f"{name} must be one row (1-D), but it has shape {tuple(row.shape)}. Pass one pair per row.")
    return row


def token_list(tokens: object, name: str, added: Sequence[str]) -> list[str | int]:
    """A text's tokens (all strings or all whole-number ids) as a list; `added` are special tokens the caller adds
    itself, so they may not appear in the text."""
    if isinstance(tokens, str):
        raise TypeError(f"{name} should be a list of tokens, not one string: split it first, e.g. "
                        f"{tokens[:20]!r}.split().")
    if isinstance(tokens, torch.Tensor):
        raise TypeError(f"{name} should be a list of tokens or ids, not a tensor: pass {name}.tolist().")
    if tokens is None or not isinstance(tokens, Sequence):
        raise TypeError(f"{name} should be a list of tokens (strings such as 'cat') or ids, not "
                        f"{type(tokens).__name__} {tokens!r}. Use [] for an empty text.")
    kinds = {isinstance(t, str) for t in tokens if not isinstance(t, bool)}
    odd = [t for t in tokens if isinstance(t, bool) or not isinstance(t, (str, numbers.Integral))]
    if odd:
        raise TypeError(f"{name} holds {odd[0]!r} ({type(odd[0]).__name__}); every token must be a string such as "
                        f"'cat' or a whole-number id such as 2368. Tokenize the text first.")
    if len(kinds) > 1:
        raise TypeError(f"{name} mixes token strings and ids: give all strings or all ids.")
    special = [t for t in tokens if t in added]
    if special:
        raise ValueError(f"{name} already holds {special[0]}: make_pair adds {' and '.join(added)} itself. "
                         f"Pass only the text's own tokens.")
    return [int(t) if isinstance(t, numbers.Integral) else t for t in tokens]


_DATALOADER_OPTIONS = set(inspect.signature(DataLoader).parameters) - {"self", "dataset"}
_SET_BY_WINDOW_LOADER = {"batch_size", "shuffle", "drop_last", "generator"}


def dataloader_options(options: Mapping[str, Any], shuffle: bool) -> dict[str, Any]:
    """The extra keywords of `window_loader`, checked before PyTorch's DataLoader sees them."""
    unknown = sorted(set(options) - _DATALOADER_OPTIONS)
    if unknown:
        raise TypeError(f"window_loader got {unknown[0]!r}, which torch.utils.data.DataLoader does not take. Its "
                        f"options: {', '.join(sorted(_DATALOADER_OPTIONS - _SET_BY_WINDOW_LOADER))}.")
    if "batch_sampler" in options:
        raise ValueError("window_loader makes batches of batch_size itself, so it takes no batch_sampler. For "
                         "batches of your own, use DataLoader(WindowDataset(ids, context_length, stride), "
                         "batch_sampler=...).")
    if options.get("sampler") is not None and shuffle:
        raise ValueError("Give either shuffle=True or a sampler, not both: the sampler decides the order.")
    if "num_workers" in options:
        whole_number(options["num_workers"], "num_workers (processes loading batches; 0 loads in this one)",
                     minimum=0)
    for name in ("pin_memory", "persistent_workers"):
        if name in options:
            flag(options[name], name)
    return dict(options)


# Refuse tables of more numbers than this (16 GiB in float32) unless they are built on the meta device.
MAX_TABLE_NUMBERS = 2 ** 32


def embedding_arguments(vocab_size: object, d_model: object, context_length: object, positions: object,
                        position_kinds: Sequence[str], num_segments: object, dropout: object, layer_norm: object,
                        layer_norm_eps: object) -> None:
    """The arguments of helpers.built.input_embedding.InputEmbedding, checked before any table is allocated."""
    for value, name in ((vocab_size, "vocab_size"), (d_model, "d_model"), (context_length, "context_length")):
        whole_number(value, name)
    if not isinstance(positions, str) or positions not in position_kinds:
        raise ValueError(f"positions must be one of {tuple(position_kinds)}, got {positions!r}. RoPE and ALiBi are "
                         "not added to the input: they live inside attention (Lecture 4).")
    if positions == "sinusoidal" and d_model % 2:
        raise ValueError(f"Sinusoidal positions need an even d_model (sin/cos pairs), got d_model={d_model}. "
                         f"Use d_model={d_model + 1} or {max(d_model - 1, 2)}, or positions='learned'.")
    whole_number(num_segments, "num_segments (0 for no segment table)", minimum=0)
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout is the probability of zeroing a value: choose a number in [0, 1), "
                         f"got {dropout!r}.")
    if not isinstance(layer_norm, bool):
        raise TypeError(f"layer_norm must be True or False, not {layer_norm!r}. To choose its epsilon, "
                        "pass layer_norm=True, layer_norm_eps=1e-12.")
    if isinstance(layer_norm_eps, bool) or not isinstance(layer_norm_eps, numbers.Real) or not layer_norm_eps > 0:
        raise ValueError(f"layer_norm_eps must be a small positive number such as 1e-5 (PyTorch, GPT-2) or "
                         f"1e-12 (BERT), got {layer_norm_eps!r}.")
    if torch.empty(0).device.type != "meta":
        for rows, name in ((vocab_size, "vocab_size"), (context_length, "context_length")):
            if rows * d_model > MAX_TABLE_NUMBERS:
                raise ValueError(f"A table of {name}={rows:,} rows × d_model={d_model:,} holds "
                                 f"{rows * d_model:,} numbers ({4 * rows * d_model / 2**30:,.0f} GiB): too many "
                                 "to allocate. Use smaller sizes, or build the module on the meta device "
                                 "(with torch.device('meta'): ...) to count its parameters without memory.")


def embedding_ids(token_ids: object, segment_ids: object, vocab_size: int, context_length: int, num_segments: int,
                  table_device: torch.device) -> None:
    """The ids an InputEmbedding is called with: shapes, dtypes, devices and ranges against its tables."""
    integer_ids(token_ids, "token_ids", allow_meta=True)
    if token_ids.dim() != 2:
        raise ValueError(f"token_ids must have shape (batch, seq_len), got {tuple(token_ids.shape)}. "
                         "For one sequence, add a batch dimension: token_ids.unsqueeze(0).")
    if token_ids.numel() == 0:
        raise ValueError(f"token_ids is empty (shape {tuple(token_ids.shape)}): give at least one sequence "
                         "of at least one token.")
    if token_ids.device != table_device:
        raise ValueError(f"token_ids are on {token_ids.device} but this module's tables are on {table_device}. "
                         "Move one of them: token_ids.to(device) or module.to(device).")
    seq_len = token_ids.shape[1]
    if seq_len > context_length:
        raise ValueError(f"The sequence has {seq_len} tokens but the context holds {context_length} "
                         f"positions (context_length={context_length}). Cut the text into windows of at "
                         "most context_length tokens, or build the module with a larger context_length.")
    ids_within(token_ids, vocab_size, "token id", "the vocabulary",
               "Encode the text with the same tokenizer as the table, or build the module with a larger vocab_size.")
    if segment_ids is None:
        return
    if not num_segments:
        raise ValueError("segment_ids were given, but this module has no segment table (num_segments=0). "
                         "Build it with num_segments=2 for BERT-style pairs, or leave segment_ids out.")
    integer_ids(segment_ids, "segment_ids", allow_meta=True)
    if segment_ids.shape != token_ids.shape:
        raise ValueError(f"segment_ids have shape {tuple(segment_ids.shape)} but token_ids have "
                         f"{tuple(token_ids.shape)}: give one segment id per token.")
    if segment_ids.device != token_ids.device:
        raise ValueError(f"segment_ids are on {segment_ids.device} but token_ids are on {token_ids.device}. "
                         "Move both to the same device with .to(device).")
    ids_within(segment_ids, num_segments, "segment id", "the segment table",
               "BERT-style pairs use 0 for sentence A and 1 for sentence B; for more segments, build the "
               "module with a larger num_segments.")


# ---- Position schemes (helpers/built/positions.py): the checks of Lectures 3–4's functions

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

"""Lecture 7's pieces of a decoder's input, with checks at the boundary: position ids from an attention mask (as
transformers' generation computes them), Llama-style RoPE (rotate-half layout, angles in float32), the 4-D additive
mask a model's attention adds to its scores, and packing several documents into one sequence."""
from __future__ import annotations

import torch

from helpers.validation import integer_ids, positive_even


def _mask(attention_mask: object, name: str = "attention_mask") -> torch.Tensor:
    """A (batch, seq_len) mask of 0/1 (or bool) with at least one 1 per row, as a long tensor; else a clear error."""
    if not isinstance(attention_mask, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of 0s and 1s, not {type(attention_mask).__name__}. "
                        f"Make one with torch.tensor([[0, 1, 1]]).")
    if attention_mask.dtype.is_floating_point or attention_mask.is_complex():
        raise TypeError(f"{name} must hold whole numbers 0/1 (or True/False), not {attention_mask.dtype}: "
                        f"a tokenizer's mask is torch.long. Use {name}.long().")
    if attention_mask.dim() != 2:
        raise ValueError(f"{name} must have shape (batch, seq_len), got shape {tuple(attention_mask.shape)}. "
                         f"For one sequence use {name}[None, :].")
    if attention_mask.shape[1] == 0:
        raise ValueError(f"{name} has shape {tuple(attention_mask.shape)}: no tokens. Pass at least one token.")
    mask = attention_mask.long()
    if ((mask != 0) & (mask != 1)).any():
        found = sorted(mask.unique().tolist())
        raise ValueError(f"{name} must hold only 0 (pad) and 1 (real token); found {found}.")
    empty = (mask.sum(-1) == 0).nonzero().flatten().tolist()
    if empty:
        raise ValueError(f"Row {empty[0]} of {name} has no 1: a sequence with no real token has no positions and "
                         f"nothing to attend to. Drop that row from the batch.")
    return mask


def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """(batch, seq_len) position ids: real tokens count 0, 1, 2, ... from the first 1 of their row; pads get 0.

    This is what transformers' generation does for left-padded batches (pads get 0 in 5.x, 1 in 4.57; attention
    never reads them)."""
    mask = _mask(attention_mask)
    return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 0)


def rope_cos_sin(position_ids: torch.Tensor, head_dim: int, base: float = 10000.0
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Llama's RoPE tables for (batch, seq_len) position ids: cos and sin of shape (batch, seq_len, head_dim),
    angles computed in float32 (never in bf16), each frequency repeated for the two halves (rotate-half layout)."""
    position_ids = integer_ids(position_ids, "position_ids")
    if position_ids.dim() != 2:
        raise ValueError(f"position_ids must have shape (batch, seq_len), got {tuple(position_ids.shape)}. "
                         "For one sequence use position_ids[None, :].")
    if (position_ids < 0).any():
        raise ValueError("position_ids must be 0 or more; a negative position usually means a pad was counted as "
                         "-1: use position_ids_from_mask(attention_mask).")
    head_dim = positive_even(head_dim, "head_dim")
    frequencies = 1.0 / base ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=position_ids.device)
                                 / head_dim)
    angles = position_ids.float()[..., None] * frequencies          # (batch, seq_len, head_dim / 2)
    angles = torch.cat([angles, angles], dim=-1)                    # (batch, seq_len, head_dim)
    return angles.cos(), angles.sin()


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """(x1, x2) -> (-x2, x1) on the two halves of the last dimension: Llama's pairing of dimensions i and i + d/2."""
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate queries or keys x (batch, seq_len, head_dim) or (batch, heads, seq_len, head_dim) by the tables
    from rope_cos_sin; the result has x's dtype (the tables are cast at the end)."""
    if x.shape[-1] != cos.shape[-1] or x.shape[-2] != cos.shape[-2]:
        raise ValueError(f"x has shape {tuple(x.shape)} but the tables have shape {tuple(cos.shape)}: seq_len and "
                         "head_dim must match (build them with rope_cos_sin(position_ids, head_dim)).")
    if x.dim() == 4:
        cos, sin = cos[:, None], sin[:, None]                       # one table for every head
    return x * cos.to(x.dtype) + rotate_half(x) * sin.to(x.dtype)


def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The tokenizer's (batch, seq_len) mask (1 = attend) as the (batch, 1, seq_len, seq_len) causal mask that
    attention adds to its scores: 0 where query i may read key j (j <= i and j is a real token), else dtype's min."""
    mask = _mask(attention_mask)
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point dtype (the scores' dtype), not {dtype}.")
    seq_len = mask.shape[1]
    causal = torch.ones(seq_len, seq_len, dtype=torch.bool, device=mask.device).tril()
    allowed = causal[None, None] & mask[:, None, None, :].bool()   # (batch, 1, seq_len, seq_len)
    return torch.zeros(allowed.shape, dtype=dtype, device=mask.device).masked_fill(~allowed, torch.finfo(dtype).min)


def pack(documents: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pack documents (lists of ids) into one row: ids (1, total), position ids restarting at 0 for each document
    (1, total), and a block-diagonal causal mask (1, total, total), True = may attend (SDPA's convention)."""
    if not isinstance(documents, (list, tuple)) or not documents:
        raise TypeError(f"documents must be a non-empty list of id lists, e.g. [[5, 6, 7], [8, 9]], not "
                        f"{documents!r}.")
    for number, document in enumerate(documents):
        if not isinstance(document, (list, tuple)) or not document:
            raise ValueError(f"Document {number} is {document!r}: each document must be a non-empty list of ids.")
        if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in document):
            raise TypeError(f"Document {number} must hold whole-number ids >= 0, got {document!r}.")
    ids = torch.tensor([i for document in documents for i in document], dtype=torch.long)
    positions = torch.cat([torch.arange(len(document)) for document in documents])
    document_of = torch.cat([torch.full((len(d),), n) for n, d in enumerate(documents)])
    same_document = document_of[:, None] == document_of[None, :]
    causal = torch.ones(len(ids), len(ids), dtype=torch.bool).tril()
    return ids[None], positions[None], (same_document & causal)[None]


def new_token_scores(q_new: torch.Tensor, k_new: torch.Tensor, cached_keys: torch.Tensor,
                     attention_mask: torch.Tensor) -> torch.Tensor:
    """One generation step with a KV cache: the new token's query and key (batch, head_dim), not yet rotated, are
    rotated at its position (real tokens before it, from the (batch, t + 1) mask); the scores (batch, t + 1) are
    its query against the cached keys (batch, t, head_dim, already rotated) and then its own key."""
    mask = _mask(attention_mask)
    if q_new.dim() != 2 or k_new.shape != q_new.shape:
        raise ValueError(f"q_new and k_new must both have shape (batch, head_dim); got {tuple(q_new.shape)} and "
                         f"{tuple(k_new.shape)}.")
    batch, head_dim = q_new.shape
    if cached_keys.dim() != 3 or cached_keys.shape[0] != batch or cached_keys.shape[2] != head_dim:
        raise ValueError(f"cached_keys must have shape (batch={batch}, t, head_dim={head_dim}); got "
                         f"{tuple(cached_keys.shape)}.")
    if mask.shape != (batch, cached_keys.shape[1] + 1):
        raise ValueError(f"attention_mask must have shape (batch, t + 1) = ({batch}, {cached_keys.shape[1] + 1}): "
                         f"one column per cached key and one for the new token; got {tuple(mask.shape)}.")
    position = mask.sum(-1, keepdim=True) - 1                      # (batch, 1): the real tokens before it
    cos, sin = rope_cos_sin(position, head_dim)
    q, k = apply_rope(q_new[:, None], cos, sin), apply_rope(k_new[:, None], cos, sin)
    return (q @ torch.cat([cached_keys, k], dim=1).transpose(1, 2))[:, 0]

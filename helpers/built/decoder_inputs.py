"""Lecture 7's pieces of a decoder's input, with checks at the boundary: position ids from an attention mask (as
transformers' generation computes them), Llama-style RoPE (rotate-half layout, angles in float32), the 4-D additive
mask a model's attention adds to its scores, and packing several documents into one sequence.

Input checks live in helpers/validation/decoder_inputs.py, so the code here reads like the production code it
mirrors."""
from __future__ import annotations

import torch

from helpers import validation


def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """(batch, seq_len) position ids: real tokens count 0, 1, 2, ... from the first 1 of their row; pads get 0.

    This is what transformers' generation does for left-padded batches (pads get 0 in 5.x, 1 in 4.57; attention
    never reads them)."""
    mask = validation.padding_mask(attention_mask)
    return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 0)


def rope_cos_sin(position_ids: torch.Tensor, head_dim: int, base: float = 10000.0
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Llama's RoPE tables for (batch, seq_len) position ids: cos and sin of shape (batch, seq_len, head_dim),
    angles computed in float32 (never in bf16), each frequency repeated for the two halves (rotate-half layout)."""
    position_ids, head_dim = validation.rope_table_arguments(position_ids, head_dim)
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
    validation.rope_tables_fit(x, cos)
    if x.dim() == 4:
        cos, sin = cos[:, None], sin[:, None]                       # one table for every head
    return x * cos.to(x.dtype) + rotate_half(x) * sin.to(x.dtype)


def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The tokenizer's (batch, seq_len) mask (1 = attend) as the (batch, 1, seq_len, seq_len) causal mask that
    attention adds to its scores: 0 where query i may read key j (j <= i and j is a real token), else dtype's min."""
    mask = validation.additive_mask_arguments(attention_mask, dtype)
    seq_len = mask.shape[1]
    causal = torch.ones(seq_len, seq_len, dtype=torch.bool, device=mask.device).tril()
    allowed = causal[None, None] & mask[:, None, None, :].bool()   # (batch, 1, seq_len, seq_len)
    return torch.zeros(allowed.shape, dtype=dtype, device=mask.device).masked_fill(~allowed, torch.finfo(dtype).min)


def pack(documents: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pack documents (lists of ids) into one row: ids (1, total), position ids restarting at 0 for each document
    (1, total), and a block-diagonal causal mask (1, total, total), True = may attend (SDPA's convention)."""
    validation.packable_documents(documents)
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
    mask = validation.new_token_arguments(q_new, k_new, cached_keys, attention_mask)
    head_dim = q_new.shape[-1]
    position = mask.sum(-1, keepdim=True) - 1                      # (batch, 1): the real tokens before it
    cos, sin = rope_cos_sin(position, head_dim)
    q, k = apply_rope(q_new[:, None], cos, sin), apply_rope(k_new[:, None], cos, sin)
    return (q @ torch.cat([cached_keys, k], dim=1).transpose(1, 2))[:, 0]

"""The checks of Lecture 7's decoder inputs (helpers/built/decoder_inputs.py): attention masks, position ids, RoPE
tables, packed documents and one generation step with a KV cache."""
from __future__ import annotations

import torch

from helpers.validation.ids import integer_ids
from helpers.validation.scalars import positive_even


def padding_mask(attention_mask: object, name: str = "attention_mask") -> torch.Tensor:
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


def rope_table_arguments(position_ids: object, head_dim: object) -> tuple[torch.Tensor, int]:
    """rope_cos_sin's inputs: (batch, seq_len) integer position ids of 0 or more, and an even head_dim."""
    position_ids = integer_ids(position_ids, "position_ids")
    if position_ids.dim() != 2:
        raise ValueError(f"position_ids must have shape (batch, seq_len), got {tuple(position_ids.shape)}. "
                         "For one sequence use position_ids[None, :].")
    if (position_ids < 0).any():
        raise ValueError("position_ids must be 0 or more; a negative position usually means a pad was counted as "
                         "-1: use position_ids_from_mask(attention_mask).")
    return position_ids, positive_even(head_dim, "head_dim")


def rope_tables_fit(x: torch.Tensor, cos: torch.Tensor) -> None:
    """apply_rope's inputs: queries or keys x whose seq_len and head_dim match the tables from rope_cos_sin."""
    if x.shape[-1] != cos.shape[-1] or x.shape[-2] != cos.shape[-2]:
        raise ValueError(f"x has shape {tuple(x.shape)} but the tables have shape {tuple(cos.shape)}: seq_len and "
                         "head_dim must match (build them with rope_cos_sin(position_ids, head_dim)).")


def additive_mask_arguments(attention_mask: object, dtype: torch.dtype) -> torch.Tensor:
    """additive_mask's inputs: a padding mask (returned as a long tensor) and the scores' floating-point dtype."""
    mask = padding_mask(attention_mask)
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point dtype (the scores' dtype), not {dtype}.")
    return mask


def packable_documents(documents: object) -> None:
    """pack's input: a non-empty list of non-empty lists of whole-number ids >= 0."""
    if not isinstance(documents, (list, tuple)) or not documents:
        raise TypeError(f"documents must be a non-empty list of id lists, e.g. [[5, 6, 7], [8, 9]], not "
                        f"{documents!r}.")
    for number, document in enumerate(documents):
        if not isinstance(document, (list, tuple)) or not document:
            raise ValueError(f"Document {number} is {document!r}: each document must be a non-empty list of ids.")
        if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in document):
            raise TypeError(f"Document {number} must hold whole-number ids >= 0, got {document!r}.")


def new_token_arguments(q_new: torch.Tensor, k_new: torch.Tensor, cached_keys: torch.Tensor,
                        attention_mask: object) -> torch.Tensor:
    """new_token_scores' inputs: q_new and k_new (batch, head_dim), cached_keys (batch, t, head_dim) and a
    (batch, t + 1) padding mask, returned as a long tensor."""
    mask = padding_mask(attention_mask)
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
    return mask

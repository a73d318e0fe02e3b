"""The checks of InputEmbedding (helpers/built/input_embedding.py): its sizes before any table is allocated, and
the ids it is called with against its tables."""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch

from helpers.validation.ids import ids_within, integer_ids
from helpers.validation.scalars import whole_number

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


"""The input embedding: token lookup + segments (optional) + positions, then optional LayerNorm and dropout.

Lecture 6 writes this module in the notebook; this is the reusable version, which also checks its inputs
and explains a learner's mistake (wrong dtype, shape, device, id range) instead of failing inside torch.
It adds the parts in the order of BERT's code (transformers' BertEmbeddings: word + token type, then
position), so that, loaded with a BERT model's tables, its output equals BertModel's embeddings bit for bit.
"""
from __future__ import annotations

import numbers

import torch
from torch import nn

from helpers.built.positions import sinusoidal
from helpers.validation import ids_within, integer_ids, whole_number

POSITION_KINDS = ("learned", "sinusoidal")
# nn.LayerNorm's default, and GPT-2's (its blocks' LayerNorms); BERT uses 1e-12 (config.json: layer_norm_eps).
DEFAULT_LAYER_NORM_EPS = 1e-5
# Refuse tables of more numbers than this (16 GiB in float32) unless they are built on the meta device.
MAX_TABLE_NUMBERS = 2 ** 32


class InputEmbedding(nn.Module):
    """(batch, seq_len) token ids, and optional segment ids, → (batch, seq_len, d_model) input vectors.

    positions="learned" is a trained table (GPT-2, BERT); "sinusoidal" is the fixed table of Vaswani et
    al. (2017). num_segments=0 means no segment table (GPT-style); 2 is BERT's sentence A / B.
    layer_norm=True normalises the sum as BERT does, with `layer_norm_eps` added to the variance
    (default 1e-5, PyTorch's; BERT's is 1e-12, from its config.json).
    """

    def __init__(self, vocab_size: int, d_model: int, context_length: int, positions: str = "learned",
                 num_segments: int = 0, dropout: float = 0.0, layer_norm: bool = False,
                 layer_norm_eps: float = DEFAULT_LAYER_NORM_EPS) -> None:
        super().__init__()
        for value, name in ((vocab_size, "vocab_size"), (d_model, "d_model"), (context_length, "context_length")):
            whole_number(value, name)
        if not isinstance(positions, str) or positions not in POSITION_KINDS:
            raise ValueError(f"positions must be one of {POSITION_KINDS}, got {positions!r}. RoPE and ALiBi are "
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
        self.vocab_size, self.context_length, self.num_segments = vocab_size, context_length, num_segments
        self.token = nn.Embedding(vocab_size, d_model)
        if positions == "learned":
            self.position = nn.Embedding(context_length, d_model)
        else:
            self.register_buffer("position_table", sinusoidal(context_length, d_model), persistent=False)
        self.segment = nn.Embedding(num_segments, d_model) if num_segments else None
        self.norm = nn.LayerNorm(d_model, eps=float(layer_norm_eps)) if layer_norm else nn.Identity()
        self.dropout = nn.Dropout(float(dropout))

    def position_vectors(self, seq_len: int) -> torch.Tensor:
        """The (seq_len, d_model) vectors of positions 0..seq_len-1 (broadcast over the batch in forward)."""
        whole_number(seq_len, "seq_len")
        if seq_len > self.context_length:
            raise ValueError(f"The sequence has {seq_len} tokens but the context holds {self.context_length} "
                             f"positions (context_length={self.context_length}, rows 0..{self.context_length - 1}). "
                             "Cut the text into windows of at most context_length tokens, or build the module "
                             "with a larger context_length.")
        if hasattr(self, "position"):
            return self.position.weight[:seq_len]
        return self.position_table[:seq_len]

    def forward(self, token_ids: torch.Tensor, segment_ids: torch.Tensor | None = None) -> torch.Tensor:
        """Look up, add and normalise: (batch, seq_len) ids → (batch, seq_len, d_model)."""
        self._check_ids(token_ids, segment_ids)
        x = self.token(token_ids)                                       # (batch, seq_len, d_model)
        if self.segment is not None:                                    # BERT's order: word + token type ...
            x = x + self.segment(segment_ids if segment_ids is not None else torch.zeros_like(token_ids))
        x = x + self.position_vectors(token_ids.shape[1])               # ... + position (broadcast over the batch)
        return self.dropout(self.norm(x))

    def _check_ids(self, token_ids: object, segment_ids: object) -> None:
        integer_ids(token_ids, "token_ids", allow_meta=True)
        if token_ids.dim() != 2:
            raise ValueError(f"token_ids must have shape (batch, seq_len), got {tuple(token_ids.shape)}. "
                             "For one sequence, add a batch dimension: token_ids.unsqueeze(0).")
        if token_ids.numel() == 0:
            raise ValueError(f"token_ids is empty (shape {tuple(token_ids.shape)}): give at least one sequence "
                             "of at least one token.")
        table_device = self.token.weight.device
        if token_ids.device != table_device:
            raise ValueError(f"token_ids are on {token_ids.device} but this module's tables are on {table_device}. "
                             "Move one of them: token_ids.to(device) or module.to(device).")
        seq_len = token_ids.shape[1]
        if seq_len > self.context_length:
            raise ValueError(f"The sequence has {seq_len} tokens but the context holds {self.context_length} "
                             f"positions (context_length={self.context_length}). Cut the text into windows of at "
                             "most context_length tokens, or build the module with a larger context_length.")
        ids_within(token_ids, self.vocab_size, "token id", "the vocabulary",
                     "Encode the text with the same tokenizer as the table, or build the module with a larger "
                     "vocab_size.")
        if segment_ids is None:
            return
        if self.segment is None:
            raise ValueError("segment_ids were given, but this module has no segment table (num_segments=0). "
                             "Build it with num_segments=2 for BERT-style pairs, or leave segment_ids out.")
        integer_ids(segment_ids, "segment_ids", allow_meta=True)
        if segment_ids.shape != token_ids.shape:
            raise ValueError(f"segment_ids have shape {tuple(segment_ids.shape)} but token_ids have "
                             f"{tuple(token_ids.shape)}: give one segment id per token.")
        if segment_ids.device != token_ids.device:
            raise ValueError(f"segment_ids are on {segment_ids.device} but token_ids are on {token_ids.device}. "
                             "Move both to the same device with .to(device).")
        ids_within(segment_ids, self.num_segments, "segment id", "the segment table",
                     "BERT-style pairs use 0 for sentence A and 1 for sentence B; for more segments, build the "
                     "module with a larger num_segments.")


def pad_sequences(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad id lists of different lengths into one batch (the reference for Exercise 6.6): id lists →
    (ids, attention_mask), each (batch, longest) long; pads on the right."""
    longest = max(len(sequence) for sequence in sequences)
    ids = torch.full((len(sequences), longest), pad_id, dtype=torch.long)
    attention_mask = torch.zeros(len(sequences), longest, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, :len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        attention_mask[row, :len(sequence)] = 1
    return ids, attention_mask

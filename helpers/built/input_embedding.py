"""The input embedding: token lookup + segments (optional) + positions, then optional LayerNorm and dropout.

Lecture 6 writes this module in the notebook; this is the reusable version. Its inputs are checked at the boundary
(helpers.validation: embedding_arguments, embedding_ids), which explains a learner's mistake (wrong dtype, shape,
device, id range) instead of failing inside torch, so the module itself reads like BertEmbeddings.
It adds the parts in the order of BERT's code (transformers' BertEmbeddings: word + token type, then
position), so that, loaded with a BERT model's tables, its output equals BertModel's embeddings bit for bit.
"""
from __future__ import annotations

import torch
from torch import nn

from helpers.built.positions import sinusoidal
from helpers.validation import embedding_arguments, embedding_ids, whole_number

POSITION_KINDS = ("learned", "sinusoidal")
# nn.LayerNorm's default, and GPT-2's (its blocks' LayerNorms); BERT uses 1e-12 (config.json: layer_norm_eps).
DEFAULT_LAYER_NORM_EPS = 1e-5


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
        embedding_arguments(vocab_size, d_model, context_length, positions, POSITION_KINDS, num_segments, dropout,
                            layer_norm, layer_norm_eps)
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
        embedding_ids(token_ids, segment_ids, self.vocab_size, self.context_length, self.num_segments,
                      self.token.weight.device)
        x = self.token(token_ids)                                       # (batch, seq_len, d_model)
        if self.segment is not None:                                    # BERT's order: word + token type ...
            x = x + self.segment(segment_ids if segment_ids is not None else torch.zeros_like(token_ids))
        x = x + self.position_vectors(token_ids.shape[1])               # ... + position (broadcast over the batch)
        return self.dropout(self.norm(x))



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

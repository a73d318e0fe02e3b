"""Lecture 2's nearest neighbours in an embedding table by cosine similarity (the reference for Exercise 2.5)."""
from __future__ import annotations

import torch


def nearest_neighbours(table: torch.Tensor, query: int, k: int) -> torch.Tensor:
    """The ids of the k rows of `table` most similar to row `query` by cosine similarity, best first.

    The query row itself is never returned; a zero row has cosine 0 with everything; when k is larger than the
    number of other rows, all of them are returned. Result: a 1-D int64 tensor of min(k, vocab_size - 1) ids.
    """
    lengths = table.norm(dim=1, keepdim=True).clamp_min(1e-12)     # (vocab_size, 1); a zero row stays zero
    unit = table / lengths                                          # rows of length 1
    similarity = unit @ unit[query]                                 # (vocab_size,) cosines with the query
    similarity[query] = -float("inf")                               # never the query itself
    k = min(k, table.shape[0] - 1)
    return similarity.topk(k).indices

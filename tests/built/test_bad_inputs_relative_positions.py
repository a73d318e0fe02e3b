"""Bad inputs to Lecture 4's helpers (t5_bucket, alibi_slopes, alibi, rope, attention_scores) and its explorer:
each gets a clear error, raised by the course's own code, that names the problem and the fix; no silent results."""
import functools

import numpy as np
import pytest
import torch

from bad_input import Bad
from helpers.built.positions import alibi, alibi_slopes, attention_scores, rope, t5_bucket
from helpers.widgets.position_explorers import AttentionBiasExplorer

REL = torch.arange(-5, 6)
X = torch.randn(2, 4, 8)


@functools.cache
def shared_explorer():
    """One explorer for every refused update below: a refusal leaves the explorer as it was (tests/widgets checks
    that for every control), so each case meets the same explorer."""
    return AttentionBiasExplorer(seq_len=8)


def explorer_update(**changes):
    shared_explorer().update(**changes)


CASES = [
    # t5_bucket: the reported bug (max_distance=8 gave buckets of -9223372036854775800), types, ranges
    Bad("t5_bucket, max_distance equal to max_exact", lambda: t5_bucket(REL, 32, 8), ValueError,
        "max_distance must be larger than 8", "T5 uses 128"),
    Bad("t5_bucket, max_distance below max_exact (decoder)", lambda: t5_bucket(REL, 32, 10, bidirectional=False),
        ValueError, "max_distance must be larger than 16"),
    Bad("t5_bucket, max_distance 0", lambda: t5_bucket(REL, 32, 0), ValueError, "max_distance must be at least 1"),
    Bad("t5_bucket, float positions", lambda: t5_bucket(torch.tensor([1.5, -2.0])), TypeError, "whole numbers",
        ".long()"),
    Bad("t5_bucket, bool positions", lambda: t5_bucket(torch.tensor([True, False])), TypeError, "int64", "bool"),
    Bad("t5_bucket, uint8 positions (no negatives)", lambda: t5_bucket(torch.arange(5, dtype=torch.uint8)),
        TypeError, "negative numbers", ".long()"),
    Bad("t5_bucket, int16 positions", lambda: t5_bucket(torch.arange(5, dtype=torch.int16)), TypeError, "int64"),
    Bad("t5_bucket, numpy positions", lambda: t5_bucket(np.arange(-3, 4)), TypeError, "torch.Tensor", "ndarray"),
    Bad("t5_bucket, a plain int", lambda: t5_bucket(-20), TypeError, "torch.Tensor", "torch.arange"),
    Bad("t5_bucket, 2 buckets bidirectional", lambda: t5_bucket(REL, 2), ValueError, "num_buckets must be at least 4"),
    Bad("t5_bucket, 0 buckets", lambda: t5_bucket(REL, 0, bidirectional=False), ValueError,
        "num_buckets must be at least 2"),
    Bad("t5_bucket, float bucket count", lambda: t5_bucket(REL, 32.0), TypeError, "num_buckets", "whole number"),
    Bad("t5_bucket, bidirectional as a string", lambda: t5_bucket(REL, bidirectional="yes"), TypeError,
        "bidirectional", "True or False"),
    # alibi_slopes / alibi
    Bad("alibi_slopes, 0 heads", lambda: alibi_slopes(0), ValueError, "num_heads must be at least 1"),
    Bad("alibi_slopes, negative heads", lambda: alibi_slopes(-4), ValueError, "num_heads", "at least 1"),
    Bad("alibi_slopes, float heads", lambda: alibi_slopes(8.0), TypeError, "num_heads", "whole number"),
    Bad("alibi_slopes, heads as a string", lambda: alibi_slopes("8"), TypeError, "num_heads", "whole number"),
    Bad("alibi_slopes, True heads", lambda: alibi_slopes(True), TypeError, "num_heads", "whole number"),
    Bad("alibi, seq_len 0", lambda: alibi(8, 0), ValueError, "seq_len must be at least 1"),
    Bad("alibi, float seq_len", lambda: alibi(8, 4.5), TypeError, "seq_len", "whole number"),
    Bad("alibi, 0 heads", lambda: alibi(0, 4), ValueError, "num_heads must be at least 1"),
    Bad("alibi, causal as a string", lambda: alibi(8, 4, causal="no"), TypeError, "causal", "True or False"),
    Bad("alibi, huge (needs terabytes)", lambda: alibi(8, 1_000_000), ValueError, "too large", "shorter seq_len"),
    # rope: the reported bug (an integer tensor gave zeros), then types, NaN, shapes, positions, base
    Bad("rope, integer tensor", lambda: rope(torch.arange(16).view(2, 8)), TypeError, "floats", "x.float()"),
    Bad("rope, bool tensor", lambda: rope(torch.ones(2, 8, dtype=torch.bool)), TypeError, "floats", "bool"),
    Bad("rope, numpy array", lambda: rope(np.ones((2, 8))), TypeError, "torch.Tensor", "ndarray"),
    Bad("rope, NaN in x", lambda: rope(torch.full((3, 8), float("nan"))), ValueError, "NaN", "torch.isfinite"),
    Bad("rope, inf in x", lambda: rope(torch.tensor([[1.0, float("inf")]])), ValueError, "infinite"),
    Bad("rope, odd head_dim", lambda: rope(torch.randn(3, 7)), ValueError, "head_dim", "even", "Use 8 or 6"),
    Bad("rope, head_dim 0", lambda: rope(torch.randn(3, 0)), ValueError, "head_dim", "at least 1"),
    Bad("rope, one vector without a position axis", lambda: rope(torch.randn(8)), ValueError,
        "(..., seq_len, head_dim)", "x[None, :]"),
    Bad("rope, seq_len 0", lambda: rope(torch.randn(2, 0, 8)), ValueError, "seq_len is 0", "at least one token"),
    Bad("rope, positions of the wrong length", lambda: rope(X, positions=torch.arange(5)), ValueError,
        "positions has shape (5,)", "seq_len=4"),
    Bad("rope, positions with a batch axis", lambda: rope(X, positions=torch.arange(8).view(2, 4)), ValueError,
        "one position per token", "(4,)"),
    Bad("rope, bool positions", lambda: rope(X, positions=torch.ones(4, dtype=torch.bool)), TypeError,
        "positions must be numbers", "torch.arange(4)"),
    Bad("rope, NaN positions", lambda: rope(X, positions=torch.tensor([0.0, 1.0, float("nan"), 3.0])), ValueError,
        "positions holds NaN"),
    Bad("rope, positions as a list", lambda: rope(X, positions=[0, 1, 2, 3]), TypeError,
        "positions must be a torch.Tensor"),
    Bad("rope, base 0", lambda: rope(X, base=0), ValueError, "base must be greater than 1", "10000"),
    Bad("rope, negative base", lambda: rope(X, base=-10000.0), ValueError, "base must be greater than 1"),
    Bad("rope, base as a string", lambda: rope(X, base="10000"), TypeError, "base must be a finite number"),
    Bad("rope, NaN base", lambda: rope(X, base=float("nan")), TypeError, "base must be a finite number"),
    # attention_scores
    Bad("attention_scores, integer queries", lambda: attention_scores(torch.ones(3, 4, dtype=torch.long), X[0]),
        TypeError, "queries must hold vectors of floats"),
    Bad("attention_scores, numpy keys", lambda: attention_scores(X[0], np.ones((4, 8))), TypeError,
        "keys must be a torch.Tensor"),
    Bad("attention_scores, different head_dim", lambda: attention_scores(X, torch.randn(2, 4, 6)), ValueError,
        "same head_dim"),
    Bad("attention_scores, float32 vs float64", lambda: attention_scores(X, X.double()), TypeError,
        "same dtype and device", "keys.to(queries)"),
    Bad("attention_scores, keys on another device", lambda: attention_scores(X, X.to("meta")), TypeError,
        "same dtype and device"),
    Bad("attention_scores, bias of the wrong shape", lambda: attention_scores(X, X, torch.zeros(5, 5)), ValueError,
        "does not fit the scores", "same sequence lengths"),
    Bad("attention_scores, integer bias", lambda: attention_scores(X, X, torch.zeros(4, 4, dtype=torch.long)),
        TypeError, "bias must be a float tensor"),
    Bad("attention_scores, numpy bias", lambda: attention_scores(X, X, np.zeros((4, 4))), TypeError,
        "bias must be a torch.Tensor"),
    # the explorer: values its controls cannot take
    Bad("explorer, unknown scheme", lambda: AttentionBiasExplorer(scheme="NoPE"), ValueError, "Unknown scheme",
        "T5 bias, ALiBi, RoPE"),
    Bad("explorer, seq_len past the slider", lambda: explorer_update(seq_len=1000), ValueError,
        "seq_len must be from 2 to 128"),
    Bad("explorer, head past the heads", lambda: explorer_update(num_heads=4, head=4), ValueError,
        "head must be from 0 to 3", "4 heads"),
    Bad("explorer, negative head", lambda: explorer_update(head=-1), ValueError, "head must be from 0"),
    Bad("explorer, float number of heads", lambda: explorer_update(num_heads=2.5), TypeError, "num_heads",
        "whole number"),
    Bad("explorer, T5 max_distance the buckets cannot take", lambda: explorer_update(max_distance=8), ValueError,
        "max_distance must be from 9"),
    Bad("explorer, odd head_dim", lambda: AttentionBiasExplorer(head_dim=7), ValueError, "head_dim", "even"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


def test_good_inputs_near_the_edges_still_work():
    assert t5_bucket(REL, 32, 9).max() < 32 and t5_bucket(REL, 4, 2).min() >= 0     # smallest valid settings
    assert rope(torch.randn(1, 2)).shape == (1, 2)                                     # one position, one pair
    assert rope(X, positions=torch.arange(4) / 2).shape == X.shape                     # fractional positions
    assert rope(X.double()).dtype == torch.float64
    assert alibi(1, 1).shape == (1, 1, 1) and alibi_slopes(np.int64(6)).shape == (6,)

"""Bad inputs to Lecture 7's public code (helpers.built.decoder_inputs): a clear error naming the problem and the
fix, never a silent wrong result or a raw torch traceback."""
import pytest
import torch

from bad_input import Bad
from helpers.built.decoder_inputs import (
    additive_mask,
    apply_rope,
    new_token_scores,
    pack,
    position_ids_from_mask,
    rope_cos_sin,
)

Q = torch.zeros(2, 8)
CACHE = torch.zeros(2, 3, 8)
MASK = torch.ones(2, 4, dtype=torch.long)

CASES = [
    Bad("mask with a row of no 1", lambda: position_ids_from_mask(torch.tensor([[0, 0], [1, 1]])), ValueError,
        "Row 0", "no 1", "Drop that row"),
    Bad("mask as a list", lambda: position_ids_from_mask([[1, 1]]), TypeError, "torch.Tensor", "torch.tensor"),
    Bad("float mask", lambda: position_ids_from_mask(torch.ones(1, 3)), TypeError, "0/1", ".long()"),
    Bad("mask of 2s", lambda: position_ids_from_mask(torch.tensor([[1, 2]])), ValueError, "only 0", "1"),
    Bad("1-D mask", lambda: position_ids_from_mask(torch.tensor([1, 1])), ValueError, "(batch, seq_len)", "[None, :]"),
    Bad("empty mask", lambda: position_ids_from_mask(torch.ones(1, 0, dtype=torch.long)), ValueError, "no tokens"),
    Bad("additive mask, int dtype", lambda: additive_mask(MASK, dtype=torch.long), TypeError, "floating-point"),
    Bad("rope, odd head_dim", lambda: rope_cos_sin(torch.zeros(1, 3, dtype=torch.long), 5), ValueError, "even"),
    Bad("rope, float positions", lambda: rope_cos_sin(torch.zeros(1, 3), 4), TypeError, "position_ids"),
    Bad("rope, negative positions", lambda: rope_cos_sin(torch.tensor([[-1, 0]]), 4), ValueError,
        "0 or more", "position_ids_from_mask"),
    Bad("rope, 1-D positions", lambda: rope_cos_sin(torch.tensor([0, 1]), 4), ValueError, "(batch, seq_len)"),
    Bad("apply_rope, mismatched tables", lambda: apply_rope(torch.zeros(1, 3, 8), *rope_cos_sin(
        torch.zeros(1, 4, dtype=torch.long), 8)), ValueError, "must match", "rope_cos_sin"),
    Bad("step, mask one column short", lambda: new_token_scores(Q, Q, CACHE, MASK[:, :3]), ValueError,
        "(batch, t + 1)", "(2, 4)"),
    Bad("step, cache of another head_dim", lambda: new_token_scores(Q, Q, torch.zeros(2, 3, 4), MASK), ValueError,
        "cached_keys", "head_dim=8"),
    Bad("step, q and k of different shapes", lambda: new_token_scores(Q, Q[:1], CACHE, MASK), ValueError,
        "q_new and k_new"),
    Bad("step, a padded row without real tokens", lambda: new_token_scores(Q, Q, CACHE, MASK * 0), ValueError,
        "no 1"),
    Bad("pack, empty list", lambda: pack([]), TypeError, "non-empty list"),
    Bad("pack, an empty document", lambda: pack([[1, 2], []]), ValueError, "Document 1", "non-empty"),
    Bad("pack, a string", lambda: pack("the cat"), TypeError, "list of id lists"),
    Bad("pack, float ids", lambda: pack([[1.5, 2]]), TypeError, "Document 0", "whole-number"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()

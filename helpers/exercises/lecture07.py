"""Checkers for Lecture 7 (the input of a decoder): 7.1 packing documents and 7.2 one KV-cache step with RoPE, both
against helpers.built.decoder_inputs; 7.3 Gemma's factor in bfloat16 (a value); 7.p a prediction."""
from __future__ import annotations

from functools import partial
from typing import Any

import torch

from helpers.built.decoder_inputs import apply_rope, new_token_scores, pack, rope_cos_sin
from helpers.exercises import checking as c

# 7.1's typical mistakes, each a change to pack's right (ids, position_ids, allowed)
PACK_MISTAKES = {hint: lambda documents, change=change: change(*pack(documents)) for hint, change in {
    "Positions restart at 0 at the start of each document; yours count through the whole row.":
        lambda ids, positions, allowed: (ids, torch.arange(ids.shape[1])[None], allowed),
    "The first token of each document is at position 0; yours start at 1.": lambda i, p, a: (i, p + 1, a),
    "A token must not attend to another document: causal AND same document (block-diagonal); yours is causal over "
    "the whole row.": lambda i, p, a: (i, p, a.new_ones(a.shape).tril()),
    "A decoder is causal: query i may read only keys j <= i (torch.tril); yours lets a token see later tokens.":
        lambda i, p, a: (i, p, a | a.mT),
    "Query i (a row) reads keys j <= i: the lower triangle; yours is the upper one.": lambda i, p, a: (i, p, a.mT),
    "In `allowed`, True means 'may attend' (SDPA's convention); yours is True where attention is blocked.":
        lambda i, p, a: (i, p, ~a),
}.items()}


@c.exercise("7.1")
def _pack(answer: Any) -> None:
    cases = [c.Case((documents,)) for documents in ([[5, 6, 7], [8, 9]], [[3, 1, 4, 1, 5]], [[42], [7], [9]],
             [[1, 2], [3], [4, 5, 6]], [[928, 58, 543], [465, 768], [698], [182, 761, 798]],
             [[63, 288, 451, 285, 128], [920], [807, 193]], [[965, 30]], [[313, 243, 454]])]
    c.check_function(answer, pack, cases, "pack_mine", PACK_MISTAKES)
    got = c.call_learner(answer, cases[0].describe("pack_mine"), *cases[0].args)
    for name, tensor, dtype in zip(("ids", "position_ids", "allowed"), got, (torch.long, torch.long, torch.bool)):
        c.expect(tensor.dtype == dtype, f"The values are right, but {name} has dtype {tensor.dtype}; the exercise "
                                        f"asks for {dtype} (e.g. torch.tensor(..., dtype={dtype}) or .to({dtype})).")


def _step(q_new: torch.Tensor, k_new: torch.Tensor, cached_keys: torch.Tensor, attention_mask: torch.Tensor,
          at: str = "mask", rotate: tuple[bool, bool] = (True, True), rerotate: bool = False) -> torch.Tensor:
    """7.2's scores (right with the defaults) or a typical mistake: the new token rotated at the wrong position
    (`at`), its query or key left unrotated, or the cached keys, already rotated, rotated again."""
    mask = attention_mask.long()
    real = mask.sum(-1, keepdim=True)
    cos, sin = rope_cos_sin({"mask": real - 1, "zero": 0 * real, "column": torch.full_like(real, mask.shape[1] - 1),
                             "count": real}[at], q_new.shape[-1])
    q, k = (apply_rope(x[:, None], cos, sin) if turn else x[:, None] for x, turn in zip((q_new, k_new), rotate))
    if rerotate and cached_keys.shape[1]:
        cached_keys = apply_rope(cached_keys, *rope_cos_sin((mask[:, :-1].cumsum(-1) - 1).clamp(min=0), k.shape[-1]))
    return (q @ torch.cat([cached_keys, k], dim=1).mT)[:, 0]


STEP_MISTAKES = {hint: partial(_step, **variant) for hint, variant in {
    "The new token is rotated at its own position (the number of real tokens before it), not at 0: at position 0 "
    "the rotation does nothing, so its scores against the cached keys lose their relative distance.": {"at": "zero"},
    "With left padding the position is not the column index: count the real tokens in the mask (pads are not "
    "positions), as position ids from the attention mask do in Section 2.": {"at": "column"},
    "Off by one: the first real token is at position 0, so the new token's position is (number of 1s in its row "
    "of the mask) - 1.": {"at": "count"},
    "The cached keys were rotated when they were new: rotating them again turns each one twice.": {"rerotate": True},
    "Rotate the new token's query too (queries and keys both get RoPE).": {"rotate": (False, True)},
    "Rotate the new token's key too, at the same position as its query, before appending it to the cached keys.":
        {"rotate": (True, False)},
}.items()} | {
    "Put the cached keys first and the new token's key last (the order of the sequence).":
        lambda *args: new_token_scores(*args).roll(1, -1),
    "Return the plain dot products: attention divides them by sqrt(head_dim) later, not this function.":
        lambda *args: new_token_scores(*args) / args[0].shape[-1] ** 0.5,
    "Leave the pads' scores as they are (the exercise returns them, pads included): the mask is applied later.":
        lambda *args: new_token_scores(*args).masked_fill(args[3] == 0, float("-inf")),
}


@c.exercise("7.2")
def _kv_cache_step(answer: Any) -> None:
    generator, cases = torch.Generator().manual_seed(72), []
    for pads, t, head_dim in [([0], 5, 8), ([2], 5, 8), ([0, 3], 6, 16), ([0], 0, 4), ([1, 0, 4], 7, 4),
                              ([4, 3, 5], 5, 10), ([4, 4], 6, 12), ([5, 4], 5, 6)]:  # (left pads per row, cached, dim)
        mask = (torch.arange(t + 1) >= torch.tensor(pads)[:, None]).long()
        q, k, raw = (torch.randn(*shape, generator=generator, dtype=torch.float64).float() for shape in
                     ((len(pads), head_dim), (len(pads), head_dim), (len(pads), t, head_dim)))
        cached = apply_rope(raw, *rope_cos_sin((mask[:, :t].cumsum(-1) - 1).clamp(min=0), head_dim)) if t else raw
        cases.append(c.Case((q, k, cached, mask), label=f"new_token_scores_mine(q_new {tuple(q.shape)}, k_new "
                            f"{tuple(k.shape)}, cached_keys {tuple(cached.shape)}, attention_mask={mask.tolist()})"))
    c.check_function(answer, new_token_scores, cases, "new_token_scores_mine", STEP_MISTAKES, atol=1e-4)


GEMMA_D = 1152
EXACT, BF16 = GEMMA_D ** 0.5, torch.tensor(GEMMA_D ** 0.5, dtype=torch.bfloat16).item()
FACTOR = c.Value(BF16, "The factor", "The factor is not right yet; re-read the formula step by step.", {
    EXACT: "That is sqrt(1152) itself; the model casts it to bfloat16 first, which keeps only 8 significant bits.",
    torch.tensor(EXACT, dtype=torch.float16).item(): "That is sqrt(1152) in float16 (11 significant bits); bfloat16 "
                                                     "keeps only 8.",
    float(GEMMA_D): "That is d_model itself; the factor is its square root, cast to bfloat16.",
    1 / EXACT: "That is 1/sqrt(d_model): Gemma multiplies its token vectors by sqrt(d_model), making them larger.",
    BF16 - 0.25: "A neighbour of the right value: bfloat16 rounds to the nearest number it holds (steps of 0.25)."})


@c.exercise("7.3")
def _gemma_factor(answer: Any) -> None:
    c.expect_type(answer, float, "The factor")          # its hint says "float" (an int such as 34 counts too)
    FACTOR.check(answer)


c.prediction("7.p", ["A", "B", "C", "D"])  # left padding without position_ids: does GPT-2's or Llama's output change?

"""Lecture 7's checkers: right answers in several styles pass; each typical mistake gets its own hint, never the
solution (7.1 packing, 7.2 one KV-cache step with RoPE, 7.3 Gemma's factor in bfloat16, the prediction 7.p)."""
import functools
import math

import pytest
import torch

from helpers.exercises import checking as checks
from notebook_code import definitions, stored_solution

NOTEBOOK = "07_decoder_inputs.ipynb"


@functools.cache
def notebook_rope():
    """The notebook's RoPE helpers (rope_cos_sin, apply_rope, rotate_half), loaded on first use, not at collection."""
    return definitions(NOTEBOOK, "defines-rope", context={"torch": torch})


def above():
    """What the notebook's solutions use from earlier cells."""
    return {"torch": torch, "math": math, **notebook_rope()}


def run(exercise_id, answer, capsys):
    checks.check(exercise_id, answer)
    return capsys.readouterr().out


# ---- 7.1: pack ----

def pack_loops(documents):
    """A learner's loop version: lists first, tensors at the end."""
    ids, positions, owner = [], [], []
    for number, document in enumerate(documents):
        for position, token in enumerate(document):
            ids.append(token)
            positions.append(position)
            owner.append(number)
    n = len(ids)
    allowed = torch.zeros(1, n, n, dtype=torch.bool)
    for i in range(n):
        for j in range(i + 1):
            allowed[0, i, j] = owner[i] == owner[j]
    return torch.tensor([ids]), torch.tensor([positions]), allowed


def pack_block_diag(documents):
    """Another right form: torch.block_diag of one lower triangle per document."""
    blocks = [torch.ones(len(d), len(d)).tril() for d in documents]
    ids = torch.tensor([[i for d in documents for i in d]], dtype=torch.long)
    positions = torch.cat([torch.arange(len(d)) for d in documents])[None]
    return ids, positions, torch.block_diag(*blocks).bool()[None]


def pack_wrong(restart=True, start=0, block=True, causal="tril", invert=False, dtype=torch.bool,
               positions_dtype=torch.long, squeeze=False, mutate=False):
    def answer(documents):
        ids = torch.tensor([i for d in documents for i in d])
        positions = (torch.cat([torch.arange(len(d)) for d in documents]) if restart
                     else torch.arange(len(ids))) + start
        owner = torch.cat([torch.full((len(d),), n) for n, d in enumerate(documents)])
        mask = owner[:, None] == owner[None, :] if block else torch.ones(len(ids), len(ids), dtype=torch.bool)
        if causal:
            mask = mask & getattr(torch.ones(len(ids), len(ids), dtype=torch.bool), causal)()
        mask = ~mask if invert else mask
        if mutate:
            documents.append([0])
        if squeeze:
            return ids, positions, mask
        return ids[None], positions[None].to(positions_dtype), mask[None].to(dtype)
    return answer


@pytest.mark.parametrize("right", [None, pack_loops, pack_block_diag], ids=["stored solution", "loops", "block_diag"])
def test_pack_right_answers_pass(right, capsys):
    right = right or stored_solution(NOTEBOOK, "7.1", above())["pack_mine"]  # None: the stored one
    assert run("7.1", right, capsys).startswith("✅")


@pytest.mark.parametrize("wrong, hint", [
    (pack_wrong(restart=False), "restart at 0"),
    (pack_wrong(start=1), "start at 1"),
    (pack_wrong(block=False), "block-diagonal"),
    (pack_wrong(causal=None), "A decoder is causal"),
    (pack_wrong(causal="triu"), "upper one"),
    (pack_wrong(invert=True), "True means 'may attend'"),
    (pack_wrong(dtype=torch.long), "allowed has dtype torch.int64"),
    (pack_wrong(positions_dtype=torch.float32), "expected whole numbers"),
    (pack_wrong(dtype=torch.float32), "expected True/False values (bool), got torch.float32"),
    (pack_wrong(squeeze=True), "expected shape (1, 5)"),
    (pack_wrong(mutate=True), "changed its input documents in place"),
    (lambda documents: None, "expected 3 tensors"),
    (lambda documents: documents[0][5], "IndexError"),
])
def test_pack_mistakes_get_their_hint(wrong, hint, capsys):
    out = run("7.1", wrong, capsys)
    assert out.startswith("❌") and hint in out, out


def test_pack_stub_is_not_written_yet(capsys):
    def pack_mine(documents):
        raise NotImplementedError("write this function")
    assert run("7.1", pack_mine, capsys).startswith("✏️")


# ---- 7.2: one KV-cache step ----


def step_wrong(position="mask", rotate_q=True, rotate_k=True, rerotate=False, new_first=False, interleaved=False,
               in_place=False, scaled=False, masked=False):
    def answer(q_new, k_new, cached_keys, attention_mask):
        rope_cos_sin, apply_rope = (notebook_rope()[name] for name in ("rope_cos_sin", "apply_rope"))
        mask = attention_mask.long()
        where = {"mask": mask.sum(-1, keepdim=True) - 1, "zero": torch.zeros(len(mask), 1, dtype=torch.long),
                 "column": torch.full((len(mask), 1), mask.shape[1] - 1), "count": mask.sum(-1, keepdim=True)}[position]
        cos, sin = rope_cos_sin(where, q_new.shape[-1])
        if interleaved:                                  # Lecture 4's pairs (2i, 2i+1) instead of the two halves
            from helpers.built.positions import rope
            q = torch.stack([rope(q_new[b:b + 1], positions=where[b]) for b in range(len(q_new))])
            k = torch.stack([rope(k_new[b:b + 1], positions=where[b]) for b in range(len(k_new))])
        else:
            q = apply_rope(q_new[:, None], cos, sin) if rotate_q else q_new[:, None]
            k = apply_rope(k_new[:, None], cos, sin) if rotate_k else k_new[:, None]
        cache = cached_keys
        if rerotate and cache.shape[1]:
            cache = apply_rope(cache, *rope_cos_sin((mask[:, :-1].cumsum(-1) - 1).clamp(min=0), q_new.shape[-1]))
        keys = torch.cat([k, cache] if new_first else [cache, k], dim=1)
        scores = (q @ keys.transpose(1, 2))[:, 0]
        if scaled:                                       # attention's 1/sqrt(head_dim), too early
            scores = scores / q_new.shape[-1] ** 0.5
        if masked:                                       # the mask applied here, though the exercise returns pads
            scores = scores.masked_fill(attention_mask == 0, float("-inf"))
        if in_place:
            q_new.mul_(2.0)                              # right scores, but the caller's query is changed
        return scores
    return answer


def step_einsum(q_new, k_new, cached_keys, attention_mask):
    """A right answer in another style: cumsum for the position, einsum for the scores."""
    rope_cos_sin, rotate_half = (notebook_rope()[name] for name in ("rope_cos_sin", "rotate_half"))
    position = attention_mask.long().cumsum(-1)[:, -1:] - 1
    cos, sin = rope_cos_sin(position, q_new.shape[-1])
    q = (q_new * cos[:, 0] + rotate_half(q_new) * sin[:, 0])
    k = (k_new * cos[:, 0] + rotate_half(k_new) * sin[:, 0])
    return torch.cat([torch.einsum("bd,btd->bt", q, cached_keys), (q * k).sum(-1, keepdim=True)], dim=1)


def step_float64(q_new, k_new, cached_keys, attention_mask):
    """Right, computed in float64 and returned as float64."""
    return step_wrong()(q_new.double(), k_new.double(), cached_keys.double(), attention_mask)


@pytest.mark.parametrize("right", [None, step_wrong(), step_einsum, step_float64],
                         ids=["stored solution", "positions from the mask", "einsum", "float64"])
def test_step_right_answers_pass(right, capsys):
    right = right or stored_solution(NOTEBOOK, "7.2", above())["new_token_scores_mine"]  # None: the stored one
    assert run("7.2", right, capsys).startswith("✅")


@pytest.mark.parametrize("wrong, hint", [
    (step_wrong(position="zero"), "not at 0"),
    (step_wrong(position="column"), "not the column index"),
    (step_wrong(position="count"), "Off by one"),
    (step_wrong(rerotate=True), "rotating them again"),
    (step_wrong(rotate_q=False), "Rotate the new token's query too"),
    (step_wrong(rotate_k=False), "Rotate the new token's key too"),
    (step_wrong(new_first=True), "cached keys first"),
    (step_wrong(in_place=True), "changed its input"),
    (step_wrong(scaled=True), "sqrt(head_dim) later"),
    (step_wrong(masked=True), "the mask is applied later"),
    (step_wrong(interleaved=True), "For new_token_scores_mine("),
    (lambda q, k, c, m: (q * k).sum(-1), "expected shape"),
])
def test_step_mistakes_get_their_hint(wrong, hint, capsys):
    out = run("7.2", wrong, capsys)
    assert out.startswith("❌") and hint in out, out


# ---- 7.3 and 7.p ----

@pytest.mark.parametrize("right", [34.0, 34, torch.tensor(34.0, dtype=torch.bfloat16),
                                   torch.tensor(math.sqrt(1152), dtype=torch.bfloat16).item()], ids=str)
def test_gemma_factor_right(right, capsys):
    assert run("7.3", right, capsys).startswith("✅")


@pytest.mark.parametrize("wrong, hint", [
    (math.sqrt(1152), "itself"), (33.94, "itself"), (torch.tensor(math.sqrt(1152)), "itself"),
    (torch.tensor(math.sqrt(1152), dtype=torch.float16).item(), "float16"), (1152, "d_model itself"),
    (33.0, "not right yet"), ("34", "should be of type float"), (33.75, "rounds to the nearest"),
    (1 / math.sqrt(1152), "That is 1/sqrt(d_model)"),
])
def test_gemma_factor_wrong(wrong, hint, capsys):
    out = run("7.3", wrong, capsys)
    assert out.startswith("❌") and hint in out, out


def test_prediction_takes_the_four_letters(capsys):
    checks.predict("7.p", "b")
    assert "you predicted B" in capsys.readouterr().out
    checks.predict("7.p", "E")
    assert capsys.readouterr().out.startswith("❌ Prediction 7.p: 'E' is not one of the choices")

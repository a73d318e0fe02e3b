"""Checkers for Lecture 7's exercises (the input of a decoder). 7.1 and 7.2 are build-its (packing documents;
one KV-cache step with RoPE for a left-padded batch), checked against helpers.built.decoder_inputs; 7.3 is a
value; 7.p is a predict-then-run question."""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch

from helpers.built.decoder_inputs import apply_rope, new_token_scores, pack, rope_cos_sin
from helpers.exercises.checking import Case, check_function, exercise, expect, expect_close, expect_type, prediction


def _unchanged(answer: Callable[..., Any], args: tuple, what: str) -> None:
    """Hint if the learner's function changes its inputs in place (the caller's tensors or lists)."""
    kept = copy.deepcopy(args)
    answer(*args)
    for before, after in zip(kept, args):
        same = torch.equal(before, after) if isinstance(before, torch.Tensor) else before == after
        expect(same, f"Your function changed its input {what} in place; build new tensors (or lists) instead, "
                     "so the caller's data stay as they were.")


# ---- 7.1: pack documents ----

def _pack_cases() -> list[Case]:
    cases = [Case(([[5, 6, 7], [8, 9]],)), Case(([[3, 1, 4, 1, 5]],)),              # two documents; one document
             Case(([[42], [7], [9]],)), Case(([[1, 2], [3], [4, 5, 6]],))]          # documents of one token
    generator = torch.Generator().manual_seed(71)
    for _ in range(4):
        count = int(torch.randint(1, 5, (1,), generator=generator))
        lengths = torch.randint(1, 6, (count,), generator=generator).tolist()
        cases.append(Case(([torch.randint(0, 1000, (n,), generator=generator).tolist() for n in lengths],)))
    return cases


def _pack_variant(documents: list[list[int]], *, restart: bool = True, start: int = 0, block: bool = True,
                  causal: str = "lower", invert: bool = False) -> tuple[torch.Tensor, ...]:
    ids, positions, allowed = pack(documents)
    if not restart:
        positions = torch.arange(ids.shape[1])[None]
    positions = positions + start
    total = ids.shape[1]
    document_of = torch.cat([torch.full((len(d),), n) for n, d in enumerate(documents)])
    mask = document_of[:, None] == document_of[None, :] if block else torch.ones(total, total, dtype=torch.bool)
    if causal == "lower":
        mask = mask & torch.ones(total, total, dtype=torch.bool).tril()
    elif causal == "upper":
        mask = mask & torch.ones(total, total, dtype=torch.bool).triu()
    return ids, positions, (~mask if invert else mask)[None]


PACK_MISTAKES = {
    "Positions restart at 0 at the start of each document; yours count through the whole row.":
        lambda documents: _pack_variant(documents, restart=False),
    "The first token of each document is at position 0; yours start at 1.":
        lambda documents: _pack_variant(documents, start=1),
    "A token must not attend to another document: combine the causal rule with 'same document' (a block-diagonal "
    "mask); yours is causal over the whole row.": lambda documents: _pack_variant(documents, block=False),
    "A decoder is causal: query i may read only keys j <= i (the lower triangle, torch.tril); yours lets a token "
    "see later tokens of its document.": lambda documents: _pack_variant(documents, causal="none"),
    "Query i (a row) reads keys j <= i: the lower triangle (tril); yours is the upper one.":
        lambda documents: _pack_variant(documents, causal="upper"),
    "In `allowed`, True means 'may attend' (SDPA's convention); yours is True where attention is blocked.":
        lambda documents: _pack_variant(documents, invert=True),
}


@exercise("7.1")
def _pack(answer: Any) -> None:
    check_function(answer, pack, _pack_cases(), "pack_mine", PACK_MISTAKES)
    documents = [[5, 6, 7], [8, 9]]
    ids, positions, allowed = answer(copy.deepcopy(documents))
    for name, tensor, dtype in [("ids", ids, torch.long), ("position_ids", positions, torch.long),
                                ("allowed", allowed, torch.bool)]:
        expect(tensor.dtype == dtype, f"The values are right, but {name} has dtype {tensor.dtype}; the exercise asks "
                                      f"for {dtype} (e.g. torch.tensor(..., dtype={dtype}) or .to({dtype})).")
    _unchanged(answer, (documents,), "documents")


# ---- 7.2: one KV-cache step with RoPE, left-padded batch ----

def _step_reference(q_new: torch.Tensor, k_new: torch.Tensor, cached_keys: torch.Tensor,
                    attention_mask: torch.Tensor, *, position: str = "mask", rotate_q: bool = True,
                    rotate_k: bool = True, rerotate_cache: bool = False, new_first: bool = False) -> torch.Tensor:
    """One of the typical mistakes of 7.2 (with all options at their defaults: the right scores)."""
    mask = attention_mask.long()
    columns = mask.shape[1]
    where = {"mask": mask.sum(-1, keepdim=True) - 1, "zero": torch.zeros(mask.shape[0], 1, dtype=torch.long),
             "column": torch.full((mask.shape[0], 1), columns - 1), "count": mask.sum(-1, keepdim=True)}[position]
    cos, sin = rope_cos_sin(where, q_new.shape[-1])
    q = apply_rope(q_new[:, None], cos, sin) if rotate_q else q_new[:, None]
    k = apply_rope(k_new[:, None], cos, sin) if rotate_k else k_new[:, None]
    cache = cached_keys
    if rerotate_cache and cache.shape[1]:
        cached_positions = (mask[:, :-1].cumsum(-1) - 1).clamp(min=0)
        cache = apply_rope(cache, *rope_cos_sin(cached_positions, q_new.shape[-1]))
    keys = torch.cat([k, cache] if new_first else [cache, k], dim=1)
    return (q @ keys.transpose(1, 2))[:, 0]


def _step_case(generator: torch.Generator, pads: list[int], t: int, head_dim: int) -> Case:
    batch = len(pads)
    mask = torch.ones(batch, t + 1, dtype=torch.long)
    for row, count in enumerate(pads):
        mask[row, :count] = 0
    q_new, k_new = (torch.randn(batch, head_dim, generator=generator, dtype=torch.float64).float() for _ in "qk")
    raw = torch.randn(batch, t, head_dim, generator=generator, dtype=torch.float64).float()
    positions = (mask[:, :t].cumsum(-1) - 1).clamp(min=0)
    cached = apply_rope(raw, *rope_cos_sin(positions, head_dim)) if t else raw
    label = (f"new_token_scores_mine(q_new {tuple(q_new.shape)}, k_new {tuple(k_new.shape)}, cached_keys "
             f"{tuple(cached.shape)}, attention_mask={mask.tolist()})")
    return Case((q_new, k_new, cached, mask), label=label)


def _step_cases() -> list[Case]:
    generator = torch.Generator().manual_seed(72)
    cases = [_step_case(generator, [0], 5, 8),            # one sequence, no padding
             _step_case(generator, [2], 5, 8),            # one left-padded sequence
             _step_case(generator, [0, 3], 6, 16),        # a batch: one full row, one left-padded row
             _step_case(generator, [0], 0, 4),            # the first token: nothing cached yet
             _step_case(generator, [1, 0, 4], 7, 4)]
    for _ in range(3):
        t = int(torch.randint(1, 9, (1,), generator=generator))
        batch = int(torch.randint(1, 4, (1,), generator=generator))
        pads = torch.randint(0, t + 1, (batch,), generator=generator).tolist()
        cases.append(_step_case(generator, pads, t, 2 * int(torch.randint(1, 9, (1,), generator=generator))))
    return cases


STEP_MISTAKES = {
    "The new token is rotated at its own position (the number of real tokens before it), not at 0: at position 0 "
    "the rotation does nothing, so its scores against the cached keys lose their relative distance.":
        lambda *args: _step_reference(*args, position="zero"),
    "With left padding the position is not the column index: count the real tokens in the mask (pads are not "
    "positions), as position ids from the attention mask do in Section 2.":
        lambda *args: _step_reference(*args, position="column"),
    "Off by one: the first real token is at position 0, so the new token's position is (number of 1s in its row "
    "of the mask) - 1.": lambda *args: _step_reference(*args, position="count"),
    "The cached keys were rotated when they were new: rotating them again turns each one twice.":
        lambda *args: _step_reference(*args, rerotate_cache=True),
    "Rotate the new token's query too (queries and keys both get RoPE).":
        lambda *args: _step_reference(*args, rotate_q=False),
    "Rotate the new token's key too, at the same position as its query, before appending it to the cached keys.":
        lambda *args: _step_reference(*args, rotate_k=False),
    "Put the cached keys first and the new token's key last (the order of the sequence).":
        lambda *args: _step_reference(*args, new_first=True),
    "Return the plain dot products: attention divides them by sqrt(head_dim) later, not this function.":
        lambda *args: _step_reference(*args) / args[0].shape[-1] ** 0.5,
    "Leave the pads' scores as they are (the exercise returns them, pads included): the mask is applied later.":
        lambda *args: _step_reference(*args).masked_fill(args[3] == 0, float("-inf")),
}


@exercise("7.2")
def _kv_cache_step(answer: Any) -> None:
    check_function(answer, new_token_scores, _step_cases(), "new_token_scores_mine", STEP_MISTAKES, atol=1e-4)
    case = _step_cases()[2]
    _unchanged(answer, tuple(arg.clone() for arg in case.args), "(q_new, k_new, cached_keys or attention_mask)")


# ---- 7.3: Gemma's factor in bfloat16 ----

GEMMA_D = 1152


@exercise("7.3")
def _gemma_factor(answer: Any) -> None:
    expect_type(answer, float, "The factor")
    value = float(answer.detach().item() if isinstance(answer, torch.Tensor) else answer)
    exact = math.sqrt(GEMMA_D)
    expect(not math.isclose(value, torch.tensor(exact, dtype=torch.float16).item(), rel_tol=1e-6),
           f"That is sqrt({GEMMA_D}) in float16 (11 significant bits); bfloat16 keeps only 8.")
    expect(abs(value - exact) > 5e-3, f"That is sqrt({GEMMA_D}) itself; the model multiplies by it after a cast to "
                                      "bfloat16, which keeps only 8 significant bits.")
    expect_close(value, torch.tensor(exact, dtype=torch.bfloat16).item(), "The factor",
                 {"That is d_model itself; the factor is its square root, cast to bfloat16.": float(GEMMA_D),
                  "That is 1/sqrt(d_model): Gemma multiplies its token vectors by sqrt(d_model) itself, making them "
                  "larger, not smaller.": 1 / exact,
                  "That is a neighbour of the right value: bfloat16 rounds to the nearest number it can hold, here "
                  "in steps of 0.25.": torch.tensor(math.sqrt(GEMMA_D), dtype=torch.bfloat16).item() - 0.25})


# ---- Predict, then run ----
prediction("7.p", ["A", "B", "C", "D"])  # left padding without position_ids: whose outputs change, GPT-2's or Llama's?

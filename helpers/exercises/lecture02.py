"""Checkers for Lecture 2's exercises: one-hot cost, nn.Embedding's size, reordered sentences, a tied token table,
nearest neighbours by cosine and the lookup as one-hot times the table (build-its), and one prediction (2.p)."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import torch
import torch.nn.functional as F

from helpers.built.simple_tokenizer import split_words
from helpers.built.token_embeddings import nearest_neighbours
from helpers.exercises import checking as c
from helpers.exercises.model_sizes import GPT2_D_MODEL, GPT2_VOCAB

# 2.p: with the output layer tied to the table, which rows get a gradient? A: inputs'; B: inputs' and targets'; C: all
c.prediction("2.p", ["A", "B", "C"])
TOKENS = 4 * 512  # 2.1: batch 4, seq_len 512
c.values({
    "2.1": c.Value(TOKENS * GPT2_VOCAB * 4, "The number of bytes", "Multiply batch, seq_len, vocab size, 4 bytes.", {
        TOKENS * GPT2_D_MODEL * 4: "That is the size of the embedded vectors; a one-hot vector has vocab size entries.",
        TOKENS * GPT2_VOCAB: "That counts numbers, not bytes: each float32 takes 4 bytes."}),
    "2.2": c.Value(GPT2_VOCAB * GPT2_D_MODEL, "The number of parameters", "One row of 768 numbers per token.",
                   {GPT2_VOCAB * GPT2_D_MODEL + GPT2_D_MODEL: "An embedding has no bias: only the table itself."}),
})


def _gradient(table: torch.Tensor, model: Any, ids: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The gradient the learner's `table` gets from the loss cross_entropy(model.logits(model(ids)), targets)."""
    table.grad = None
    scores = model.logits(model(ids))
    F.cross_entropy(scores.reshape(-1, scores.shape[-1]), targets.reshape(-1)).backward()
    return torch.zeros_like(table) if table.grad is None else table.grad.clone()


def _tied_gradients(weight: torch.Tensor, ids: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The gradients a tied table `weight` gets through the lookup and through the logits (a tied module: their sum)."""
    lookup, output = weight.clone().requires_grad_(), weight.clone().requires_grad_()
    scores = lookup[ids] @ output.T
    return torch.autograd.grad(F.cross_entropy(scores.reshape(-1, scores.shape[-1]), targets.reshape(-1)),
                               (lookup, output))


@c.exercise("2.3")
def _tied_embedding(answer: Any) -> None:
    c.expect(isinstance(answer, type) and issubclass(answer, torch.nn.Module),
             f"Pass your class itself (TiedEmbedding, without parentheses), not {type(answer).__name__}.")
    generator = torch.Generator().manual_seed(3)
    for vocab_size, d_model, shape in [(10, 4, (4,)), (7, 3, ()), (12, 5, (2, 6)), (30, 8, (3, 2, 4)), (5, 2, (0,))]:
        made = f"TiedEmbedding({vocab_size}, {d_model})"
        torch.default_generator.manual_seed(vocab_size)
        model = c.call_learner(answer, made, vocab_size, d_model)
        c.expect(callable(getattr(model, "logits", None)), f"{made} has no method logits(hidden): add one.")
        parameters = [p for p in model.parameters() if p.requires_grad]
        shapes = [tuple(p.shape) for p in parameters]
        c.expect(parameters, f"{made} has no trainable parameter: wrap the table in torch.nn.Parameter.")
        c.expect(len(parameters) == 1, f"{made} has {len(parameters)} trainable tensors of shapes {shapes}; a tied "
                                       "module has one, the table, reused as the output layer (no weight, no bias).")
        table = parameters[0]
        c.expect(shapes[0] == (vocab_size, d_model) and table.dtype == torch.float32, f"{made}'s table is {shapes[0]}, "
                 f"{table.dtype}; make it (vocab_size, d_model) = {(vocab_size, d_model)}, float32 (as nn.Embedding).")
        ids, hidden, targets = (torch.randint(vocab_size, shape, generator=generator),
                                torch.randn(*shape, d_model, generator=generator),
                                torch.randint(vocab_size, shape, generator=generator))
        weight = table.detach()
        for call, method, given, expected in [(f"{made}(ids of shape {shape})", model.forward, ids, weight[ids]), (
                f"{made}.logits(hidden of shape {tuple(hidden.shape)})", model.logits, hidden, hidden @ weight.T)]:
            with torch.no_grad():
                problem = c.difference(c.call_learner(method, call, given), expected, 1e-5)
            c.expect(problem is None, f"For {call}: {problem}.")
        got = c.call_learner(partial(_gradient, table, model, ids, targets), f"For {made}, computing the gradient,")
        lookup, output = _tied_gradients(weight, ids, targets)
        if torch.allclose(got, lookup + output, atol=1e-6):
            continue
        where = f"For {made}, ids of shape {shape}, the loss cross_entropy(logits(forward(ids)), targets)"
        c.expect(not torch.allclose(got, lookup, atol=1e-6), f"{where}: only the looked-up rows got a gradient: use "
                                                             "the table itself in logits (no .detach(), no copy).")
        c.expect(not torch.allclose(got, output, atol=1e-6), f"{where}: the lookup sent no gradient: forward must "
                                                             "return rows of the table itself, not of a copy.")
        raise c.Hint(f"{where}: the table's gradient differs from nn.Embedding's with the same weights.")
    torch.default_generator.manual_seed(0)
    spread = next(c.call_learner(answer, "TiedEmbedding(200, 16)", 200, 16).parameters()).detach().std().item()
    c.expect(0.8 < spread < 1.25, f"TiedEmbedding(200, 16)'s table has standard deviation {spread:.3g}; start it as "
                                  "nn.Embedding does, from N(0, 1) (torch.randn).")


@c.exercise("2.4")
def _reordering(answer: Any) -> None:
    answer = answer.tolist() if isinstance(answer, torch.Tensor) else answer
    c.expect_type(answer, (list, tuple), "Your answer")
    tokens_a, tokens_b = split_words("the cat sat on the mat."), split_words("on the mat the cat sat.")
    c.expect(len(answer) == len(tokens_b), f"Give one position per token of sentence b ({len(tokens_b)} of them).")
    c.expect(all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(tokens_a) for i in answer),
             f"Each entry is a position in sentence a: an int from 0 to {len(tokens_a) - 1}.")
    c.expect([tokens_a[i] for i in answer] == tokens_b,
             "For each token j of sentence b, p[j] should be a position in sentence a holding the same word.")


def _cosines(table: torch.Tensor, query: int) -> torch.Tensor:
    unit = table / table.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return unit @ unit[query]


def _ranked(similarity: torch.Tensor, query: int, k: int, keep_query: bool = False) -> torch.Tensor:
    """The ids of the k largest similarities (fewer if there are fewer rows), the query's own left out unless kept."""
    if not keep_query:
        similarity[query] = -float("inf")
    return similarity.topk(min(k, len(similarity) - (not keep_query))).indices


def _any_tie_order(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`'s neighbours, replaced by the reference's when they are a right answer that orders rows of equal
    cosine differently (distinct ids, not the query, cosines equal to the best ones)."""
    def wrapped(table: torch.Tensor, query: int, k: int) -> Any:
        got, expected = function(table, query, k), nearest_neighbours(table.clone(), query, k)
        if not (isinstance(got, torch.Tensor) and got.shape == expected.shape and not got.is_meta
                and not (got.is_floating_point() or got.is_complex() or got.dtype == torch.bool)):
            return got
        ids, cosines = got.tolist(), _cosines(table, query)
        valid = len(set(ids)) == len(ids) and all(0 <= i < len(table) and i != query for i in ids)
        tolerance = 1e-6 if table.dtype == torch.float64 else 1e-5
        return expected if valid and torch.allclose(cosines[ids], cosines[expected], atol=tolerance, rtol=0) else got
    return wrapped


def _neighbour_cases() -> list[c.Case]:
    generator, some = torch.Generator().manual_seed(2), [[1, 0], [1, 0.2], [5, 3], [0, 1], [-1, 0]]  # row 2: long
    fixed = [(some, 0, 3, ""), ([[3, 4], [1, 0], [3, 4], [0, 1], [-4, 3]], 2, 2, " (row 0 is the query row 2 again)"),
             (some, 1, 10, " (k is larger than the 4 other rows)"), (some, 3, 0, ""),
             ([[1, 1], [0, 0], [-1, 0.5], [2, 1.5], [-1, -1]], 0, 4, " (row 1 is a zero vector)"),
             ([[1, 2, 0], [0, 0, 0], [3, -1, 2], [-2, 0, 1]], 1, 2, " (every cosine with a zero vector is 0)"),
             ([[0.5, -2]], 0, 3, " (there is no other row)")]
    cases = [((torch.tensor(rows, dtype=torch.float), query, k), f"rows {rows}, query={query}, k={k}){note}")
             for rows, query, k, note in fixed] + [((torch.tensor(some).double(), 4, 2), f"rows {some} in float64, "
                                                                                        "query=4, k=2)")]
    for vocab_size, d_model, k in [(20, 8, 5), (50, 16, 7), (7, 3, 6)]:
        table, query = torch.randn(vocab_size, d_model, generator=generator), int(torch.randint(vocab_size, (1,),
                                                                                                generator=generator))
        cases.append(((table, query, k), f"a random table of shape ({vocab_size}, {d_model}), query={query}, k={k})"))
    return [c.Case(args, label=f"nearest_neighbours({label}") for args, label in cases]


NEIGHBOUR_MISTAKES = {
    "Rank by cosine similarity, not by the dot product: divide by both vectors' lengths first, or long vectors "
    "win.": lambda table, query, k: _ranked(table @ table[query], query, k),
    "Leave the query row itself out: its cosine with itself is 1, the largest possible.":
        lambda table, query, k: _ranked(_cosines(table, query), query, k, keep_query=True),
    "Don't drop the first hit: another row can have cosine 1 too (or all 0). Remove the query by its index.":
        lambda table, query, k: _ranked(_cosines(table, query), query, k + 1, keep_query=True)[1:],
    "A zero vector has length 0, and dividing by it gives NaN: divide by the length clamped to a small minimum.":
        lambda table, query, k: _ranked(table @ table[query] / (table.norm(dim=1) * table[query].norm()), query, k),
}


@c.exercise("2.5")
def _nearest_neighbours(answer: Any) -> None:
    c.check_function(_any_tie_order(answer) if callable(answer) else answer, nearest_neighbours, _neighbour_cases(),
                     "nearest_neighbours", {hint: _any_tie_order(wrong) for hint, wrong in NEIGHBOUR_MISTAKES.items()})


def one_hot_lookup(table: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """`table[ids]` computed as one-hot rows times the table, for ids of any shape: result ids.shape + (d_model,)."""
    return F.one_hot(ids, len(table)).to(table.dtype) @ table


LOOKUP_MISTAKES = {
    "Multiply by the table (vocab_size, d_model), not by its transpose: each one-hot row picks a row.":
        lambda table, ids: F.one_hot(ids, len(table)).to(table.dtype) @ table.T,
    "The result is transposed: one-hot rows (..., vocab_size) come first, one_hot @ table.":
        lambda table, ids: table.T @ F.one_hot(ids.reshape(-1), len(table)).to(table.dtype).T,
    "Keep the shape of ids: the result has shape ids.shape + (d_model,), so reshape the flat rows back.":
        lambda table, ids: F.one_hot(ids.reshape(-1), len(table)).to(table.dtype) @ table,
    "Your function reads rows of the table by index (table[ids], index_select, F.embedding, ...). Multiply one-hot "
    "rows with the table: that multiplies the rows no id picks by 0, and 0 · inf = nan.": lambda table, ids: table[ids],
}


def _lookup_cases() -> list[c.Case]:
    generator, inf = torch.Generator().manual_seed(5), float("inf")
    table = torch.randn(10, 3, generator=generator)
    cases = [(torch.arange(16.0).reshape(4, 4), torch.tensor([2, 0, 2])), (table, torch.tensor([[1, 9, 4], [4, 0, 7]])),
             (table, torch.randint(10, (2, 2, 3), generator=generator)), (table, torch.tensor(7)),
             (table, torch.zeros(0, dtype=torch.long)), (table.double(), torch.tensor([3, 3]))]
    for vocab_size, d_model, shape in [(30, 5, (4, 7)), (3, 8, (6,)), (100, 2, (2, 5))]:
        cases.append((torch.randn(vocab_size, d_model, generator=generator),
                      torch.randint(vocab_size, shape, generator=generator)))
    cases.append((torch.tensor([[1, 2, 3], [4, inf, 6], [7, 8, 9], [10, 11, 12]]), torch.tensor([0, 3, 0])))
    return [c.Case((table, ids), label=f"one_hot_lookup(a {str(table.dtype)[6:]} {tuple(table.shape)} table"
                   f"{' whose row 1, which no id picks, holds inf' if table.isinf().any() else ''}, ids"
                   f"{f' {ids.tolist()}' if ids.numel() <= 6 else ''} of shape {tuple(ids.shape)})")
            for table, ids in cases]


@c.exercise("2.6")
def _one_hot_lookup(answer: Any) -> None:
    c.check_function(answer, one_hot_lookup, _lookup_cases(), "one_hot_lookup", exact_dtype=True, mistakes={
        "Build the one-hot rows in the table's dtype (table.dtype): the result must be in it.": one_hot_lookup,
        **LOOKUP_MISTAKES})

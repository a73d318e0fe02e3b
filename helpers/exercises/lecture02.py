"""Checkers for Lecture 2's exercises: one-hot cost, nn.Embedding's parameters, reordered sentences, three build-its
(a token table tied to the output layer; nearest neighbours by cosine similarity; the lookup as one-hot times the
table), and one prediction. Build-its that change their inputs in place get a hint."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from helpers.built.simple_tokenizer import split_words
from helpers.built.token_embeddings import nearest_neighbours
from helpers.exercises.checking import (
    LEARNER_CRASHES,
    Case,
    Hint,
    check_function,
    difference,
    exercise,
    expect,
    expect_type,
    learner_crash,
    prediction,
    runaway_guard,
)
from helpers.exercises.model_sizes import GPT2_D_MODEL
from helpers.tokenizer_files import gpt2

# Prediction 2.p: with the output layer tied to the table, which rows of the table get a gradient?
# A: only the rows of the input ids; B: the rows of the inputs and of the targets; C: every row.
prediction("2.p", ["A", "B", "C"])


def _as_list(answer: Any) -> Any:
    """A tensor or numpy array answer as a Python list (learners often hand in either)."""
    if isinstance(answer, torch.Tensor) or type(answer).__module__ == "numpy":
        return answer.tolist()
    return answer


@exercise("2.1")
def _one_hot_bytes(answer: Any) -> None:
    expect_type(answer, int, "The number of bytes")
    vocab_size = gpt2().n_vocab
    tokens = 4 * 512
    expect(answer != tokens * GPT2_D_MODEL * 4, "That is the size of the embedded vectors. A one-hot vector has one "
                                                "entry per vocabulary token.")
    expect(answer != tokens * vocab_size, "That counts numbers, not bytes: each float32 takes 4 bytes.")
    expect(answer == tokens * vocab_size * 4, "Multiply batch, seq_len, the vocabulary size and the bytes per float32.")


@exercise("2.2")
def _embedding_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    rows, columns = gpt2().n_vocab, GPT2_D_MODEL
    expect(answer != rows * columns + columns, "An embedding has no bias: only the table itself.")
    expect(answer == rows * columns, "The weight has one row of 768 numbers per vocabulary token.")


# ---------------------------------------------------------------- 2.3 a token table tied to the output layer

class _Reference(torch.nn.Module):
    """What 2.3 asks for, for comparing gradients: nn.Embedding's table, used again (transposed) for the logits."""

    def __init__(self, weight: torch.Tensor) -> None:
        super().__init__()
        self.embedding = torch.nn.Embedding.from_pretrained(weight, freeze=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.embedding(ids)

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.linear(hidden, self.embedding.weight)


def _table_gradient(model: Any, ids: torch.Tensor, targets: torch.Tensor, table: torch.Tensor,
                    lookup: bool = True, output: bool = True) -> torch.Tensor:
    """The gradient of `table` (a parameter of `model`) after one next-token loss; either side can be switched off."""
    table.grad = None
    hidden = model(ids) if lookup else model(ids).detach()
    logits = model.logits(hidden) if output else hidden @ table.detach().T
    torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)).backward()
    return table.grad.clone() if table.grad is not None else torch.zeros_like(table)


def _tied_cases() -> list[tuple[int, int, tuple[int, ...]]]:
    """(vocab_size, d_model, shape of the ids) for 2.3, from one id to a batch."""
    return [(10, 4, (4,)), (7, 3, ()), (12, 5, (2, 6)), (30, 8, (3, 2, 4)), (5, 2, (0,))]


MUTATION = ("changed its input {name} in place (an in-place operation such as /=, +=, x[...] = or a method ending "
            "in _). Leave the inputs as they are: the caller still needs them; compute new tensors instead.")


def _changed(args: tuple, before: tuple) -> str | None:
    """The position (as text) of the first tensor argument that differs from its copy `before`, or None."""
    for position, (arg, old) in enumerate(zip(args, before)):
        if isinstance(arg, torch.Tensor) and not (arg.shape == old.shape and torch.equal(arg, old)):
            return f"number {position + 1}"
    return None


def _learner_call(function: Callable[..., Any], what: str, *args: Any) -> Any:
    """Call the learner's class or method; its crash becomes a hint, and so does a change to its tensor inputs."""
    before = tuple(arg.clone() if isinstance(arg, torch.Tensor) else arg for arg in args)
    try:
        with runaway_guard(what):
            result = function(*args)
    except Hint:
        raise
    except LEARNER_CRASHES as error:
        raise learner_crash(error, f"For {what} your code raised") from None
    changed = _changed(args, before)
    expect(changed is None, f"{what} " + MUTATION.format(name=changed))
    return result


def _guarded(learner: Callable[..., Any], problems: list[str], names: tuple[str, ...],
             dtype_of: int | None = None) -> Callable[..., Any]:
    """The learner's function, noting in `problems` when it changes an input tensor in place, or (if `dtype_of` is
    given) returns a tensor whose dtype differs from that argument's."""
    def wrapped(*args: Any) -> Any:
        before = tuple(arg.clone() if isinstance(arg, torch.Tensor) else arg for arg in args)
        got = learner(*args)
        changed = _changed(args, before)
        if changed is not None:
            index = int(changed.split()[-1]) - 1
            problems.append(f"Your function {MUTATION.format(name=f'`{names[index]}`')}")
        if (dtype_of is not None and isinstance(got, torch.Tensor) and got.dtype != args[dtype_of].dtype
                and got.dtype != torch.bool and not got.is_complex()):       # bool and complex: the value check's hint
            want = str(args[dtype_of].dtype).removeprefix("torch.")
            problems.append(f"For a {want} {names[dtype_of]} your function returned "
                            f"{str(got.dtype).removeprefix('torch.')}: the result must be in the "
                            f"{names[dtype_of]}'s dtype ({names[dtype_of]}.dtype), so build the one-hot rows in "
                            "that dtype.")
        return got
    return wrapped


def _check_guarded(learner: Any, check: Callable[[Any], None], names: tuple[str, ...],
                   dtype_of: int | None = None) -> None:
    """Run `check` on the guarded learner; a change to the inputs or a wrong dtype is the hint, before any value."""
    problems: list[str] = []
    try:
        check(_guarded(learner, problems, names, dtype_of) if callable(learner) else learner)
    except Hint:
        if problems:
            raise Hint(problems[0]) from None
        raise
    expect(not problems, problems[0] if problems else "")


@exercise("2.3")
def _tied_embedding(answer: Any) -> None:
    expect(isinstance(answer, type) and issubclass(answer, torch.nn.Module),
           f"Pass your class itself (TiedEmbedding, without parentheses), not {type(answer).__name__}.")
    generator = torch.Generator().manual_seed(3)
    for vocab_size, d_model, shape in _tied_cases():
        made = f"TiedEmbedding({vocab_size}, {d_model})"
        torch.manual_seed(vocab_size)
        model = _learner_call(answer, made, vocab_size, d_model)
        expect(callable(getattr(model, "logits", None)), f"{made} has no method logits(hidden): add it to the class, "
                                                         "beside forward.")
        parameters = [p for p in model.parameters() if p.requires_grad]
        shapes = [tuple(p.shape) for p in parameters]
        expect(parameters, f"{made} has no trainable parameter: wrap the table in torch.nn.Parameter (a plain "
                           "tensor attribute is not trained, and .to(device) does not move it).")
        expect(len(parameters) == 1, f"{made} has {len(parameters)} trainable tensors of shapes {shapes}; a tied "
                                     "module has exactly one, the table: the output layer reuses it (no separate "
                                     "weight, no bias).")
        table = parameters[0]
        expect(shapes[0] == (vocab_size, d_model), f"{made}'s table has shape {shapes[0]}; it should be "
                                                   f"(vocab_size, d_model) = {(vocab_size, d_model)}.")
        expect(table.dtype == torch.float32, f"{made}'s table is {table.dtype}; make it float32, as nn.Embedding does.")
        ids = torch.randint(vocab_size, shape, generator=generator)
        hidden = torch.randn(*shape, d_model, generator=generator)
        with torch.no_grad():
            rows = _learner_call(model, f"{made}(ids of shape {shape})", ids)
            scores = _learner_call(model.logits, f"{made}.logits(hidden of shape {tuple(hidden.shape)})", hidden)
        for what, got, expected in [(f"{made}(ids of shape {shape})", rows, table.detach()[ids]),
                                    (f"{made}.logits(hidden of shape {tuple(hidden.shape)})", scores,
                                     hidden @ table.detach().T)]:
            problem = difference(got, expected, 1e-5)
            expect(problem is None, f"For {what}: {problem}.")
        reference = _Reference(table.detach().clone())
        targets = torch.randint(vocab_size, shape, generator=generator)
        expected = _table_gradient(reference, ids, targets, reference.embedding.weight)
        try:
            with runaway_guard(f"{made}, computing the loss's gradient,"):
                got = _table_gradient(model, ids, targets, table)
        except Hint:
            raise
        except LEARNER_CRASHES as error:
            raise learner_crash(error, f"For {made}, computing the loss's gradient raised") from None
        if torch.allclose(got, expected, atol=1e-6):
            continue
        where = f"For {made}, ids of shape {shape}, the loss cross_entropy(logits(forward(ids)), targets)"
        lookup_only = _table_gradient(reference, ids, targets, reference.embedding.weight, output=False)
        output_only = _table_gradient(reference, ids, targets, reference.embedding.weight, lookup=False)
        expect(not torch.allclose(got, lookup_only, atol=1e-6),
               f"{where}: only the looked-up rows got a gradient. The output side must send one to every row: "
               "use the table itself in logits (no .detach(), no torch.no_grad(), no copy).")
        expect(not torch.allclose(got, output_only, atol=1e-6),
               f"{where}: the lookup sent no gradient. forward must return rows of the table itself, not of a "
               "detached copy.")
        raise Hint(f"{where}: the table's gradient differs from nn.Embedding's with the same weights. Check that "
                   "forward and logits use the one table with no other change.")
    torch.manual_seed(0)
    table = next(p for p in _learner_call(answer, "TiedEmbedding(200, 16)", 200, 16).parameters())
    spread = table.detach().std().item()
    expect(0.8 < spread < 1.25, f"TiedEmbedding(200, 16)'s table has standard deviation {spread:.3g}; start it as "
                                "nn.Embedding does, from N(0, 1) (torch.randn).")


@exercise("2.4")
def _reordering(answer: Any) -> None:
    answer = _as_list(answer)
    expect_type(answer, (list, tuple), "Your answer")
    tokens_a, tokens_b = split_words("the cat sat on the mat."), split_words("on the mat the cat sat.")
    expect(len(answer) == len(tokens_b), f"Give one position per token of sentence b ({len(tokens_b)} of them).")
    expect(all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(tokens_a) for i in answer),
           f"Each entry is a position in sentence a: an int from 0 to {len(tokens_a) - 1}.")
    expect([tokens_a[i] for i in answer] == tokens_b,
           "For each token j of sentence b, p[j] should be a position in sentence a holding the same word.")


# ------------------------- 2.5 nearest neighbours by cosine similarity (reference: helpers.built.token_embeddings)

def _neighbours_dot_product(table: torch.Tensor, query: int, k: int) -> torch.Tensor:
    similarity = table @ table[query]
    similarity[query] = -float("inf")
    return similarity.topk(min(k, table.shape[0] - 1)).indices


def _neighbours_with_query(table: torch.Tensor, query: int, k: int) -> torch.Tensor:
    unit = table / table.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return (unit @ unit[query]).topk(min(k, table.shape[0])).indices


def _neighbours_drop_first(table: torch.Tensor, query: int, k: int) -> torch.Tensor:
    unit = table / table.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return (unit @ unit[query]).topk(min(k + 1, table.shape[0])).indices[1:]


def _neighbours_nan(table: torch.Tensor, query: int, k: int) -> torch.Tensor:
    similarity = (table @ table[query]) / (table.norm(dim=1) * table[query].norm())
    similarity[query] = -float("inf")
    return similarity.topk(min(k, table.shape[0] - 1)).indices


def _any_tie_order(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a neighbours function so that every right answer compares equal to the reference's.

    Rows with the same cosine may come in any order. So a result that is a valid answer (the right number of
    distinct ids, not the query, cosines in decreasing order and equal to the best ones) is replaced by the
    reference's own answer; anything else is passed on unchanged, for the hint to show.
    """
    def wrapped(table: torch.Tensor, query: int, k: int) -> Any:
        got = function(table.clone(), query, k)
        expected = nearest_neighbours(table.clone(), query, k)
        if not isinstance(got, torch.Tensor) or got.dim() != 1 or got.shape != expected.shape:
            return got
        if got.dtype.is_floating_point or got.dtype == torch.bool or got.numel() == 0:
            return got
        ids = got.detach().cpu().long()
        if len(set(ids.tolist())) != len(ids) or query in ids.tolist() or ids.min() < 0 or ids.max() >= len(table):
            return got
        unit = table / table.norm(dim=1, keepdim=True).clamp_min(1e-12)
        cosines = unit @ unit[query]
        mine, best = cosines[ids], cosines[expected]
        tolerance = 1e-6 if table.dtype == torch.float64 else 1e-5
        if torch.allclose(mine, best, atol=tolerance, rtol=0) and bool((mine[1:] <= mine[:-1] + tolerance).all()):
            return expected
        return got
    return wrapped


def _table(rows: list[list[float]], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.tensor(rows, dtype=dtype)


def _neighbour_cases() -> list[Case]:
    generator = torch.Generator().manual_seed(2)
    long_vector = _table([[1, 0], [1, 0.2], [5, 3], [0, 1], [-1, 0]])          # row 2 is long but less aligned
    duplicate = _table([[3, 4], [1, 0], [3, 4], [0, 1], [-4, 3]])              # row 0 points exactly like row 2
    zero_row = _table([[1, 1], [0, 0], [-1, 0.5], [2, 1.5], [-1, -1]])         # row 1 has no direction
    zero_query = _table([[1, 2, 0], [0, 0, 0], [3, -1, 2], [-2, 0, 1]])
    cases = [
        Case((long_vector, 0, 3), label="nearest_neighbours(rows [[1, 0], [1, 0.2], [5, 3], [0, 1], [-1, 0]], "
                                        "query=0, k=3)"),
        Case((duplicate, 2, 2), label="nearest_neighbours(rows [[3, 4], [1, 0], [3, 4], [0, 1], [-4, 3]], query=2, "
                                      "k=2) (row 0 is the same vector as the query row 2)"),
        Case((long_vector, 1, 10), label="nearest_neighbours(a table of 5 rows, query=1, k=10) (k is larger than "
                                         "the 4 other rows)"),
        Case((zero_row, 0, 4), label="nearest_neighbours(rows [[1, 1], [0, 0], [-1, 0.5], [2, 1.5], [-1, -1]], "
                                     "query=0, k=4) (row 1 is a zero vector)"),
        Case((zero_query, 1, 2), label="nearest_neighbours(a table of 4 rows whose row 1 is all zeros, query=1, "
                                       "k=2) (every cosine with a zero vector is 0)"),
        Case((_table([[0.5, -2.0]]), 0, 3), label="nearest_neighbours(a table of 1 row, query=0, k=3) (there is "
                                                  "no other row)"),
        Case((long_vector, 3, 0), label="nearest_neighbours(a table of 5 rows, query=3, k=0)"),
        Case((long_vector.double(), 4, 2), label="nearest_neighbours(a float64 table of 5 rows, query=4, k=2)"),
    ]
    for vocab_size, d_model, k in [(20, 8, 5), (50, 16, 7), (7, 3, 6)]:
        table = torch.randn(vocab_size, d_model, generator=generator)
        query = int(torch.randint(vocab_size, (1,), generator=generator))
        cases.append(Case((table, query, k), label=f"nearest_neighbours(a random table of shape ({vocab_size}, "
                                                   f"{d_model}), query={query}, k={k})"))
    return cases


NEIGHBOUR_MISTAKES = {
    "Rank by cosine similarity, not by the dot product: divide by both vectors' lengths first, or long vectors "
    "win.": _neighbours_dot_product,
    "Leave the query row itself out: its cosine with itself is 1, the largest possible.": _neighbours_with_query,
    "Don't assume the query comes first and drop the first hit: another row can have cosine 1 too (or every "
    "cosine can be 0). Remove the query by its index.": _neighbours_drop_first,
    "A zero vector has length 0, and dividing by it gives NaN. Treat its cosine as 0: divide by the length "
    "clamped to a small minimum (as F.normalize does).": _neighbours_nan,
}


@exercise("2.5")
def _nearest_neighbours(answer: Any) -> None:
    mistakes = {hint: _any_tie_order(wrong) for hint, wrong in NEIGHBOUR_MISTAKES.items()}
    _check_guarded(answer, lambda learner: check_function(_any_tie_order(learner) if callable(learner) else learner,
                                                          nearest_neighbours, _neighbour_cases(), "nearest_neighbours",
                                                          mistakes=mistakes), ("table", "query", "k"))


# ---------------------------------------------------------------- 2.6 the lookup as one-hot times the table

def one_hot_lookup(table: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """`table[ids]` computed as one-hot rows times the table, for ids of any shape: result ids.shape + (d_model,)."""
    vocab_size, d_model = table.shape
    flat = ids.reshape(-1)                                            # (n,) every id in one row
    one_hot = torch.zeros(len(flat), vocab_size, dtype=table.dtype)   # (n, vocab_size)
    one_hot[torch.arange(len(flat)), flat] = 1.0                      # one 1 per row, in the id's column
    vectors = one_hot @ table                                         # (n, vocab_size) @ (vocab_size, d_model)
    return vectors.reshape(*ids.shape, d_model)


def _lookup_transposed_table(table: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    one_hot = torch.nn.functional.one_hot(ids, table.shape[0]).to(table.dtype)
    return one_hot @ table.T


def _lookup_wrong_axis(table: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    one_hot = torch.nn.functional.one_hot(ids.reshape(-1), table.shape[0]).to(table.dtype).T   # (vocab, n)
    return table.T @ one_hot                                                                   # (d_model, n)


def _lookup_flattened(table: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.one_hot(ids.reshape(-1), table.shape[0]).to(table.dtype) @ table


LOOKUP_MISTAKES = {
    "Multiply by the table itself, shape (vocab_size, d_model), not by its transpose: each one-hot row picks one "
    "row of the table.": _lookup_transposed_table,
    "The result is transposed: the one-hot tensor needs one row per id and one column per vocabulary entry, "
    "(..., vocab_size), and it comes first: one_hot @ table.": _lookup_wrong_axis,
    "Keep the shape of ids: the result has shape ids.shape + (d_model,), so reshape the flat rows back.":
        _lookup_flattened,
}


def _lookup_cases() -> list[Case]:
    generator = torch.Generator().manual_seed(5)
    square = torch.arange(16.0).reshape(4, 4)
    table = torch.randn(10, 3, generator=generator)
    cases = [
        Case((square, torch.tensor([2, 0, 2])), label="one_hot_lookup(torch.arange(16.0).reshape(4, 4), "
                                                      "torch.tensor([2, 0, 2]))"),
        Case((table, torch.tensor([[1, 9, 4], [4, 0, 7]])), label="one_hot_lookup(a (10, 3) table, ids [[1, 9, 4], "
                                                                  "[4, 0, 7]] of shape (2, 3))"),
        Case((table, torch.randint(10, (2, 2, 3), generator=generator)),
             label="one_hot_lookup(a (10, 3) table, ids of shape (2, 2, 3))"),
        Case((table, torch.tensor(7)), label="one_hot_lookup(a (10, 3) table, torch.tensor(7)) (one id, shape ())"),
        Case((table, torch.zeros(0, dtype=torch.long)), label="one_hot_lookup(a (10, 3) table, an empty id tensor "
                                                              "of shape (0,))"),
        Case((table.double(), torch.tensor([3, 3])), label="one_hot_lookup(a float64 (10, 3) table, "
                                                           "torch.tensor([3, 3]))"),
    ]
    for vocab_size, d_model, shape in [(30, 5, (4, 7)), (3, 8, (6,)), (100, 2, (2, 5))]:
        table = torch.randn(vocab_size, d_model, generator=generator)
        ids = torch.randint(vocab_size, shape, generator=generator)
        cases.append(Case((table, ids), label=f"one_hot_lookup(a random ({vocab_size}, {d_model}) table, random ids "
                                              f"of shape {shape})"))
    return cases


_LOOKUPS = {"__getitem__": "table[...]", "embedding": "F.embedding / nn.Embedding", "index_select": "index_select",
            "take": "torch.take", "gather": "gather", "take_along_dim": "take_along_dim"}


class _TableWatch(TorchFunctionMode):
    """While active, notes each torch call that reads rows of `table` by index (table[ids], index_select,
    F.embedding, nn.Embedding.from_pretrained(table), ...): any of them applied to a tensor sharing the table's
    memory (the table itself, table.T, a Parameter made from it). One-hot rows @ table makes a new tensor and is
    never noted; neither is indexing anything else (torch.eye(n)[ids] builds one-hot rows)."""

    def __init__(self, table: torch.Tensor) -> None:
        super().__init__()
        self.memory = table.untyped_storage().data_ptr()
        self.used: list[str] = []

    def _is_table(self, value: Any) -> bool:
        return (isinstance(value, torch.Tensor) and not value.is_meta and value.numel() > 0
                and value.untyped_storage().data_ptr() == self.memory)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name in _LOOKUPS:
            if name == "__getitem__":
                index = args[1] if len(args) > 1 else None
                parts = index if isinstance(index, tuple) else (index,)
                reads = any(part is not None and part is not Ellipsis and not isinstance(part, slice) for part in parts)
                tables = [args[0]] if reads else []
            elif name == "embedding":
                tables = [kwargs.get("weight", args[1] if len(args) > 1 else None)]
            else:
                tables = [kwargs.get("input", args[0] if args else None)]
            if any(self._is_table(table) for table in tables):
                self.used.append(_LOOKUPS[name])
        return func(*args, **kwargs)


def _watched(learner: Callable[..., Any], used: list[str]) -> Callable[..., Any]:
    """The learner's one_hot_lookup, noting in `used` how it indexed the table (if it did)."""
    def wrapped(table: torch.Tensor, ids: torch.Tensor) -> Any:
        with _TableWatch(table) as watch:
            got = learner(table, ids)
        used.extend(watch.used)
        return got
    return wrapped


@exercise("2.6")
def _one_hot_lookup(answer: Any) -> None:
    used: list[str] = []
    _check_guarded(_watched(answer, used) if callable(answer) else answer,
                   lambda learner: check_function(learner, one_hot_lookup, _lookup_cases(), "one_hot_lookup",
                                                  mistakes=LOOKUP_MISTAKES), ("table", "ids"), dtype_of=0)
    how = used[0] if used else ""
    expect(not used, f"Your results are right, but your function reads rows of the table by index ({how}). "
                     "The exercise is to get the same rows without indexing the table: build one-hot rows from the "
                     "ids and multiply them with the table.")

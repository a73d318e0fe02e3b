"""Lecture 2's exercise checkers accept right answers (the stored solutions too), give each typical mistake its own
hint (never the solution), and agree with the code the lecture shows."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import helpers
from helpers.exercises import lecture02
from helpers.exercises.checking import check, load_exercises, predict
from notebook_code import definitions, stored_solution

load_exercises()  # importing lecture02 above registers only its own exercises; load every lecture's

NOTEBOOK = "02_token_embeddings.ipynb"
ABOVE = {"torch": torch, "F": F, "helpers": helpers}  # what the notebook's solutions use from earlier cells


def verdict(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


# ------------------------------------------------------------------ 2.1 - 2.4 (moved from test_exercises_01_02.py)

@pytest.mark.parametrize("exercise_id, answer, hint", [
    ("2.1", 4 * 512 * 768 * 4, "size of the embedded vectors"),
    ("2.1", 4 * 512 * 50257, "4 bytes"),
    ("2.2", 50257 * 768 + 768, "no bias"),
    ("2.4", [0, 1, 2, 3, 4, 5, 6], "same word"),
    ("2.4", [3, 4, 5, 0, 1, 6, 2], "same word"),
])
def test_typical_mistakes_get_hints(capsys, exercise_id, answer, hint):
    out = verdict(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out


@pytest.mark.parametrize("exercise_id, answer", [
    ("2.1", 4 * 512 * 50257 * 4), ("2.1", np.int64(4 * 512 * 50257 * 4)), ("2.2", 50257 * 768),
    ("2.4", torch.tensor([3, 4, 5, 0, 1, 2, 6])), ("2.4", [3, 0, 5, 4, 1, 2, 6]),
    ("2.4", [3, 0, 5, 0, 1, 2, 6]), ("2.4", np.array([3, 4, 5, 4, 1, 2, 6])),   # "the" may come from one position
])
def test_right_answers_pass(capsys, exercise_id, answer):
    assert verdict(capsys, exercise_id, answer) == f"✅ Exercise {exercise_id}: correct!\n"


# ------------------------------------------------------------------ 2.3 a tied embedding module (build it)

class Parameter(torch.nn.Module):
    """The plainest right answer: one nn.Parameter, indexed and transposed."""

    def __init__(self, vocab_size, d_model):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(vocab_size, d_model))

    def forward(self, ids):
        return self.weight[ids]

    def logits(self, hidden):
        return hidden @ self.weight.T


class EmbeddingAndTiedLinear(torch.nn.Module):
    """nn.Embedding plus an nn.Linear whose weight IS the embedding's (how transformers ties GPT-2)."""

    def __init__(self, vocab_size, d_model):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, d_model)
        self.head = torch.nn.Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.embedding.weight

    def forward(self, ids):
        return self.embedding(ids)

    def logits(self, hidden):
        return self.head(hidden)


class EmbeddingAndFLinear(EmbeddingAndTiedLinear):
    def __init__(self, vocab_size, d_model):
        torch.nn.Module.__init__(self)
        self.embedding = torch.nn.Embedding(vocab_size, d_model)

    def logits(self, hidden):
        return F.linear(hidden, self.embedding.weight)


class OneHotForward(Parameter):
    def forward(self, ids):
        return F.one_hot(ids, len(self.weight)).to(self.weight.dtype) @ self.weight


class EinsumLogits(Parameter):
    def logits(self, hidden):
        return torch.einsum("...d,vd->...v", hidden, self.weight)


class CopiesRowsDifferentiably(Parameter):
    def forward(self, ids):
        return self.weight.clone()[ids] * 1.0


class Untied(EmbeddingAndTiedLinear):
    def __init__(self, vocab_size, d_model):
        torch.nn.Module.__init__(self)
        self.embedding = torch.nn.Embedding(vocab_size, d_model)
        self.head = torch.nn.Linear(d_model, vocab_size, bias=False)


class TiedWithBias(EmbeddingAndTiedLinear):
    def __init__(self, vocab_size, d_model):
        super().__init__(vocab_size, d_model)
        self.head.bias = torch.nn.Parameter(torch.zeros(vocab_size))


class DetachedOutput(Parameter):
    def logits(self, hidden):
        return hidden @ self.weight.detach().T


class NoGradOutput(Parameter):
    def logits(self, hidden):
        with torch.no_grad():
            weight = self.weight.T.clone()
        return hidden @ weight


class DetachedLookup(Parameter):
    def forward(self, ids):
        return self.weight.detach()[ids]


class ZeroStart(Parameter):
    def __init__(self, vocab_size, d_model):
        super().__init__(vocab_size, d_model)
        torch.nn.init.zeros_(self.weight)


class GPT2Start(Parameter):
    def __init__(self, vocab_size, d_model):
        super().__init__(vocab_size, d_model)
        torch.nn.init.normal_(self.weight, std=0.02)


class PlainTensor(Parameter):
    def __init__(self, vocab_size, d_model):
        torch.nn.Module.__init__(self)
        self.weight = torch.randn(vocab_size, d_model)


class NoLogits(torch.nn.Module):
    def __init__(self, vocab_size, d_model):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(vocab_size, d_model))

    def forward(self, ids):
        return self.weight[ids]


class NotTransposed(Parameter):
    def logits(self, hidden):
        return hidden @ self.weight


class SoftmaxLogits(Parameter):
    def logits(self, hidden):
        return (hidden @ self.weight.T).softmax(dim=-1)


class Float64Table(Parameter):
    def __init__(self, vocab_size, d_model):
        super().__init__(vocab_size, d_model)
        self.weight = torch.nn.Parameter(self.weight.detach().double())

    def logits(self, hidden):
        return hidden.double() @ self.weight.T


class FlattensIds(Parameter):
    def forward(self, ids):
        return self.weight[ids.reshape(-1)]


class ScaledRows(Parameter):
    def forward(self, ids):
        return self.weight[ids] * self.weight.shape[1] ** 0.5


class ScalesHiddenInPlace(Parameter):
    def logits(self, hidden):
        hidden /= 2
        return 2 * hidden @ self.weight.T


class ZeroesIdsInPlace(Parameter):
    def forward(self, ids):
        rows = self.weight[ids]
        ids.zero_()
        return rows


class Stub(torch.nn.Module):
    def __init__(self, vocab_size, d_model):
        super().__init__()
        raise NotImplementedError("write this class")


@pytest.mark.parametrize("answer", [Parameter, EmbeddingAndTiedLinear, EmbeddingAndFLinear, OneHotForward,
                                    EinsumLogits, CopiesRowsDifferentiably])
def test_2_3_right_modules_pass(capsys, answer):
    assert verdict(capsys, "2.3", answer) == "✅ Exercise 2.3: correct!\n"


@pytest.mark.parametrize("answer, words", [
    (Untied, "2 trainable tensors of shapes [(10, 4), (10, 4)]"),
    (TiedWithBias, "no bias"),
    (DetachedOutput, "only the looked-up rows got a gradient"),
    (NoGradOutput, "only the looked-up rows got a gradient"),
    (DetachedLookup, "the lookup sent no gradient"),
    (ZeroStart, "standard deviation 0"),
    (GPT2Start, "standard deviation 0.02"),
    (PlainTensor, "wrap the table in torch.nn.Parameter"),
    (NoLogits, "no method logits"),
    (NotTransposed, "cannot be multiplied"),
    (SoftmaxLogits, "logits(hidden of shape (4, 4))"),
    (Float64Table, "float64"),
    (FlattensIds, "(ids of shape ()): expected shape (3,)"),
    (ScaledRows, "(ids of shape (4,)): the shape is right"),
    (ScalesHiddenInPlace, "changed its input hidden in place"),
    (ZeroesIdsInPlace, "changed its input ids in place"),
    (Parameter(3, 2), "Pass your class itself"),
    ("TiedEmbedding", "Pass your class itself"),
    (lambda vocab_size, d_model: None, "Pass your class itself"),
])
def test_2_3_wrong_modules_get_their_hint(capsys, answer, words):
    out = verdict(capsys, "2.3", answer)
    assert out.startswith("❌ Exercise 2.3: not yet. Hint:") and words in out, out


def test_2_3_stub_and_stored_solution(capsys):
    assert verdict(capsys, "2.3", Stub).startswith("✏️ Exercise 2.3: write the body")
    learner = stored_solution(NOTEBOOK, "2.3", ABOVE)["TiedEmbedding"]
    assert "✅ Exercise 2.3: correct!" in capsys.readouterr().out
    assert verdict(capsys, "2.3", learner).startswith("✅")
    ids, targets = torch.tensor([[1, 3, 3, 7]]), torch.tensor([[3, 3, 7, 2]])
    torch.manual_seed(0)
    model = learner(10, 4)
    F.cross_entropy(model.logits(model(ids)).flatten(0, 1), targets.flatten()).backward()
    assert bool((model.weight.grad.abs().sum(dim=1) > 0).all())      # tied: every row gets a gradient


# ------------------------------------------------------------------ 2.5 nearest neighbours (build it)

def test_2_5_reference_and_stored_solution_pass(capsys):
    assert verdict(capsys, "2.5", lecture02.nearest_neighbours).startswith("✅")
    learner = stored_solution(NOTEBOOK, "2.5", ABOVE)["nearest_neighbours"]
    assert "✅ Exercise 2.5: correct!" in capsys.readouterr().out     # the solution's own check call
    assert verdict(capsys, "2.5", learner).startswith("✅")
    generator = torch.Generator().manual_seed(0)
    for _ in range(20):
        table = torch.randn(30, 6, generator=generator)
        assert torch.equal(learner(table, 3, 7), lecture02.nearest_neighbours(table, 3, 7))


@pytest.mark.parametrize("hint", list(lecture02.NEIGHBOUR_MISTAKES))
def test_2_5_each_typical_mistake_gets_its_hint(capsys, hint):
    out = verdict(capsys, "2.5", lecture02.NEIGHBOUR_MISTAKES[hint])
    assert out.startswith("❌ Exercise 2.5: not yet. Hint: For nearest_neighbours(") and out.rstrip().endswith(hint)
    others = [h for h in lecture02.NEIGHBOUR_MISTAKES if h != hint]
    assert not any(other in out for other in others)


def test_2_5_other_right_ways_and_any_tie_order_pass(capsys):
    def with_cosine_similarity(table, query, k):
        similarity = F.cosine_similarity(table, table[query][None], dim=1)
        similarity[query] = -2.0
        return similarity.topk(min(k, len(table) - 1)).indices

    def ties_by_largest_id(table, query, k):           # a valid answer with a different order among equal cosines
        unit = F.normalize(table, dim=1)
        similarity = unit @ unit[query]
        similarity[query] = -float("inf")
        order = sorted(range(len(table)), key=lambda i: (-round(similarity[i].item(), 6), -i))
        return torch.tensor([i for i in order if i != query][:min(k, len(table) - 1)], dtype=torch.long)

    for learner in (with_cosine_similarity, ties_by_largest_id):
        assert verdict(capsys, "2.5", learner).startswith("✅")


def test_2_5_stub_crash_and_not_a_function(capsys):
    def stub(table, query, k):
        raise NotImplementedError("write this function")

    def no_cap(table, query, k):                         # forgets that k may exceed the other rows
        unit = F.normalize(table, dim=1)
        similarity = unit @ unit[query]
        similarity[query] = -float("inf")
        return similarity.topk(k).indices

    assert verdict(capsys, "2.5", stub).startswith("✏️ Exercise 2.5: write the body")
    out = verdict(capsys, "2.5", no_cap)
    assert "k is larger than the 4 other rows" in out and "raised RuntimeError" in out
    assert "Pass your function itself" in verdict(capsys, "2.5", "nearest_neighbours")
    assert "expected a tensor of shape (3,)" in verdict(capsys, "2.5", lambda table, query, k: [1, 2, 3])


def test_2_5_and_2_6_inputs_changed_in_place_get_a_hint(capsys):
    def normalises_the_table_in_place(table, query, k):
        table /= table.norm(dim=1, keepdim=True).clamp_min(1e-12)
        similarity = table @ table[query]
        similarity[query] = -float("inf")
        return similarity.topk(min(k, len(table) - 1)).indices

    def zeroes_the_ids(table, ids):
        result = lecture02.one_hot_lookup(table, ids)
        ids.zero_()
        return result

    def writes_into_the_table(table, ids):
        result = lecture02.one_hot_lookup(table, ids)
        table[0] = 0.0
        return result

    for exercise_id, learner, name in [("2.5", normalises_the_table_in_place, "table"),
                                       ("2.6", zeroes_the_ids, "ids"), ("2.6", writes_into_the_table, "table")]:
        out = verdict(capsys, exercise_id, learner)
        assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and f"changed its input {name}" in out


def test_2_5_hints_never_show_the_reference_code(capsys):
    for wrong in lecture02.NEIGHBOUR_MISTAKES.values():
        out = verdict(capsys, "2.5", wrong)
        assert "clamp_min(1e-12)" not in out and "topk(" not in out


# ------------------------------------------------------------------ 2.6 one-hot lookup (build it)

def test_2_6_reference_and_stored_solution_pass(capsys):
    assert verdict(capsys, "2.6", lecture02.one_hot_lookup).startswith("✅")
    learner = stored_solution(NOTEBOOK, "2.6", ABOVE)["one_hot_lookup"]
    assert "✅ Exercise 2.6: correct!" in capsys.readouterr().out
    assert verdict(capsys, "2.6", learner).startswith("✅")


@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 2, 3), (1, 1, 1, 4)])
def test_2_6_reference_equals_the_lookup_for_any_batch_shape(shape):
    generator = torch.Generator().manual_seed(1)
    for dtype in (torch.float32, torch.float64):
        table = torch.randn(9, 4, generator=generator, dtype=dtype)
        ids = torch.randint(9, shape, generator=generator)
        result = lecture02.one_hot_lookup(table, ids)
        assert result.dtype == dtype and torch.equal(result, table[ids])


@pytest.mark.parametrize("hint", list(lecture02.LOOKUP_MISTAKES))
def test_2_6_each_typical_mistake_gets_its_hint(capsys, hint):
    out = verdict(capsys, "2.6", lecture02.LOOKUP_MISTAKES[hint])
    assert out.startswith("❌ Exercise 2.6: not yet. Hint: For one_hot_lookup(") and out.rstrip().endswith(hint)


@pytest.mark.parametrize("learner, words", [
    (lambda table, ids: F.one_hot(ids, len(table)) @ table, "same dtype"),                # int64 one-hot
    (lambda table, ids: F.one_hot(ids).float() @ table, "cannot be multiplied"),          # num_classes left out
    (lambda table, ids: F.one_hot(ids, len(table)).float() @ table, "float != double"),   # ignores the table's dtype
])
def test_2_6_crashes_become_hints_naming_the_case(capsys, learner, words):
    out = verdict(capsys, "2.6", learner)
    assert out.startswith("❌ Exercise 2.6: not yet. Hint: For one_hot_lookup(") and words in out


@pytest.mark.parametrize("learner, words", [
    (lambda table, ids: F.one_hot(ids, len(table)).float() @ table.float(), "dtype should be float64; yours is "
                                                                           "float32"),
    (lambda table, ids: lecture02.one_hot_lookup(table, ids).long(), "dtype should be float32; yours is int64"),
    (lambda table, ids: lecture02.one_hot_lookup(table, ids).round().int(), "yours is int32"),
    (lambda table, ids: lecture02.one_hot_lookup(table, ids).half(), "yours is float16"),
])
def test_2_6_result_in_another_dtype_gets_the_dtype_hint(capsys, learner, words):
    out = verdict(capsys, "2.6", learner)
    assert out.startswith("❌ Exercise 2.6: not yet. Hint:") and words in out and "table.dtype" in out, out


@pytest.mark.parametrize("learner", [
    lambda table, ids: (F.one_hot(ids, len(table)).to(table.dtype) @ table),
    lambda table, ids: torch.tensordot(F.one_hot(ids, len(table)).to(table.dtype), table, dims=1),
    lambda table, ids: (F.one_hot(ids.flatten(), len(table)).to(table.dtype) @ table).view(*ids.shape, table.shape[1]),
    lambda table, ids: (F.one_hot(ids, len(table)).to(table.dtype)[..., None] * table).sum(-2),
], ids=["F.one_hot", "tensordot", "flatten and view", "broadcast and sum"])
def test_2_6_right_answers_in_other_styles_pass(capsys, learner):
    assert verdict(capsys, "2.6", learner) == "✅ Exercise 2.6: correct!\n"


# ------------------------------------------------------------------ prediction 2.p and the lecture's own code

def test_prediction_2p_accepts_each_choice_and_the_cell_computes_c(capsys):
    for choice in ("a", "B", "C"):
        predict("2.p", choice)
        assert f"you predicted {choice.upper()}" in capsys.readouterr().out
    code = definitions(NOTEBOOK, "tied-gradient", context={"torch": torch, "F": F, "device": torch.device("cpu")})
    assert code["rows_with_gradient"](tied=False) == [1, 3, 7]
    assert code["rows_with_gradient"](tied=True) == list(range(10))


def test_lecture_nearest_agrees_with_the_exercise_reference():
    code = definitions(NOTEBOOK, "neighbours", context={"torch": torch, "F": F})
    generator = torch.Generator().manual_seed(3)
    for vocab_size, k in [(12, 3), (40, 5), (200, 10)]:
        table = torch.randn(vocab_size, 8, generator=generator, dtype=torch.float64)
        query = int(torch.randint(vocab_size, (1,), generator=generator))
        ids = [i for i, _ in code["nearest"](F.normalize(table, dim=1), query, k)]
        assert ids == lecture02.nearest_neighbours(table, query, k).tolist()


def test_lecture_analogy_leaves_the_inputs_out_only_when_asked():
    code = definitions(NOTEBOOK, "analogy", context={"torch": torch, "F": F})
    words = ["king", "queen", "man", "woman", "apple"]
    vocab = {w: i for i, w in enumerate(words)}
    rows = [[1.0, 0, 1, 0], [1, 1, 1, 0], [0, 0, 1, 0.1], [0, 1, 1, 0.1], [0, 0, 0, 1]]
    unit = F.normalize(torch.tensor(rows), dim=1)
    question = [("man", "king", "woman")]
    assert words[code["analogy"](unit, vocab, question).indices[0, 0]] == "queen"
    best = code["analogy"](unit, vocab, question, exclude=False, k=5).indices[0].tolist()
    similarity = F.normalize(unit[0] - unit[2] + unit[3], dim=0) @ unit.T
    assert best == similarity.argsort(descending=True).tolist()


def test_lecture_next_word_loop_trains_its_table_on_the_cpu_in_float64():
    import math

    from helpers.built.windows import window_loader
    word_ids = torch.arange(20).repeat(60)                       # a text whose next word is always predictable
    context = {"torch": torch, "F": F, "helpers": helpers, "window_loader": window_loader, "word_ids": word_ids,
               "vocab": 20, "cpu": torch.device("cpu")}
    train_next_word = definitions(NOTEBOOK, "next-word", context=context)["train_next_word"]
    start, trained, loss = train_next_word(0)
    again = train_next_word(0)[1]
    assert trained.dtype == torch.float64 and trained.device.type == "cpu" and not trained.requires_grad
    assert torch.equal(trained, again)                           # seeded: the same run twice
    assert (trained - start).norm(dim=1).min() > 0               # every row was looked up, so every row moved
    assert loss < 0.5 * math.log(20)                             # it learned the next word, far below uniform guessing


class _TableForever(torch.nn.Module):
    def __init__(self, vocab_size, d_model):
        super().__init__()
        self.table = torch.nn.Parameter(torch.randn(vocab_size, d_model))

    def forward(self, ids):
        return self.table[ids]

    def logits(self, hidden):
        return hidden @ self.table.T


class _LooksUpForever(_TableForever):
    def forward(self, ids):
        while True:
            pass


class _BuildsForever(_TableForever):
    def __init__(self, vocab_size, d_model):
        while True:
            pass


class _LoopsOnlyWithGradients(_TableForever):
    def logits(self, hidden):
        while torch.is_grad_enabled():
            pass
        return hidden @ self.table.T


@pytest.mark.parametrize("learner, case", [   # case: the call the hint must name
    (_LooksUpForever, "For TiedEmbedding(10, 4)(ids of shape (4,))"), (_BuildsForever, "For TiedEmbedding(10, 4)"),
    (_LoopsOnlyWithGradients, "For TiedEmbedding(10, 4), computing the gradient,"),
], ids=["forward", "__init__", "logits under autograd"])
def test_a_tied_module_that_never_finishes_is_stopped_with_a_hint(capsys, short_time_limit, learner, case):
    out = verdict(capsys, "2.3", learner)
    assert out.startswith("❌ Exercise 2.3: not yet.") and f"{case} your function was {short_time_limit}" in out, out


class TransposedTable(Parameter):
    def __init__(self, vocab_size, d_model):
        super().__init__(d_model, vocab_size)


class OutputGradientDoubled(Parameter):
    """Right values, but the output side sends twice the gradient (the table counted twice, once detached)."""

    def logits(self, hidden):
        return hidden @ (2 * self.weight - self.weight.detach()).T


@pytest.mark.parametrize("exercise_id, answer, words", [
    ("2.1", 12345, "Multiply batch, seq_len, vocab size, 4 bytes"),
    ("2.2", 768, "One row of 768 numbers per token"),
    ("2.3", TransposedTable, "make it (vocab_size, d_model) = (10, 4), float32"),
    ("2.3", OutputGradientDoubled, "the table's gradient differs from nn.Embedding's"),
    ("2.4", "3 4 5 0 1 2 6", "should be of type list or tuple"),
])
def test_other_wrong_answers_get_the_general_hint(capsys, exercise_id, answer, words):
    out = verdict(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out

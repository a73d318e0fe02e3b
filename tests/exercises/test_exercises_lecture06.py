"""Lecture 6's checkers accept the right answers and give hints, not solutions, for typical mistakes."""
import pytest

from helpers.exercises import checking as checks

TOKENS, POSITIONS, NORM = 50257 * 768, 1024 * 768, 2 * 768


def run(exercise_id, answer, capsys):
    checks.check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, wrong, hint", [
    ("6.1", TOKENS, "token table alone"),
    ("6.1", TOKENS + POSITIONS, "LayerNorm has parameters too"),
    ("6.1", TOKENS + POSITIONS + NORM + 2 * 768, "no segment table"),
    ("6.2", {"A", "B"}, "B (8, 256) does not fit"),
    ("6.2", {"A"}, "You missed at least one shape"),
    ("6.2", ["A", "Z"], "Use the letters A, B, C, D, E, F"),
    ("6.3", POSITIONS, "Positions are not tied"),
    ("6.3", 2 * TOKENS, "you save one copy"),
    ("6.4", 1000 * 64 + 128 * 64, "computed by a formula"),
    ("6.1", TOKENS + POSITIONS + 768, "Add the rows × columns"),              # any other number
    ("6.3", TOKENS + 50257, "one row of d_model numbers per vocabulary token"),
    ("6.4", 1000 * 64 + 64, "Count the token table"),
    ("6.4", 1000 * 64 + 2 * 64, "nn.Identity, which has no parameters"),     # LayerNorm counted in
    ("6.4", 1000 * 64 + 128 * 64 + 2 * 64, "nn.Identity, which has no parameters"),
])
def test_hints_point_the_way(exercise_id, wrong, hint, capsys):
    out = run(exercise_id, wrong, capsys)
    assert out.startswith("❌") and hint in out


@pytest.mark.parametrize("exercise_id, right", [
    ("6.1", TOKENS + POSITIONS + NORM), ("6.2", ["a", "c", "d", "e"]), ("6.3", TOKENS), ("6.4", 64000)])
def test_right_answers_pass(exercise_id, right, capsys):
    assert run(exercise_id, right, capsys).startswith("✅")


# ---- Build-it exercises 6.5 (InputEmbedding.forward) and 6.6 (pad_batch), and the prediction 6.p ----
import functools  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

from helpers.built.input_embedding import pad_sequences  # noqa: E402
from helpers.built.positions import sinusoidal  # noqa: E402
from helpers.exercises import lecture06  # noqa: E402
from notebook_code import definitions, stored_solution  # noqa: E402

NOTEBOOK = "06_input_embedding.ipynb"


@functools.cache
def base() -> type:
    """The notebook's InputEmbedding (its definitions run on first use, never while pytest collects)."""
    return definitions(NOTEBOOK, "defines-input-embedding",
                       context={"torch": torch, "nn": nn, "sinusoidal": sinusoidal})["InputEmbedding"]


def learner(forward):
    """A learner's MyInputEmbedding: Section 1's tables, the given forward."""
    return type("MyInputEmbedding", (base(),), {"forward": forward})


def tok(self, ids):
    """6.5's token part: the token vectors scaled by √d_model."""
    return self.token(ids) * self.token.embedding_dim ** 0.5


def segment_rows(self, ids, seg):
    if self.segment is None:
        return 0
    return self.segment(seg if seg is not None else torch.zeros_like(ids))


def positions(self, count):
    return (self.position.weight if hasattr(self, "position") else self.position_table)[:count]


WRONG_FORWARDS = {  # typical learners' mistakes, written as a learner would, and the words of their hint
    "batch dimension": lambda self, ids, seg=None: self.dropout(self.norm(
        tok(self, ids) + segment_rows(self, ids, seg) + self.position(torch.arange(ids.shape[0])))),
    "start at row 1": lambda self, ids, seg=None: self.dropout(self.norm(
        tok(self, ids) + segment_rows(self, ids, seg) + positions(self, ids.shape[1] + 1)[1:])),
    "Add the position vectors": lambda self, ids, seg=None: self.dropout(self.norm(
        tok(self, ids) + segment_rows(self, ids, seg))),
    "row number, not a number to add": lambda self, ids, seg=None: self.dropout(self.norm(
        tok(self, ids) + (seg.unsqueeze(-1) if seg is not None else 0) + positions(self, ids.shape[1]))),
    "add each token's segment vector": lambda self, ids, seg=None: self.dropout(self.norm(
        tok(self, ids) + positions(self, ids.shape[1]))),
    "every token in segment 0": lambda self, ids, seg=None: self.dropout(self.norm(
        tok(self, ids) + positions(self, ids.shape[1]) + (self.segment(seg) if seg is not None else 0))),
    "LayerNorm comes after the sum": lambda self, ids, seg=None: self.dropout(
        self.norm(tok(self, ids)) + segment_rows(self, ids, seg) + positions(self, ids.shape[1])),
    "Finish with self.norm": lambda self, ids, seg=None:
        tok(self, ids) + segment_rows(self, ids, seg) + positions(self, ids.shape[1]),
}


def test_6_5_the_notebook_solution_passes(capsys):
    stored_solution(NOTEBOOK, "6.5", {"torch": torch, "nn": nn, "math": __import__("math"), "InputEmbedding": base(),
                                      "helpers": __import__("helpers")})
    assert capsys.readouterr().out.startswith("✅ Exercise 6.5")


def test_6_5_the_reference_is_the_helper_and_tries_many_inputs():
    cases = lecture06.forward_cases()
    shapes = {tuple(case.args[1].shape) for case in cases}
    assert (1, 5) in shapes and any(s[1] == 1 for s in shapes) and (2, 8) in shapes   # batch 1, seq_len 1, == context
    assert {case.args[2] is None for case in cases} == {True, False}


@pytest.mark.parametrize("hint", WRONG_FORWARDS)
def test_6_5_each_typical_mistake_gets_its_hint(hint, capsys):
    out = run("6.5", learner(WRONG_FORWARDS[hint]), capsys)
    assert out.startswith("❌") and hint in out, out


def test_6_5_stub_crash_and_wrong_kind_of_answer(capsys):
    def stub(self, token_ids, segment_ids=None):
        raise NotImplementedError("write this method")

    def crash(self, token_ids, segment_ids=None):
        return self.tokens(token_ids)

    assert run("6.5", learner(stub), capsys).startswith("✏️ Exercise 6.5")
    out = run("6.5", learner(crash), capsys)
    assert out.startswith("❌") and "raised AttributeError" in out and "MyInputEmbedding(vocab_size=20" in out
    assert "Pass your class itself" in run("6.5", learner(stub)(20, 4, 8), capsys)
    renamed = type("Renamed", (nn.Module,), {"__init__": lambda self, *a, **k: nn.Module.__init__(self),
                                             "forward": lambda self, ids, seg=None: ids})
    assert "Keep InputEmbedding's tables" in run("6.5", renamed, capsys)


def test_6_5_a_forward_that_scales_the_table_in_place_is_refused(capsys):
    """The blind learner's attempt: the right numbers once, but the token table grows by √d_model at every call."""
    def scale_table(self, ids, seg=None):
        self.token.weight.data.mul_(self.token.embedding_dim ** 0.5)
        return self.dropout(self.norm(self.token(ids) + segment_rows(self, ids, seg) + positions(self, ids.shape[1])))

    out = run("6.5", learner(scale_table), capsys)
    assert out.startswith("❌") and "changed the module's own token.weight in place" in out, out


def test_6_5_the_learners_notebook_keeps_its_random_state(capsys):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    run("6.5", learner(WRONG_FORWARDS["Finish with self.norm"]), capsys)
    assert torch.equal(torch.rand(3), expected)


def pad_left(sequences, pad_id):
    longest = max(map(len, sequences))
    ids = [[pad_id] * (longest - len(s)) + s for s in sequences]
    return torch.tensor(ids), torch.tensor([[0] * (longest - len(s)) + [1] * len(s) for s in sequences])


def pad_mask_inverted(sequences, pad_id):
    ids, mask = pad_sequences(sequences, pad_id)
    return ids, 1 - mask


def pad_with_zero(sequences, pad_id):
    longest = max(map(len, sequences))
    ids = torch.tensor([s + [0] * (longest - len(s)) for s in sequences])
    return ids, pad_sequences(sequences, pad_id)[1]


def pad_mask_all_ones(sequences, pad_id):
    ids, mask = pad_sequences(sequences, pad_id)
    return ids, torch.ones_like(mask)


@pytest.mark.parametrize("wrong, hint", [(pad_left, "on the right"), (pad_mask_inverted, "other way round"),
                                         (pad_with_zero, "Fill the gaps with pad_id"),
                                         (pad_mask_all_ones, "1 everywhere")])
def test_6_6_each_typical_mistake_gets_its_hint(wrong, hint, capsys):
    out = run("6.6", wrong, capsys)
    assert out.startswith("❌") and hint in out, out


def test_6_6_the_notebook_solution_passes_and_a_bool_mask_does_not(capsys):
    stored_solution(NOTEBOOK, "6.6", {"torch": torch, "helpers": __import__("helpers")})
    assert capsys.readouterr().out.startswith("✅ Exercise 6.6")
    def as_bool(sequences, pad_id):
        ids, mask = pad_sequences(sequences, pad_id)
        return ids, mask.bool()
    out = run("6.6", as_bool, capsys)
    assert out.startswith("❌") and "dtype bool" in out and "torch.long" in out


def test_6_6_lists_instead_of_tensors_get_a_hint(capsys):
    def as_lists(sequences, pad_id):
        return [s + [pad_id] * (max(map(len, sequences)) - len(s)) for s in sequences]
    out = run("6.6", as_lists, capsys)
    assert out.startswith("❌") and "For pad_batch_mine([[5, 6, 7], [8, 9]], 1)" in out


def test_6_p_is_a_three_choice_prediction(capsys):
    checks.predict("6.p", "c")
    assert "you predicted C" in capsys.readouterr().out
    checks.reveal("6.p", "C")
    assert "right ✅" in capsys.readouterr().out

"""Lectures 3–4's exercise checks accept the right answers and name common mistakes without giving the answer."""
import math

import pytest
import torch

from helpers.built.positions import LearnedPositions, sinusoidal
from helpers.exercises.checking import check, predict, reveal
from notebook_code import stored_solution


def outcome(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, answer", [
    ("3.1", 2 * math.pi * 10000 ** (2 / 64)),
    ("3.2", torch.tensor([math.sin(3), math.cos(3), math.sin(0.03), math.cos(0.03)])),
    ("3.3", 786432),
    ("3.4", sum(math.cos(7 * 10000 ** (-2 * i / 64)) for i in range(32))),
    ("4.2", 10),
    ("4.3", 0.3),
    ("4.4", -1.5),
])
def test_right_answers_pass(capsys, exercise_id, answer):
    assert "✅" in outcome(capsys, exercise_id, answer)


@pytest.mark.parametrize("exercise_id, answer, hint", [
    ("3.1", 10000 ** (-2 / 64), "angular frequency"),
    ("3.1", "8.4", "should be of type int or float"),
    ("3.2", torch.tensor([math.sin(3), math.sin(0.03), math.cos(3), math.cos(0.03)]), "interleaves"),
    ("3.2", torch.tensor([1.0, 2.0]), "4 numbers"),
    ("3.3", 50257 * 768, "token table"),
    ("3.3", 1024, "rows × columns"),
    ("3.4", sum(math.cos(7 * 10000 ** (-2 * i / 64)) for i in range(64)), "32 pairs"),
    ("3.4", 23.50, "value for k = 5"),
    ("3.1", 2 * math.pi * 10000 ** (4 / 64), "pair 2"),
    ("3.1", 2 * math.pi, "pair 0"),
    ("3.2", torch.tensor([math.sin(3), math.cos(3), math.sin(0.3), math.cos(0.3)]), "ω_1 = 0.01"),
    ("3.4", sum(math.cos(7 * 10000 ** (-i / 64)) for i in range(32)), "-i/d_model"),
    ("3.2", torch.tensor([math.cos(3), math.sin(3), math.cos(0.03), math.sin(0.03)]), "wrong way round"),
    ("3.2", torch.tensor([math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)]), "encoding of position 2"),
    ("3.2", torch.tensor([math.sin(math.radians(3)), math.cos(math.radians(3)), math.sin(math.radians(0.03)),
                          math.cos(math.radians(0.03))]), "leave out math.radians"),
    ("3.4", sum(math.sin(7 * 10000 ** (-2 * i / 64)) for i in range(32)), "not of sines"),
    ("4.2", 26, "after"),
    ("4.2", 20, "log scale"),
    ("4.3", 10000 ** (-2 / 8), "position 3"),
    ("4.4", 1.5, "negative"),
])
def test_wrong_answers_get_a_hint(capsys, exercise_id, answer, hint):
    out = outcome(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out


# ---- Lecture 3's build-it exercises (3.5 the sinusoidal table, 3.6 a learned position module) and 3.p ----

LECTURE3 = "03_absolute_positions.ipynb"
ABOVE = {"torch": torch, "math": math}  # what the notebook's solutions use from earlier cells


def angles(n, d, base, first=0, exponent=2.0):
    p = torch.arange(first, first + n, dtype=torch.float32)[:, None]
    return p * base ** (-exponent * torch.arange(d // 2, dtype=torch.float32) / d)


def interleaved(even, odd):
    table = torch.zeros(even.shape[0], 2 * even.shape[1])
    table[:, 0::2], table[:, 1::2] = even, odd
    return table


def loop_table(n, d, base=10000.0):
    return torch.tensor([[(math.sin if j % 2 == 0 else math.cos)(p / base ** ((j - j % 2) / d)) for j in range(d)]
                         for p in range(n)])


# Wrong versions a learner might write, each with words its hint must contain.
SINUSOID_WRONG = {
    "sin/cos swapped": (lambda n, d, base=10000.0: interleaved(angles(n, d, base).cos(), angles(n, d, base).sin()),
                        "other way round"),
    "sines then cosines": (lambda n, d, base=10000.0: torch.cat([angles(n, d, base).sin(),
                                                                 angles(n, d, base).cos()], -1),
                           "all the sines first"),
    "exponent i/d": (lambda n, d, base=10000.0: interleaved(angles(n, d, base, exponent=1).sin(),
                                                            angles(n, d, base, exponent=1).cos()), "half of that"),
    "exponent 2j/d with j a dimension": (lambda n, d, base=10000.0: interleaved(
        angles(n, d, base, exponent=4).sin(), angles(n, d, base, exponent=4).cos()), "factor 2 is in there twice"),
    "exponent with the wrong sign": (lambda n, d, base=10000.0: interleaved(
        angles(n, d, base, exponent=-2).sin(), angles(n, d, base, exponent=-2).cos()), "sign of the exponent"),
    "integer division 2 * i // d": (lambda n, d, base=10000.0: interleaved(
        angles(n, d, base, exponent=0).sin(), angles(n, d, base, exponent=0).cos()), "2i // d_model is 0"),
    "a frequency per dimension": (lambda n, d, base=10000.0: interleaved(
        (torch.arange(n)[:, None] * base ** (-torch.arange(0, d, 2) / d)).sin(),
        (torch.arange(n)[:, None] * base ** (-torch.arange(1, d, 2) / d)).cos()), "share one frequency"),
    "positions from 1": (lambda n, d, base=10000.0: interleaved(angles(n, d, base, first=1).sin(),
                                                                angles(n, d, base, first=1).cos()), "position 1"),
    "base ignored": (lambda n, d, base=10000.0: loop_table(n, d), "Use the base argument"),
    "transposed": (lambda n, d, base=10000.0: loop_table(n, d, base).T, "transposed"),
    "a list": (lambda n, d, base=10000.0: loop_table(n, d, base).tolist(), "expected a tensor of shape (5, 4)"),
    "crashes": (lambda n, d, base=10000.0: math.sin(torch.arange(n)), "your function raised ValueError"),
}


@pytest.mark.parametrize("learner", [sinusoidal, loop_table, lambda n, d, base=10000.0: sinusoidal(n, d, base).double(),
                                     None],
                         ids=["helper", "plain-Python loop", "float64", "stored solution"])
def test_3_5_right_tables_pass(capsys, learner):
    learner = learner or stored_solution(LECTURE3, "3.5", ABOVE)["sinusoidal_mine"]  # None: the stored one
    assert "✅ Exercise 3.5" in outcome(capsys, "3.5", learner)


@pytest.mark.parametrize("mistake", SINUSOID_WRONG, ids=str)
def test_3_5_typical_mistakes_get_their_hint(capsys, mistake):
    wrong, words = SINUSOID_WRONG[mistake]
    out = outcome(capsys, "3.5", wrong)
    assert out.startswith("❌ Exercise 3.5: not yet. Hint: For sinusoidal_mine(") and words in out, out


def test_3_5_stub_and_non_functions(capsys):
    def sinusoidal_mine(num_positions, d_model, base=10000.0):
        raise NotImplementedError("write this function")
    assert outcome(capsys, "3.5", sinusoidal_mine).startswith("✏️ Exercise 3.5: write the body")
    assert "Pass your function itself" in outcome(capsys, "3.5", torch.zeros(4, 4))


def test_3_5_checker_tries_fixed_edge_and_random_inputs():
    from helpers.exercises.lecture03 import sinusoid_cases
    cases = sinusoid_cases()
    shapes = [case.args for case in cases]
    assert len(cases) >= 10 and (7, 2) in shapes and (1, 8) in shapes
    assert {case.kwargs.get("base", 10000.0) for case in cases} >= {10000.0, 2.0, 1e6}


class Good(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        self.context_length = context_length
        self.table = torch.nn.Embedding(context_length, d_model)

    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"only context_length={self.context_length} rows")
        return self.table(torch.arange(seq_len))


class FromOne(Good):
    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"only {self.context_length} rows")
        return self.table(torch.arange(1, seq_len + 1))


class Clamped(Good):
    def forward(self, seq_len):
        return self.table(torch.arange(seq_len).clamp(max=self.context_length - 1))


class Sliced(Good):
    def forward(self, seq_len):
        return self.table.weight[:seq_len]


class Unchecked(Good):
    def forward(self, seq_len):
        return self.table(torch.arange(seq_len))


class OffByOne(Good):
    def forward(self, seq_len):
        if seq_len >= self.context_length:
            raise ValueError(f"only {self.context_length} rows")
        return self.table(torch.arange(seq_len))


class Detached(Good):
    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"only {self.context_length} rows")
        return self.table(torch.arange(seq_len)).detach()


class Vague(Good):
    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError("too long")
        return self.table(torch.arange(seq_len))


class NotAParameter(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        self.context_length, self.rows = context_length, torch.randn(context_length, d_model)

    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"only {self.context_length} rows")
        return self.rows[:seq_len]


class ExtraScale(Good):
    """The blind learner's attempt: the table is a parameter, plus a scale nobody asked for."""
    def __init__(self, context_length, d_model):
        super().__init__(context_length, d_model)
        self.scale = torch.nn.Parameter(torch.ones(1))


class Stub(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        raise NotImplementedError("write __init__")


@pytest.mark.parametrize("learner", [Good, LearnedPositions, None], ids=["plain", "helper", "stored solution"])
def test_3_6_right_modules_pass(capsys, learner):
    learner = learner or stored_solution(LECTURE3, "3.6", ABOVE)["LearnedPositionsMine"]  # None: the stored one
    state = torch.get_rng_state()
    assert "✅ Exercise 3.6" in outcome(capsys, "3.6", learner)
    assert torch.equal(state, torch.get_rng_state()), "the check must not move the learner's random numbers"


@pytest.mark.parametrize("learner, words", [
    (FromOne, "your rows are positions 1..1"),
    (Clamped, "without an error"),
    (Sliced, "without an error"),
    (Unchecked, "PyTorch's own IndexError"),
    (OffByOne, "exactly context_length=8 tokens fits"),
    (Detached, "no gradient"),
    (Vague, "say how long the table is"),
    (NotAParameter, "0 trainable numbers"),
    (ExtraScale, "33 trainable numbers, not 8 positions × d_model=4. The table is the module's only trainable"),
    (Good(3, 4), "Pass your class itself"),
], ids=lambda v: v.__name__ if isinstance(v, type) else (type(v).__name__ if isinstance(v, torch.nn.Module) else ""))
def test_3_6_typical_mistakes_get_their_hint(capsys, learner, words):
    out = outcome(capsys, "3.6", learner)
    assert out.startswith("❌ Exercise 3.6: not yet. Hint:") and words in out, out


def test_3_6_stub_says_write_it(capsys):
    assert outcome(capsys, "3.6", Stub).startswith("✏️ Exercise 3.6")


class BuildsForever(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        while True:
            pass


class LoopsWhenFull(Good):
    """Right for short sequences; loops for a sequence of exactly context_length tokens."""
    def forward(self, seq_len):
        while seq_len == self.context_length:
            pass
        return super().forward(seq_len)


class LoopsPastTheTable(Good):
    def forward(self, seq_len):
        while seq_len > self.context_length:
            pass
        return super().forward(seq_len)


@pytest.mark.parametrize("learner", [BuildsForever, LoopsWhenFull, LoopsPastTheTable],
                         ids=["__init__", "seq_len == context_length", "seq_len > context_length"])
def test_3_6_a_module_that_never_finishes_is_stopped_with_a_hint(capsys, short_time_limit, learner):
    case = {BuildsForever: "BuildsForever(8, 4)", LoopsWhenFull: "LoopsWhenFull(8, 4)(8)",
            LoopsPastTheTable: "LoopsPastTheTable(8, 4)(9)"}[learner]   # the call the hint must name
    out = outcome(capsys, "3.6", learner)
    assert out.startswith("❌ Exercise 3.6: not yet.") and f"For {case} your function was {short_time_limit}" in out


def test_3_p_prediction_is_accepted_and_revealed(capsys):
    predict("3.p", "a")
    reveal("3.p", "A")
    out = capsys.readouterr().out
    assert "📝 Prediction 3.p: you predicted A" in out and "the answer is A; you predicted A: right" in out
    predict("3.p", "E")
    assert capsys.readouterr().out.startswith("❌ Prediction 3.p: 'E' is not one of the choices")

"""Lectures 3–4's exercise checks accept the right answers and name common mistakes without giving the answer."""
import math
import re

import nbformat
import pytest
import torch

import helpers
from helpers.built.positions import alibi_slopes, rope
from helpers.course import NOTEBOOKS_DIR
from helpers.exercises import lecture04
from helpers.exercises.checking import _PREDICTIONS, check, _load_exercises
from notebook_code import solution_code

_load_exercises()  # importing lecture04 above registered only Lecture 4's checkers; load every lecture's


def outcome(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, answer", [
    ("3.1", 2 * math.pi * 10000 ** (2 / 64)),
    ("3.2", torch.tensor([math.sin(3), math.cos(3), math.sin(0.03), math.cos(0.03)])),
    ("3.3", 786432),
    ("3.4", sum(math.cos(5 * 10000 ** (-2 * i / 64)) for i in range(32))),
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
    ("3.4", sum(math.cos(5 * 10000 ** (-2 * i / 64)) for i in range(64)), "32 pairs"),
    ("4.2", 26, "after"),
    ("4.2", 20, "log scale"),
    ("4.3", 10000 ** (-2 / 8), "position 3"),
    ("4.4", 1.5, "negative"),
])
def test_wrong_answers_get_a_hint(capsys, exercise_id, answer, hint):
    out = outcome(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out


# Lecture 4's build-it exercises: the stored solutions pass, typical wrong versions get their own hint.

def lecture4_solution(exercise_id):
    """The function defined by the notebook's hidden solution to `exercise_id`."""
    book = nbformat.read(NOTEBOOKS_DIR / "04_relative_positions.ipynb", as_version=4)
    for cell in book.cells:
        if "solution" in cell.metadata.get("tags", []) and f'helpers.check("{exercise_id}"' in cell.source:
            code = solution_code(cell).split("helpers.check(")[0]
            namespace = {"torch": torch, "math": math, "helpers": helpers}
            exec(code, namespace)
            name = re.search(r"^def (\w+)", code, re.M).group(1)
            return namespace[name]
    raise AssertionError(f"no solution for {exercise_id}")


@pytest.mark.parametrize("exercise_id", ["4.1", "4.5"])
def test_build_it_solutions_and_references_pass(capsys, exercise_id):
    solution = lecture4_solution(exercise_id)
    assert "✅" in outcome(capsys, exercise_id, solution)
    reference = {"4.1": alibi_slopes, "4.5": rope}[exercise_id]
    assert "✅" in outcome(capsys, exercise_id, reference)


def test_build_it_solutions_are_at_least_five_lines():
    book = nbformat.read(NOTEBOOKS_DIR / "04_relative_positions.ipynb", as_version=4)
    for exercise_id in ("4.1", "4.5"):
        cell = next(c for c in book.cells if "solution" in c.metadata.get("tags", [])
                    and f'helpers.check("{exercise_id}"' in c.source)
        body = solution_code(cell).split("helpers.check(")[0].strip().splitlines()
        assert len([line for line in body[2:] if line.strip()]) >= 5, exercise_id  # after `def` and docstring


def test_the_lectures_own_versions_pass_the_build_it_checks(capsys):
    from notebook_code import definitions
    lecture = definitions("04_relative_positions.ipynb", "defines-alibi", "defines-rope",
                          context={"torch": torch, "math": math})
    assert "✅" in outcome(capsys, "4.1", lecture["alibi_slopes"])
    assert "✅" in outcome(capsys, "4.5", lecture["rope"])


@pytest.mark.parametrize("hint, wrong", list(lecture04.SLOPE_MISTAKES.items()), ids=lambda v: str(v)[:30])
def test_typical_slope_mistakes_get_their_hint(capsys, hint, wrong):
    out = outcome(capsys, "4.1", wrong)
    assert out.startswith("❌ Exercise 4.1: not yet. Hint: For alibi_slopes_mine(") and hint in out


@pytest.mark.parametrize("hint, wrong", list(lecture04.ROPE_MISTAKES.items()), ids=lambda v: str(v)[:30])
def test_typical_rope_mistakes_get_their_hint(capsys, hint, wrong):
    out = outcome(capsys, "4.5", wrong)
    assert out.startswith("❌ Exercise 4.5: not yet. Hint: For rope_mine(") and hint in out


def test_the_slope_mistakes_are_the_ones_the_brief_names(capsys):
    plain = lambda n: 2.0 ** (-8 * torch.arange(1, n + 1) / n)                 # 2^(-8h/n) for every n
    assert "not a power of two" in outcome(capsys, "4.1", plain)
    off_by_one = lambda n: 2.0 ** (-8 * torch.arange(0, n) / n)                # h from 0: first slope 1
    assert "2^(-8/n), not 1" in outcome(capsys, "4.1", off_by_one)
    eight_heads = lambda n: alibi_slopes(8)                                    # slopes for the wrong head count
    assert "expected shape (1,), but your function returned shape (8,)" in outcome(capsys, "4.1", eight_heads)


def test_stubs_lists_and_crashes_get_a_hint_not_a_traceback(capsys):
    def stub(num_heads):
        raise NotImplementedError("write this function")
    assert outcome(capsys, "4.1", stub).startswith("✏️ Exercise 4.1: write the body")
    assert "expected a tensor of shape (1,)" in outcome(capsys, "4.1", lambda n: [2 ** -8])
    assert "raised ZeroDivisionError" in outcome(capsys, "4.5", lambda x, base=10000.0: 1 / 0)
    assert "Pass your function itself" in outcome(capsys, "4.5", rope(torch.randn(3, 4)))
    assert "expected shape (4, 4)" in outcome(capsys, "4.5", lambda x, base=10000.0: x[..., :2])


def test_prediction_4p_is_registered():
    _load_exercises()
    assert _PREDICTIONS["4.p"] == ("A", "B", "C")

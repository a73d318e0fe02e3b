"""Lectures 3–4's exercise checks accept the right answers and name common mistakes without giving the answer."""
import math

import pytest
import torch

from helpers.exercises.checking import check


def outcome(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, answer", [
    ("3.1", 2 * math.pi * 10000 ** (2 / 64)),
    ("3.2", torch.tensor([math.sin(3), math.cos(3), math.sin(0.03), math.cos(0.03)])),
    ("3.3", 786432),
    ("3.4", sum(math.cos(5 * 10000 ** (-2 * i / 64)) for i in range(32))),
    ("4.1", torch.tensor([1 / 4, 1 / 16, 1 / 64, 1 / 256])),
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
    ("4.1", torch.tensor([1 / 2, 1 / 4, 1 / 8, 1 / 16]), "8-head model"),
    ("4.1", torch.tensor([1 / 256, 1 / 64, 1 / 16, 1 / 4]), "wrong order"),
    ("4.2", 26, "after"),
    ("4.2", 20, "log scale"),
    ("4.3", 10000 ** (-2 / 8), "position 3"),
    ("4.4", 1.5, "negative"),
])
def test_wrong_answers_get_a_hint(capsys, exercise_id, answer, hint):
    out = outcome(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out

"""Lecture 1's answer-type exercise checkers accept right answers and give hints (not solutions) to typical mistakes."""
import pytest

from helpers.built.text_to_ids import encode
from helpers.built.windows import sliding_windows
from helpers.exercises.checking import check


def verdict(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, answer, hint", [
    ("1.1", [" Quil", "lon"], "not GPT-2's split"),
    ("1.1", ["Qu", "illon"], "Keep the leading space"),
    ("1.2", encode("Chapter 1<|endoftext|>Chapter 2", disallowed_special=()), "as ordinary text"),
    ("1.3", 340, "One too many"),
    ("1.3", 170, "every 32 ids"),
])
def test_typical_mistakes_get_hints(capsys, exercise_id, answer, hint):
    out = verdict(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out


def test_right_answers_pass(capsys):
    answers = {"1.1": [" Qu", "illon"], "1.2": encode("Chapter 1<|endoftext|>Chapter 2", allowed_special="all"),
               "1.3": 339, "1.4": sliding_windows}
    for exercise_id, answer in answers.items():
        assert verdict(capsys, exercise_id, answer) == f"✅ Exercise {exercise_id}: correct!\n"

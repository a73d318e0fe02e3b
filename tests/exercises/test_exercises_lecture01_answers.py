"""Lecture 1's answer-type exercise checkers accept right answers and give hints (not solutions) to typical mistakes."""
import pytest

from helpers.built.text_to_ids import encode
from helpers.corpus import load_corpus
from helpers.exercises.checking import check


def verdict(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, answer, hint", [
    ("1.1", [" Quil", "lon"], "not GPT-2's split"),
    ("1.1", ["Qu", "illon"], "Keep the leading space"),
    ("1.2", encode("Chapter 1<|endoftext|>Chapter 2", disallowed_special=()), "as ordinary text"),
    ("1.1", ["ĠQu", "illon"], "not as 'Ġ'"),
    ("1.3", 2180, "One too many"),
    ("1.3", 681, "every 5 ids"),
])
def test_typical_mistakes_get_hints(capsys, exercise_id, answer, hint):
    out = verdict(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out


def test_right_answers_pass(capsys):
    answers = {"1.1": [" Qu", "illon"], "1.2": encode("Chapter 1<|endoftext|>Chapter 2", allowed_special="all"),
               "1.3": 2179}
    for exercise_id, answer in answers.items():
        assert verdict(capsys, exercise_id, answer) == f"✅ Exercise {exercise_id}: correct!\n"


def test_window_count_rejects_the_formula_that_forgets_the_target(capsys):
    """(len - context_length) // stride + 1 forgets the target id; 1.3 must tell it from the right count."""
    n = len(encode(load_corpus()))
    forgot_target, right = (n - 16) // 5 + 1, (n - 1 - 16) // 5 + 1
    assert verdict(capsys, "1.3", right) == "✅ Exercise 1.3: correct!\n"
    out = verdict(capsys, "1.3", forgot_target)
    assert out.startswith("❌ Exercise 1.3: not yet. Hint: One too many")


def test_window_count_rejects_windows_that_do_not_overlap(capsys):
    """len(ids) // 16 counts windows that start every 16 ids; 1.3's windows start every 5."""
    out = verdict(capsys, "1.3", len(encode(load_corpus())) // 16)
    assert out.startswith("❌ Exercise 1.3: not yet. Hint: Windows overlap here")

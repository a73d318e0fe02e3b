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
])
def test_hints_point_the_way(exercise_id, wrong, hint, capsys):
    out = run(exercise_id, wrong, capsys)
    assert out.startswith("❌") and hint in out


@pytest.mark.parametrize("exercise_id, right", [
    ("6.1", TOKENS + POSITIONS + NORM), ("6.2", ["a", "c", "d", "e"]), ("6.3", TOKENS), ("6.4", 64000)])
def test_right_answers_pass(exercise_id, right, capsys):
    assert run(exercise_id, right, capsys).startswith("✅")

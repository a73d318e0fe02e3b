"""Exercise checks print ✅ or a hint, never the solution; every exercise in a notebook is registered."""
import pytest
import torch

from helpers.exercises import checking as checks


def test_unanswered_wrong_and_right(capsys):
    checks.check("0.0", ...)
    checks.check("0.0", 3)
    checks.check("0.0", 4)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✏️ Exercise 0.0: replace ...")
    assert lines[1].startswith("❌ Exercise 0.0: not yet. Hint:") and "4" not in lines[1]
    assert lines[2] == "✅ Exercise 0.0: correct!"


def test_wrong_type_gets_a_hint_not_a_crash(capsys):
    checks.check("0.3", [[0, 0]])
    assert "should be of type Tensor, but you gave a list" in capsys.readouterr().out


def test_unknown_exercise_lists_known_ones():
    with pytest.raises(KeyError, match="no exercise '9.9'. Known: 0.0, 0.1"):
        checks.check("9.9", 1)


def test_registering_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        checks.exercise("0.1")(lambda answer: None)


def test_expect_tensor_checks_shape_then_values():
    expected = torch.arange(4.0)
    with pytest.raises(checks.Hint, match="shape \\(2, 2\\)"):
        checks.expect_tensor(expected.reshape(2, 2), expected, "x")
    with pytest.raises(checks.Hint, match="different values"):
        checks.expect_tensor(expected + 1, expected, "x")
    checks.expect_tensor(expected.clone(), expected, "x")

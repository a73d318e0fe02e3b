"""Lecture 5's checkers accept the right answers and give hints, not solutions, for typical mistakes."""
import pytest
import torch

from helpers.exercises import checking as checks


def run(exercise_id, answer, capsys):
    checks.check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    ([0] * 6 + [1] * 8, "first [SEP] closes sentence A"),
    ([0] * 7 + [1] * 6 + [0], "last [SEP] closes sentence B"),
    ([0] * 5 + [1] * 6, "one id per token"),
    ([1] + [0] * 6 + [1] * 7, "[CLS] opens the input"),
])
def test_5_1_token_type_hints(answer, hint, capsys):
    assert hint in run("5.1", answer, capsys)


def test_5_2_shape_and_missing_segment_hints(capsys):
    no_segments = torch.tensor([[[1.0, 1.0], [11.0, 0.0], [0.0, 11.0]]])
    assert "Keep the batch dimension" in run("5.2", no_segments[0], capsys)
    assert "left out the segment vectors" in run("5.2", no_segments, capsys)


@pytest.mark.parametrize("exercise_id, wrong, hint", [
    ("5.3", 768, "That is one row"), ("5.3", 2, "number of rows"), ("5.4", 8, "count the [SEP] too")])
def test_counting_hints(exercise_id, wrong, hint, capsys):
    out = run(exercise_id, wrong, capsys)
    assert out.startswith("❌") and hint in out


@pytest.mark.parametrize("exercise_id, right", [
    ("5.1", [0] * 7 + [1] * 7), ("5.3", 1536), ("5.4", 9),
    ("5.2", torch.tensor([[[1.0, 1.0], [11.0, 0.0], [100.0, 111.0]]]))])
def test_right_answers_pass(exercise_id, right, capsys):
    assert run(exercise_id, right, capsys).startswith("✅")

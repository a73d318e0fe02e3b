"""Lecture 3's value checks accept answers rounded to the precision the lecture prints, and 3.6's "one row too
many" mistakes get a hint that names that cause (issue 18)."""
import math

import pytest
import torch

from helpers.exercises.checking import check

WAVELENGTH = 2 * math.pi * 10000 ** (2 / 64)                             # 8.3788
DOT_AT_7 = sum(math.cos(7 * 10000 ** (-2 * i / 64)) for i in range(32))  # 23.264, printed as 23.26


def outcome(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id, answer", [("3.1", 8.38), ("3.1", round(WAVELENGTH, 3)), ("3.4", 23.26),
                                                 ("3.4", round(DOT_AT_7, 3)), ("3.4", torch.tensor(DOT_AT_7))])
def test_printed_precision_passes(capsys, exercise_id, answer):
    assert "✅" in outcome(capsys, exercise_id, answer)


@pytest.mark.parametrize("exercise_id, answer, words", [
    ("3.1", 8.4, "rounded too far"), ("3.1", 8.37, "off at 2 decimals"), ("3.4", 23.3, "rounded too far"),
    ("3.4", 23.25, "off at 2 decimals"), ("3.4", 12.0, "not right yet")])
def test_wrong_or_over_rounded_answers_get_the_right_hint(capsys, exercise_id, answer, words):
    out = outcome(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out


class TableOneRowTooMany(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        self.context_length, self.table = context_length, torch.nn.Embedding(context_length + 1, d_model)

    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"context_length={self.context_length}")
        return self.table(torch.arange(seq_len))


class RowsOneTooMany(TableOneRowTooMany):
    def __init__(self, context_length, d_model):
        super().__init__(context_length, d_model)
        self.table = torch.nn.Embedding(context_length, d_model)

    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"context_length={self.context_length}")
        return self.table(torch.arange(min(seq_len + 1, self.context_length)))


@pytest.mark.parametrize("learner", [TableOneRowTooMany, RowsOneTooMany])
def test_one_row_too_many_is_named(capsys, learner):
    out = outcome(capsys, "3.6", learner)
    assert out.startswith("❌ Exercise 3.6: not yet. Hint:") and "one row too many" in out, out
    assert "parameter" not in out

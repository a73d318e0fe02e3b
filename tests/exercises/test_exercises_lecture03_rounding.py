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
    ("3.4", 23.25, "off at 2 decimals"), ("3.4", 12.0, "not right yet"), ("3.4", 23.0, "rounded too far"),
    ("3.1", 8.0, "rounded too far")])
def test_wrong_or_over_rounded_answers_get_the_right_hint(capsys, exercise_id, answer, words):
    out = outcome(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out


@pytest.mark.parametrize("exercise_id, answer", [
    ("3.4", sum(math.cos(7 * 10000 ** (-2 * i / 64)) for i in range(31))),          # the last pair left out
    ("3.4", sum(math.cos(7 * 10000 ** (-2 * i / 64)) for i in range(1, 33))),       # pairs counted from 1
    ("3.4", 23.2), ("3.1", 8.2), ("3.1", WAVELENGTH + 0.3), ("3.4", math.nan), ("3.1", torch.tensor(math.nan))])
def test_a_slip_within_one_is_not_called_a_rounding_problem(capsys, exercise_id, answer):
    out = outcome(capsys, exercise_id, answer)
    assert "not right yet" in out and "close" not in out, out


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


class TransposedTable(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        self.context_length, self.table = context_length, torch.nn.Embedding(d_model, context_length)

    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"context_length={self.context_length}")
        return self.table.weight.T[:seq_len]


class AssertsTheLength(TransposedTable):
    def __init__(self, context_length, d_model):
        super().__init__(context_length, d_model)
        self.table = torch.nn.Embedding(context_length, d_model)

    def forward(self, seq_len):
        assert seq_len <= self.context_length, "too long"
        return self.table(torch.arange(seq_len))


class AddsABatchDimension(AssertsTheLength):
    def forward(self, seq_len):
        if seq_len > self.context_length:
            raise ValueError(f"context_length={self.context_length}")
        return self.table(torch.arange(seq_len))[None]


class RefusesShortSequences(AddsABatchDimension):
    def forward(self, seq_len):
        raise ValueError(f"context_length={self.context_length}")


ENCODING_D4 = [math.sin(3), math.cos(3), math.sin(0.03), math.cos(0.03)]


@pytest.mark.parametrize("exercise_id, answer, words", [
    ("3.1", 1 / 10000 ** (-2 / 64), "positions per radian"),
    ("3.1", 2 * math.pi * 10000 ** (1 / 64), "not 1/64"),
    ("3.2", torch.tensor([math.sin(3), math.cos(3), math.sin(3e-4), math.cos(3e-4)]), "check the exponent"),
    ("3.2", torch.tensor([math.sin(4), math.cos(4), math.sin(0.04), math.cos(0.04)]), "encoding of position 4"),
    ("3.2", torch.tensor(ENCODING_D4) + 0.5, "right shape, but it is not right yet"),
    ("3.3", 768, "rows × columns"),
    ("3.3", 1023 * 768, "One row of d_model numbers"),
    ("3.4", sum(math.cos(10000 ** (-2 * i / 64)) for i in range(32)), "k = 7 inside the cosine"),
    ("3.6", TransposedTable, "one row per position, shape (8, 4), not [(4, 8)]"),
    ("3.6", AssertsTheLength, ". Past the table, raise a ValueError that names context_length."),
    ("3.6", AddsABatchDimension, "(it should be rows 0..0 of your table)"),
    ("3.6", RefusesShortSequences, "(1) your code raised ValueError: context_length=8"),
])
def test_other_mistakes_get_their_hint(capsys, exercise_id, answer, words):
    out = outcome(capsys, exercise_id, answer)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out

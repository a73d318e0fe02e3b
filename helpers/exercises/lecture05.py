"""Checkers for Lecture 5's exercises (segment embeddings)."""
from __future__ import annotations

from typing import Any

import torch

from helpers.exercises.model_sizes import BERT_BASE_D_MODEL
from helpers.exercises.checking import exercise, expect, expect_tensor, expect_type
from helpers.built.segments import make_pair

QUESTION = ["where", "does", "pim", "sleep", "?"]
PASSAGE = ["pim", "sleeps", "by", "the", "stove", "."]


@exercise("5.1")
def _token_type_ids(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    tokens, expected = make_pair(QUESTION, PASSAGE)
    expect(all(isinstance(i, int) for i in answer), "Give whole numbers: 0 for sentence A, 1 for sentence B.")
    expect(len(answer) == len(tokens), f"Give one id per token of [CLS] A [SEP] B [SEP], special tokens included: "
                                       f"you gave {len(answer)}.")
    expect(answer[0] == 0, "[CLS] opens the input and belongs to sentence A.")
    expect(answer[len(QUESTION) + 1] == 0, "The first [SEP] closes sentence A, so it gets A's id.")
    expect(answer[-1] == 1, "The last [SEP] closes sentence B.")
    expect(list(answer) == expected, "Every token of the question is in A, every token of the passage in B.")


def _exercise_5_2_tables() -> tuple[torch.Tensor, ...]:
    """The tiny tables and ids that Exercise 5.2 gives in the notebook."""
    token_table = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    position_table = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    segment_table = torch.tensor([[0.0, 0.0], [100.0, 100.0]])
    ids = torch.tensor([[3, 1, 2]])
    segment_ids = torch.tensor([[0, 0, 1]])
    return token_table, position_table, segment_table, ids, segment_ids


@exercise("5.2")
def _sum_of_three(answer: Any) -> None:
    token_table, position_table, segment_table, ids, segment_ids = _exercise_5_2_tables()
    positions = torch.arange(ids.shape[1])
    expected = token_table[ids] + position_table[positions] + segment_table[segment_ids]
    expect_type(answer, torch.Tensor, "Your answer")
    expect(answer.dim() == 3, f"Keep the batch dimension: the result is (batch, seq_len, d_model), "
                              f"yours has shape {tuple(answer.shape)}.")
    no_segments = token_table[ids] + position_table[positions]
    expect(not torch.allclose(answer.detach().cpu().float(), no_segments), "You left out the segment vectors.")
    expect_tensor(answer, expected, "Your input embedding")


@exercise("5.3")
def _segment_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    expect(answer != BERT_BASE_D_MODEL, "That is one row. How many segments (rows) does BERT's table have?")
    expect(answer != 2, "That is the number of rows. Each row holds d_model numbers.")
    expect(answer == 2 * BERT_BASE_D_MODEL, "Rows × columns: number of segments × BERT-Base's d_model.")


@exercise("5.4")
def _first_position_of_b(answer: Any) -> None:
    expect_type(answer, int, "The position")
    length_a = 7
    expect(answer != length_a + 1, "Positions count from 0 and [CLS] takes position 0: count the [SEP] too.")
    expect(answer == len(make_pair(["a"] * length_a, ["b"])[0]) - 2,
           "Write out [CLS] A [SEP] B [SEP] for 7 tokens in A and number the tokens from 0.")

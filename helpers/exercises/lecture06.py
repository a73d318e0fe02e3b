"""Checkers for Lecture 6's exercises (the input embedding)."""
from __future__ import annotations

from typing import Any

import torch

from helpers.exercises.model_sizes import GPT2_CONTEXT, GPT2_D_MODEL, GPT2_VOCAB
from helpers.exercises.checking import Hint, exercise, expect, expect_type

BATCH_SHAPE = (8, 4, 256)
SHAPES_6_2 = {"A": (4, 256), "B": (8, 256), "C": (1, 4, 256), "D": (256,), "E": (8, 4, 1), "F": (4, 1, 256)}


def _broadcasts(shape: tuple[int, ...]) -> bool:
    try:
        return torch.broadcast_shapes(BATCH_SHAPE, shape) == torch.Size(BATCH_SHAPE)
    except RuntimeError:
        return False


@exercise("6.1")
def _gpt2_sized_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    tables = GPT2_VOCAB * GPT2_D_MODEL + GPT2_CONTEXT * GPT2_D_MODEL
    layer_norm = 2 * GPT2_D_MODEL
    expect(answer != GPT2_VOCAB * GPT2_D_MODEL, "That is the token table alone: add the position table.")
    expect(answer != tables, "LayerNorm has parameters too: a scale and a shift for each of the d_model dimensions.")
    expect(answer != tables + layer_norm + 2 * GPT2_D_MODEL, "This module has no segment table (num_segments=0).")
    expect(answer == tables + layer_norm, "Add the rows × columns of each table, then LayerNorm's parameters "
                                          "(or build the module on the meta device and count).")


@exercise("6.2")
def _broadcasting(answer: Any) -> None:
    expect_type(answer, (set, list, tuple), "Your answer")
    chosen = {str(letter).strip().upper() for letter in answer}
    expect(chosen <= set(SHAPES_6_2), f"Use the letters {', '.join(SHAPES_6_2)}.")
    expected = {letter for letter, shape in SHAPES_6_2.items() if _broadcasts(shape)}
    wrong = sorted(chosen - expected)
    if wrong:
        raise Hint(f"{wrong[0]} {SHAPES_6_2[wrong[0]]} does not fit: line the shapes up from the right and "
                   f"compare each pair of sizes (equal, or one of them is 1).")
    expect(chosen == expected, "You missed at least one shape that broadcasts: a missing leading dimension "
                               "counts as size 1, and size 1 stretches.")


@exercise("6.3")
def _tying_saves(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters saved")
    saved = GPT2_VOCAB * GPT2_D_MODEL
    expect(answer != GPT2_CONTEXT * GPT2_D_MODEL, "Positions are not tied: the output layer scores every token "
                                                  "of the vocabulary.")
    expect(answer != 2 * saved, "Tying keeps one of the two matrices: you save one copy, not two.")
    expect(answer == saved, "The output layer's weight has one row of d_model numbers per vocabulary token.")


@exercise("6.4")
def _sinusoidal_has_no_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of trainable parameters")
    expect(answer != 1000 * 64 + 128 * 64, "The sinusoidal table is computed by a formula, not learned.")
    expect(answer == 1000 * 64, "Count the token table: vocab_size × d_model.")

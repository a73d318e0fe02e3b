"""Checkers for Lecture 0's exercises."""
from __future__ import annotations

import numbers
from typing import Any

import torch

from helpers.device import pick_device
from helpers.exercises.checking import exercise, expect, expect_type, prediction
from helpers.plotting import PIPELINE_STEPS
from helpers.tokenizer_files import gpt2

prediction("0.p", ["A", "B", "C", "D"])  # which of "hello", " hello", "HELLO" takes the most GPT-2 tokens


@exercise("0.1")
def _token_count(answer: Any) -> None:
    expect_type(answer, int, "The number of tokens")
    expected = len(gpt2().encode("Tokenizers love surprises!"))
    expect(answer != len("Tokenizers love surprises!".split()),
           "That is the number of words. GPT-2 counts tokens: encode the text and take len(...) of the ids.")
    expect(answer == expected, "Encode the sentence with enc = helpers.gpt2() and count the ids.")


@exercise("0.2")
def _space_matters(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    expect(len(answer) == 2, f"Give exactly two ids, [id of 'love', id of ' love'], not {len(answer)} items.")
    expect(all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in answer),
           "Each of the two items is one id, a whole number (an int), not a list, a string or a "
           "float: [id of 'love', id of ' love'].")
    enc = gpt2()
    expect(answer[0] == enc.encode("love")[0], "The first id should be the one for 'love' without a space.")
    expect(answer[1] == enc.encode(" love")[0], "The second id should be the one for ' love', with a leading space.")


@exercise("0.3")
def _batch_on_device(answer: Any) -> None:
    expect_type(answer, torch.Tensor, "Your answer")
    expect(tuple(answer.shape) == (2, 5), f"The shape should be (batch=2, seq_len=5), not {tuple(answer.shape)}.")
    expect(answer.dtype == torch.int64, f"Token ids are whole numbers: use dtype torch.long, not {answer.dtype}.")
    expect(bool((answer.cpu() == 0).all()), "Every entry should be 0; PyTorch can make a tensor of zeros of a given "
                                            "shape in one call.")
    expected = pick_device()[0]
    expect(answer.device.type == expected.type, f"The tensor is on {answer.device.type}, but the course's device is "
                                                f"{expected}: move it there with .to(device) after creating it.")


@exercise("0.4")
def _pipeline_step(answer: Any) -> None:
    expect_type(answer, str, "The step's name")
    answer = " ".join(answer.lower().split())    # capitals and extra spaces do not change the name
    expect(answer in PIPELINE_STEPS, f"Use one of the names on the map: {', '.join(PIPELINE_STEPS)}.")
    expect(answer == "token embeddings", "Look for the step whose input is a list of integers and whose output "
                                         "is a list of vectors.")


@exercise("0.0")
def _warm_up(answer: Any) -> None:
    expect_type(answer, int, "The number of tokens")
    expect(answer == len(gpt2().encode("I love LLMs")), "Count the ids that enc.encode('I love LLMs') returns.")

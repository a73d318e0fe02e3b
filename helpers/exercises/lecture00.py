"""Checkers for Lecture 0's exercises; the counts and ids are GPT-2's (tests/exercises derive them from enc)."""
import numbers
from typing import Any

import torch

from helpers.device import pick_device
from helpers.exercises.checking import Value, exercise, expect, expect_type, prediction, values
from helpers.plotting import PIPELINE_STEPS

prediction("0.p", ["A", "B", "C", "D"])  # which of "hello", " hello", "HELLO" takes the most GPT-2 tokens
values({"0.0": Value(4, "The number of tokens", "Count the ids that enc.encode('I love LLMs') returns."),
        "0.1": Value(5, "The number of tokens", "Encode the sentence with enc = helpers.gpt2() and count the ids.",
                     {3: "That is the number of words. GPT-2 counts tokens: encode, then take len(...) of the ids."})})


@exercise("0.2")
def _space_matters(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    expect(len(answer) == 2, f"Give exactly two ids, [id of 'love', id of ' love'], not {len(answer)} items.")
    expect(all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in answer),
           "Each item is one id, a whole number (an int), not a list, a string or a float.")
    expect(list(answer) == [23205, 1842], "Give the id of 'love' (no space) first, then the id of ' love'.")


@exercise("0.3")
def _batch_on_device(answer: Any) -> None:
    expect_type(answer, torch.Tensor, "Your answer")
    expect(tuple(answer.shape) == (2, 5), f"The shape should be (batch=2, seq_len=5), not {tuple(answer.shape)}.")
    expect(answer.dtype == torch.long, f"Token ids are whole numbers: use dtype torch.long, not {answer.dtype}.")
    expect(not answer.cpu().any(), "Every entry should be 0; PyTorch makes a tensor of zeros of a shape in one call.")
    device = pick_device()[0]
    expect(answer.device.type == device.type, f"The tensor is on {answer.device.type}, but the course's device is "
                                              f"{device}: move it there with .to(device) after creating it.")


@exercise("0.4")
def _pipeline_step(answer: Any) -> None:
    expect_type(answer, str, "The step's name")
    answer = " ".join(answer.lower().split())  # capitals and extra spaces do not change the name
    expect(answer in PIPELINE_STEPS, f"Use one of the names on the map: {', '.join(PIPELINE_STEPS)}.")
    expect(answer == "token embeddings", "Look for the step that takes a list of integers and gives a list of vectors.")

"""Checkers for Lecture 1's exercises (tokenizers, GPT-2's special token, sliding windows)."""
from __future__ import annotations

from typing import Any

import torch

from helpers.exercises.checking import exercise, expect, expect_tensor, expect_type
from helpers.corpus import load_corpus
from helpers.built.text_to_ids import ENDOFTEXT, encode, token_pieces
from helpers.built.windows import sliding_windows


@exercise("1.1")
def _pieces_of_a_name(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    expect(all(isinstance(piece, str) for piece in answer),
           "Give the tokens as strings: decode each id on its own, enc.decode([i]).")
    expected = token_pieces(encode(" Quillon"))
    expect(list(answer) != token_pieces(encode("Quillon")), "Keep the leading space: encode ' Quillon', not 'Quillon'.")
    expect("".join(answer) == " Quillon", "Joined together, the pieces should give back ' Quillon' exactly.")
    expect(list(answer) == expected, "Those pieces spell the name, but they are not GPT-2's split. Use enc.encode.")


@exercise("1.2")
def _special_token_allowed(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    text = "Chapter 1<|endoftext|>Chapter 2"
    expect(list(answer) != encode(text, disallowed_special=()),
           f"You encoded {ENDOFTEXT} as ordinary text (several pieces). Allow the special token instead.")
    expect(list(answer) == encode(text, allowed_special={ENDOFTEXT}),
           f"Encode the whole string with allowed_special={{'{ENDOFTEXT}'}}; it should contain 50256 once.")


@exercise("1.3")
def _number_of_windows(answer: Any) -> None:
    expect_type(answer, int, "The number of windows")
    ids = torch.tensor(encode(load_corpus()))
    expected = sliding_windows(ids, 64, 32)[0].shape[0]
    expect(answer != expected + 1, "One too many: the last window also needs the id after it as a target.")
    expect(answer != len(ids) // 64, "Windows overlap here: a new one starts every 32 ids, not every 64.")
    expect(answer == expected, "Count the start positions 0, 32, 64, ... that leave room for 64 inputs and one "
                               "target after them.")


@exercise("1.4")
def _tiny_windows(answer: Any) -> None:
    expect_type(answer, (tuple, list), "Your answer")
    expect(len(answer) == 2, "Give a pair: (inputs, targets).")
    ids = torch.tensor(encode("the cat sat on the mat."))
    inputs, targets = sliding_windows(ids, context_length=3, stride=2)
    expect_tensor(answer[0], inputs, "inputs")
    expect(not torch.equal(answer[1].cpu(), inputs), "Targets are the inputs shifted by one position, not the same.")
    expect_tensor(answer[1], targets, "targets")


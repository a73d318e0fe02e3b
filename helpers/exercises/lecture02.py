"""Checkers for Lecture 2's exercises (one-hot cost, nn.Embedding, gradients, reordered sentences)."""
from __future__ import annotations

from typing import Any

import torch

from helpers.exercises.model_sizes import GPT2_D_MODEL
from helpers.exercises.checking import exercise, expect, expect_type
from helpers.built.simple_tokenizer import split_words
from helpers.tokenizer_files import gpt2



@exercise("2.1")
def _one_hot_bytes(answer: Any) -> None:
    expect_type(answer, int, "The number of bytes")
    vocab_size = gpt2().n_vocab
    tokens = 4 * 512
    expect(answer != tokens * GPT2_D_MODEL * 4, "That is the size of the embedded vectors. A one-hot vector has one "
                                                "entry per vocabulary token.")
    expect(answer != tokens * vocab_size, "That counts numbers, not bytes: each float32 takes 4 bytes.")
    expect(answer == tokens * vocab_size * 4, "Multiply batch, seq_len, the vocabulary size and the bytes per float32.")


@exercise("2.2")
def _embedding_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    rows, columns = gpt2().n_vocab, GPT2_D_MODEL
    expect(answer != rows * columns + columns, "An embedding has no bias: only the table itself.")
    expect(answer == rows * columns, "The weight has one row of 768 numbers per vocabulary token.")


@exercise("2.3")
def _rows_with_gradient(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    table = torch.nn.Embedding(12, 3)
    table(torch.tensor([[4, 1, 4, 9]])).sum().backward()
    expected = table.weight.grad.abs().sum(dim=1).nonzero().flatten().tolist()
    expect(len(set(answer)) == len(answer), "Each row should appear once, even if its id was looked up twice.")
    expect(len(answer) < 12, "Not every row gets a gradient: only the rows that were looked up.")
    expect(list(answer) == expected, "List the distinct ids that were looked up, in increasing order.")


@exercise("2.4")
def _reordering(answer: Any) -> None:
    if isinstance(answer, torch.Tensor):
        answer = answer.tolist()
    expect_type(answer, (list, tuple), "Your answer")
    tokens_a, tokens_b = split_words("the cat sat on the mat."), split_words("on the mat the cat sat.")
    expect(len(answer) == len(tokens_b), f"Give one position per token of sentence b ({len(tokens_b)} of them).")
    expect(all(isinstance(i, int) and 0 <= i < len(tokens_a) for i in answer),
           f"Each entry is a position in sentence a: an int from 0 to {len(tokens_a) - 1}.")
    expect(sorted(answer) == list(range(len(tokens_a))), "Use every position of sentence a exactly once.")
    expect([tokens_a[i] for i in answer] == tokens_b,
           "For each token j of sentence b, p[j] should be a position in sentence a holding the same word.")

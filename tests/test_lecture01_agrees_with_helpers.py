"""Lecture 1's notebook code (tagged cells) and the reusable helpers later lectures import give the same results."""
import pytest
import torch

from helpers.built import simple_tokenizer, windows
from helpers.corpus import load_corpus
from helpers.built.text_to_ids import encode
from notebook_code import definitions

NB = definitions("01_tokenization.ipynb", "defines-split-words", "defines-build-vocab", "defines-simple-tokenizer",
                 "defines-sliding-windows", "defines-window-dataset", context={"torch": torch})
CORPUS = load_corpus()
SPECIALS = ["<|unk|>", "<|endoftext|>"]


def test_split_and_vocabulary_agree():
    assert NB["split_words"](CORPUS) == simple_tokenizer.split_words(CORPUS)
    words = simple_tokenizer.split_words(CORPUS)
    assert NB["build_vocab"](words, SPECIALS) == simple_tokenizer.build_vocab(words, SPECIALS)
    assert NB["build_vocab"](words) == simple_tokenizer.build_vocab(words, specials=())


@pytest.mark.parametrize("text", [CORPUS, "The cat played the saxophone. <|endoftext|> On Monday the king sat."])
def test_simple_tokenizers_agree(text):
    vocab = simple_tokenizer.build_vocab(simple_tokenizer.split_words(CORPUS), SPECIALS)
    ours, course = NB["SimpleTokenizer"](vocab), simple_tokenizer.SimpleTokenizer(vocab)
    assert ours.encode(text) == course.encode(text)
    assert ours.decode(ours.encode(text)) == course.decode(course.encode(text))


@pytest.mark.parametrize("context_length, stride", [(4, 1), (4, 4), (64, 32), (5, 7)])
def test_sliding_windows_agree(context_length, stride):
    ids = torch.tensor(encode(CORPUS))
    for mine, course in zip(NB["sliding_windows"](ids, context_length, stride),
                            windows.sliding_windows(ids, context_length, stride)):
        assert torch.equal(mine, course)


def test_window_datasets_agree():
    ids = torch.tensor(encode(CORPUS[:2000]))
    mine, course = NB["WindowDataset"](ids, 8, 3), windows.WindowDataset(ids, 8, 3)
    assert len(mine) == len(course)
    for index in (0, [1, 5, 2], torch.tensor([3, 4])):
        assert all(torch.equal(a, b) for a, b in zip(mine[index], course[index]))

"""Lecture 1's notebook code (tagged cells) agrees with the helpers later lectures import, and with tiktoken."""
import contextlib
import functools
import io

import nbformat
import pytest
import regex
import torch

import helpers
from helpers.built import simple_tokenizer, windows
from helpers.built.text_to_ids import encode
from helpers.corpus import load_corpus
from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.record import tagged_cell
from helpers.tokenizer_files import gpt2
from notebook_code import definitions


@functools.cache
def nb() -> dict:
    """The notebook's definitions (run on first use, never while pytest collects)."""
    return definitions("01_tokenization.ipynb", "defines-split-words", "defines-build-vocab",
                       "defines-simple-tokenizer", "defines-sliding-windows", "defines-window-dataset",
                       context={"torch": torch})


def run_cells(notebook: str, *tags: str) -> dict:
    """Run whole tagged cells (assignments too, printed output discarded), in order, in one namespace."""
    book, namespace = nbformat.read(NOTEBOOKS_DIR / notebook, as_version=4), {"helpers": helpers}
    with contextlib.redirect_stdout(io.StringIO()):
        for tag in tags:
            exec(compile(tagged_cell(book, tag).source, f"{notebook}[{tag}]", "exec"), namespace)
    return namespace


@functools.cache
def bpe() -> dict:
    """The notebook's BPE cells, run whole (on first use, never while pytest collects)."""
    return run_cells("01_tokenization.ipynb", "defines-merge", "defines-bytes-to-unicode", "defines-gpt2-files",
                     "defines-gpt2-split", "defines-merge-by-rank", "defines-gpt2-encode")
CORPUS = load_corpus()
SPECIALS = ["<|unk|>", "<|endoftext|>"]


def test_split_and_vocabulary_agree():
    assert nb()["split_words"](CORPUS) == simple_tokenizer.split_words(CORPUS)
    words = simple_tokenizer.split_words(CORPUS)
    assert nb()["build_vocab"](words, SPECIALS) == simple_tokenizer.build_vocab(words, SPECIALS)
    assert nb()["build_vocab"](words) == simple_tokenizer.build_vocab(words, specials=())


@pytest.mark.parametrize("text", [CORPUS, "The cat played the saxophone. <|endoftext|> On Monday the king sat."])
def test_simple_tokenizers_agree(text):
    vocab = simple_tokenizer.build_vocab(simple_tokenizer.split_words(CORPUS), SPECIALS)
    ours, course = nb()["SimpleTokenizer"](vocab), simple_tokenizer.SimpleTokenizer(vocab)
    assert ours.encode(text) == course.encode(text)
    assert ours.decode(ours.encode(text)) == course.decode(course.encode(text))


@pytest.mark.parametrize("context_length, stride", [(4, 1), (4, 4), (64, 32), (5, 7), (3, 20_000)])
def test_sliding_windows_agree(context_length, stride):
    ids = torch.tensor(encode(CORPUS))
    for mine, course in zip(nb()["sliding_windows"](ids, context_length, stride),
                            windows.sliding_windows(ids, context_length, stride)):
        assert torch.equal(mine, course)


def test_window_datasets_agree_window_by_window_and_batch_by_batch():
    ids = torch.tensor(encode(CORPUS[:2000]))
    mine, course = nb()["WindowDataset"](ids, 8, 3), windows.WindowDataset(ids, 8, 3)
    assert len(mine) == len(course)
    for k in (0, 1, len(course) - 1, -1):
        assert all(torch.equal(a, b) for a, b in zip(mine[k], course[k]))
    plain = torch.utils.data.DataLoader(mine, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(3))
    for (a, b), (c, d) in zip(plain, windows.window_loader(ids, 4, 8, 3, shuffle=True, seed=3), strict=True):
        assert torch.equal(a, c) and torch.equal(b, d)


def test_notebook_byte_map_is_gpt2s():
    byte_to_char = bpe()["bytes_to_unicode"]()
    assert len(set(byte_to_char.values())) == 256 and byte_to_char[32] == "Ġ" and byte_to_char[10] == "Ċ"
    assert all(gpt2().decode_single_token_bytes(i) == bytes([b]) for i, b in enumerate(byte_to_char))


def test_notebook_pattern_is_tiktokens_for_gpt2():
    text = CORPUS[:3000] + " It's  2019's 'll\n\n\t x  \n y  Émile 🎻🎻 naïve 12345 ''' "
    tiktoken_pattern = regex.compile(gpt2()._pat_str)
    assert bpe()["GPT2_SPLIT"].findall(text) == tiktoken_pattern.findall(text)


@pytest.mark.parametrize("text", [CORPUS, "Émile's café: 3 naïve 🎻s!  Кошка, 猫, बिल्ली.\n\n  \t x",
                                  "I'M SHOUTING!!! don't   you\r\nthink? 1234567890 ½ ²"])
def test_notebook_bpe_gives_tiktokens_ids(text):
    assert bpe()["gpt2_encode"](text) == gpt2().encode(text)


def test_notebook_files_give_gpt2s_vocabulary():
    encoder, merges = bpe()["encoder"], bpe()["gpt2_merges"]
    assert len(encoder) == gpt2().n_vocab == 256 + len(merges) + 1
    assert all(encoder[left + right] == 256 + rank for rank, (left, right) in enumerate(merges))


def test_notebook_merge_by_rank_merges_lowest_rank_first_everywhere():
    ranks = {("a", "a"): 0, ("b", "c"): 1, ("a", "b"): 2}
    assert bpe()["merge_by_rank"]("aaaa", ranks) == ["aa", "aa"]
    assert bpe()["merge_by_rank"]("abc", ranks) == ["a", "bc"]
    assert bpe()["merge_by_rank"]("x", ranks) == ["x"]

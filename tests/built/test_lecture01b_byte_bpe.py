"""Lecture 1b's byte-level BPE: the notebook's trainer equals helpers.built.byte_bpe, any text round-trips (bytes
exactly, cuts inside a character as U+FFFD), save/load, special tokens, agreement with `tokenizers`, bad inputs."""
import json
import random

import nbformat
import pytest
import regex
import torch
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from helpers.built.byte_bpe import GPT2_SPLIT, ByteBPE, merge_word, split_specials, train_bpe
from helpers.corpus import load_corpus
from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.record import tagged_cell

NOTEBOOK = "01b_tokenizers_2026.ipynb"
STORY = load_corpus()


@pytest.fixture(scope="module")
def story_bpe():
    return ByteBPE(train_bpe(STORY[: int(0.9 * len(STORY))], 400), specials=["<|endoftext|>"])


def gpt2_byte_rank():
    """tokenizers' order of the 256 bytes: their GPT-2 characters sorted by code point."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    extra = [b for b in range(256) if b not in printable]
    char = {**{b: chr(b) for b in printable}, **{b: chr(256 + n) for n, b in enumerate(extra)}}
    order = sorted(range(256), key=char.get)
    return [order.index(b) for b in range(256)], {c: b for b, c in char.items()}


def notebook_cells(*tags):
    """Run the notebook's cells with these tags (definitions only, no output) and return what they define."""
    book, namespace = nbformat.read(NOTEBOOKS_DIR / NOTEBOOK, as_version=4), {"regex": regex}
    for tag in tags:
        exec(compile(tagged_cell(book, tag).source, f"{NOTEBOOK}[{tag}]", "exec"), namespace)
    return namespace


def test_the_notebooks_trainer_and_merge_equal_the_helpers():
    book = notebook_cells("bpe-merge", "bpe-train")
    assert book["GPT2_SPLIT"] == GPT2_SPLIT
    rank, _ = gpt2_byte_rank()
    for text, n in ((STORY, 300), (STORY[:5000], 200), ("aaaa bbbb aaab", 20), ("नमस्ते दुनिया 🎻🎻", 30)):
        assert book["train_bpe"](text, n) == train_bpe(text, n)
        assert book["train_bpe"](text, n, byte_rank=rank) == train_bpe(text, n, byte_rank=rank)
    generator = random.Random(0)
    for _ in range(200):
        ids = [generator.randrange(4) for _ in range(generator.randrange(0, 12))]
        assert book["merge_word"](ids, (1, 1), 9) == merge_word(ids, (1, 1), 9)


def test_same_merges_as_tokenizers_when_ties_are_broken_the_same_way():
    rank, to_byte = gpt2_byte_rank()
    hf = Tokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.train_from_iterator([STORY], trainers.BpeTrainer(
        vocab_size=256 + 800, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    theirs = [tuple(bytes(to_byte[c] for c in part) for part in pair)
              for pair in json.loads(hf.to_str())["model"]["merges"]]
    ours = ByteBPE(train_bpe(STORY, 800, byte_rank=rank))
    assert [(ours.vocab[a], ours.vocab[b]) for a, b in ours.merges] == theirs
    default = ByteBPE(train_bpe(STORY, 800))                # smaller byte value first: differs only at a tie
    assert [(default.vocab[a], default.vocab[b]) for a, b in default.merges] != theirs


def random_strings(count, seed=0):
    """Random text: ASCII, code, emoji, Hindi, CJK, accents, whitespace runs and special-token-like text."""
    generator = random.Random(seed)
    alphabets = ["abcdefghijklmnopqrstuvwxyz ABC", "def f(x):\n    return [x, 'ok']  # 1234567\t", "🎻🎺🥁👩‍🎤🇮🇳",
                 "नमस्ते दुनिया संगीत", "小乐队每天晚上演奏音乐", "Café naïve Ωμέγα", " \n\r\n\t  ", "<|endoftext|>"]
    out = []
    for _ in range(count):
        pool = "".join(generator.sample(alphabets, generator.randrange(1, 4)))
        out.append("".join(generator.choice(pool) for _ in range(generator.randrange(0, 40))))
    for _ in range(count // 4):  # arbitrary code points too (no surrogates: they are not encodable text)
        points = [generator.choice([generator.randrange(32, 0xD800), generator.randrange(0xE000, 0x110000)])
                  for _ in range(generator.randrange(1, 12))]
        out.append("".join(map(chr, points)))
    return out


def test_round_trip_on_1250_random_strings_and_every_cut_inside_them(story_bpe):
    texts = random_strings(1000)
    mismatches = 0
    for text in texts:
        ids = story_bpe.encode(text, allowed_special={"<|endoftext|>"})
        data = story_bpe.decode_bytes(ids)
        mismatches += data != text.encode() or story_bpe.decode(ids) != text
        for k in range(len(ids) + 1):       # a cut after any token: exact bytes, U+FFFD where a character is cut
            prefix = story_bpe.decode_bytes(ids[:k])
            mismatches += not data.startswith(prefix)
            mismatches += story_bpe.decode(ids[:k]) != prefix.decode("utf-8", errors="replace")
    assert len(texts) == 1250 and mismatches == 0


def test_a_cut_inside_a_character_decodes_to_the_replacement_character(story_bpe):
    ids = story_bpe.encode("🎻")
    assert ids == list("🎻".encode()) and story_bpe.decode(ids[:2]) == "\ufffd"


def test_save_and_load_give_the_same_tokenizer(story_bpe, tmp_path):
    story_bpe.save(tmp_path / "bpe.txt")
    loaded = ByteBPE.load(tmp_path / "bpe.txt")
    assert loaded.merges == story_bpe.merges and loaded.specials == story_bpe.specials
    assert loaded.encode(STORY[-3000:]) == story_bpe.encode(STORY[-3000:])


def test_special_tokens_are_units_only_when_allowed(story_bpe):
    eot = story_bpe.specials["<|endoftext|>"]
    assert eot == 256 + 400 and story_bpe.size == eot + 1
    assert story_bpe.encode("a<|endoftext|>b", allowed_special={"<|endoftext|>"}) == [97, eot, 98]
    with pytest.raises(ValueError, match=r"special token '<\|endoftext\|>' at character 1.*allowed_special"):
        story_bpe.encode("a<|endoftext|>b")
    assert split_specials("x<|a|><|ab|>", ["<|a|>", "<|ab|>"], {"<|a|>", "<|ab|>"}) == ["x", "<|a|>", "<|ab|>"]


def test_compression_on_held_out_text_is_better_than_bytes_and_below_gpt2(story_bpe):
    from helpers.tokenizer_files import gpt2
    held_out = STORY[int(0.9 * len(STORY)):]
    ours = len(held_out.encode()) / len(story_bpe.encode(held_out))
    theirs = len(held_out.encode()) / len(gpt2().encode(held_out))
    assert 2.5 < ours < theirs


BAD = [
    (lambda bpe: train_bpe("", 10), ValueError, "non-empty str"),
    (lambda bpe: train_bpe(b"bytes", 10), ValueError, "non-empty str"),
    (lambda bpe: train_bpe("abc", -1), ValueError, "num_merges must be at least 0"),
    (lambda bpe: train_bpe("abc", 2.5), TypeError, "whole number"),
    (lambda bpe: bpe.encode(123), TypeError, "text must be a str"),
    (lambda bpe: bpe.encode("say <|endoftext|>"), ValueError, "allowed_special"),
    (lambda bpe: bpe.decode([104, 10**6]), ValueError, r"ids\[1\] = 1000000 is not a token id.*0 to 656"),
    (lambda bpe: bpe.decode([-1]), ValueError, "not a token id"),
    (lambda bpe: bpe.decode(["a"]), TypeError, "whole numbers"),
    (lambda bpe: bpe.decode([1.0]), TypeError, "whole numbers"),
    (lambda bpe: ByteBPE({(97, 98): 300}), ValueError, "out of order"),
    (lambda bpe: ByteBPE({(97, 999): 256}), ValueError, "out of order"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_inputs_get_clear_errors(story_bpe, call, error, message):
    with pytest.raises(error, match=message):
        call(story_bpe)


def test_empty_text_and_no_ids_are_fine(story_bpe):
    assert story_bpe.encode("") == [] and story_bpe.decode([]) == ""
    assert story_bpe.decode(torch.tensor([104, 105]).tolist()) == "hi"


def test_loading_something_else_is_refused(tmp_path):
    (tmp_path / "x.txt").write_text("hello\n1 2\n")
    with pytest.raises(ValueError, match="not a saved ByteBPE"):
        ByteBPE.load(tmp_path / "x.txt")

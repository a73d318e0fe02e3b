"""Bad inputs to Lecture 0 and 1's public code (word tokenizer, GPT-2 text ↔ ids, windows and loader, the
tokenizer playground and the pipeline explorer): each is refused with an error that names the problem and the fix,
raised by the course's own code; the widgets keep working after a rejected value."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import helpers
from bad_input import Bad
from helpers.built import text_to_ids
from helpers.built.simple_tokenizer import SimpleTokenizer, build_vocab, split_words
from helpers.built.windows import WindowDataset, sliding_windows, window_loader
from helpers.widgets.pipeline_explorer import PipelineExplorer
from helpers.widgets.tokenizer_playground import TokenizerPlayground

WORDS = split_words("The cat sat on the mat. On the mat the cat sat!")
VOCAB = build_vocab(WORDS)
TOKENIZER = SimpleTokenizer(VOCAB)
STRICT = SimpleTokenizer(build_vocab(WORDS, specials=()))
IDS = torch.arange(100, 120)
DATASET = WindowDataset(IDS, 4, 2)


def _closed(make):
    """Build a widget (or fail building it), closing any figure it opened."""
    try:
        return make()
    finally:
        plt.close("all")


WORD_TOKENIZER = [
    Bad("split_words of None", lambda: split_words(None), TypeError, "split_words", "str"),
    Bad("split_words of bytes", lambda: split_words(b"the cat"), TypeError, "str", "bytes"),
    Bad("build_vocab of a str", lambda: build_vocab("the cat sat"), TypeError, "character", "split_words(text)"),
    Bad("build_vocab of ints", lambda: build_vocab([1, 2, 3]), TypeError, "str", "int", "split"),
    Bad("build_vocab of a number", lambda: build_vocab(42), TypeError, "list of token strings", "int"),
    Bad("build_vocab of nothing", lambda: build_vocab([]), ValueError, "empty", "split_words(text)"),
    Bad("build_vocab specials as a str", lambda: build_vocab(WORDS, specials="<|unk|>"), TypeError,
        "specials", "list", "specials=["),
    Bad("build_vocab special twice", lambda: build_vocab(WORDS, specials=["<|unk|>", "<|unk|>"]), ValueError,
        "twice", "once"),
    Bad("SimpleTokenizer of a list", lambda: SimpleTokenizer(WORDS), TypeError, "dict", "build_vocab"),
    Bad("SimpleTokenizer of an empty dict", lambda: SimpleTokenizer({}), ValueError, "empty", "build_vocab"),
    Bad("SimpleTokenizer with a shared id", lambda: SimpleTokenizer({"a": 0, "b": 0}), ValueError,
        "share one id", "own id"),
    Bad("SimpleTokenizer with str ids", lambda: SimpleTokenizer({"a": "0"}), TypeError, "int ids", "'a'"),
    Bad("encode None", lambda: TOKENIZER.encode(None), TypeError, "encode needs a str", "NoneType"),
    Bad("encode only spaces", lambda: TOKENIZER.encode("   "), ValueError, "no tokens", "some words"),
    Bad("encode a new word without <|unk|>", lambda: STRICT.encode("The dog sat."), ValueError,
        "'dog' is not in the vocabulary", "<|unk|>"),
    Bad("decode an id past the vocabulary", lambda: TOKENIZER.decode([0, 999]), ValueError,
        "Id 999", "from 0 to", "encode"),
    Bad("decode a huge id", lambda: TOKENIZER.decode([10**30]), ValueError, "not in the vocabulary"),
    Bad("decode a negative id", lambda: TOKENIZER.decode([-1]), ValueError, "Id -1", "not in the vocabulary"),
    Bad("decode a float id", lambda: TOKENIZER.decode([1.0]), TypeError, "position 0", "float"),
    Bad("decode a bool id", lambda: TOKENIZER.decode([True]), TypeError, "must be ints", "bool"),
    Bad("decode a str", lambda: TOKENIZER.decode("the cat"), TypeError, "list of int ids", "use encode"),
    Bad("decode 2-D ids", lambda: TOKENIZER.decode(torch.zeros(2, 3, dtype=torch.long)), ValueError,
        "one sequence", "(2, 3)", "ids[0]"),
    Bad("decode uint8 ids", lambda: TOKENIZER.decode(torch.tensor([1, 2], dtype=torch.uint8)), TypeError,
        "uint8", "too small", "torch.long"),
]

GPT2_TEXT_TO_IDS = [
    Bad("encode empty text", lambda: text_to_ids.encode(""), ValueError, "empty", "at least one character"),
    Bad("encode None", lambda: text_to_ids.encode(None), TypeError, "encode needs a str", "NoneType"),
    Bad("encode ids", lambda: text_to_ids.encode([40, 1842]), TypeError, "list", "use decode"),
    Bad("encode <|endoftext|> in text", lambda: text_to_ids.encode("a<|endoftext|>b"), ValueError,
        "'<|endoftext|>'", "allowed_special={'<|endoftext|>'}", "disallowed_special=()"),
    Bad("encode <|unk|> and <|endoftext|>", lambda: text_to_ids.encode("a <|unk|> b <|endoftext|>"), ValueError,
        "contains '<|endoftext|>'", "'<|unk|>' in your text is not a GPT-2 special token", "ordinary text"),
    Bad("allow <|unk|>", lambda: text_to_ids.encode("a <|unk|>", allowed_special={"<|unk|>"}), ValueError,
        "'<|unk|>' is not a GPT-2 special token", "exactly one", "'<|endoftext|>'"),
    Bad("allowed_special as a str", lambda: text_to_ids.encode("a", allowed_special="<|endoftext|>"), TypeError,
        "set of characters", "allowed_special={'<|endoftext|>'}"),
    Bad("disallowed_special as a number", lambda: text_to_ids.encode("a", disallowed_special=5), TypeError,
        "disallowed_special", "set of token names", "int"),
    Bad("decode an id past the vocabulary", lambda: text_to_ids.decode([40, 50257]), ValueError,
        "50257", "position 1", "0 to 50256"),
    Bad("decode a negative id", lambda: text_to_ids.decode([-1]), ValueError, "-1", "outside"),
    Bad("decode a huge id", lambda: text_to_ids.decode([10**30]), ValueError, "outside GPT-2's vocabulary"),
    Bad("decode numpy 2-D ids", lambda: text_to_ids.decode(np.array([[40, 1842]])), ValueError,
        "one sequence", "(1, 2)", "ids[0]"),
    Bad("decode numpy int16 ids", lambda: text_to_ids.decode(np.array([40], dtype=np.int16)), TypeError,
        "int16", "too small", "wraps"),
    Bad("decode numpy floats", lambda: text_to_ids.decode(np.array([40.0])), TypeError, "integers", "float64"),
    Bad("decode int8 tensor", lambda: text_to_ids.decode(torch.tensor([40], dtype=torch.int8)), TypeError,
        "int8", "too small"),
    Bad("decode a float tensor", lambda: text_to_ids.decode(torch.tensor([40.0])), TypeError,
        "integers", "float32", "tensor.long()"),
    Bad("token_pieces past the vocabulary", lambda: text_to_ids.token_pieces([50257]), ValueError,
        "outside", "50256"),
    Bad("decode a number", lambda: text_to_ids.decode(7), TypeError, "list of int ids", "int"),
]

WINDOWS = [
    Bad("windows of a list", lambda: sliding_windows([1, 2, 3, 4], 2, 1), TypeError, "torch.Tensor", "list"),
    Bad("windows of a numpy array", lambda: sliding_windows(np.arange(10), 2, 1), TypeError,
        "torch.Tensor", "ndarray", "torch.tensor("),
    Bad("windows of uint8 ids", lambda: sliding_windows(IDS.to(torch.uint8), 2, 1), TypeError,
        "torch.uint8", "torch.long"),
    Bad("windows of int16 ids", lambda: sliding_windows(IDS.to(torch.int16), 2, 1), TypeError,
        "torch.int16", ".long()"),
    Bad("windows of vectors", lambda: sliding_windows(IDS.float(), 2, 1), TypeError, "float32", "embeddings"),
    Bad("windows of 2-D ids", lambda: sliding_windows(IDS.reshape(4, 5), 2, 1), ValueError,
        "1-D", "(4, 5)", "flatten"),
    Bad("windows of negative ids", lambda: sliding_windows(torch.tensor([3, 1, -4, 1, 5]), 2, 1), ValueError,
        "position 2", "-4", "tokenizer"),
    Bad("windows with stride 0", lambda: sliding_windows(IDS, 4, 0), ValueError, "stride", "at least 1"),
    Bad("windows with a float stride", lambda: sliding_windows(IDS, 4, 1.5), TypeError, "stride", "whole number"),
    Bad("windows with a bool context", lambda: sliding_windows(IDS, True, 1), TypeError, "context_length", "bool"),
    Bad("windows longer than the text", lambda: sliding_windows(IDS, 20, 1), ValueError,
        "needs at least 21 ids", "only 20", "smaller context_length"),
    Bad("windows of no ids", lambda: sliding_windows(torch.tensor([], dtype=torch.long), 1, 1), ValueError,
        "needs at least 2", "only 0"),
    Bad("dataset index past the end", lambda: DATASET[8], IndexError, "Window 8", "8 windows", "0 to 7"),
    Bad("dataset index a float", lambda: DATASET[1.5], TypeError, "whole number", "float"),
    Bad("dataset index a list", lambda: DATASET[[0, 1]], TypeError, "one whole number", "DataLoader"),
    Bad("loader batch_size 0", lambda: window_loader(IDS, 0, 4, 1), ValueError, "batch_size", "at least 1"),
    Bad("loader float batch_size", lambda: window_loader(IDS, 2.0, 4, 1), TypeError, "batch_size", "whole number"),
    Bad("loader shuffle 'yes'", lambda: window_loader(IDS, 2, 4, 1, shuffle="yes"), TypeError,
        "shuffle", "True or False"),
    Bad("loader drop_last 1", lambda: window_loader(IDS, 2, 4, 1, drop_last=1), TypeError,
        "drop_last", "True or False"),
    Bad("loader negative seed", lambda: window_loader(IDS, 2, 4, 1, seed=-1), ValueError, "seed", "at least 0"),
    Bad("loader huge seed", lambda: window_loader(IDS, 2, 4, 1, seed=2**70), ValueError, "seed", "2**63"),
    Bad("loader too few windows to drop the last", lambda: window_loader(IDS, 64, 4, 1, drop_last=True), ValueError,
        "only 16 windows", "no batch", "drop_last=False"),
    Bad("loader num_workers 2.5", lambda: window_loader(IDS, 2, 4, 1, num_workers=2.5), TypeError,
        "num_workers", "whole number"),
    Bad("loader num_workers -1", lambda: window_loader(IDS, 2, 4, 1, num_workers=-1), ValueError,
        "num_workers", "at least 0"),
    Bad("loader batch_sampler", lambda: window_loader(IDS, 2, 4, 1, batch_sampler=[[0, 1]]), ValueError,
        "no batch_sampler", "DataLoader(WindowDataset("),
    Bad("loader sampler and shuffle", lambda: window_loader(IDS, 2, 4, 1, shuffle=True, sampler=[0, 1]),
        ValueError, "shuffle=True or a sampler"),
    Bad("loader a misspelt option", lambda: window_loader(IDS, 2, 4, 1, num_worker=2), TypeError,
        "'num_worker'", "does not take", "num_workers"),
    Bad("loader pin_memory 'yes'", lambda: window_loader(IDS, 2, 4, 1, pin_memory="yes"), TypeError,
        "pin_memory", "True or False"),
    Bad("gpt2().decode an id past the vocabulary", lambda: helpers.gpt2().decode([40, 50257]), ValueError,
        "50257", "outside", "0..50256"),
    Bad("gpt2().decode a negative id", lambda: helpers.gpt2().decode([-1]), ValueError, "-1", "outside"),
    Bad("gpt2().decode a huge id", lambda: helpers.gpt2().decode([10**12]), ValueError, "outside"),
    Bad("gpt2().decode_single_token_bytes past the vocabulary",
        lambda: helpers.gpt2().decode_single_token_bytes(50300), ValueError, "50300", "outside"),
    Bad("gpt2().decode floats", lambda: helpers.gpt2().decode([1.5]), TypeError, "ints", "1.5"),
    Bad("loader seed and generator", lambda: window_loader(IDS, 2, 4, 1, seed=3, generator=torch.Generator()),
        ValueError, "either seed", "generator"),
]

WIDGETS = [
    Bad("playground text None", lambda: _closed(lambda: TokenizerPlayground(text=None)), TypeError, "text", "str"),
    Bad("playground allow 'yes'", lambda: _closed(lambda: TokenizerPlayground(allow_endoftext="yes")), TypeError,
        "allow_endoftext", "True or False"),
    Bad("playground update text 5", lambda: TokenizerPlayground().update(text=5), TypeError,
        "text takes text (a str)", "not int 5"),
    Bad("playground update allow 'yes'", lambda: TokenizerPlayground().update(allow_endoftext="yes"), TypeError,
        "allow_endoftext is a checkbox", "True or False", "not str 'yes'"),
    Bad("playground unknown control", lambda: TokenizerPlayground().update(colour="red"), ValueError,
        "Unknown control", "'text'"),
    Bad("playground picture of empty text", lambda: TokenizerPlayground(text="").draw(), ValueError,
        "empty", "at least one character"),
    Bad("explorer unknown step", lambda: _closed(lambda: PipelineExplorer(step="vectors")), ValueError,
        "step", "token embeddings"),
    Bad("explorer update unknown step", lambda: _closed(lambda: PipelineExplorer().update(step="vectors")),
        ValueError, "not a valid step", "choose one of", "token ids"),
]

META_IDS = [
    Bad("sliding_windows of meta ids", lambda: sliding_windows(IDS.to("meta"), 4, 2), ValueError,
        "meta device", "no values", "real ids on the cpu"),
    Bad("WindowDataset of meta ids", lambda: WindowDataset(IDS.to("meta"), 4, 2), ValueError, "meta device",
        "real ids on the cpu"),
    Bad("decode meta ids", lambda: TOKENIZER.decode(torch.tensor([1, 2]).to("meta")), ValueError,
        "meta device", "no values", "real ids on the cpu"),
]

CASES = WORD_TOKENIZER + GPT2_TEXT_TO_IDS + WINDOWS + WIDGETS + META_IDS


def test_enough_cases():
    assert len(CASES) >= 35


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()


def test_the_special_token_error_names_the_token_it_found():
    with pytest.raises(ValueError) as info:
        text_to_ids.encode("a <|unk|> b <|endoftext|>")
    message = str(info.value)
    assert "contains '<|endoftext|>', GPT-2's special end-of-document token (id 50256)" in message
    assert "'<|unk|>', GPT-2's" not in message and "allowed_special={'<|unk|>'}" not in message
    assert text_to_ids.encode("a <|unk|> b <|endoftext|>", allowed_special={"<|endoftext|>"})[-1] == 50256


@pytest.mark.parametrize("bad", [dict(text=5), dict(text=None), dict(allow_endoftext="yes"), dict(colour="red")])
def test_playground_keeps_working_after_a_rejected_value(bad):
    playground = TokenizerPlayground(allow_endoftext=False)
    with pytest.raises((TypeError, ValueError)):  # a wrong type, or an unknown control
        playground.update(**bad)
    playground.update(text="hello world")
    assert "<b>2 tokens</b>" in playground.output.value
    playground.controls["allow_endoftext"].value = True
    playground.controls["text"].value = "a<|endoftext|>b"
    assert "<b>3 tokens</b>" in playground.output.value and "50256" in playground.output.value


def test_explorer_keeps_working_after_a_rejected_value():
    explorer = PipelineExplorer()
    with pytest.raises(ValueError):
        explorer.update(step="vectors")
    before = explorer.live.widget.value
    explorer.update(step="token ids")
    assert explorer.controls["step"].value == "token ids" and explorer.live.widget.value != before
    plt.close("all")


def test_edge_inputs_that_are_fine():
    assert text_to_ids.decode(text_to_ids.encode("🎻")) == "🎻"
    assert text_to_ids.decode([np.int64(40), np.int32(1842)]) == "I love"
    assert text_to_ids.decode(np.array([40, 1842], dtype=np.uint16)) == "I love"  # uint16 holds every GPT-2 id
    assert text_to_ids.decode(torch.tensor([40, 1842], dtype=torch.int32)) == "I love"
    assert text_to_ids.decode([]) == ""
    assert TOKENIZER.decode(TOKENIZER.encode("🎻 cat")) == "<|unk|> cat"
    assert TOKENIZER.decode([np.int64(2)]) == TOKENIZER.decode([2])
    inputs, targets = sliding_windows(IDS, np.int64(4), 10**30)  # a stride past the end: one window, no overflow
    assert inputs.tolist() == [[100, 101, 102, 103]] and targets.tolist() == [[101, 102, 103, 104]]
    assert len(window_loader(IDS, 16, 4, 1, drop_last=True)) == 1

"""helpers.built.text_to_ids: GPT-2's encode/decode with clear errors for what a learner can get wrong."""
import numpy as np
import pytest
import torch

from helpers.built.text_to_ids import decode, encode, token_pieces


def test_seed_sentence():
    assert encode("I love LLMs") == [40, 1842, 27140, 10128]
    assert token_pieces([40, 1842, 27140, 10128]) == ["I", " love", " LL", "Ms"]
    assert decode(torch.tensor([40, 1842, 27140, 10128])) == "I love LLMs"
    assert decode(np.array([40, 1842]).tolist()) == decode([np.int64(40), np.int64(1842)]) == "I love"


def test_endoftext_is_refused_then_explained_then_allowed():
    with pytest.raises(ValueError, match=r"contains '<\|endoftext\|>'.*allowed_special=\{'<\|endoftext\|>'\}"):
        encode("one<|endoftext|>two")
    assert encode("one<|endoftext|>two", allowed_special={"<|endoftext|>"}) == [505, 50256, 11545]
    assert encode("one<|endoftext|>two", allowed_special=["<|endoftext|>"]) == [505, 50256, 11545]
    assert 50256 not in encode("one<|endoftext|>two", disallowed_special=())


@pytest.mark.parametrize("text, error, message", [
    ("", ValueError, "The text is empty"),
    (None, TypeError, "encode needs a str, not NoneType"),
    ([40, 1842], TypeError, "encode needs a str, not list.*use decode"),
])
def test_bad_text_is_explained(text, error, message):
    with pytest.raises(error, match=message):
        encode(text)


@pytest.mark.parametrize("ids, error, message", [
    ([40, 50257], ValueError, "Id 50257 at position 1 is outside GPT-2's vocabulary: ids run from 0 to 50256"),
    ([-1], ValueError, "Id -1 at position 0 is outside"),
    ([40, 1.0], TypeError, "position 1 holds 1.0 \\(float\\)"),
    ([True], TypeError, "must be ints"),
    (torch.tensor([1.0, 2.0]), TypeError, "must be integers \\(e.g. int64\\), not float32"),
    (torch.zeros(2, 3, dtype=torch.long), ValueError, "one sequence of ids, not shape \\(2, 3\\)"),
    ("hello", TypeError, "decode needs a list of int ids, not str.*use encode"),
    (7, TypeError, "decode needs a list of int ids, not int"),
])
def test_bad_ids_are_explained(ids, error, message):
    with pytest.raises(error, match=message):
        decode(ids)
    with pytest.raises(error, match=message):
        token_pieces(ids)


def test_an_emoji_splits_into_byte_pieces_that_decode_together():
    ids = encode("🎻")
    assert len(ids) > 1 and all(piece == "�" for piece in token_pieces(ids)) and decode(ids) == "🎻"

"""Lecture 5's pairs and batches: the notebook's make_pair / truncate_longest_first / encode_batch agree with
helpers.built.segments; padding, truncation and the pictures do what their docstrings say."""
import itertools
import random

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from helpers.built import segments
from helpers.built.segments import encode_batch, make_pair, pad_pairs, truncate_longest_first
from helpers.plotting import OKABE_ITO, batch_strips, segment_strip, shared_scale_heatmaps
from notebook_code import definitions

NOTEBOOK = "05_segment_embeddings.ipynb"
PAIRS = [(["the", "cat"], ["on", "the", "mat", "."]), ([], ["b"]), (["a"], []), ([], [])]
VOCAB = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *"abcdefgh"])}


@pytest.fixture(scope="module")
def lecture():
    return definitions(NOTEBOOK, "defines-pair", "defines-batch", context={"torch": torch})


@pytest.mark.parametrize("tokens_a, tokens_b", PAIRS)
def test_notebook_make_pair_matches_the_helper(tokens_a, tokens_b, lecture):
    assert lecture["make_pair"](tokens_a, tokens_b) == segments.make_pair(tokens_a, tokens_b)


def test_notebook_truncation_matches_the_helper_on_every_small_case(lecture):
    for length_a, length_b, budget in itertools.product(range(9), range(9), range(0, 18)):
        a, b = list("a" * length_a), list("b" * length_b)
        assert lecture["truncate_longest_first"](a, b, budget) == truncate_longest_first(a, b, budget)


def test_notebook_batch_matches_the_helper_on_random_batches(lecture):
    rng = random.Random(5)
    for _ in range(200):
        pairs = [([rng.choice("abcdefgh") for _ in range(rng.randrange(12))],
                  [rng.choice("abcdefgh") for _ in range(rng.randrange(12))]) for _ in range(rng.randrange(1, 5))]
        max_length = rng.choice([None, 3, 4, 7, 10, 16])
        ours, theirs = lecture["encode_batch"](pairs, VOCAB, max_length), encode_batch(pairs, VOCAB, max_length)
        assert ours.keys() == theirs.keys()
        assert all(torch.equal(ours[key], theirs[key]) for key in ours)


def test_pair_format_and_segment_ids():
    tokens, types = make_pair(["where", "?"], ["here", "."])
    assert tokens == ["[CLS]", "where", "?", "[SEP]", "here", ".", "[SEP]"]
    assert types == [0, 0, 0, 0, 1, 1, 1]
    assert make_pair([7, np.int64(8)], [9]) == (["[CLS]", 7, 8, "[SEP]", 9, "[SEP]"], [0, 0, 0, 0, 1, 1])


def test_longest_first_rule():
    def cut(la, lb, budget):
        return tuple(map(len, truncate_longest_first(["a"] * la, ["b"] * lb, budget)))

    assert cut(3, 4, 10) == (3, 4)            # fits: nothing cut
    assert cut(2, 20, 13) == (2, 11)          # the shorter fits in half: the longer gets the rest
    assert cut(9, 19, 13) == (6, 7)           # both cut: half each, the odd token to the longer
    assert cut(19, 9, 13) == (7, 6)
    assert cut(8, 8, 13) == (6, 7)            # a tie: the odd token to B
    assert truncate_longest_first(list("abcd"), list("xyz"), 4) == (list("ab"), list("xy"))


def test_pad_batch_pads_on_the_right_with_type_0_and_mask_0():
    pairs = [([101, 5, 102, 6, 102], [0, 0, 0, 1, 1]), (torch.tensor([101, 102, 102]), torch.tensor([0, 0, 1]))]
    ids, types, mask = pad_pairs(pairs, 6, pad_id=9)
    assert ids.tolist() == [[101, 5, 102, 6, 102, 9], [101, 102, 102, 9, 9, 9]]
    assert types.tolist() == [[0, 0, 0, 1, 1, 0], [0, 0, 1, 0, 0, 0]]
    assert mask.tolist() == [[1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0]]
    assert all(t.dtype == torch.long for t in (ids, types, mask))
    assert pad_pairs([([1, 2], [0, 0])])[0].shape == (1, 2)          # default: pad to the longest
    numpy_pair = (np.array([101, 102, 102]), np.array([0, 0, 1]))
    assert pad_pairs([numpy_pair], 4)[0].tolist() == [[101, 102, 102, 0]]


def test_encode_batch_truncates_then_pads():
    batch = encode_batch([(list("abcdefg"), list("ab")), (["a"], ["b"])], VOCAB, max_length=8)
    assert batch["input_ids"].tolist() == [[2, 4, 5, 6, 3, 4, 5, 3], [2, 4, 3, 5, 3, 0, 0, 0]]
    assert batch["token_type_ids"].tolist() == [[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1] * 8, [1] * 5 + [0] * 3]


def test_segment_strip_colours_boxes_by_segment():
    tokens, types = make_pair(["a"], ["b"])
    ax = segment_strip(tokens, types, title="t")
    colours = [box.get_facecolor()[:3] for box in ax.patches]
    assert colours[0] == colours[2] != colours[3] == colours[4]
    assert [t.get_text() for t in ax.texts][1] == "0" and ax.get_title() == "t"
    assert OKABE_ITO[0] != OKABE_ITO[1]
    plt.close(ax.figure)


def test_heatmaps_share_one_colour_scale_and_integer_ticks():
    parts = {"x": torch.ones(3, 4), "p": -2 * torch.ones(3, 4), "sum": 5 * torch.ones(3, 4)}
    fig = shared_scale_heatmaps(parts, row_labels=["a", "b", "c"], title="t")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 3 and {image.get_clim() for image in images} == {(-5.0, 5.0)}
    assert len(fig.axes) == 4                                  # three panels and ONE colour bar
    ticks = images[0].axes.get_xticks()
    assert all(float(t).is_integer() for t in ticks)
    plt.close(fig)


def test_batch_strips_grey_out_pads():
    fig = batch_strips([["[CLS]", "a", "[SEP]", "b", "[SEP]"], ["[CLS]", "[SEP]", "[SEP]", "[PAD]", "[PAD]"]],
                       [[0, 0, 0, 1, 1], [0, 0, 1, 0, 0]], [[1] * 5, [1, 1, 1, 0, 0]], title="t")
    ax = fig.axes[0]
    hatched = [box.get_hatch() for box in ax.patches]
    assert hatched.count("///") == 2 and [t.get_text() for t in ax.get_xticklabels()] == list("01234")
    plt.close(fig)

"""Lecture 5's pair builder: the notebook's make_pair and helpers.built.segments agree; the picture colours by segment."""
import matplotlib.pyplot as plt
import pytest

from helpers.plotting import OKABE_ITO
from helpers.built import segments
from helpers.built.segments import make_pair, segment_strip
from notebook_code import definitions

PAIRS = [(["the", "cat"], ["on", "the", "mat", "."]), ([], ["b"]), (["a"], []), ([], [])]


@pytest.mark.parametrize("tokens_a, tokens_b", PAIRS)
def test_notebook_make_pair_matches_the_helper(tokens_a, tokens_b):
    lecture = definitions("05_segment_embeddings.ipynb", "defines-pair")["make_pair"]
    assert lecture(tokens_a, tokens_b) == segments.make_pair(tokens_a, tokens_b)


def test_pair_format_and_segment_ids():
    tokens, types = make_pair(["where", "?"], ["here", "."])
    assert tokens == ["[CLS]", "where", "?", "[SEP]", "here", ".", "[SEP]"]
    assert types == [0, 0, 0, 0, 1, 1, 1]


def test_a_string_instead_of_tokens_is_explained():
    with pytest.raises(TypeError, match="tokens_b should be a list of tokens, not one string"):
        make_pair(["a"], "the cat sat")


def test_segment_strip_colours_boxes_by_segment():
    tokens, types = make_pair(["a"], ["b"])
    ax = segment_strip(tokens, types, title="t")
    colours = [box.get_facecolor()[:3] for box in ax.patches]
    assert colours[0] == colours[2] != colours[3] == colours[4]
    assert [t.get_text() for t in ax.texts][1] == "0" and ax.get_title() == "t"
    assert OKABE_ITO[0] != OKABE_ITO[1]
    plt.close(ax.figure)

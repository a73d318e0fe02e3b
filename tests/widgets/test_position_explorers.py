"""The position explorers: the widget interface, redraws in place, numbers from helpers.built.positions."""
import re

import matplotlib
import numpy as np
import pytest
import torch

from helpers.built.positions import alibi, sinusoidal, t5_bucket
from helpers.widgets.position_explorers import AttentionBiasExplorer, PositionalEncodingExplorer


def picture(explorer):
    return bytes(explorer.live.widget.value)


def test_positional_encoding_explorer_redraws_in_place():
    explorer = PositionalEncodingExplorer(d_model=16, num_positions=20)
    assert set(explorer.controls) == {"d_model", "base", "num_positions"}
    figure, image, before = explorer.live.figure, explorer.image, picture(explorer)
    explorer.update(d_model=32, num_positions=50)
    assert explorer.live.figure is figure and explorer.image is image and picture(explorer) != before
    assert np.allclose(explorer.image.get_array(), sinusoidal(50, 32).numpy())
    assert explorer.controls["d_model"].value == 32


def test_moving_a_control_updates_the_picture():
    explorer = PositionalEncodingExplorer()
    before = picture(explorer)
    explorer.controls["base"].value = 100.0
    assert picture(explorer) != before
    assert np.allclose(explorer.image.get_array(), sinusoidal(64, 64, 100.0).numpy())


def test_attention_bias_explorer_draws_each_scheme():
    explorer = AttentionBiasExplorer(seq_len=10, num_heads=4, head=2)
    shown = np.ma.filled(explorer.image.get_array(), np.nan)
    assert np.array_equal(np.isnan(shown), torch.isinf(alibi(4, 10)[2]).numpy())
    explorer.update(scheme="T5 bias", max_distance=32)
    relative = torch.arange(10)[None, :] - torch.arange(10)[:, None]
    assert np.array_equal(explorer.image.get_array(), t5_bucket(relative, max_distance=32).numpy())
    explorer.update(scheme="RoPE")
    scores = np.asarray(explorer.image.get_array())
    assert np.allclose(np.diagonal(scores, 1), np.diagonal(scores, 1)[0], atol=1e-4)  # depends on offset only


def test_head_follows_the_number_of_heads():
    explorer = AttentionBiasExplorer(num_heads=8, head=7)
    explorer.update(num_heads=2)
    assert explorer.controls["head"].max == 1 and explorer.controls["head"].value == 1
    assert "head 1 of 2" in explorer.matrix_ax.get_title()


def test_explorer_errors_are_clear():
    with pytest.raises(ValueError, match="Unknown control\\(s\\) \\['colour'\\]"):
        PositionalEncodingExplorer().update(colour="red")
    with pytest.raises(ValueError, match="Unknown scheme 'Sinusoidal'. Choose one of: T5 bias, ALiBi, RoPE"):
        AttentionBiasExplorer(scheme="Sinusoidal")


def test_alibi_masked_cells_look_different_from_a_bias_of_zero():
    explorer = AttentionBiasExplorer(scheme="ALiBi", seq_len=12, num_heads=8, head=7)
    shown = np.ma.filled(explorer.image.get_array(), np.nan)
    assert np.isnan(shown[0, 1]) and shown[0, 0] == 0          # masked future key vs a bias of exactly 0
    zero_colour = explorer.image.to_rgba(np.array([[0.0]]))[0, 0, :3]
    masked_colour = np.array(matplotlib.colors.to_rgb(explorer.matrix_ax.get_facecolor()))
    assert np.abs(zero_colour - masked_colour).max() > 0.2      # NaN cells show the axes' grey, far from 0's colour
    assert explorer.legend.get_visible() and "masked" in explorer.legend.get_texts()[0].get_text()
    explorer.update(scheme="RoPE")
    assert not explorer.legend.get_visible()                     # nothing is masked in the RoPE picture


def test_no_axis_label_is_drawn_twice():
    explorer = AttentionBiasExplorer()
    for scheme in AttentionBiasExplorer.SCHEMES:
        explorer.update(scheme=scheme)
        labels = [explorer.matrix_ax.get_xlabel(), explorer.matrix_ax.get_ylabel(), explorer.row_ax.get_xlabel(),
                  explorer.row_ax.get_ylabel(), explorer.colorbar.ax.get_ylabel()]
        assert all(labels) and len(set(labels)) == len(labels), labels


def test_position_axes_have_integer_ticks():
    explorer = AttentionBiasExplorer(seq_len=3)
    explorer.live.refresh()
    for axis in (explorer.matrix_ax.xaxis, explorer.matrix_ax.yaxis, explorer.row_ax.xaxis):
        ticks = [t for t in axis.get_ticklocs()
                 if axis.get_view_interval().min() <= t <= axis.get_view_interval().max()]
        assert ticks and all(float(t).is_integer() for t in ticks)


@pytest.fixture(scope="module")
def bias_explorer():
    """One explorer for the refusal cases (building one takes longer than the checks), with its first values."""
    explorer = AttentionBiasExplorer(seq_len=10)
    return explorer, explorer.values()


@pytest.mark.parametrize("changes, error, words", [
    ({"seq_len": 1000}, ValueError, "seq_len must be from 2 to 128"),
    ({"seq_len": 1}, ValueError, "seq_len must be from 2 to 128"),
    ({"seq_len": 2.5}, TypeError, "whole number"),
    ({"num_heads": 0}, ValueError, "num_heads must be from 1 to 16"),
    ({"num_heads": True}, TypeError, "whole number"),
    ({"head": 8}, ValueError, "there are 8 heads"),
    ({"num_heads": 2, "head": 3}, ValueError, "there are 2 heads"),
    ({"max_distance": 8}, ValueError, "max_distance must be from 9 to 256"),
    ({"scheme": "NoPE"}, ValueError, "Choose one of: T5 bias, ALiBi, RoPE"),
    ({"colour": "red"}, ValueError, "Unknown control"),
])
def test_values_the_explorer_cannot_take_are_refused_and_it_keeps_working(changes, error, words, bias_explorer):
    explorer, start = bias_explorer
    explorer.update(**start)                                     # each case starts where a new explorer starts
    before = explorer.values()
    assert before == start
    with pytest.raises(error, match=re.escape(words)):
        explorer.update(**changes)
    assert explorer.values() == before                           # nothing was half-applied
    picture_before = picture(explorer)
    explorer.update(seq_len=20, num_heads=4, head=3)             # and the explorer still works
    assert picture(explorer) != picture_before and explorer.image.get_array().shape == (20, 20)


@pytest.mark.parametrize("kwargs, error", [({"seq_len": 500}, ValueError), ({"head": 8}, ValueError),
                                           ({"num_heads": 2.0}, TypeError), ({"head_dim": 7}, ValueError),
                                           ({"max_distance": 4}, ValueError)])
def test_the_constructor_refuses_values_its_controls_cannot_take(kwargs, error):
    with pytest.raises(error):
        AttentionBiasExplorer(**kwargs)

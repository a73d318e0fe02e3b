"""The position explorers: the widget interface, redraws in place, numbers from helpers.built.positions."""
import numpy as np
import pytest
import torch

from helpers.widgets.position_explorers import AttentionBiasExplorer, PositionalEncodingExplorer
from helpers.built.positions import alibi, sinusoidal, t5_bucket


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

"""The input-embedding explorer: its controls, in-place redraws, and the lecture's functions underneath."""
import matplotlib.pyplot as plt
import pytest
import torch

from helpers.built.segments import make_pair
from helpers.widgets.embedding_explorer import PANELS, InputEmbeddingExplorer


@pytest.fixture(scope="module")
def explorer():
    yield InputEmbeddingExplorer()
    plt.close("all")


def test_interface_controls_widget_update(explorer):
    assert set(explorer.controls) == {"text_a", "text_b", "positions", "segments", "d_model"}
    assert explorer.live.widget in explorer.widget.children


def test_default_is_a_bert_pair_with_segment_ids(explorer):
    tokens, token_ids, segment_ids = explorer.inputs()
    _, expected_types = make_pair(["a"] * 7, ["b"] * 7)   # 7 GPT-2 tokens in each default text
    assert tokens[0] == "[CLS]" and tokens.count("[SEP]") == 2
    assert segment_ids.tolist() == [expected_types] and token_ids.shape == (1, 17)
    _, panels = explorer.parts()
    assert list(panels) == list(PANELS)
    assert torch.allclose(panels[PANELS[0]] + panels[PANELS[1]] + panels[PANELS[2]], panels[PANELS[3]], atol=1e-6)


def test_update_redraws_in_place(explorer):
    figure, image, before = explorer.figure, explorer.image, bytes(explorer.live.widget.value)
    explorer.update(d_model=24, segments=False, positions="sinusoidal")
    assert explorer.figure is figure and list(figure.axes[0].images) == [image]
    assert image.get_array().shape == (14, len(PANELS) * 25 - 1)   # four panels and three blank columns
    assert bytes(explorer.live.widget.value) != before
    assert "(seq_len=14, d_model=24)" in explorer.message.value
    explorer.controls["d_model"].value = 16           # a control change goes through update()
    assert image.get_array().shape == (14, len(PANELS) * 17 - 1)


def test_too_long_input_is_explained_not_raised(explorer):
    explorer.update(text_a="la " * 40)
    assert "Cannot embed this input" in explorer.message.value and "context holds 32" in explorer.message.value
    explorer.update(text_a="the cat sat on the mat.")


def test_unknown_control_is_refused(explorer):
    with pytest.raises(ValueError, match="Unknown control"):
        explorer.update(colour="red")


def test_all_four_panels_share_one_colour_scale(explorer):
    explorer.update(d_model=32, segments=True, positions="learned")
    assert len(explorer.figure.axes[0].images) == 1                  # one image: token, position, segment, sum
    assert explorer.image.get_clim() == (-4.0, 4.0)
    explorer.update(d_model=16)


def test_refused_values_leave_the_explorer_as_it_was(explorer):
    before = explorer.values()
    for bad in ({"d_model": 100}, {"d_model": 3.5}, {"positions": "rope"}):
        with pytest.raises((ValueError, TypeError)):
            explorer.update(**bad)
    assert explorer.values() == before

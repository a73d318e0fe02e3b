"""Plots: labelled, colour-blind-safe; LiveFigure redraws in place; progress bars (bad inputs:
tests/plumbing/test_bad_inputs_plumbing.py)."""
import matplotlib.pyplot as plt
import pytest
import torch

from helpers import plotting
from helpers.widgets import LiveFigure


def test_pipeline_map_highlights_exactly_one_step():
    figure = plotting.pipeline_map("token ids")
    boxes = figure.axes[0].patches
    assert len(boxes) == len(plotting.PIPELINE_STEPS)
    highlighted = [b for b in boxes if b.get_linewidth() == 2]
    assert len(highlighted) == 1 and figure.axes[0].get_title() == "Where we are: token ids"
    plt.close(figure)


def test_pipeline_map_rejects_unknown_step():
    with pytest.raises(ValueError, match="Unknown step 'embeddings'. Choose one of: raw text"):
        plotting.pipeline_map("embeddings")


def test_heatmap_has_title_labels_and_colorbar():
    ax = plotting.heatmap(torch.randn(3, 4), title="t", xlabel="x", ylabel="y", colorbar_label="c",
                          yticklabels=["a", "b", "c"], diverging=True)
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    assert len(ax.figure.axes) == 2  # the image and its colour bar
    low, high = ax.images[0].get_clim()
    assert low == -high
    plt.close(ax.figure)


def test_token_strip_shows_spaces_and_checks_lengths():
    with pytest.raises(ValueError, match="2 tokens but 1 ids"):
        plotting.token_strip(["a", "b"], [1], title="t")
    ax = plotting.token_strip([" love", "\n"], [1842, 198], title="t")
    assert [t.get_text() for t in ax.texts][:2] == ["␣love", "1842"]
    plt.close("all")


def test_line_plot_draws_each_line_in_the_course_colours_with_a_legend():
    plotting.use_course_style()
    ax = plotting.line_plot([0, 1, 2], {"train": [3, 2, 1], "test": torch.tensor([3.0, 2.5, 2.0])},
                            title="Loss", xlabel="step", ylabel="loss")
    assert [line.get_color() for line in ax.lines] == list(plotting.OKABE_ITO[:2])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["train", "test"]
    assert list(ax.lines[1].get_ydata()) == [3.0, 2.5, 2.0]
    plt.close("all")


def test_live_figure_refresh_replaces_the_picture():
    figure, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    live = LiveFigure(figure)
    before = bytes(live.widget.value)
    line.set_ydata([1, 0])
    live.refresh()
    after = bytes(live.widget.value)
    assert after != before and after.startswith(b"\x89PNG")
    with pytest.raises(TypeError, match="needs a matplotlib Figure"):
        LiveFigure(ax)


def test_progress_yields_everything_and_reports_completion(capsys):
    from helpers.progress import progress
    assert list(progress(range(5), "counting")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().out == "counting: done, 5 of 5 steps\n"


def test_heatmap_vmin_vmax_fix_the_colour_scale_and_bad_ones_are_refused():
    ax = plotting.heatmap([[0.0, 1.0], [2.0, 3.0]], title="t", xlabel="x", ylabel="y", vmin=-5, vmax=5)
    assert ax.images[0].get_clim() == (-5, 5)
    ax = plotting.heatmap([[0.0, 1.0], [2.0, 3.0]], title="t", xlabel="x", ylabel="y", diverging=True, vmax=10)
    assert ax.images[0].get_clim() == (-3, 10)  # the diverging scale, with the given end replacing its own
    with pytest.raises(ValueError, match="vmin .* below its vmax"):
        plotting.heatmap([[0.0, 1.0]], title="t", xlabel="x", ylabel="y", vmin=2, vmax=1)
    with pytest.raises(TypeError, match="vmax must be a finite number"):
        plotting.heatmap([[0.0, 1.0]], title="t", xlabel="x", ylabel="y", vmax="1")
    plt.close("all")


def test_segment_strip_draws_ids_as_make_pair_accepts_them():
    from helpers.built.segments import make_pair
    tokens, types = make_pair([2368, 3332], [319])
    ax = plotting.segment_strip(tokens, types, title="ids")
    assert [text.get_text() for text in ax.texts][::2] == ["[CLS]", "2368", "3332", "[SEP]", "319", "[SEP]"]
    plt.close("all")

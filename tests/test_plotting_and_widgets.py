"""Plots: labelled, colour-blind-safe, and clear errors on bad input; LiveFigure redraws in place."""
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


def test_heatmap_errors_are_clear():
    with pytest.raises(ValueError, match="needs a 2-D matrix, got shape \\(2, 3, 4\\)"):
        plotting.heatmap(torch.zeros(2, 3, 4), title="t", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="2 tick labels for an axis of length 3"):
        plotting.heatmap(torch.zeros(3, 3), title="t", xlabel="x", ylabel="y", xticklabels=["a", "b"])


def test_line_plot_and_token_strip_check_lengths():
    with pytest.raises(ValueError, match="must match"):
        plotting.line_plot([1, 2, 3], {"a": [1, 2]}, title="t", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="2 tokens but 1 ids"):
        plotting.token_strip(["a", "b"], [1], title="t")
    ax = plotting.token_strip([" love", "\n"], [1842, 198], title="t")
    assert [t.get_text() for t in ax.texts][:2] == ["␣love", "1842"]
    plt.close("all")


def test_course_style_uses_okabe_ito_colours():
    plotting.use_course_style()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][:3] == list(plotting.OKABE_ITO[:3])


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

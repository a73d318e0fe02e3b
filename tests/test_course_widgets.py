"""Every course widget in helpers/ is found, builds with its defaults, and redraws in place when a control moves."""
import matplotlib.pyplot as plt
import nbformat
import pytest

from helpers import plotting
from helpers.course import NOTEBOOKS_DIR
from helpers.widgets.pipeline_explorer import PipelineExplorer
from helpers.maintainer.widget_catalog import descendants, build, other_value, shown, widget_classes

CLASSES = widget_classes()


def test_discovery_finds_lecture_0s_widget_and_nothing_that_is_not_a_widget():
    names = {cls.__qualname__ for cls in CLASSES}
    assert "PipelineExplorer" in names
    assert not names & {"LiveFigure", "Lecture", "Hint"}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_control_changes_the_picture_in_place(cls):
    widget = build(cls)
    parts = [id(part) for part in descendants(widget.widget)]
    for name, control in widget.controls.items():
        before = shown(widget)
        value = other_value(control)
        widget.update(**{name: value})
        assert control.value == value, f"update({name}=...) should move the {name} control too"
        assert shown(widget) != before, f"moving {name} did not change what {cls.__qualname__} shows"
    assert [id(part) for part in descendants(widget.widget)] == parts, "update must redraw in place"
    plt.close("all")


def test_a_class_that_cannot_be_built_with_defaults_fails_loudly():
    class NeedsArguments:
        def __init__(self, text):
            self.controls, self.widget = {}, None

    with pytest.raises(RuntimeError, match="cannot be built with its defaults.*Give every __init__"):
        build(NeedsArguments)


def test_pipeline_explorer_explains_bad_input():
    explorer = PipelineExplorer(step="token ids")
    assert explorer.controls["step"].value == "token ids"
    with pytest.raises(ValueError, match="'ids' is not a valid step; choose one of: raw text, tokens"):
        explorer.update(step="ids")
    with pytest.raises(ValueError, match=r"Unknown control\(s\) \['steps'\]; this widget has \['step'\]"):
        explorer.update(steps="tokens")
    with pytest.raises(ValueError, match="Unknown step"):
        PipelineExplorer(step="embeddings")
    plt.close("all")


def test_highlighting_restyles_the_same_map_that_pipeline_map_draws():
    figure = plotting.pipeline_map("tokens")
    ax = figure.axes[0]
    boxes = list(ax.patches)
    plotting.highlight_pipeline_step(ax, "+ segments")
    assert list(ax.patches) == boxes and ax.get_title() == "Where we are: + segments"
    assert [box.get_linewidth() for box in boxes].count(2) == 1 and boxes[5].get_linewidth() == 2
    plt.close(figure)


def test_alt_text_comes_from_titles_and_labels():
    ax = plotting.heatmap([[1, 2], [3, 4]], title="Scores", xlabel="key", ylabel="query", colorbar_label="score")
    assert plotting.figure_alt_text(ax.figure) == "Figure: Scores (x axis: key; y axis: query). colour bar: score"
    figure = plt.figure()
    assert plotting.figure_alt_text(figure) == "Figure without a title"
    plt.close("all")


def test_every_widget_class_is_shown_in_a_lecture():
    sources = "\n".join(cell.source for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
                        for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
    unused = [cls.__qualname__ for cls in CLASSES if cls.__qualname__ not in sources]
    assert not unused, f"widget classes no lecture displays (so the browser test never sees them): {unused}"

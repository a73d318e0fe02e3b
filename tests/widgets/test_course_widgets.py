"""Every course widget in helpers/widgets/: found, built with its defaults, redrawn in place when a control moves,
refusing values its controls cannot take (and still working afterwards), and shown by some lecture.

One parametrized test per property over all widgets (helpers.maintainer.widget_catalog), so a new widget is
covered as soon as its module exists.
"""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import nbformat
import pytest

from helpers import plotting
from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.widget_catalog import bad_values, build, descendants, other_value, shown, widget_classes
from helpers.widgets import CourseWidget, LiveFigure

CLASSES = widget_classes()


@pytest.fixture(params=CLASSES, ids=lambda cls: cls.__qualname__)
def widget(request):
    yield build(request.param)
    plt.close("all")


def test_discovery_finds_the_lectures_widgets_and_nothing_that_is_not_a_widget():
    names = {cls.__qualname__ for cls in CLASSES}
    assert "PipelineExplorer" in names and len(names) >= 5
    assert not names & {"LiveFigure", "Lecture", "Hint", "CourseWidget"}


def test_every_control_changes_the_picture_in_place(widget):
    parts = [id(part) for part in descendants(widget.widget)]
    for name, control in widget.controls.items():
        before = shown(widget)
        value = other_value(control)
        widget.update(**{name: value})
        assert control.value == value, f"update({name}=...) should move the {name} control too"
        assert shown(widget) != before, f"moving {name} did not change what {type(widget).__qualname__} shows"
    assert [id(part) for part in descendants(widget.widget)] == parts, "update must redraw in place"


def test_unknown_control_is_refused_and_names_the_controls(widget):
    with pytest.raises(ValueError, match=r"Unknown control\(s\) \['colour'\]; this widget has \['"):
        widget.update(colour="red")


def test_refused_values_leave_every_control_as_it_was_and_the_widget_working(widget):
    for name, control in widget.controls.items():
        for bad in bad_values(control):
            before, picture = widget.values(), shown(widget)
            words = name if not hasattr(control, "options") else "(?i)choose"
            with pytest.raises((ValueError, TypeError), match=words):
                widget.update(**{name: bad})
            assert widget.values() == before, f"{name}={bad!r} was refused but left a control changed"
            assert shown(widget) == picture
        value = other_value(control)
        widget.update(**{name: value})  # later moves still work
        assert control.value == value


def test_show_static_displays_the_current_figure(widget, monkeypatch):
    shown_objects = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown_objects.append(obj))
    if widget.live is None and type(widget).static_figure is CourseWidget.static_figure:
        with pytest.raises(TypeError, match="has no LiveFigure: override static_figure"):
            widget.show_static()  # a widget without a LiveFigure must say how to give it a static picture
        return
    widget.show_static()
    assert shown_objects == [widget.static_figure()]
    assert shown_objects[0].axes, "the static picture should be a drawn figure"


class Picky(CourseWidget):
    """A widget whose drawing refuses one value its control can take: the widget must recover."""

    def __init__(self):
        figure, self.ax = plt.subplots()
        self.line, = self.ax.plot([0, 1], [0, 0])
        self.live = LiveFigure(figure)
        self._bind({"level": widgets.IntSlider(value=1, min=0, max=5)})
        self.widget = widgets.VBox([self.controls["level"], self.live.widget])
        self.update(level=1)

    def _redraw(self, values):
        if values["level"] == 3:
            raise ValueError("level 3 cannot be drawn; choose another level")
        self.line.set_ydata([0, values["level"]])


def test_a_value_the_drawing_refuses_is_undone_in_update_and_in_the_browser():
    picky = Picky()
    picture = bytes(picky.live.widget.value)
    with pytest.raises(ValueError, match="level 3 cannot be drawn"):
        picky.update(level=3)
    assert picky.values() == {"level": 1} and bytes(picky.live.widget.value) == picture
    with pytest.raises(ValueError, match="level 3"):
        picky.controls["level"].value = 3  # what a slider move in the browser does
    assert picky.values() == {"level": 1}
    picky.update(level=4)
    assert picky.values() == {"level": 4} and bytes(picky.live.widget.value) != picture
    plt.close("all")


def test_a_class_that_cannot_be_built_with_defaults_fails_loudly():
    class NeedsArguments:
        def __init__(self, text):
            self.controls, self.widget = {}, None

    with pytest.raises(RuntimeError, match="cannot be built with its defaults.*Give every __init__"):
        build(NeedsArguments)


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

"""Widget plumbing that works with ipywidgets 7 (Colab) and 8: the widgets' shared interface, and a figure
that redraws in place.

Every course widget is a `CourseWidget`: named `controls`, a `widget` to display, and `update(**changes)`,
which the controls call and which redraws in place. A `LiveFigure` shows a matplotlib figure as a PNG
inside an `ipywidgets.Image`: a redraw changes the figure's artists and calls `refresh()`, so the
picture is replaced without flicker and without rebuilding the figure.
"""
from __future__ import annotations

import contextlib
import io
import math
import numbers
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from traitlets import TraitError

PNG_COMPRESS_LEVEL = 1  # zlib level 1: a few ms per picture, files barely larger than the default level 6


class LiveFigure:
    """A matplotlib figure shown as an image widget that `refresh()` updates in place, fast.

    The figure is laid out once, here, by its layout engine (e.g. `layout="constrained"`), and that
    layout is then frozen (layout engine "none"): each `refresh()` draws the figure once on an Agg
    canvas and encodes a quickly compressed PNG, instead of laying out again and drawing twice as
    `savefig` does. So build the figure in its default state, with its titles, axis labels and colour
    bars in place, before making the LiveFigure; keep later tick labels about as wide as the first
    ones (e.g. `MaxNLocator` ticks) so that the frozen margins still fit them.
    """

    def __init__(self, figure: Figure) -> None:
        if not isinstance(figure, Figure):
            raise TypeError(f"LiveFigure needs a matplotlib Figure, got {type(figure).__name__}.")
        self.figure = figure
        plt.close(figure)  # shown through the widget only, not a second time by the inline backend
        self._canvas = FigureCanvasAgg(figure)
        self._canvas.draw()  # the one layout
        _freeze_layout(figure)
        self.widget = widgets.Image(format="png")
        self.refresh()

    def refresh(self) -> None:
        """Render the figure again and show it in the widget."""
        self._canvas.draw()
        rgba = self._canvas.buffer_rgba()
        picture = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
        self.widget.value = buffer.getvalue()


def _freeze_layout(figure: Figure) -> None:
    """Keep the axes and axis labels where the last draw put them, so later draws skip placing them."""
    figure.set_layout_engine("none")
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            where = ax.transAxes.inverted().transform(label.get_transform().transform(label.get_position()))
            axis.set_label_coords(*where)


class CourseWidget:
    """The interface every course widget shares (the benchmark and the browser test drive it by this).

    A subclass calls `_bind(controls)`, builds what it shows into `self.widget`, and implements
    `_redraw(values)`, which updates the picture from the controls' current values. If it shows a
    `LiveFigure` as `self.live`, `update` refreshes that after each redraw, and `show_static()` displays that
    figure as a static picture (a subclass without a LiveFigure overrides `static_figure()`).

    A value a control cannot take (unknown choice, wrong type, outside the slider's range or steps), or one
    that `_redraw` rejects, raises a ValueError or TypeError that says what is allowed; every control is
    then put back to its previous value and the picture redrawn, so the widget keeps working.
    """

    controls: dict[str, widgets.Widget]
    widget: widgets.Widget
    live: LiveFigure | None = None

    def _bind(self, controls: dict[str, widgets.Widget]) -> None:
        """Keep the controls by name and make every control call `update` when it moves."""
        self.controls, self._syncing = controls, False
        for name, control in controls.items():
            control.observe(lambda change, name=name: self._moved(name, change), names="value")

    def update(self, **changes: Any) -> None:
        """Set any controls by name (e.g. `update(d_model=32)`), then redraw in place."""
        unknown = sorted(set(changes) - set(self.controls))
        if unknown:
            raise ValueError(f"Unknown control(s) {unknown}; this widget has {sorted(self.controls)}.")
        if self._syncing:
            return
        self._apply(changes, self.values())

    def _moved(self, name: str, change: dict[str, Any]) -> None:
        """A control was moved (in the browser, or by setting `.value`): redraw, or put it back if refused."""
        if self._syncing:
            return
        before = {**self.values(), name: change["old"]}
        self._apply({name: change["new"]}, before)

    def _apply(self, changes: dict[str, Any], before: dict[str, Any]) -> None:
        self._syncing = True  # the controls' own callbacks must not redraw while we set values and draw
        drawing = False
        try:
            for name, value in changes.items():
                _set_control(self.controls[name], name, value)
            drawing = True
            self._redraw(self.values())
        except Exception:
            self._restore(before, redraw=drawing or self.values() != before)
            raise
        finally:
            self._syncing = False
        if self.live is not None:
            self.live.refresh()

    def _restore(self, before: dict[str, Any], redraw: bool) -> None:
        """Put every control back to its value in `before` and redraw that state (called while syncing)."""
        for name, value in before.items():
            control = self.controls[name]
            if control.value != value:
                with contextlib.suppress(TraitError, ValueError, TypeError):
                    control.value = value
        if not redraw:
            return
        with contextlib.suppress(Exception):
            self._redraw(self.values())
        if self.live is not None:
            self.live.refresh()

    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _redraw(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def static_figure(self) -> Figure:
        """The matplotlib figure that shows the widget's current state (its LiveFigure's figure)."""
        if self.live is None:
            raise TypeError(f"{type(self).__name__} has no LiveFigure: override static_figure() to return the "
                            "matplotlib figure of its static picture.")
        return self.live.figure

    def show_static(self) -> None:
        """Display the widget's current picture as an ordinary figure output (PNG with alt text, under the course
        style), which GitHub, nbval, PDFs and the static site show without a kernel. Call it in the cell before
        the one that displays the live widget."""
        from IPython.display import display

        display(self.static_figure())


def _bounds_problem(control: widgets.Widget, value: Any) -> str | None:
    """Why a number cannot go on this slider or number box (outside min..max, or off its steps), or None."""
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base ** control.min, control.base ** control.max
    if low is not None and high is not None and not low <= value <= high:
        return f"it must be between {low:g} and {high:g}"
    step = getattr(control, "step", None)
    on_steps = not isinstance(step, int) or step <= 1 or low is None or (value - low) % step == 0
    if isinstance(control.value, int) and not on_steps:
        return f"it moves in steps of {step} from {low}"
    return None


def _set_control(control: widgets.Widget, name: str, value: Any) -> None:
    """Set a control's value; a value it cannot take is refused (never clamped) with an error listing what it takes.

    The control keeps its previous value when the new one is refused.
    """
    options = getattr(control, "options", None)
    if options is not None and not isinstance(control, widgets.Text):
        try:
            control.value = value
        except TraitError as error:
            shown = ", ".join(map(str, options.values() if isinstance(options, dict) else
                                  [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in options]))
            raise ValueError(f"{value!r} is not a valid {name}; choose one of: {shown}.") from error
        return
    current = control.value
    if isinstance(current, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} is a checkbox: set it to True or False, not {type(value).__name__} {value!r}.")
        value = bool(value)
    elif isinstance(current, numbers.Integral):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} takes a whole number, not {type(value).__name__} {value!r}.")
        value = int(value)
    elif isinstance(current, numbers.Real):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise TypeError(f"{name} takes a finite number, not {type(value).__name__} {value!r}.")
        value = float(value)
    elif isinstance(current, str) and not isinstance(value, str):
        raise TypeError(f"{name} takes text (a str), not {type(value).__name__} {value!r}.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        problem = _bounds_problem(control, value)
        if problem:
            raise ValueError(f"{value!r} is not a valid {name}: {problem}.")
    try:
        control.value = value
    except TraitError as error:
        raise ValueError(f"{value!r} is not a valid {name} ({error}).") from error

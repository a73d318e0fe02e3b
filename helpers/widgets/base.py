"""Widget plumbing that works with ipywidgets 7 (Colab) and 8: the widgets' shared interface, and a figure
that redraws in place.

Every course widget is a `CourseWidget`: named `controls`, a `widget` to display, and `update(**changes)`,
which the controls call and which redraws in place. A `LiveFigure` shows a matplotlib figure as a PNG
inside an `ipywidgets.Image`: a redraw changes the figure's artists and calls `refresh()`, so the
picture is replaced without flicker and without rebuilding the figure.
"""
from __future__ import annotations

import io
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
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
    `LiveFigure` as `self.live`, `update` refreshes that after each redraw.
    """

    controls: dict[str, widgets.Widget]
    widget: widgets.Widget
    live: LiveFigure | None = None

    def _bind(self, controls: dict[str, widgets.Widget]) -> None:
        """Keep the controls by name and make every control call `update` when it moves."""
        self.controls, self._syncing = controls, False
        for name, control in controls.items():
            control.observe(lambda change, name=name: self.update(**{name: change["new"]}), names="value")

    def update(self, **changes: Any) -> None:
        """Set any controls by name (e.g. `update(d_model=32)`), then redraw in place."""
        unknown = sorted(set(changes) - set(self.controls))
        if unknown:
            raise ValueError(f"Unknown control(s) {unknown}; this widget has {sorted(self.controls)}.")
        if self._syncing:
            return
        self._syncing = True  # the controls' own callbacks must not redraw while we set values and draw
        try:
            for name, value in changes.items():
                _set_control(self.controls[name], name, value)
            self._redraw(self.values())
        finally:
            self._syncing = False
        if self.live is not None:
            self.live.refresh()

    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _redraw(self, values: dict[str, Any]) -> None:
        raise NotImplementedError


def _set_control(control: widgets.Widget, name: str, value: Any) -> None:
    """Set a control's value; a value it cannot take gets an error that lists the choices."""
    try:
        control.value = value
    except TraitError as error:
        options = getattr(control, "options", None)
        hint = f"choose one of: {', '.join(map(str, options))}" if options else str(error)
        raise ValueError(f"{value!r} is not a valid {name}; {hint}.") from error

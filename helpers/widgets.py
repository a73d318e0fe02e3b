"""Widget plumbing that works with ipywidgets 7 (Colab) and 8: a figure that redraws in place.

A `LiveFigure` shows a matplotlib figure as a PNG inside an `ipywidgets.Image`. A control's callback
changes the figure's artists and calls `refresh()`: the picture is replaced without flicker and
without rebuilding the figure.
"""
from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

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

"""Widget plumbing that works with ipywidgets 7 (Colab) and 8: a figure that redraws in place.

A `LiveFigure` shows a matplotlib figure as a PNG inside an `ipywidgets.Image`. A control's callback
changes the figure's artists and calls `refresh()`: the picture is replaced without flicker and
without rebuilding the figure.
"""
from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure


class LiveFigure:
    """A matplotlib figure shown as an image widget that `refresh()` updates in place."""

    def __init__(self, figure: Figure) -> None:
        if not isinstance(figure, Figure):
            raise TypeError(f"LiveFigure needs a matplotlib Figure, got {type(figure).__name__}.")
        self.figure = figure
        plt.close(figure)  # shown through the widget only, not a second time by the inline backend
        self.widget = widgets.Image(format="png")
        self.refresh()

    def refresh(self) -> None:
        """Render the figure again and show it in the widget."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.widget.value = buffer.getvalue()

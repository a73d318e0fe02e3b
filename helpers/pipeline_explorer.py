"""Lecture 0's widget: a slider that walks along the pipeline map, highlighting one step at a time.

Like every course widget it has `controls` (name -> ipywidgets control), `widget` (what a notebook
displays) and `update(**changes)`, which restyles the map's boxes and refreshes the picture in place.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from helpers.plotting import PIPELINE_STEPS, highlight_pipeline_step, pipeline_map
from helpers.widgets import LiveFigure


class PipelineExplorer:
    """The pipeline map with a `step` slider; moving the slider highlights that step."""

    def __init__(self, step: str = "raw text") -> None:
        self.controls = {"step": widgets.SelectionSlider(options=PIPELINE_STEPS, value="raw text",
                                                         description="step")}
        figure, self._ax = plt.subplots(figsize=(11, 1.5))
        figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.8)  # room for the title
        self.live = LiveFigure(pipeline_map("raw text", ax=self._ax))
        self.widget = widgets.VBox([self.controls["step"], self.live.widget])
        self.controls["step"].observe(lambda change: self.update(step=change["new"]), names="value")
        self.update(step=step)

    def update(self, **changes: object) -> None:
        """Set controls by name (here only `step`, one of the pipeline's step names) and redraw in place."""
        unknown = set(changes) - set(self.controls)
        if unknown:
            raise ValueError(f"Unknown control(s) {sorted(unknown)}; this widget has {sorted(self.controls)}.")
        step = changes.get("step", self.controls["step"].value)
        highlight_pipeline_step(self._ax, step)  # a clear ValueError for an unknown step name
        if self.controls["step"].value != step:
            self.controls["step"].value = step  # the slider's callback calls update again, which refreshes
            return
        self.live.refresh()

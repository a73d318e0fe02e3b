"""Lecture 0's widget: a slider that walks along the pipeline map, highlighting one step at a time.

Like every course widget it has `controls` (name -> ipywidgets control), `widget` (what a notebook
displays) and `update(**changes)`, which restyles the map's boxes and refreshes the picture in place.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from helpers.plotting import PIPELINE_STEPS, highlight_pipeline_step, pipeline_map
from helpers.widgets import CourseWidget, LiveFigure


class PipelineExplorer(CourseWidget):
    """The pipeline map with a `step` slider; moving the slider highlights that step."""

    def __init__(self, step: str = "raw text") -> None:
        if not isinstance(step, str) or step not in PIPELINE_STEPS:
            raise ValueError(f"Unknown step {step!r}: the step must be one of the map's: {', '.join(PIPELINE_STEPS)}.")
        figure, self._ax = plt.subplots(figsize=(11, 1.5))
        figure.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.8)  # room for the title
        self.live = LiveFigure(pipeline_map(step, ax=self._ax))
        controls = {"step": widgets.SelectionSlider(options=PIPELINE_STEPS, value=step, description="step")}
        self._bind(controls)
        self.widget = widgets.VBox([controls["step"], self.live.widget])

    def _redraw(self, values: dict[str, object]) -> None:
        highlight_pipeline_step(self._ax, values["step"])

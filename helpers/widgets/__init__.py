"""Interactive widgets the lectures display, each a small `CourseWidget` subclass drawing on a `LiveFigure`.

`base.py` holds the shared machinery; one module per widget. `python -m pytest` builds, moves and
browser-tests every public `CourseWidget` subclass found here (`helpers/maintainer/widget_catalog.py`).
"""
from helpers.widgets.base import CourseWidget, LiveFigure

__all__ = ["CourseWidget", "LiveFigure"]

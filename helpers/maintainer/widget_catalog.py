"""Find every course widget class in helpers/widgets/ and drive it without a browser (benchmark and tests use this).

A course widget is a public subclass of `helpers.widgets.CourseWidget` defined in a `helpers.widgets` module.
Discovery is by that base class, not by a list, so a new lecture's widget is covered as soon as its
module exists.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

import helpers.widgets
from helpers.widgets import CourseWidget


def widget_classes() -> list[type]:
    """Every course widget class in helpers/widgets/ (sorted by module and name); import errors are not hidden."""
    found = []
    for module_info in pkgutil.walk_packages(helpers.widgets.__path__, prefix="helpers.widgets."):
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and not name.startswith("_")
                    and issubclass(cls, CourseWidget) and cls is not CourseWidget):
                found.append(cls)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def build(cls: type) -> Any:
    """An instance made with the class's defaults; a clear error if that is impossible."""
    try:
        instance = cls()
    except Exception as error:
        raise RuntimeError(f"Course widget {cls.__module__}.{cls.__qualname__} cannot be built with its defaults "
                           f"({type(error).__name__}: {error}). Give every __init__ argument a default.") from error
    for name, kind in (("controls", Mapping), ("widget", widgets.Widget)):
        if not isinstance(getattr(instance, name, None), kind):
            raise TypeError(f"{cls.__qualname__}.{name} should be a {kind.__name__}.")
    if not instance.controls:
        raise TypeError(f"{cls.__qualname__}.controls is empty: a widget needs at least one control.")
    return instance


def _option_values(control: widgets.Widget) -> list[Any]:
    options = control.options
    if isinstance(options, Mapping):
        return list(options.values())
    return [option[1] if isinstance(option, tuple) and len(option) == 2 else option for option in options]


def other_value(control: widgets.Widget) -> Any:
    """A valid value for `control` that differs from its current one (what moving the control would give)."""
    value = control.value
    if hasattr(control, "options"):
        values = _option_values(control)
        return values[(values.index(value) + 1) % len(values)]
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + " and more"
    if isinstance(control, widgets.FloatLogSlider):
        exponent = control.base ** control.step
        return value * exponent if value * exponent <= control.base ** control.max else value / exponent
    if isinstance(value, (int, float)):
        step = getattr(control, "step", None) or 1
        high = getattr(control, "max", None)
        return value + step if high is None or value + step <= high else value - step
    raise TypeError(f"Cannot move a {type(control).__name__} control automatically; add it to other_value().")


def bad_values(control: widgets.Widget) -> list[Any]:
    """Values a learner might try that `control` cannot take (a wrong type; a choice it lacks; beyond its range)."""
    value = control.value
    if hasattr(control, "options") and not isinstance(control, widgets.Text):
        return ["no such choice", 12345]
    if isinstance(value, bool):
        return ["yes", 2]
    if isinstance(value, str):
        return [42, None]
    if isinstance(value, (int, float)):
        high = getattr(control, "max", None)
        if isinstance(control, widgets.FloatLogSlider):
            high = control.base ** control.max
        beyond = [high * 10 + 1] if high is not None else []
        return ["4", *beyond, float("nan")] if isinstance(value, float) else ["4", 2.5, *beyond]
    raise TypeError(f"No bad values known for a {type(control).__name__} control; add it to bad_values().")


def descendants(widget: widgets.Widget) -> list[widgets.Widget]:
    """The widget and everything inside it (children of boxes, recursively)."""
    children = getattr(widget, "children", ())
    return [widget, *(leaf for child in children for leaf in descendants(child))]


def shown(instance: Any) -> list[object]:
    """What the widget shows apart from its controls: every image's bytes and every text/HTML value."""
    controls = {id(control) for control in instance.controls.values()}
    return [bytes(w.value) if isinstance(w, widgets.Image) else w.value for w in descendants(instance.widget)
            if id(w) not in controls and isinstance(w, (widgets.Image, widgets.HTML, widgets.Label))]

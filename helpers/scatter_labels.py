"""Labels for the points of a scatter plot that do not overlap each other or the points (Lecture 2's word vectors).

Each label goes to the first of a ring of candidate places around its point, nearest first, where its box touches
no label placed before it, no point and no edge of the axes; a label that ends up away from its point gets a thin
line to it. Labels can take their point's colour (`colors=`), so that in a dense cluster each label is read with the
right point. Deterministic: the same points give the same picture.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import is_color_like
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

DIRECTIONS = 12           # candidate directions around a point
RADII = (5, 11, 18, 26, 36, 48)   # candidate distances from the point, in points (1/72 inch)
MARKER_RADIUS = 4.0       # how far around a point (in points) a label must stay clear


def label_points(ax: Axes, xy: object, labels: Sequence[str], *, fontsize: float = 8,
                 colors: Sequence[object] | None = None) -> list[Annotation]:
    """Write `labels[i]` next to point `xy[i]` (data coordinates) so that no two labels overlap; return the texts.

    `colors[i]` (any matplotlib colour), if given, colours label i, e.g. with its point's colour (default: the
    text colour).
    Call it after the points are drawn (and any margins set): it fixes the axis limits where they are, then reads
    where each point is on screen.
    """
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (e.g. from plt.subplots()), not {type(ax).__name__}.")
    points = _points(xy)
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a list of strings, one per point, not {type(labels).__name__}.")
    if len(labels) != len(points):
        raise ValueError(f"There are {len(points)} points but {len(labels)} labels: give one label per point.")
    if not all(isinstance(label, str) for label in labels):
        raise TypeError("Every label must be a string: convert numbers with str(...) first.")
    if isinstance(fontsize, bool) or not isinstance(fontsize, (int, float)) or not 0 < fontsize <= 72:
        raise ValueError(f"fontsize must be a number of points between 0 and 72, not {fontsize!r}.")
    colors = _colors(colors, len(points))
    ax.set_xlim(*ax.get_xlim())                      # apply any pending autoscaling, then keep the limits
    ax.set_ylim(*ax.get_ylim())
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    to_pixels = figure.dpi / 72.0
    screen = ax.transData.transform(points)                                  # (n, 2) pixel positions
    clear = MARKER_RADIUS * to_pixels
    point_boxes = [Bbox.from_extents(x - clear, y - clear, x + clear, y + clear) for x, y in screen]
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    texts = []
    for index, (label, point) in enumerate(zip(labels, points)):
        best, best_cost = None, math.inf
        for radius, angle in _candidates():
            dx, dy = radius * math.cos(angle), radius * math.sin(angle)
            text = _annotation(ax, label, point, dx, dy, fontsize, colors[index])
            box = text.get_window_extent(renderer).padded(1.0)
            cost = _overlap(box, placed) + _overlap(box, [b for i, b in enumerate(point_boxes) if i != index])
            cost += _outside(box, frame)
            if cost < best_cost:
                if best is not None:
                    best[0].remove()
                best, best_cost = (text, box, radius), cost
            else:
                text.remove()
            if cost == 0:
                break
        text, box, radius = best
        if radius > RADII[1]:                                               # far from its point: draw a line to it
            dx, dy = text.xyann
            text.remove()
            text = _annotation(ax, label, point, dx, dy, fontsize, colors[index], leader=True)
        placed.append(box)
        texts.append(text)
    return texts


def _points(xy: object) -> np.ndarray:
    try:
        points = np.asarray(xy.detach().cpu() if hasattr(xy, "detach") else xy, dtype=float)
    except Exception as error:  # strings, ragged lists, tensors without data (device "meta"), ...
        raise TypeError(f"xy must be numbers of shape (points, 2): a tensor, array or list of (x, y) pairs; "
                        f"converting it failed with {type(error).__name__}: {error}") from None
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"xy must have shape (points, 2), one (x, y) pair per label, not {points.shape}.")
    if not np.isfinite(points).all():
        raise ValueError("xy holds NaN or infinite coordinates: a point without a place cannot be labelled.")
    return points


def _colors(colors: object, count: int) -> list[object]:
    if colors is None:
        return [None] * count                         # matplotlib's text colour
    if isinstance(colors, np.ndarray) and colors.ndim == 2:
        colors = list(colors)                         # an (n, 3) or (n, 4) array of RGB(A) rows
    if isinstance(colors, str) or not isinstance(colors, Sequence):
        raise TypeError(f"colors must be a list with one colour per label (e.g. ['C0', '#E69F00']), not "
                        f"{type(colors).__name__}. For one colour for all labels, pass [colour] * len(labels).")
    if len(colors) != count:
        raise ValueError(f"There are {count} points but {len(colors)} colors: give one colour per label.")
    for color in colors:
        if not is_color_like(color):
            raise ValueError(f"{color!r} is not a matplotlib colour: use a name ('black'), a hex code ('#E69F00') "
                             f"or an RGB tuple of numbers from 0 to 1.")
    return list(colors)


def _candidates() -> list[tuple[float, float]]:
    """(radius, angle) pairs, nearest first; at each radius: upper right first, then around the circle."""
    angles = [math.pi / 4 + 2 * math.pi * k / DIRECTIONS for k in range(DIRECTIONS)]
    return [(radius, angle) for radius in RADII for angle in angles]


def _annotation(ax: Axes, label: str, point: np.ndarray, dx: float, dy: float, fontsize: float,
                color: object = None, leader: bool = False) -> Annotation:
    horizontal = "left" if dx > 0.5 else "right" if dx < -0.5 else "center"
    vertical = "bottom" if dy > 0.5 else "top" if dy < -0.5 else "center"
    arrow = {"arrowstyle": "-", "color": "0.5", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 3} if leader else None
    return ax.annotate(label, tuple(point), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize,
                       color=color, ha=horizontal, va=vertical, arrowprops=arrow)


def _overlap(box: Bbox, others: list[Bbox]) -> float:
    total = 0.0
    for other in others:
        width = min(box.x1, other.x1) - max(box.x0, other.x0)
        height = min(box.y1, other.y1) - max(box.y0, other.y0)
        if width > 0 and height > 0:
            total += width * height
    return total


def _outside(box: Bbox, frame: Bbox) -> float:
    """The area of `box` outside the axes frame (weighted high: a label cut off by the edge is unreadable)."""
    inside_width = max(0.0, min(box.x1, frame.x1) - max(box.x0, frame.x0))
    inside_height = max(0.0, min(box.y1, frame.y1) - max(box.y0, frame.y0))
    return 10.0 * (box.width * box.height - inside_width * inside_height)

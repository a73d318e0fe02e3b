"""Interactive explorers for Lectures 3–4: the sinusoidal table, and position inside attention (T5, ALiBi, RoPE).

Each explorer has `controls` (name -> ipywidgets control), `widget` (what a notebook displays) and
`update(**changes)`, which the controls call: it changes the figure's artists and refreshes the picture
in place. The numbers come from `helpers.built.positions`, the functions the lectures build.
"""
from __future__ import annotations

import math
import numbers

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import MaxNLocator

from helpers.plotting import DIVERGING_CMAP, SEQUENTIAL_CMAP
from helpers.built.positions import alibi, rope, attention_scores, sinusoidal, t5_bucket
from helpers.widgets import CourseWidget, LiveFigure

CONTROLS_PER_ROW = 2  # rows of controls that fit a 1280 px wide browser


def _few_ticks() -> MaxNLocator:
    """Round ticks, at most 6 per axis (matplotlib's default gives about 9): fewer labels to draw per update."""
    return MaxNLocator(nbins=5, steps=[1, 2, 5, 10])


def _title(ax: plt.Axes, text: str) -> None:
    """Set a title at a fixed height (these axes have nothing above them), so draws skip placing it."""
    ax.set_title(text, y=1.0)


def _rows(controls: list[widgets.Widget]) -> widgets.VBox:
    """The controls in rows of CONTROLS_PER_ROW."""
    return widgets.VBox([widgets.HBox(controls[start:start + CONTROLS_PER_ROW])
                         for start in range(0, len(controls), CONTROLS_PER_ROW)])


class _Explorer(CourseWidget):
    """A figure explorer whose layout is fixed once for its widest state (see `_connect`)."""

    def _connect(self, controls: dict[str, widgets.Widget], figure: plt.Figure, widest: dict[str, object],
                 notes: tuple[widgets.Widget, ...] = ()) -> None:
        """Lay the figure out once for `widest` (the control values with the widest tick labels), then draw
        the controls' values: LiveFigure freezes its first layout, so every later state fits in it.
        `notes` (e.g. a Label that `_redraw` fills) are shown between the controls and the figure."""
        self._bind(controls)
        for ax in figure.axes:
            ax.xaxis.set_major_locator(_few_ticks())
            ax.yaxis.set_major_locator(_few_ticks())
        self._redraw(self.values() | widest)
        self.live = LiveFigure(figure)
        self.widget = widgets.VBox([_rows(list(controls.values())), *notes, self.live.widget])
        self.update()


def _show_matrix(image: plt.AxesImage, matrix: np.ndarray, diverging: bool) -> None:
    """Put a new matrix into an existing image: data, extent and colour limits (blank where not finite)."""
    finite = matrix[np.isfinite(matrix)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if diverging:
        low, high = -max(abs(low), abs(high), 1e-9), max(abs(low), abs(high), 1e-9)
    image.set_data(np.where(np.isfinite(matrix), matrix, np.nan))
    image.set_extent((-0.5, matrix.shape[1] - 0.5, matrix.shape[0] - 0.5, -0.5))
    cmap = DIVERGING_CMAP if diverging else SEQUENTIAL_CMAP
    if image.get_cmap().name != cmap:  # each change redraws the colour bar: only when needed
        image.set_cmap(cmap)
    image.set_clim(low, high if high > low else low + 1)


class PositionalEncodingExplorer(_Explorer):
    """The sinusoidal table (positions × dimensions) and the dot product of position 0 with every position.

    A value the controls cannot take (an odd or out-of-range d_model, a base outside 10..100000, ...) is refused
    with an error that names the allowed values, and the explorer keeps showing, and accepting, good values.
    """

    D_MODEL = (2, 256)          # even whole numbers in this range
    NUM_POSITIONS = (2, 512)    # whole numbers in this range
    BASE_EXPONENTS = (1, 5)     # base = 10^1 .. 10^5, on a log slider

    def __init__(self, d_model: int = 64, base: float = 10000.0, num_positions: int = 64) -> None:
        d_model, base, num_positions = (self._checked("d_model", d_model), self._checked("base", base),
                                        self._checked("num_positions", num_positions))
        controls = {
            "d_model": widgets.IntSlider(value=d_model, min=self.D_MODEL[0], max=self.D_MODEL[1], step=2,
                                         description="d_model"),
            "base": widgets.FloatLogSlider(value=base, base=10, min=self.BASE_EXPONENTS[0],
                                           max=self.BASE_EXPONENTS[1], description="base"),
            "num_positions": widgets.IntSlider(value=num_positions, min=self.NUM_POSITIONS[0],
                                               max=self.NUM_POSITIONS[1], description="positions"),
        }
        figure, (self.table_ax, self.dot_ax) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
        self.image = self.table_ax.imshow(np.zeros((2, 2)), aspect="auto", interpolation="nearest")
        figure.colorbar(self.image, ax=self.table_ax, label="value", ticks=_few_ticks())
        self.table_ax.grid(False)
        self.table_ax.set(xlabel="dimension (d_model)", ylabel="position")
        (self.dot_line,) = self.dot_ax.plot([], [])
        self.dot_ax.set(xlabel="position p", ylabel="PE[0] · PE[p]")
        _title(self.dot_ax, "Similarity to position 0")
        self._connect(controls, figure, widest={"d_model": 256, "base": 10.0, "num_positions": 512})
        for axis in (self.table_ax.xaxis, self.table_ax.yaxis, self.dot_ax.xaxis):  # positions, dimensions
            axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=True))
        self.live.refresh()

    @classmethod
    def _checked(cls, name: str, value: object) -> int | float:
        """`value` if control `name` can take it; else a TypeError/ValueError naming the allowed values."""
        if name == "base":
            low, high = (10.0 ** e for e in cls.BASE_EXPONENTS)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"base must be a number from {low:g} to {high:g} (e.g. 10000.0), "
                                f"not {type(value).__name__} {value!r}.")
            if not (math.isfinite(value) and low <= value <= high):
                raise ValueError(f"base={value} is outside the explorer's range: choose a finite number from "
                                 f"{low:g} to {high:g} (the Transformer uses 10000).")
            return float(value)
        low, high = cls.D_MODEL if name == "d_model" else cls.NUM_POSITIONS
        what = "an even whole number" if name == "d_model" else "a whole number"
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be {what} from {low} to {high}, not {type(value).__name__} {value!r}.")
        if not low <= value <= high:
            raise ValueError(f"{name}={value} is outside the explorer's range: choose {what} from {low} to {high}.")
        if name == "d_model" and value % 2:
            raise ValueError(f"d_model={value} is odd: dimensions come in sin/cos pairs, so choose an even "
                             f"number such as {value - 1 if value > low else low} or {min(value + 1, high)}.")
        return int(value)

    def update(self, **changes: object) -> None:
        """Set controls by name and redraw; a value the explorer cannot show is refused before anything changes."""
        for name, value in changes.items():
            if name in self.controls:
                self._checked(name, value)
        super().update(**changes)

    def _redraw(self, values: dict[str, object]) -> None:
        values = {name: self._checked(name, value) for name, value in values.items()}  # refused -> controls put back
        table = sinusoidal(values["num_positions"], values["d_model"], values["base"])
        _show_matrix(self.image, table.numpy(), diverging=True)
        _title(self.table_ax, f"Sinusoidal table, d_model={values['d_model']}, base={values['base']:.0f}")
        similarity = (table @ table[0]).numpy()
        self.dot_line.set_data(np.arange(len(similarity)), similarity)
        self.dot_ax.set_xlim(0, max(len(similarity) - 1, 1))
        self.dot_ax.set_ylim(float(similarity.min()) - 1, float(similarity.max()) + 1)


class AttentionBiasExplorer(_Explorer):
    """What a relative scheme adds to attention for every query/key pair, and along one query's row."""

    SCHEMES = ("T5 bias", "ALiBi", "RoPE")
    USES = {"T5 bias": ("seq_len", "max_distance"), "ALiBi": ("seq_len", "num_heads", "head"), "RoPE": ("seq_len",)}

    def __init__(self, scheme: str = "ALiBi", seq_len: int = 32, num_heads: int = 8, head: int = 0,
                 max_distance: int = 128, head_dim: int = 64) -> None:
        if scheme not in self.SCHEMES:
            raise ValueError(f"Unknown scheme {scheme!r}. Choose one of: {', '.join(self.SCHEMES)}.")
        controls = {
            "scheme": widgets.Dropdown(options=self.SCHEMES, value=scheme, description="scheme"),
            "seq_len": widgets.IntSlider(value=seq_len, min=2, max=128, description="seq_len"),
            "num_heads": widgets.IntSlider(value=num_heads, min=1, max=16, description="heads"),
            "head": widgets.IntSlider(value=head, min=0, max=15, description="ALiBi head"),
            "max_distance": widgets.IntSlider(value=max_distance, min=8, max=256, description="T5 max dist"),
        }
        self.vector = torch.randn(head_dim, generator=torch.Generator().manual_seed(0))  # one q = k for RoPE
        figure, (self.matrix_ax, self.row_ax) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
        self.image = self.matrix_ax.imshow(np.zeros((2, 2)), aspect="auto", interpolation="nearest")
        self.colorbar = figure.colorbar(self.image, ax=self.matrix_ax, ticks=_few_ticks())
        self.matrix_ax.grid(False)
        self.matrix_ax.set(xlabel="key position j", ylabel="query position i")
        (self.row_line,) = self.row_ax.plot([], [], marker=".")
        self.row_ax.set(xlabel="distance i - j (keys before the last query)")
        self.unused = widgets.Label()  # which controls the chosen scheme ignores, and their values
        self._connect(controls, figure, widest={"scheme": "ALiBi", "seq_len": 128, "num_heads": 16, "head": 15},
                      notes=(self.unused,))

    def _matrix(self, values: dict[str, object]) -> tuple[torch.Tensor, str]:
        seq_len = values["seq_len"]
        if values["scheme"] == "ALiBi":
            return alibi(values["num_heads"], seq_len)[values["head"]], "bias added to the score"
        if values["scheme"] == "T5 bias":
            relative = torch.arange(seq_len)[None, :] - torch.arange(seq_len)[:, None]
            return t5_bucket(relative, max_distance=values["max_distance"]).float(), "bucket id"
        rotated = rope(self.vector.expand(seq_len, -1))
        return attention_scores(rotated, rotated), "q·k/√d after RoPE"

    def _redraw(self, values: dict[str, object]) -> None:
        self.controls["head"].max = values["num_heads"] - 1
        values["head"] = min(values["head"], values["num_heads"] - 1)
        matrix, meaning = self._matrix(values)
        _show_matrix(self.image, matrix.numpy(), diverging=values["scheme"] != "T5 bias")
        self.colorbar.set_label(meaning)
        unused = [name for name in self.controls if name != "scheme" and name not in self.USES[values["scheme"]]]
        self.unused.value = f"Not used by {values['scheme']}: " + ", ".join(
            f"{self.controls[name].description} = {values[name]}" for name in unused)
        detail = {"ALiBi": f", head {values['head']} of {values['num_heads']}",
                  "T5 bias": f", max_distance={values['max_distance']}", "RoPE": ""}[values["scheme"]]
        _title(self.matrix_ax, f"{values['scheme']}{detail}")
        last_row = matrix[-1].flip(0).numpy()
        self.row_line.set_data(np.arange(len(last_row)), last_row)
        self.row_ax.set_xlim(0, max(len(last_row) - 1, 1))
        self.row_ax.set_ylim(float(last_row.min()) - 0.5, float(last_row.max()) + 0.5)
        self.row_ax.set_ylabel(meaning)
        _title(self.row_ax, f"Last query's row: {meaning}")

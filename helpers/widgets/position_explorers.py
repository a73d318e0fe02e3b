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
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from helpers.built.positions import alibi, attention_scores, rope, sinusoidal, t5_bucket
from helpers.plotting import DIVERGING_CMAP, SEQUENTIAL_CMAP
from helpers.validation import positive_even
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
    """What a relative scheme adds to attention for every query/key pair, and along one query's row.

    ALiBi's masked future keys are drawn grey (with a legend), a colour no bias gets, so they never look like a bias
    of 0.
    A control value the explorer cannot take is refused with a ValueError or TypeError naming the allowed
    range, before anything changes: the explorer keeps working afterwards.
    """

    SCHEMES = ("T5 bias", "ALiBi", "RoPE")
    USES = {"T5 bias": ("seq_len", "max_distance"), "ALiBi": ("seq_len", "num_heads", "head"), "RoPE": ("seq_len",)}
    MEANING = {"T5 bias": "bucket id", "ALiBi": "bias added to the score", "RoPE": "q·k/√d after RoPE"}
    RANGES = {"seq_len": (2, 128), "num_heads": (1, 16), "head": (0, 15), "max_distance": (9, 256)}
    MASKED = "#bdbdbd"  # the grey of masked cells, unlike any colour of the colour maps used

    def __init__(self, scheme: str = "ALiBi", seq_len: int = 32, num_heads: int = 8, head: int = 0,
                 max_distance: int = 128, head_dim: int = 64) -> None:
        self._check({"scheme": scheme, "seq_len": seq_len, "num_heads": num_heads, "head": head,
                     "max_distance": max_distance}, num_heads=num_heads)
        positive_even(head_dim, "head_dim")
        controls = {
            "scheme": widgets.Dropdown(options=self.SCHEMES, value=scheme, description="scheme"),
            **{name: widgets.IntSlider(value=value, min=low, max=high, description=label)
               for (name, (low, high)), value, label in zip(
                   self.RANGES.items(), (seq_len, num_heads, head, max_distance),
                   ("seq_len", "heads", "ALiBi head", "T5 max dist"))},
        }
        self.vector = torch.randn(head_dim, generator=torch.Generator().manual_seed(0))  # one q = k for RoPE
        figure, (self.matrix_ax, self.row_ax) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
        self.matrix_ax.set_facecolor(self.MASKED)  # NaN (masked) cells are transparent: this grey shows through
        self.image = self.matrix_ax.imshow(np.zeros((2, 2)), aspect="auto", interpolation="nearest", zorder=1)
        self.colorbar = figure.colorbar(self.image, ax=self.matrix_ax, ticks=_few_ticks())
        self.matrix_ax.grid(False)
        self.matrix_ax.set(xlabel="key position j", ylabel="query position i")
        self.legend = self.matrix_ax.legend(handles=[Patch(facecolor=self.MASKED, edgecolor="#999999",
                                                           label="masked (future key)")], loc="upper right",
                                            fontsize=8)
        (self.row_line,) = self.row_ax.plot([], [], marker=".")
        self.row_ax.set(xlabel="distance i - j (keys before the last query)", ylabel="value in that row")
        self.unused = widgets.Label()  # which controls the chosen scheme ignores, and their values
        # widest: 3-digit positions, and (via "narrow_values") the longest colour-bar and row tick labels, -0.003
        self._connect(controls, figure, widest={"scheme": "ALiBi", "seq_len": 128, "num_heads": 16, "head": 15,
                                                "narrow_values": True}, notes=(self.unused,))
        for axis in (self.matrix_ax.xaxis, self.matrix_ax.yaxis, self.row_ax.xaxis):  # positions: whole numbers
            axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=True))
        self.update()

    @classmethod
    def _check(cls, values: dict[str, object], num_heads: object) -> None:
        """Refuse values the controls cannot take (instead of letting a slider clamp them silently)."""
        for name, value in values.items():
            if name == "scheme":
                if value not in cls.SCHEMES:
                    raise ValueError(f"Unknown scheme {value!r}. Choose one of: {', '.join(cls.SCHEMES)}.")
                continue
            if name not in cls.RANGES:
                continue  # unknown names: CourseWidget.update lists the controls
            low, high = cls.RANGES[name]
            if name == "head" and isinstance(num_heads, int) and not isinstance(num_heads, bool):
                high = min(high, num_heads - 1)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{name} must be a whole number from {low} to {high}, not {type(value).__name__} "
                                f"{value!r}.")
            if not low <= value <= high:
                extra = f" (there are {num_heads} heads, numbered from 0)" if name == "head" else ""
                raise ValueError(f"{name} must be from {low} to {high}{extra}, not {value}.")

    def update(self, **changes: object) -> None:
        """Set controls by name and redraw; a value out of range is refused before anything changes."""
        self._check(changes, num_heads=changes.get("num_heads", self.controls["num_heads"].value))
        super().update(**changes)

    def _matrix(self, values: dict[str, object]) -> torch.Tensor:
        seq_len = values["seq_len"]
        if values["scheme"] == "ALiBi":
            return alibi(values["num_heads"], seq_len)[values["head"]]
        if values["scheme"] == "T5 bias":
            relative = torch.arange(seq_len)[None, :] - torch.arange(seq_len)[:, None]
            return t5_bucket(relative, max_distance=values["max_distance"]).float()
        rotated = rope(self.vector.expand(seq_len, -1))
        return attention_scores(rotated, rotated)

    def _redraw(self, values: dict[str, object]) -> None:
        self.controls["head"].max = values["num_heads"] - 1
        values["head"] = min(values["head"], values["num_heads"] - 1)
        scheme, meaning = values["scheme"], self.MEANING[values["scheme"]]
        matrix = self._matrix(values)
        if scheme == "ALiBi":  # the bias is <= 0: 0 is the brightest colour (yellow), masked cells grey
            self.image.set_data(np.where(torch.isfinite(matrix).numpy(), matrix.numpy(), np.nan))
            self.image.set_extent((-0.5, matrix.shape[1] - 0.5, matrix.shape[0] - 0.5, -0.5))
            if self.image.get_cmap().name != SEQUENTIAL_CMAP:
                self.image.set_cmap(SEQUENTIAL_CMAP)
            self.image.set_clim(min(float(matrix[torch.isfinite(matrix)].min()), -1e-9), 0.0)
        else:
            _show_matrix(self.image, matrix.numpy(), diverging=scheme == "RoPE")
        self.legend.set_visible(bool(torch.isinf(matrix).any()))
        self.colorbar.set_label(meaning)
        unused = [name for name in self.controls if name != "scheme" and name not in self.USES[scheme]]
        self.unused.value = f"Not used by {scheme}: " + ", ".join(
            f"{self.controls[name].description} = {values[name]}" for name in unused)
        detail = {"ALiBi": f", head {values['head']} of {values['num_heads']}",
                  "T5 bias": f", max_distance={values['max_distance']}", "RoPE": ""}[scheme]
        _title(self.matrix_ax, f"{scheme}{detail}")
        last_row = matrix[-1].flip(0).numpy()
        self.row_line.set_data(np.arange(len(last_row)), last_row)
        self.row_ax.set_xlim(0, max(len(last_row) - 1, 1))
        low, high = float(last_row.min()), float(last_row.max())
        pad = max(0.05 * (high - low), 1e-4)
        self.row_ax.set_ylim(low - pad, high + pad)
        self.row_ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=scheme == "T5 bias"))
        _title(self.row_ax, f"Last query's row: {meaning}")
        if values.get("narrow_values"):  # the layout pass: tick labels as wide as they ever get (a tiny ALiBi range)
            self.image.set_clim(-0.0039, 0.0)
            self.row_ax.set_ylim(-0.0041, 0.0002)

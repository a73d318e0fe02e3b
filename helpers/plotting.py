"""One look for every figure: a colour-blind-safe style, labelled heatmaps and line plots, the pipeline map.

Figures have a white background, so they stay readable in JupyterLab's dark theme too. In Jupyter, every
figure's PNG also carries a text description built from its titles and axis labels (`figure_alt_text`),
which the static course site (`python -m helpers.maintainer.site`) uses as the image's alt text.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"
PAD_GREY = "#BBBBBB"  # [PAD] positions in batch pictures

PIPELINE_STEPS = ("raw text", "tokens", "token ids", "token embeddings",
                  "+ positions", "+ segments", "input embeddings")


FIGURE_DPI = 90
SMALLEST_FONT_PT = 10         # tick labels and legends: the smallest text the course style draws


def use_course_style() -> None:
    """Apply the course's matplotlib style (sizes, fonts, colours) to every later figure."""
    mpl.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": FIGURE_DPI,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "xtick.labelsize": SMALLEST_FONT_PT,
        "ytick.labelsize": SMALLEST_FONT_PT,
        "legend.fontsize": SMALLEST_FONT_PT,
        "font.family": "DejaVu Sans",
        "image.cmap": SEQUENTIAL_CMAP,
    })
    _describe_inline_figures()


def figure_alt_text(figure: Figure) -> str:
    """A one-line description of a figure from its titles and axis labels, e.g. for an image's alt text."""
    parts = [figure._suptitle.get_text()] if figure._suptitle is not None else []
    for ax in figure.axes:
        if ax.get_label() == "<colorbar>":
            label = ax.get_ylabel() or ax.get_xlabel()
            parts.append(f"colour bar: {label}" if label else "colour bar")
            continue
        axis_labels = "; ".join(f"{name} axis: {label}" for name, label in
                                (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if label)
        title = ax.get_title()
        parts.append(f"{title} ({axis_labels})" if title and axis_labels else title or axis_labels)
    text = ". ".join(part for part in parts if part)
    return f"Figure: {text}" if text else "Figure without a title"


def smallest_text_px(figure: Figure) -> float:
    """The height in pixels of the smallest visible text in a figure (the slides check it is readable)."""
    sizes = [t.get_fontsize() for t in figure.findobj(mpl.text.Text) if t.get_visible() and t.get_text().strip()]
    return round(min(sizes, default=SMALLEST_FONT_PT) * figure.dpi / 72, 1)


def _describe_inline_figures() -> None:
    """Under IPython, write each inline figure's `figure_alt_text` and `smallest_text_px` into its PNG (text chunks
    'Description' and 'Smallest text px')."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    if Figure not in formatter.type_printers:  # the inline backend loads lazily and registers its printer then
        plt.switch_backend(mpl.rcParams["backend"])
    png = formatter.type_printers.get(Figure)
    if png is None or getattr(png, "describes_figures", False):
        return

    def png_with_description(figure: Figure) -> object:
        return png(figure, metadata={"Description": figure_alt_text(figure),
                                     "Smallest text px": str(smallest_text_px(figure))})

    png_with_description.describes_figures = True
    formatter.for_type(Figure, png_with_description)


def _as_array(values: object, what: str) -> np.ndarray:
    """`values` (tensor, array, nested list) as a float NumPy array; a clear error if they are not numbers."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu()
        values = values.float() if values.dtype in (torch.bfloat16, torch.float16) else values
        return values.numpy()
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{what} must be a rectangular array of numbers (rows of equal length): {error}") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{what} must hold numbers (a tensor, array or nested list of numbers), not "
                        f"{array.dtype} values such as {array.flat[0]!r}." if array.size else
                        f"{what} must hold numbers, not {array.dtype} values.")
    return array


def _checked_labels(labels: Sequence[str], size: int) -> list[str]:
    if isinstance(labels, str) or not isinstance(labels, Sequence | np.ndarray):
        raise TypeError(f"Tick labels must be a list with one label per row/column, not {type(labels).__name__} "
                        f"{labels!r}.")
    if len(labels) != size:
        raise ValueError(f"{len(labels)} tick labels for an axis of length {size}: give one per row/column.")
    return [str(label) for label in labels]


def heatmap(matrix: object, *, title: str, xlabel: str, ylabel: str, colorbar_label: str = "value",
            xticklabels: Sequence[str] | None = None, yticklabels: Sequence[str] | None = None,
            diverging: bool = False, vmin: float | None = None, vmax: float | None = None,
            ax: Axes | None = None) -> Axes:
    """Draw a 2-D array (tensor, array or nested list) as a heatmap with a title, axis labels and colour bar.

    `diverging=True` centres the colours on zero (blue negative, red positive). `vmin`/`vmax` fix the colour scale
    (e.g. one scale for several heatmaps you compare); by default it spans the data.
    """
    data = _as_array(matrix, "The heatmap's matrix")
    if data.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D matrix, got shape {data.shape}. Select one slice, e.g. x[0].")
    if data.size == 0:
        raise ValueError(f"heatmap got an empty matrix of shape {data.shape}: there is nothing to draw. "
                         "Check the slice or the sequence you passed.")
    finite = np.isfinite(data)
    if not finite.any():
        raise ValueError("Every value of the heatmap's matrix is NaN or infinite, so no colour means anything. "
                         "Check the computation that produced it (NaN and -inf cells are drawn blank).")
    scale = {name: value for name, value in (("vmin", vmin), ("vmax", vmax)) if value is not None}
    for name, value in scale.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise TypeError(f"heatmap's {name} must be a finite number, not {value!r}.")
    if len(scale) == 2 and not vmin < vmax:
        raise ValueError(f"heatmap's vmin ({vmin}) must be below its vmax ({vmax}).")
    ax = ax if ax is not None else plt.subplots()[1]
    options: dict[str, object] = {"aspect": "auto", "interpolation": "nearest"}
    if diverging:  # NaN and ±inf (masked cells) are drawn blank and do not set the colour scale
        limit = float(np.abs(data[finite]).max()) or 1.0
        options.update(cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit)
    options.update(scale)
    image = ax.imshow(data, **options)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    if xticklabels is not None:
        ax.set_xticks(range(data.shape[1]), _checked_labels(xticklabels, data.shape[1]), rotation=90)
    else:  # columns are whole-number indices: never a tick at 0.5
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    if yticklabels is not None:
        ax.set_yticks(range(data.shape[0]), _checked_labels(yticklabels, data.shape[0]))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(False)
    return ax


def line_plot(x: object, ys: Mapping[str, object], *, title: str, xlabel: str, ylabel: str,
              ax: Axes | None = None) -> Axes:
    """Plot one line per entry of `ys` (label → values) against `x`, with a legend when there are several."""
    if not isinstance(ys, Mapping):
        raise TypeError(f"ys must be a dict from label to values, e.g. {{'loss': losses}}, not {type(ys).__name__}.")
    if not ys:
        raise ValueError("ys is empty: give at least one line, e.g. {'loss': losses}.")
    xs = _as_array(x, "x")
    if xs.ndim != 1 or xs.size == 0:
        raise ValueError(f"x must be a non-empty 1-D sequence of numbers, got shape {xs.shape}.")
    arrays = {label: _as_array(values, f"Line {label!r}") for label, values in ys.items()}
    ax = ax if ax is not None else plt.subplots()[1]
    for label, values in arrays.items():
        if values.shape != xs.shape:
            raise ValueError(f"Line {label!r} has {values.shape} values but x has {xs.shape}: they must match.")
        ax.plot(xs, values, label=label)
    if len(ys) > 1:
        ax.legend()
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax


def pipeline_map(highlight: str | None = None, *, ax: Axes | None = None) -> Figure:
    """Draw the course's pipeline (raw text → … → input embeddings) with one step highlighted."""
    _check_step(highlight)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 1.5))
    ax.clear()
    ax.set_xlim(0, len(PIPELINE_STEPS))
    ax.set_ylim(0, 1)
    ax.axis("off")
    for i, step in enumerate(PIPELINE_STEPS):
        ax.add_patch(FancyBboxPatch((i + 0.06, 0.25), 0.82, 0.5, boxstyle="round,pad=0.02", edgecolor="black"))
        ax.text(i + 0.47, 0.5, step.replace(" ", "\n", 1), ha="center", va="center", fontsize=SMALLEST_FONT_PT,
                color="black")
        if i < len(PIPELINE_STEPS) - 1:
            ax.annotate("", xy=(i + 1.05, 0.5), xytext=(i + 0.9, 0.5),
                        arrowprops={"arrowstyle": "->", "color": "black"})
    highlight_pipeline_step(ax, highlight)
    return ax.figure


def highlight_pipeline_step(ax: Axes, highlight: str | None) -> None:
    """Highlight one step of a map drawn by `pipeline_map` by restyling its boxes (no redraw from scratch)."""
    _check_step(highlight)
    labels = [text for text in ax.texts if not isinstance(text, Annotation)]  # the arrows are annotations
    for step, box, label in zip(PIPELINE_STEPS, ax.patches, labels, strict=True):
        active = step == highlight
        box.set(facecolor=OKABE_ITO[1] if active else "#EEEEEE", linewidth=2 if active else 0.8)
        label.set_fontweight("bold" if active else "normal")
    title = "Where we are: " + highlight if highlight else "The pipeline: from text to the vectors a transformer reads"
    ax.set_title(title, fontsize=11)


def _check_step(step: str | None) -> None:
    if step is not None and step not in PIPELINE_STEPS:
        raise ValueError(f"Unknown step {step!r}. Choose one of: {', '.join(PIPELINE_STEPS)}.")


def visible(text: str) -> str:
    """A token's text with spaces and newlines made visible (␣, ↵), as in every token picture of the course."""
    return text.replace(" ", "␣").replace("\n", "↵")


def token_strip(tokens: Sequence[str], ids: Sequence[int], *, title: str, ax: Axes | None = None) -> Axes:
    """Draw tokens as coloured boxes with their ids underneath; a leading space shows as '␣'."""
    if len(tokens) != len(ids):
        raise ValueError(f"{len(tokens)} tokens but {len(ids)} ids: give one id per token.")
    shown = [visible(token) for token in tokens]
    widths = [max(len(text), len(str(i)), 2) * 0.13 + 0.2 for text, i in zip(shown, ids)]
    if ax is None:
        _, ax = plt.subplots(figsize=(min(max(sum(widths) + 0.5, 3), 12), 1.4))
    x = 0.0
    for n, (text, token_id, width) in enumerate(zip(shown, ids, widths)):
        ax.add_patch(FancyBboxPatch((x, 0.45), width - 0.08, 0.45, boxstyle="round,pad=0.02",
                                    facecolor=OKABE_ITO[n % 7], alpha=0.35, edgecolor="black"))
        ax.text(x + (width - 0.08) / 2, 0.675, text, ha="center", va="center", fontsize=10, family="monospace")
        ax.text(x + (width - 0.08) / 2, 0.2, str(token_id), ha="center", va="center", fontsize=SMALLEST_FONT_PT,
                color="#333333")
        x += width
    ax.set_xlim(-0.05, max(x, 0.1))
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title(title, fontsize=11)
    return ax


# ---- Lecture 5's pictures of sentence pairs (helpers.built.segments builds the pairs) ----

def _segment_ids(token_type_ids: Sequence[int], count: int) -> list[int]:
    types = list(token_type_ids.tolist() if isinstance(token_type_ids, torch.Tensor) else token_type_ids)
    if len(types) != count:
        raise ValueError(f"{count} tokens but {len(types)} token_type_ids: give one segment id per token.")
    bad = [t for t in types if isinstance(t, bool) or not isinstance(t, numbers.Integral) or t not in (0, 1)]
    if bad:
        raise ValueError(f"segment id {bad[0]!r} is out of range: BERT's pairs use 0 for text A and 1 for text B.")
    return types


def segment_strip(tokens: Sequence[str | int], token_type_ids: Sequence[int], *, title: str,
                  ax: Axes | None = None) -> Axes:
    """Draw tokens as boxes coloured by segment (blue A, orange B) with each token's segment id underneath.

    `tokens` may be strings or ids, as `make_pair` accepts either."""
    types = _segment_ids(token_type_ids, len(tokens))
    ax = token_strip([str(token) for token in tokens], types, title=title, ax=ax)
    for box, segment in zip(ax.patches, types):
        box.set_facecolor(OKABE_ITO[segment])
    return ax


def batch_strips(token_rows: Sequence[Sequence[str]], token_type_ids: object, attention_mask: object, *,
                 title: str) -> Figure:
    """A padded batch as a grid: one row per pair, one column per position; blue segment A, orange segment B,
    hatched grey [PAD] (mask 0). Under each token: its token type and attention mask, e.g. '0|1'.
    """
    def as_rows(values: object) -> list:
        return values.tolist() if isinstance(values, (torch.Tensor, np.ndarray)) else [list(row) for row in values]
    types, mask = as_rows(token_type_ids), as_rows(attention_mask)
    if not token_rows or not (len(token_rows) == len(types) == len(mask)):
        raise ValueError(f"Give one row of tokens, token types and mask per pair: got {len(token_rows)}, "
                         f"{len(types)} and {len(mask)}.")
    seq_len = len(token_rows[0])
    if any(len(row) != seq_len or len(t) != seq_len or len(m) != seq_len
           for row, t, m in zip(token_rows, types, mask)):
        raise ValueError("Every row of a padded batch has the same length: pad the pairs first.")
    width = max(len(visible(token)) for row in token_rows for token in row) * 0.075 + 0.25
    fig, ax = plt.subplots(figsize=(min(max(seq_len * width + 1.2, 4), 12), 0.75 * len(token_rows) + 1.1))
    for row, tokens in enumerate(token_rows):
        row_types = _segment_ids(types[row], seq_len)
        for position, (token, segment, keep) in enumerate(zip(tokens, row_types, mask[row])):
            ax.add_patch(FancyBboxPatch((position + 0.06, row - 0.3), 0.88, 0.42, boxstyle="round,pad=0.02",
                                        facecolor=OKABE_ITO[segment] if keep else PAD_GREY, alpha=0.4,
                                        hatch="" if keep else "///", edgecolor="black"))
            ax.text(position + 0.5, row - 0.09, visible(token), ha="center", va="center", fontsize=9,
                    family="monospace")
            ax.text(position + 0.5, row + 0.3, f"{segment}|{keep}", ha="center", va="center", fontsize=9,
                    color="#333333")
    ax.set_xlim(0, seq_len)
    ax.set_ylim(len(token_rows) - 0.5, -0.5)
    ax.set_xticks([p + 0.5 for p in range(seq_len)], [str(p) for p in range(seq_len)])
    ax.set_yticks(range(len(token_rows)), [f"pair {n}" for n in range(len(token_rows))])
    ax.set(xlabel="position (token type | attention mask under each token)", title=title)
    ax.grid(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def shared_scale_heatmaps(parts: Mapping[str, object], *, row_labels: Sequence[str], title: str,
                          xlabel: str = "dimension (d_model)", ylabel: str = "token") -> Figure:
    """Panels side by side on ONE diverging colour scale (one colour bar), so their values can be compared.

    Each part is a (rows, columns) matrix; integer ticks on the columns, `row_labels` on the rows.
    """
    matrices = {name: torch.as_tensor(part).detach().cpu().float() for name, part in parts.items()}
    shapes = {tuple(m.shape) for m in matrices.values()}
    if not matrices or len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError(f"Give 2-D parts of one shape to compare, got shapes {sorted(shapes)}.")
    rows = next(iter(shapes))[0]
    if len(row_labels) != rows:
        raise ValueError(f"{rows} rows but {len(row_labels)} row labels: give one label per row.")
    limit = max(float(m.abs().max()) for m in matrices.values()) or 1.0
    fig, axes = plt.subplots(1, len(matrices), figsize=(2.5 * len(matrices) + 1, 4.6), sharey=True, squeeze=False,
                             layout="constrained")
    for ax, (name, matrix) in zip(axes[0], matrices.items()):
        image = ax.imshow(matrix.numpy(), cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit, aspect="auto",
                          interpolation="nearest")
        ax.set(title=name, xlabel=xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(False)
    axes[0, 0].set_yticks(range(rows), list(row_labels))
    axes[0, 0].set_ylabel(ylabel)
    fig.suptitle(title)
    fig.colorbar(image, ax=list(axes[0]), label="value (one scale for every panel)", fraction=0.025, pad=0.02)
    return fig

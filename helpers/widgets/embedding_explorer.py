"""A widget to explore the input embedding: type two texts, choose positions and segments, see each part's shape.

The computation is Lecture 5's pair format (`helpers.built.segments`) and Lecture 6's `InputEmbedding`; the
figure is redrawn in place through `LiveFigure` (ipywidgets 7 and 8).
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers.built.input_embedding import POSITION_KINDS, InputEmbedding
from helpers.built.segments import CLS, SEP, make_pair
from helpers.plotting import DIVERGING_CMAP, visible
from helpers.seeding import seed_everything
from helpers.tokenizer_files import gpt2
from helpers.validation import whole_number
from helpers.widgets import CourseWidget, LiveFigure

PANELS = ("token x", "position p", "segment s", "sum = input embedding")
COLOUR_LIMIT = 4.0  # one colour scale for all four panels, so the sum can be read against its parts
D_MODELS = range(8, 65, 8)  # the d_model slider's positions


class InputEmbeddingExplorer(CourseWidget):
    """Texts A and B → GPT-2 tokens → `InputEmbedding` → heatmaps of the token, position, segment and summed parts.

    With segments on, the input is `[CLS] A [SEP] B [SEP]` (two extra ids after GPT-2's 50,257);
    with segments off, it is one GPT-2 stream, A then B, with no segment table, as in GPT-style models.
    """

    def __init__(self, text_a: str = "the cat sat on the mat.", text_b: str = "on the mat the cat sat.",
                 positions: str = "learned", segments: bool = True, d_model: int = 16,
                 context_length: int = 32, seed: int = 0) -> None:
        self.encoding = gpt2()
        self._check_changes({"text_a": text_a, "text_b": text_b, "d_model": d_model})  # as update() would
        if positions not in POSITION_KINDS:
            raise ValueError(f"positions must be one of {POSITION_KINDS}, not {positions!r}.")
        if not isinstance(segments, bool):
            raise TypeError(f"segments must be True (a BERT pair) or False (one stream), not {segments!r}.")
        self.special_ids = {CLS: self.encoding.n_vocab, SEP: self.encoding.n_vocab + 1}
        self.context_length, self.seed = whole_number(context_length, "context_length"), whole_number(seed, "seed", 0)
        self._modules: dict[tuple[str, bool, int], InputEmbedding] = {}
        controls: dict[str, widgets.Widget] = {
            "text_a": widgets.Text(value=text_a, description="text A"),
            "text_b": widgets.Text(value=text_b, description="text B"),
            "positions": widgets.Dropdown(options=POSITION_KINDS, value=positions, description="positions"),
            "segments": widgets.Checkbox(value=segments, description="segments (BERT pair)"),
            "d_model": widgets.IntSlider(value=d_model, min=D_MODELS[0], max=D_MODELS[-1], step=D_MODELS.step,
                                         description="d_model"),
        }
        # One image holds the four panels side by side (a blank column between them): cheap to redraw.
        self.figure, self.ax = plt.subplots(figsize=(8.5, 3.8))
        self.image = self.ax.imshow(np.zeros((1, 1)), cmap=DIVERGING_CMAP, vmin=-COLOUR_LIMIT, vmax=COLOUR_LIMIT,
                                    aspect="auto", interpolation="nearest")
        self.figure.subplots_adjust(left=0.1, right=0.93, top=0.9, bottom=0.14)
        self.figure.colorbar(self.image, ax=self.ax, label="value", fraction=0.04, pad=0.02,
                             ticks=[-COLOUR_LIMIT, 0, COLOUR_LIMIT])
        self.ax.grid(False)
        self.ax.tick_params(length=0, labelsize=8)  # few tick marks, small labels: text is most of a redraw
        self.ax.set_ylabel("token")
        self.message = widgets.HTML()
        self._bind(controls)
        self._redraw(self.values())
        self.live = LiveFigure(self.figure)
        self.widget = widgets.VBox([widgets.HBox([controls["text_a"], controls["text_b"]]),
                                    widgets.HBox([controls[n] for n in ("positions", "segments", "d_model")]),
                                    self.message, self.live.widget])

    def update(self, **changes: Any) -> None:
        """Set controls by name and redraw; a value a control cannot take is refused before anything changes."""
        self._check_changes(changes)
        super().update(**changes)

    def _check_changes(self, changes: dict[str, Any]) -> None:
        # The slider would silently clamp 100 to 64 (and 3.5 to 8): refuse what it cannot show instead.
        if "d_model" in changes:
            value = whole_number(changes["d_model"], "d_model")
            if value not in D_MODELS:
                raise ValueError(f"d_model={value} is not on the slider: choose a multiple of {D_MODELS.step} from "
                                 f"{D_MODELS[0]} to {D_MODELS[-1]}.")
        for name in ("text_a", "text_b"):
            if name in changes and not isinstance(changes[name], str):
                raise TypeError(f"{name} must be a str (the text to embed), not {type(changes[name]).__name__} "
                                f"{changes[name]!r}.")

    def module(self) -> InputEmbedding:
        """The `InputEmbedding` for the current settings (seeded, so the same settings give the same tables)."""
        values = self.values()
        key = (values["positions"], values["segments"], values["d_model"])
        if key not in self._modules:
            seed_everything(self.seed)
            self._modules[key] = InputEmbedding(self.encoding.n_vocab + len(self.special_ids), key[2],
                                                self.context_length, positions=key[0],
                                                num_segments=2 if key[1] else 0).eval()
        return self._modules[key]

    def inputs(self) -> tuple[list[str], torch.Tensor, torch.Tensor | None]:
        """Tokens, token ids (1, seq_len) and segment ids (1, seq_len) or None, for the current texts."""
        values = self.values()
        # Typed text is ordinary text: "<|endoftext|>" in it is split into ordinary tokens, as tiktoken does
        # with disallowed_special=(), instead of ending a document.
        ids_a, ids_b = (self.encoding.encode(values[name], disallowed_special=()) for name in ("text_a", "text_b"))
        if not values["segments"]:
            ids = ids_a + ids_b
            return [self.encoding.decode([i]) for i in ids], torch.tensor([ids]), None
        pair, types = make_pair(ids_a, ids_b)
        tokens = [t if isinstance(t, str) else self.encoding.decode([t]) for t in pair]
        ids = [self.special_ids.get(t, t) for t in pair]
        return tokens, torch.tensor([ids]), torch.tensor([types])

    def parts(self) -> tuple[list[str], dict[str, torch.Tensor]]:
        """The tokens and the four (seq_len, d_model) panels: token, position, segment and their sum."""
        tokens, ids, segment_ids = self.inputs()
        module = self.module()
        with torch.no_grad():
            token = module.token(ids)[0]
            position = module.position_vectors(ids.shape[1])
            segment = module.segment(segment_ids)[0] if module.segment is not None else torch.zeros_like(token)
            total = module(ids, segment_ids)[0]
        return tokens, dict(zip(PANELS, (token, position, segment, total)))

    def _redraw(self, values: dict[str, Any]) -> None:
        if not (values["segments"] or values["text_a"] or values["text_b"]):
            self._refuse("both texts are empty, so there is no token to embed. Type a text in A or B.")
            return
        try:
            tokens, panels = self.parts()
        except ValueError as error:
            self._refuse(str(error))
            return
        seq_len, d_model = panels[PANELS[0]].shape
        gap = np.full((seq_len, 1), np.nan)
        blocks = [block for values in panels.values() for block in (values.detach().cpu().numpy(), gap)][:-1]
        self.image.set_data(np.hstack(blocks))
        self.image.set_extent((-0.5, len(PANELS) * (d_model + 1) - 1.5, seq_len - 0.5, -0.5))
        self.ax.set_xticks([k * (d_model + 1) + (d_model - 1) / 2 for k in range(len(PANELS))], PANELS)
        self.ax.set_xlabel(f"each panel: dimensions 0..{d_model - 1} of d_model")
        self.ax.set_yticks(range(seq_len), [visible(t) for t in tokens])
        segments = "[CLS] A [SEP] B [SEP]" if values["segments"] else "one stream, no segments"
        self.ax.set_title(f"Input embedding (seq_len={seq_len}, d_model={d_model}): "
                          f"{values['positions']} positions, {segments}")
        self.message.value = f"shape of every panel: (seq_len={seq_len}, d_model={d_model})"

    def _refuse(self, reason: str) -> None:
        """Say why the input cannot be embedded; the picture keeps the last input that could, and says so."""
        self.message.value = f"<b>Cannot embed this input:</b> {html.escape(reason)}"
        self.ax.set_title("Not redrawn: this input cannot be embedded (see the message above)")

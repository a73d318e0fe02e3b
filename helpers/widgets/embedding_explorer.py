"""A widget to explore the input embedding: type two texts, choose positions and segments, see each part's shape.

The computation is Lecture 5's pair format (`helpers.built.segments`) and Lecture 6's `InputEmbedding`; the
figure is redrawn in place through `LiveFigure` (ipywidgets 7 and 8).
"""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers.built.input_embedding import POSITION_KINDS, InputEmbedding
from helpers.plotting import DIVERGING_CMAP, visible
from helpers.built.segments import CLS, SEP, make_pair
from helpers.seeding import seed_everything
from helpers.tokenizer_files import gpt2
from helpers.widgets import CourseWidget, LiveFigure

PANELS = ("token x", "position p", "segment s", "sum = input embedding")
COLOUR_LIMIT = 4.0


class InputEmbeddingExplorer(CourseWidget):
    """Texts A and B → GPT-2 tokens → `InputEmbedding` → heatmaps of the token, position, segment and summed parts.

    With segments on, the input is `[CLS] A [SEP] B [SEP]` (two extra ids after GPT-2's 50,257);
    with segments off, it is one GPT-2 stream, A then B, with no segment table, as in GPT-style models.
    """

    def __init__(self, text_a: str = "the cat sat on the mat.", text_b: str = "on the mat the cat sat.",
                 positions: str = "learned", segments: bool = True, d_model: int = 16,
                 context_length: int = 32, seed: int = 0) -> None:
        self.encoding = gpt2()
        self.special_ids = {CLS: self.encoding.n_vocab, SEP: self.encoding.n_vocab + 1}
        self.context_length, self.seed = context_length, seed
        self._modules: dict[tuple[str, bool, int], InputEmbedding] = {}
        controls: dict[str, widgets.Widget] = {
            "text_a": widgets.Text(value=text_a, description="text A"),
            "text_b": widgets.Text(value=text_b, description="text B"),
            "positions": widgets.Dropdown(options=POSITION_KINDS, value=positions, description="positions"),
            "segments": widgets.Checkbox(value=segments, description="segments (BERT pair)"),
            "d_model": widgets.IntSlider(value=d_model, min=8, max=64, step=8, description="d_model"),
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
        ids_a, ids_b = (self.encoding.encode(values[name]) for name in ("text_a", "text_b"))
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
        try:
            tokens, panels = self.parts()
        except ValueError as error:
            self.message.value = f"<b>Cannot embed this input:</b> {error}"
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

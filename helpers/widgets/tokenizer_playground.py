"""Lecture 1's tokenizer playground: type text, see GPT-2's tokens as coloured boxes with their ids and the count.

The computation is `helpers.built.text_to_ids` (the checked GPT-2 encode taught in Lecture 1); bad input
(empty text, a special token) shows the explanation instead of a traceback.
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from matplotlib.axes import Axes

from helpers.built.text_to_ids import ENDOFTEXT, encode, token_pieces
from helpers.plotting import OKABE_ITO, token_strip, visible
from helpers.widgets import CourseWidget

DEFAULT_TEXT = "I love LLMs!<|endoftext|>Brindlemoor's orchestra plays 🎻"  # untick the box to see why
_TINT = 0.35  # share of the Okabe-Ito colour mixed into white: light boxes, black text readable in any theme


def _tint(hex_colour: str) -> str:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - _TINT * (255 - c)):02X}" for c in rgb)


def tokenize(text: str, allow_endoftext: bool = False) -> tuple[list[str], list[int]]:
    """GPT-2's tokens and ids of `text`, through the checked encode (errors explain what to change)."""
    ids = encode(text, allowed_special={ENDOFTEXT} if allow_endoftext else frozenset())
    return token_pieces(ids), ids


def tokens_html(pieces: list[str], ids: list[int], characters: int) -> str:
    """Coloured token boxes, each with its id underneath, and a line with the counts."""
    boxes = "".join(
        f'<span style="display:inline-block;margin:2px;padding:2px 4px;border:1px solid #333;border-radius:4px;'
        f'background:{_tint(OKABE_ITO[n % 7])};color:#000;font-family:monospace;text-align:center">'
        f'{html.escape(visible(piece))}<br><small>{token_id}</small></span>'
        for n, (piece, token_id) in enumerate(zip(pieces, ids)))
    summary = (f"<b>{len(ids)} tokens</b> for {characters} characters "
               f"({characters / len(ids):.2f} characters per token)")
    return f"<div>{summary}</div><div>{boxes}</div>"


class TokenizerPlayground(CourseWidget):
    """Type text, see its GPT-2 tokens and ids; `update(text=..., allow_endoftext=...)` redraws in place."""

    def __init__(self, text: str = DEFAULT_TEXT, allow_endoftext: bool = True) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}. Type the text you want to tokenize.")
        if not isinstance(allow_endoftext, bool):
            raise TypeError(f"allow_endoftext must be True or False, not {allow_endoftext!r}.")
        controls: dict[str, widgets.Widget] = {
            "text": widgets.Textarea(value=text, description="text", layout=widgets.Layout(width="95%")),
            "allow_endoftext": widgets.Checkbox(value=allow_endoftext, description=f"allow {ENDOFTEXT}"),
        }
        self.output = widgets.HTML()
        self._bind(controls)
        self.widget = widgets.VBox([*controls.values(), self.output])
        self.update()

    def _redraw(self, values: dict[str, Any]) -> None:
        try:
            pieces, ids = tokenize(values["text"], values["allow_endoftext"])
        except ValueError as error:
            self.output.value = f'<div style="color:#D55E00">{html.escape(str(error))}</div>'
            return
        self.output.value = tokens_html(pieces, ids, len(values["text"]))

    def draw(self, ax: Axes | None = None) -> Axes:
        """A static picture of the current state (for GitHub, nbval and printed copies)."""
        text = self.controls["text"].value
        pieces, ids = tokenize(text, self.controls["allow_endoftext"].value)
        return token_strip(pieces, ids, ax=ax, title=f"GPT-2 reads these {len(text)} characters as {len(ids)} tokens")

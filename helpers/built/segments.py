"""BERT-style sentence pairs: `[CLS] A [SEP] B [SEP]` with token_type_ids (0 for A, 1 for B), and their picture.

Lecture 5 writes the pair builder in the notebook; this is the reusable version later lectures import.
"""
from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes

from helpers.plotting import OKABE_ITO, token_strip

CLS, SEP = "[CLS]", "[SEP]"


def make_pair(tokens_a: Sequence[str | int], tokens_b: Sequence[str | int]
                       ) -> tuple[list[str | int], list[int]]:
    """`[CLS] A [SEP] B [SEP]` and its token_type_ids: 0 for [CLS], A and the first [SEP]; 1 for B and the last [SEP].

    A and B may be token strings or token ids; [CLS] and [SEP] are inserted as strings.
    """
    for name, tokens in (("tokens_a", tokens_a), ("tokens_b", tokens_b)):
        if isinstance(tokens, str):
            raise TypeError(f"{name} should be a list of tokens, not one string: split it first, e.g. "
                            f"{tokens[:20]!r}.split().")
    tokens = [CLS, *tokens_a, SEP, *tokens_b, SEP]
    token_type_ids = [0] * (len(tokens_a) + 2) + [1] * (len(tokens_b) + 1)
    return tokens, token_type_ids


def segment_strip(tokens: Sequence[str], token_type_ids: Sequence[int], *, title: str,
                  ax: Axes | None = None) -> Axes:
    """Draw tokens as boxes coloured by segment (blue A, orange B) with each token's segment id underneath."""
    ax = token_strip(tokens, token_type_ids, title=title, ax=ax)
    for box, segment in zip(ax.patches, token_type_ids):
        box.set_facecolor(OKABE_ITO[int(segment) % len(OKABE_ITO)])
    return ax

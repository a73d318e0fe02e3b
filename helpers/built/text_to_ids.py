"""GPT-2's text ↔ ids with checked inputs: clear errors for empty text, special tokens and bad ids.

The same calls as `tiktoken` (Lecture 1 uses both), but a learner's mistake is explained instead of
surfacing as a terse error from deep inside the library.
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Collection, Iterable
from typing import Literal

import torch

from helpers.tokenizer_files import ENDOFTEXT, gpt2

Special = Collection[str] | Literal["all"]


def _as_set(special: Special) -> set[str] | Literal["all"]:
    return special if special == "all" else set(special)


def encode(text: str, *, allowed_special: Special = frozenset(), disallowed_special: Special = "all") -> list[int]:
    """GPT-2 ids of `text`; the special-token options are tiktoken's own (any collection of names, or "all")."""
    if not isinstance(text, str):
        raise TypeError(f"encode needs a str, not {type(text).__name__}. To turn ids back into text, use decode.")
    if text == "":
        raise ValueError("The text is empty, so it has no tokens. Type at least one character.")
    try:
        return gpt2().encode(text, allowed_special=_as_set(allowed_special),
                                  disallowed_special=_as_set(disallowed_special))
    except ValueError as error:
        found = re.search(r"<\|[a-z_]+\|>", text)
        name = found.group(0) if found else ENDOFTEXT
        raise ValueError(
            f"The text contains {name!r}, which is GPT-2's special end-of-document token (id "
            f"{gpt2().n_vocab - 1}). tiktoken refuses it in ordinary text by default, so that text typed "
            f"by a user cannot end a document early. If you mean the special token, pass "
            f"allowed_special={{{name!r}}}; if it is just text, pass disallowed_special=() and it is split into "
            f"ordinary tokens.") from error


def _checked_ids(ids: Iterable[int] | torch.Tensor) -> list[int]:
    if isinstance(ids, torch.Tensor):
        if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
            raise TypeError(f"Token ids must be integers, not {ids.dtype}. Use ids.long() if they are whole numbers.")
        if ids.dim() > 1:
            raise ValueError(f"decode takes one sequence of ids, not shape {tuple(ids.shape)}; decode one row, e.g. ids[0].")
        ids = ids.reshape(-1).tolist()
    elif isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(f"decode needs a list of int ids, not {type(ids).__name__}. To get ids from text, use encode.")
    ids = list(ids)
    size = gpt2().n_vocab
    for position, token_id in enumerate(ids):
        if isinstance(token_id, bool) or not isinstance(token_id, numbers.Integral):
            raise TypeError(f"Token ids must be ints, but position {position} holds {token_id!r} "
                            f"({type(token_id).__name__}).")
        if not 0 <= token_id < size:
            raise ValueError(f"Id {token_id} at position {position} is outside GPT-2's vocabulary: ids run from 0 "
                             f"to {size - 1}. Check that the ids came from this tokenizer.")
    return [int(token_id) for token_id in ids]


def decode(ids: Iterable[int] | torch.Tensor) -> str:
    """The text of a sequence of GPT-2 ids (list or 1-D integer tensor), after checking every id."""
    return gpt2().decode(_checked_ids(ids))


def token_pieces(ids: Iterable[int] | torch.Tensor) -> list[str]:
    """Each id's own text; a piece of a multi-byte character (an emoji, say) shows as '�'."""
    return [gpt2().decode([token_id]) for token_id in _checked_ids(ids)]

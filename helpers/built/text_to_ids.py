"""GPT-2's text ↔ ids with checked inputs: clear errors for empty text, special tokens and bad ids.

The same calls as `tiktoken` (Lecture 1 uses both), but a learner's mistake is explained instead of
surfacing as a terse error from deep inside the library.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Literal

import torch

from helpers.tokenizer_files import ENDOFTEXT, gpt2
from helpers.validation import id_list

Special = Collection[str] | Literal["all"]
_LOOKS_SPECIAL = re.compile(r"<\|[^|<>\s]+\|>")  # text shaped like a special token, e.g. <|unk|>


def _special_set(special: object, name: str) -> set[str] | Literal["all"]:
    """tiktoken's special-token option as a set of GPT-2's special tokens (or "all"), refusing what it would misread."""
    if special == "all":
        return "all"
    if isinstance(special, (str, bytes)):
        raise TypeError(f"{name} must be a set of token names or 'all', not the string {special!r}: a string is read "
                        f"as a set of characters. Write {name}={{{special!r}}}.")
    if not isinstance(special, Iterable):
        raise TypeError(f"{name} must be a set of token names or 'all', not {type(special).__name__}.")
    names = set(special)
    unknown = sorted(str(n) for n in names - gpt2().special_tokens_set)
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a GPT-2 special token: GPT-2 has exactly one, {ENDOFTEXT!r} "
                         f"(id {gpt2().eot_token}). Any other text, {unknown[0]!r} included, is encoded as ordinary "
                         f"text without any option. Use {name}={{{ENDOFTEXT!r}}} or leave {name} out.")
    return names


def encode(text: str, *, allowed_special: Special = frozenset(), disallowed_special: Special = "all") -> list[int]:
    """GPT-2 ids of `text`; the special-token options are tiktoken's own (a set of token names, or "all")."""
    if not isinstance(text, str):
        raise TypeError(f"encode needs a str, not {type(text).__name__}. To turn ids back into text, use decode.")
    if text == "":
        raise ValueError("The text is empty, so it has no tokens. Type at least one character.")
    allowed = _special_set(allowed_special, "allowed_special")
    disallowed = _special_set(disallowed_special, "disallowed_special")
    try:
        return gpt2().encode(text, allowed_special=allowed, disallowed_special=disallowed)
    except ValueError as error:
        if "disallowed special token" not in str(error):
            raise
        found = [name for name in sorted(gpt2().special_tokens_set) if name in text]
        name = found[0] if found else ENDOFTEXT
        others = sorted(set(_LOOKS_SPECIAL.findall(text)) - gpt2().special_tokens_set)
        note = (f" ({', '.join(map(repr, others))} in your text {'is' if len(others) == 1 else 'are'} not a GPT-2 "
                "special token, so tiktoken reads it as ordinary text either way.)" if others else "")
        raise ValueError(
            f"The text contains {name!r}, GPT-2's special end-of-document token "
            f"(id {gpt2().encode_single_token(name)}). "
            f"tiktoken refuses it in ordinary text by default, so that text typed by a user cannot end a document "
            f"early. If you mean the special token, pass allowed_special={{{name!r}}}; if it is just text, pass "
            f"disallowed_special=() and it is split into ordinary tokens.{note}") from error


def _checked_ids(ids: Iterable[int] | torch.Tensor) -> list[int]:
    ids = id_list(ids, "decode")
    size = gpt2().n_vocab
    for position, token_id in enumerate(ids):
        if not 0 <= token_id < size:
            raise ValueError(f"Id {token_id} at position {position} is outside GPT-2's vocabulary: ids run from 0 "
                             f"to {size - 1}. Check that the ids came from this tokenizer.")
    return ids


def decode(ids: Iterable[int] | torch.Tensor) -> str:
    """The text of a sequence of GPT-2 ids (list, numpy array or 1-D integer tensor), after checking every id."""
    return gpt2().decode(_checked_ids(ids))


def token_pieces(ids: Iterable[int] | torch.Tensor) -> list[str]:
    """Each id's own text; a piece of a multi-byte character (an emoji, say) shows as '�'."""
    return [gpt2().decode([token_id]) for token_id in _checked_ids(ids)]

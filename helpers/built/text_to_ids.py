"""GPT-2's text ↔ ids with checked inputs: clear errors for empty text, special tokens and bad ids.

The same calls as `tiktoken` (Lecture 1 uses both), but a learner's mistake is explained instead of
surfacing as a terse error from deep inside the library. Input checks live in helpers/validation/tokenizers.py;
tiktoken's refusal of a special token in ordinary text is its behaviour, so it stays here, explained.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Literal

import torch

from helpers import validation
from helpers.tokenizer_files import ENDOFTEXT, gpt2

Special = Collection[str] | Literal["all"]
_LOOKS_SPECIAL = re.compile(r"<\|[^|<>\s]+\|>")  # text shaped like a special token, e.g. <|unk|>


def encode(text: str, *, allowed_special: Special = frozenset(), disallowed_special: Special = "all") -> list[int]:
    """GPT-2 ids of `text`; the special-token options are tiktoken's own (a set of token names, or "all")."""
    allowed, disallowed = validation.gpt2_encode_arguments(text, allowed_special, disallowed_special, gpt2())
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


def decode(ids: Iterable[int] | torch.Tensor) -> str:
    """The text of a sequence of GPT-2 ids (list, numpy array or 1-D integer tensor), after checking every id."""
    return gpt2().decode(validation.gpt2_ids(ids, gpt2().n_vocab))


def token_pieces(ids: Iterable[int] | torch.Tensor) -> list[str]:
    """Each id's own text; a piece of a multi-byte character (an emoji, say) shows as '�'."""
    return [gpt2().decode([token_id]) for token_id in validation.gpt2_ids(ids, gpt2().n_vocab)]

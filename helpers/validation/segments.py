"""The checks of BERT-style sentence pairs (helpers/built/segments.py): the token lists of texts A and B."""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch


def token_list(tokens: object, name: str, added: Sequence[str]) -> list[str | int]:
    """A text's tokens (all strings or all whole-number ids) as a list; `added` are special tokens the caller adds
    itself, so they may not appear in the text."""
    if isinstance(tokens, str):
        raise TypeError(f"{name} should be a list of tokens, not one string: split it first, e.g. "
                        f"{tokens[:20]!r}.split().")
    if isinstance(tokens, torch.Tensor):
        raise TypeError(f"{name} should be a list of tokens or ids, not a tensor: pass {name}.tolist().")
    if tokens is None or not isinstance(tokens, Sequence):
        raise TypeError(f"{name} should be a list of tokens (strings such as 'cat') or ids, not "
                        f"{type(tokens).__name__} {tokens!r}. Use [] for an empty text.")
    kinds = {isinstance(t, str) for t in tokens if not isinstance(t, bool)}
    odd = [t for t in tokens if isinstance(t, bool) or not isinstance(t, (str, numbers.Integral))]
    if odd:
        raise TypeError(f"{name} holds {odd[0]!r} ({type(odd[0]).__name__}); every token must be a string such as "
                        f"'cat' or a whole-number id such as 2368. Tokenize the text first.")
    if len(kinds) > 1:
        raise TypeError(f"{name} mixes token strings and ids: give all strings or all ids.")
    special = [t for t in tokens if t in added]
    if special:
        raise ValueError(f"{name} already holds {special[0]}: make_pair adds {' and '.join(added)} itself. "
                         f"Pass only the text's own tokens.")
    return [int(t) if isinstance(t, numbers.Integral) else t for t in tokens]


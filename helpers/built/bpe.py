"""Byte-pair encoding as Lecture 1 builds it: learn merges from words, apply them by rank (GPT-2's rule).

The reusable versions of the lecture's code; Exercise 1.5's checker compares the learner's `merge_by_rank_mine`
with `merge_by_rank`, and tests check both against tiktoken's GPT-2 on real words.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

Pair = tuple[str, str]


def merge(symbols: Sequence[str], pair: Pair) -> tuple[str, ...]:
    """Replace every occurrence of `pair` (left to right, not overlapping) by the joined symbol."""
    out, i = [], 0
    while i < len(symbols):
        if tuple(symbols[i:i + 2]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def merge_by_rank(word: str | Sequence[str], ranks: Mapping[Pair, int]) -> list[str]:
    """GPT-2's BPE for one word: merge the lowest-ranked adjacent pair (every occurrence), until no pair has a rank."""
    symbols = tuple(word)
    while len(symbols) > 1:
        best = min(zip(symbols, symbols[1:]), key=lambda pair: ranks.get(pair, math.inf))
        if best not in ranks:
            break
        symbols = merge(symbols, best)
    return list(symbols)


def learn_merges(words: Sequence[str], steps: int) -> dict[Pair, int]:
    """Ranks learned by BPE from a list of words (Lecture 1's loop): the most frequent adjacent pair, `steps` times."""
    counts = Counter(tuple(w) for w in words)
    ranks: dict[Pair, int] = {}
    for rank in range(steps):
        pairs = Counter()
        for symbols, n in counts.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += n
        if not pairs:
            break
        best = pairs.most_common(1)[0][0]
        ranks[best] = rank
        counts = Counter({merge(s, best): n for s, n in counts.items()})
    return ranks

"""Checkers for Lecture 1's exercises (GPT-2's tokens, its special token, sliding windows, merges by rank)."""
from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import torch

from helpers.built.bpe import Pair, learn_merges, merge, merge_by_rank
from helpers.built.text_to_ids import ENDOFTEXT, encode, token_pieces
from helpers.built.windows import sliding_windows
from helpers.corpus import load_corpus
from helpers.exercises.checking import Case, check_function, exercise, expect, expect_type, prediction
from helpers.tokenizer_files import GPT2_DIR

prediction("1.p", ["A", "B", "C", "D"])  # how many times more GPT-2 tokens the Hindi sentence takes than the English


@exercise("1.1")
def _pieces_of_a_name(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    expect(all(isinstance(piece, str) for piece in answer),
           "Give the tokens as strings: decode each id on its own, enc.decode([i]).")
    expected = token_pieces(encode(" Quillon"))
    expect(list(answer) != token_pieces(encode("Quillon")), "Keep the leading space: encode ' Quillon', not 'Quillon'.")
    expect("".join(answer) == " Quillon", "Joined together, the pieces should give back ' Quillon' exactly.")
    expect(list(answer) == expected, "Those pieces spell the name, but they are not GPT-2's split. Use enc.encode.")


@exercise("1.2")
def _special_token_allowed(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    text = "Chapter 1<|endoftext|>Chapter 2"
    expect(all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in answer),
           "Give the ids as a list of ints, as enc.encode returns them.")
    answer = [int(i) for i in answer]
    expect(answer != encode(text, disallowed_special=()),
           f"You encoded {ENDOFTEXT} as ordinary text (several pieces). Allow the special token instead.")
    expect(answer == encode(text, allowed_special={ENDOFTEXT}),
           f"Encode the whole string with allowed_special={{'{ENDOFTEXT}'}}; it should contain 50256 once.")


@exercise("1.3")
def _number_of_windows(answer: Any) -> None:
    expect_type(answer, int, "The number of windows")
    ids = torch.tensor(encode(load_corpus()))
    expected = sliding_windows(ids, 64, 32)[0].shape[0]
    expect(answer != expected + 1, "One too many: the last window also needs the id after it as a target.")
    expect(answer != len(ids) // 64, "Windows overlap here: a new one starts every 32 ids, not every 64.")
    expect(answer == expected, "Count the start positions 0, 32, 64, ... that leave room for 64 inputs and one "
                               "target after them.")


# ---- Exercise 1.4: sliding windows (build it) -------------------------------------------------------------------

def _windows_by_starts(ids: torch.Tensor, context_length: int, starts: range,
                       target: Callable[[int], torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return (torch.stack([ids[s:s + context_length] for s in starts]), torch.stack([target(s) for s in starts]))


def _targets_not_shifted(ids, context_length, stride):
    inputs, _ = sliding_windows(ids, context_length, stride)
    return inputs, inputs


def _one_window_too_few(ids, context_length, stride):
    return _windows_by_starts(ids, context_length, range(0, len(ids) - context_length - 1, stride),
                              lambda s: ids[s + 1:s + context_length + 1])


def _one_window_too_many(ids, context_length, stride):
    return ids.unfold(0, context_length, stride), ids[1:].unfold(0, context_length, stride)


def _only_the_next_token(ids, context_length, stride):
    return _windows_by_starts(ids, context_length, range(0, len(ids) - context_length, stride),
                              lambda s: ids[s + context_length])


def _stride_ignored(ids, context_length, stride):
    return sliding_windows(ids, context_length, context_length)


WINDOW_MISTAKES = {
    "The targets are the inputs shifted one position to the right: targets[k, t] is the token that follows "
    "inputs[k, t] in the text.": _targets_not_shifted,
    "You made one window too few: a window fits as long as one id follows its inputs, so the last window's "
    "targets may end on the text's last id.": _one_window_too_few,
    "The last window needs one id after it for its last target: windows of the inputs may not reach the "
    "text's last id.": _one_window_too_many,
    "The targets are a whole window too, (num_windows, context_length): one next token for every input "
    "position, not only for the last one.": _only_the_next_token,
    "A new window starts every `stride` ids, not every `context_length` ids.": _stride_ignored,
}


def window_cases(random_cases: int = 12) -> list[Case]:
    """Fixed inputs, edge cases (one window exactly, stride longer than a window or than the text) and random ones."""
    ids = torch.arange(100, 120)

    def fixed(length: int, context_length: int, stride: int, what: str = "") -> Case:
        return Case((ids[:length], context_length, stride),
                    label=f"{what}ids = torch.arange(100, {100 + length}), context_length={context_length}, "
                          f"stride={stride}")

    cat = torch.tensor(encode("the cat sat on the mat."))
    cases = [fixed(10, 3, 1), fixed(10, 3, 3), fixed(12, 4, 2),
             fixed(5, 4, 1, "a text exactly context_length + 1 ids long: "),
             fixed(20, 3, 5, "a stride longer than a window: "), fixed(8, 2, 50, "a stride longer than the text: "),
             fixed(6, 1, 1, "windows of one id: "),
             Case((cat, 3, 2), label="ids = the GPT-2 ids of 'the cat sat on the mat.', context_length=3, stride=2")]
    generator = torch.Generator().manual_seed(1)
    for _ in range(random_cases):
        length = int(torch.randint(5, 41, (1,), generator=generator))
        context_length = int(torch.randint(1, min(8, length - 1) + 1, (1,), generator=generator))
        stride = int(torch.randint(1, 11, (1,), generator=generator))
        random_ids = torch.randint(0, 50257, (length,), generator=generator)
        cases.append(Case((random_ids, context_length, stride),
                          label=f"random ids of length {length} (torch.Generator seed 1), "
                                f"context_length={context_length}, stride={stride}"))
    return cases


@exercise("1.4")
def _sliding_windows_mine(answer: Any) -> None:
    check_function(answer, sliding_windows, window_cases(), "sliding_windows_mine", mistakes=WINDOW_MISTAKES)


# ---- Exercise 1.5: apply BPE merges by rank (build it; the reference is helpers.built.bpe.merge_by_rank) ------

def _in_order_of_appearance(word, ranks):
    symbols = tuple(word)
    while (ranked := [pair for pair in zip(symbols, symbols[1:]) if pair in ranks]):
        symbols = merge(symbols, ranked[0])
    return list(symbols)


def _highest_rank_first(word, ranks):
    symbols = tuple(word)
    while (ranked := [pair for pair in zip(symbols, symbols[1:]) if pair in ranks]):
        symbols = merge(symbols, max(ranked, key=ranks.get))
    return list(symbols)


def _first_occurrence_only(word, ranks):
    symbols = list(word)
    for pair in sorted(ranks, key=ranks.get):
        for i in range(len(symbols) - 1):
            if (symbols[i], symbols[i + 1]) == pair:
                symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
                break
    return symbols


def _one_merge_only(word, ranks):
    symbols = tuple(word)
    ranked = [pair for pair in zip(symbols, symbols[1:]) if pair in ranks]
    return list(merge(symbols, min(ranked, key=ranks.get)) if ranked else symbols)


MERGE_MISTAKES = {
    "You merged pairs in the order they appear in the word. Rank decides: among the adjacent pairs, merge the "
    "one with the lowest rank first, wherever it is.": _in_order_of_appearance,
    "Rank 0 is the first merge learned and goes first: pick the LOWEST rank, not the highest.": _highest_rank_first,
    "Merge every occurrence of the chosen pair, then look at the new pairs again: with the merge ('a', 'a') the "
    "word 'aaaa' becomes ['aa', 'aa'].": _first_occurrence_only,
    "Keep merging until no adjacent pair has a rank; one merge is not the end.": _one_merge_only,
}


@functools.cache
def gpt2_ranks() -> dict[Pair, int]:
    """GPT-2's 50,000 merges from data/gpt2/vocab.bpe as {(left, right): rank}, rank = line number (0 first)."""
    lines = (GPT2_DIR / "vocab.bpe").read_text(encoding="utf-8").splitlines()[1:]
    return {tuple(line.split()): rank for rank, line in enumerate(line for line in lines if line)}


def ranks_for(word: str) -> dict[Pair, int]:
    """The GPT-2 merges that can ever apply inside `word` (both halves joined occur in it): small, same result."""
    return {pair: rank for joined, pair, rank in _joined_ranks() if joined in word}


@functools.cache
def _joined_ranks() -> list[tuple[str, Pair, int]]:
    return [(a + b, (a, b), rank) for (a, b), rank in gpt2_ranks().items()]


TOY_RANKS = {("e", "s"): 0, ("es", "t"): 1, ("l", "o"): 2, ("lo", "w"): 3, ("n", "e"): 4, ("ne", "w"): 5}
GPT2_WORDS = ("Ġlowest", "ĠBrindlemoor", "Ġsaxophone", "Ġunbelievable", "Hello", "ĠTokenization")


def merge_cases(random_cases: int = 12) -> Iterator[Case]:
    """Small designed cases (each typical mistake fails one), the toy merges, real GPT-2 words, edges, random words.

    A generator: the slower cases (GPT-2's ranks) are only built once the learner's function passed the first ones.
    """
    yield from [Case(("abc", {("a", "b"): 0, ("b", "c"): 1})), Case(("abc", {("b", "c"): 0, ("a", "b"): 1})),
             Case(("aaaa", {("a", "a"): 0})), Case(("abc", {("a", "b"): 0, ("ab", "c"): 1})),
             Case(("a", {("a", "b"): 0}), label="a one-letter word: merge_by_rank_mine('a', {('a', 'b'): 0})"),
             Case(("abc", {}), label="no merges at all: merge_by_rank_mine('abc', {})"),
             *(Case((word, TOY_RANKS), label=f"merge_by_rank_mine({word!r}, the 6 toy merges of section 3)")
               for word in ("lowest", "newer", "widest"))]
    for word in GPT2_WORDS:
        yield Case((word, ranks_for(word)), label=f"merge_by_rank_mine({word!r}, GPT-2's ranks)")
    generator = torch.Generator().manual_seed(2)
    alphabet = "abcd"

    def random_word(longest: int) -> str:
        length = int(torch.randint(1, longest + 1, (1,), generator=generator))
        return "".join(alphabet[int(i)] for i in torch.randint(0, len(alphabet), (length,), generator=generator))

    ranks = learn_merges([random_word(6) for _ in range(40)], steps=10)
    described = ", ".join(f"{a}+{b}" for a, b in ranks)
    for _ in range(random_cases):
        word = random_word(10)
        yield Case((word, ranks), label=f"merge_by_rank_mine({word!r}, ranks learned from random words: {described})")


@exercise("1.5")
def _merge_by_rank_mine(answer: Any) -> None:
    def as_list(word: str, ranks: Mapping[Pair, int]) -> Any:
        result = answer(word, ranks)
        return list(result) if isinstance(result, tuple) else result  # a tuple of symbols is fine too
    as_list.__name__ = getattr(answer, "__name__", "your function")
    expect(callable(answer), "Pass your function itself (merge_by_rank_mine, without parentheses).")
    check_function(as_list, merge_by_rank, merge_cases(), "merge_by_rank_mine", mistakes=MERGE_MISTAKES)

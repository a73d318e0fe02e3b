"""Checkers for Lecture 1's exercises (GPT-2's tokens, its special token, windows, GPT-2's decoder, batching)."""
from __future__ import annotations

import copy
import functools
import json
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from helpers.built.text_to_ids import ENDOFTEXT, encode, token_pieces
from helpers.built.windows import WindowDataset, sliding_windows
from helpers.corpus import load_corpus
from helpers.exercises.checking import (
    LEARNER_CRASHES,
    Case,
    Hint,
    check_function,
    difference,
    exercise,
    expect,
    expect_type,
    learner_crash,
    prediction,
    runaway_guard,
)
from helpers.tokenizer_files import GPT2_DIR, gpt2

prediction("1.p", ["A", "B", "C", "D"])  # how many times more GPT-2 tokens the Hindi sentence takes than the English


@exercise("1.1")
def _pieces_of_a_name(answer: Any) -> None:
    expect_type(answer, (list, tuple), "Your answer")
    expect(all(isinstance(piece, str) for piece in answer),
           "Give the tokens as strings: decode each id on its own, enc.decode([i]).")
    expected = token_pieces(encode(" Quillon"))
    expect(list(answer) != token_pieces(encode("Quillon")), "Keep the leading space: encode ' Quillon', not 'Quillon'.")
    expect(not any("Ġ" in piece for piece in answer),
           "Write the space as a space ' ', not as 'Ġ' (that is how the vocabulary file spells it): enc.decode([i]).")
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
           f"Not GPT-2's ids for this text yet. Encode the whole string at once (both chapters) with enc; by default "
           f"enc refuses {ENDOFTEXT}, and section 4 shows how to say that you mean the special token. The ids "
           "should contain 50256 exactly once.")


@exercise("1.3")
def _number_of_windows(answer: Any) -> None:
    expect_type(answer, int, "The number of windows")
    ids = torch.tensor(encode(load_corpus()))
    # 16 and 5 make the usual slip, forgetting that the last window needs one more id as its target, give a
    # different count (len(ids) - 16 is a multiple of 5); with 64 and 32 both formulas gave 339.
    expected = sliding_windows(ids, 16, 5)[0].shape[0]
    expect(answer != expected + 1, "One too many: the last window also needs the id after it as a target.")
    expect(answer != len(ids) // 16, "Windows overlap here: a new one starts every 5 ids, not every 16.")
    expect(answer == expected, "Count the start positions 0, 5, 10, ... that leave room for 16 inputs and one "
                               "target after them.")


# ---- Shared by the build-its: the learner's input must come back unchanged, and crashes get their own hints ------

def _unchanged(before: Any, after: Any) -> bool:
    """True if two snapshots of the arguments hold the same values (lists, tensors, window datasets)."""
    if isinstance(before, torch.Tensor):
        return isinstance(after, torch.Tensor) and before.shape == after.shape and torch.equal(before, after)
    if isinstance(before, (list, tuple)):
        return type(before) is type(after) and len(before) == len(after) and all(map(_unchanged, before, after))
    if isinstance(before, WindowDataset):
        return _unchanged((before.inputs, before.targets), (after.inputs, after.targets))
    return before == after


def _screen(learner: Callable[..., Any], case: Case, where: str,
            crash_hints: Mapping[type[BaseException], str] = {}) -> None:
    """Run the learner once on a fresh copy of the case: a hint if it changes its input or crashes."""
    args = copy.deepcopy(case.args)
    snapshot = copy.deepcopy(args)
    try:
        with runaway_guard(where):
            learner(*args, **copy.deepcopy(case.kwargs))
    except Hint:
        raise
    except LEARNER_CRASHES as error:
        for kind, hint in crash_hints.items():
            if isinstance(error, kind):
                raise Hint(f"For {where} your function raised {type(error).__name__}: {error}. {hint}") from None
        raise learner_crash(error, f"For {where} your function raised") from None
    expect(_unchanged(snapshot, args), f"For {where}: your function changed its input. The caller still needs it: "
                                       "build a new result instead of changing what you were given.")


# ---- Exercise 1.4: GPT-2's decoder (build it) -------------------------------------------------------------------

@functools.cache
def _token_bytes() -> tuple[bytes, ...]:
    """Every GPT-2 token's bytes, by id (from tiktoken's GPT-2 encoding, which Lecture 1 checks against the files)."""
    enc = gpt2()
    return tuple(enc.decode_single_token_bytes(i) for i in range(enc.n_vocab))


@functools.cache
def _id_to_token() -> dict[int, str]:
    """GPT-2's tokens as written in encoder.json (bytes as GPT-2's stand-in characters, Ġ for the space), by id."""
    encoder = json.loads((GPT2_DIR / "encoder.json").read_text(encoding="utf-8"))
    return {i: token for token, i in encoder.items()}


def gpt2_decode(ids: Sequence[int]) -> str:
    """GPT-2's decoder: the bytes of all tokens joined, decoded as UTF-8 with U+FFFD for an incomplete character."""
    table = _token_bytes()
    for i in ids:
        if not 0 <= i < len(table):
            raise ValueError(f"id {i} is not in GPT-2's vocabulary (0 to {len(table) - 1})")
    return b"".join(table[i] for i in ids).decode("utf-8", errors="replace")


DECODE_MISTAKES = {
    "Your text still holds GPT-2's stand-in characters (Ġ for a space, Ċ for a newline): turn every character of "
    "a token back into its byte with the inverse of byte_to_char, then decode the bytes.":
        lambda ids: "".join(_id_to_token()[i] for i in ids),
    "Decode the bytes of all the tokens together, not token by token: one character can be split across tokens "
    "(🎻 is three tokens), and each part alone is not a character.":
        lambda ids: "".join(_token_bytes()[i].decode("utf-8", errors="replace") for i in ids),
    "The incomplete character vanished: it must show as � (U+FFFD), as enc.decode shows it.":
        lambda ids: b"".join(_token_bytes()[i] for i in ids).decode("utf-8", errors="ignore"),
    "Each byte became a character of its own: in UTF-8 a character takes 1 to 4 bytes (é is 2, 🎻 is 4), so "
    "decode the bytes together as UTF-8.":
        lambda ids: b"".join(_token_bytes()[i] for i in ids).decode("latin-1"),
    "Return the text (a str): the bytes still need decoding as UTF-8.":
        lambda ids: b"".join(_token_bytes()[i] for i in ids),
}

DECODE_TEXTS = ("I love LLMs", " Brindlemoor's orchestra\n\n\tplays  on.", "Émile's café: 3 naïve 🎻s!",
                "Кошка, 猫, बिल्ली.", "🎻", f"Chapter 1{ENDOFTEXT}Chapter 2", "\x00\x07 and a\r\nnew line")


def decode_cases(random_cases: int = 12) -> list[Case]:
    """Texts in several scripts, the empty list, emoji cut between their tokens, and seeded random id lists."""
    def ids_of(text: str) -> list[int]:
        return encode(text, allowed_special={ENDOFTEXT})

    cases = [Case((ids_of(DECODE_TEXTS[0]),), label=f"the ids of {DECODE_TEXTS[0]!r}"),
             Case(([],), label="the empty list: gpt2_decode_mine([])"),
             *(Case((ids_of(text),), label=f"the ids of {text!r}") for text in DECODE_TEXTS[1:])]
    violin, two = ids_of("violin 🎻"), ids_of("🎻🎻")
    cases += [Case((violin[:-1],), label="the ids of 'violin 🎻' without the last (🎻 cut after 2 of its 3 tokens)"),
              Case((violin[:-2],), label="the ids of 'violin 🎻' without the last 2 (🎻 cut after 1 of its 3 tokens)"),
              Case((two[:2] + two[3:],), label="the ids of '🎻🎻' without the third (a cut emoji, then a whole one)")]
    generator = torch.Generator().manual_seed(4)
    for _ in range(random_cases):
        length = int(torch.randint(1, 9, (1,), generator=generator))
        ids = torch.randint(0, len(_token_bytes()), (length,), generator=generator).tolist()
        cases.append(Case((ids,), label=f"gpt2_decode_mine({ids}) (random ids)"))
    return cases


BAD_IDS = ([50257], [-1], [40, 1842, 100_000])


@exercise("1.4")
def _gpt2_decode_mine(answer: Any) -> None:
    expect(callable(answer), "Pass your function itself (gpt2_decode_mine, without parentheses).")
    crash = {UnicodeDecodeError: "These bytes end in the middle of a character (an emoji cut between its tokens), "
                                 "and decoding must not fail there: the statement says what stands in for an "
                                 "incomplete character."}
    for case in decode_cases():
        where = case.describe("gpt2_decode_mine")
        _screen(answer, case, where, crash)
        check_function(answer, gpt2_decode, [case], "gpt2_decode_mine", mistakes=DECODE_MISTAKES)
    for ids in BAD_IDS:
        bad = next(i for i in ids if not 0 <= i < len(_token_bytes()))
        where = f"For gpt2_decode_mine({ids})"
        advice = f"id {bad} is not in GPT-2's vocabulary (0 to 50,256): raise a ValueError that names it."
        try:
            with runaway_guard(f"gpt2_decode_mine({ids})"):
                got = answer(list(ids))
        except Hint:
            raise
        except ValueError as error:
            if str(bad) in str(error) or f"{bad:,}" in str(error):
                continue
            raise Hint(f"{where} your function raised ValueError: {error}. Right error, but the statement asks it to "
                       f"name the id: put {bad} in the message, so the caller knows which id to fix.") from None
        except LEARNER_CRASHES as error:
            if isinstance(error, NotImplementedError):
                raise learner_crash(error, where) from None
            raise Hint(f"{where} your function raised {type(error).__name__}: {error}. {advice}") from None
        negative = " A negative index counts from the end of a list, so -1 silently picks a real token." * (bad < 0)
        raise Hint(f"{where} your function returned {got!r}, but {advice}{negative}")


# ---- Exercise 1.5: batches as a DataLoader makes them (build it) ----------------------------------------------

def batches(dataset: Dataset, batch_size: int, drop_last: bool = False) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """PyTorch's own batches: DataLoader(dataset, batch_size, drop_last), in order, as (inputs, targets) pairs."""
    return [tuple(batch) for batch in DataLoader(dataset, batch_size=batch_size, drop_last=drop_last)]


def _batch_difference(got: Any, expected: list) -> str | None:
    """None if `got` holds the expected batches; else how the first differing batch differs."""
    if isinstance(got, (torch.Tensor, str, bytes, Mapping)) or not isinstance(got, Iterable):
        return (f"expected a list of {len(expected)} (inputs, targets) pairs, but your function returned a "
                f"{type(got).__name__}")
    got = list(got)
    if len(got) != len(expected):
        return f"expected {len(expected)} batches, but your function returned {len(got)}"
    for k, (mine, theirs) in enumerate(zip(got, expected)):
        if not isinstance(mine, (tuple, list)) or len(mine) != 2:
            return f"batch {k} should be a pair (inputs, targets), but it is a {type(mine).__name__}"
        for part, a, b in zip(("inputs", "targets"), mine, theirs):
            problem = difference(a, b, atol=0)
            if problem is not None:
                return f"batch {k}'s {part}: {problem}"
    return None


def _stacked_seq_first(dataset, batch_size, drop_last=False):
    return [(x.T, y.T) for x, y in batches(dataset, batch_size, drop_last)]


BATCH_MISTAKES = {
    "Batch first: stack the examples along a new FIRST dimension, so a batch is (batch, seq_len); stacking along "
    "dim=1 gives (seq_len, batch).": _stacked_seq_first,
    "Keep the last, smaller batch unless drop_last=True (the DataLoader keeps it by default).":
        lambda dataset, batch_size, drop_last=False: batches(dataset, batch_size, drop_last=True),
    "With drop_last=True, a last batch smaller than batch_size is left out.":
        lambda dataset, batch_size, drop_last=False: batches(dataset, batch_size, drop_last=False),
    "Stack each batch's examples into one tensor (torch.stack), one for the inputs and one for the targets.":
        lambda dataset, batch_size, drop_last=False: [
            ([x for x in inputs], [y for y in targets]) for inputs, targets in batches(dataset, batch_size, drop_last)],
    "Batches do not overlap: batch j holds examples j * batch_size to (j + 1) * batch_size - 1.":
        lambda dataset, batch_size, drop_last=False: [
            (torch.stack([dataset[k][0] for k in range(s, s + batch_size)]),
             torch.stack([dataset[k][1] for k in range(s, s + batch_size)]))
            for s in range(len(dataset) - batch_size + 1)],
}


def batch_cases(random_cases: int = 8) -> list[Case]:
    """Window datasets of several sizes with batch sizes that divide them, do not, are 1, or exceed the dataset."""
    def case(ids: torch.Tensor, what: str, context_length: int, stride: int, batch_size: int,
             drop_last: bool | None = None) -> Case:
        dataset = WindowDataset(ids, context_length, stride)
        kwargs = {} if drop_last is None else {"drop_last": drop_last}
        shown = "" if drop_last is None else f", drop_last={drop_last}"
        return Case((dataset, batch_size), kwargs, label=f"WindowDataset({what}, context_length={context_length}, "
                    f"stride={stride}) ({len(dataset)} windows), batch_size={batch_size}{shown}")

    ids, what = torch.arange(100, 130), "torch.arange(100, 130)"
    cat = torch.tensor(encode("the cat sat on the mat. on the mat the cat sat."))
    cases = [case(ids, what, 4, 4, 3), case(ids, what, 4, 4, 3, drop_last=True), case(ids, what, 4, 4, 1),
             case(ids, what, 4, 4, 7, drop_last=False), case(ids, what, 4, 4, 10),
             case(ids, what, 4, 4, 10, drop_last=True), case(ids, what, 3, 1, 8, drop_last=True),
             case(cat, "the GPT-2 ids of 'the cat sat on the mat. on the mat the cat sat.'", 6, 3, 2)]
    generator = torch.Generator().manual_seed(5)
    for _ in range(random_cases):
        def draw(low: int, high: int) -> int:
            return int(torch.randint(low, high + 1, (1,), generator=generator))
        length, context_length = draw(6, 40), draw(1, 5)
        random_ids = torch.randint(0, 50257, (length,), generator=generator)
        cases.append(case(random_ids, f"{length} random ids (torch.Generator seed 5)", context_length,
                          draw(1, 6), draw(1, 6), drop_last=bool(draw(0, 1))))
    return cases


@exercise("1.5")
def _batches_mine(answer: Any) -> None:
    expect(callable(answer), "Pass your function itself (batches_mine, without parentheses).")
    for case in batch_cases():
        where = case.describe("batches_mine")
        _screen(answer, case, where)
        with runaway_guard(where):
            got = answer(*copy.deepcopy(case.args), **case.kwargs)
        problem = _batch_difference(got, batches(*case.args, **case.kwargs))
        if problem is None:
            continue
        for hint, wrong in BATCH_MISTAKES.items():
            if _batch_difference(got, wrong(*case.args, **case.kwargs)) is None:
                raise Hint(f"For {where}: {problem}. {hint}")
        raise Hint(f"For {where}: {problem}.")

"""Checkers for Lecture 5's exercises (segment embeddings): two short answers, two build-it functions (5.3 one pair
as tensors, 5.4 padding a batch of pairs) and one prediction (5.p: the token type of a [PAD])."""
from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

from helpers.built.segments import make_pair, pad_pairs
from helpers.exercises.checking import (
    LEARNER_CRASHES,
    Case,
    Hint,
    check_function,
    exercise,
    expect,
    expect_real_tensor,
    expect_tensor,
    expect_type,
    learner_crash,
    prediction,
)

QUESTION = ["where", "does", "pim", "sleep", "?"]
PASSAGE = ["pim", "sleeps", "by", "the", "stove", "."]


@exercise("5.1")
def _token_type_ids(answer: Any) -> None:
    if isinstance(answer, torch.Tensor) and answer.dim() in (1, 2):
        answer = answer.tolist()                 # a 1-D tensor of ids counts like a list (numpy: see check)
    expect_type(answer, (list, tuple), "Your answer")
    expect(not (len(answer) == 1 and isinstance(answer[0], (list, tuple))),
           "You gave a batch of one pair (a list inside a list, shape (1, seq_len)): the question asks for the "
           "token_type_ids of the pair itself, one flat list with one id per token.")
    tokens, expected = make_pair(QUESTION, PASSAGE)
    expect(all(isinstance(i, int) and not isinstance(i, bool) for i in answer),
           "Give whole numbers (int), not True/False and not floats: 0 for sentence A, 1 for sentence B.")
    expect(len(answer) == len(tokens), f"Give one id per token of [CLS] A [SEP] B [SEP], special tokens included: "
                                       f"you gave {len(answer)}.")
    expect(answer[0] == 0, "[CLS] opens the input and belongs to sentence A.")
    expect(answer[len(QUESTION) + 1] == 0, "The first [SEP] closes sentence A, so it gets A's id.")
    expect(answer[-1] == 1, "The last [SEP] closes sentence B.")
    expect(list(answer) == expected, "Every token of the question is in A, every token of the passage in B.")


def _exercise_5_2_tables() -> tuple[torch.Tensor, ...]:
    """The tiny tables and ids that Exercise 5.2 gives in the notebook."""
    token_table = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    position_table = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    segment_table = torch.tensor([[0.0, 0.0], [100.0, 100.0]])
    ids = torch.tensor([[3, 1, 2]])
    segment_ids = torch.tensor([[0, 0, 1]])
    return token_table, position_table, segment_table, ids, segment_ids


@exercise("5.2")
def _sum_of_three(answer: Any) -> None:
    token_table, position_table, segment_table, ids, segment_ids = _exercise_5_2_tables()
    positions = torch.arange(ids.shape[1])
    expected = token_table[ids] + position_table[positions] + segment_table[segment_ids]
    expect_real_tensor(answer, "Your answer")
    expect(answer.dim() == 3, f"Keep the batch dimension: the result is (batch, seq_len, d_model), "
                              f"yours has shape {tuple(answer.shape)}.")
    no_segments = token_table[ids] + position_table[positions]
    expect(not torch.allclose(answer.detach().cpu().float(), no_segments), "You left out the segment vectors.")
    expect_tensor(answer, expected, "Your input embedding")


# --- Build-it 5.3: one BERT pair as tensors -------------------------------------------------------------------

def encode_pair(ids_a: list[int], ids_b: list[int], cls_id: int = 101, sep_id: int = 102
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Reference for 5.3: input_ids, token_type_ids and position_ids of `[CLS] A [SEP] B [SEP]` (1-D, int64)."""
    input_ids = [cls_id, *ids_a, sep_id, *ids_b, sep_id]
    token_type_ids = [0] * (len(ids_a) + 2) + [1] * (len(ids_b) + 1)
    position_ids = list(range(len(input_ids)))
    return (torch.tensor(input_ids, dtype=torch.long), torch.tensor(token_type_ids, dtype=torch.long),
            torch.tensor(position_ids, dtype=torch.long))


def _as_tensors(input_ids: list[int], token_type_ids: list[int], position_ids: list[int]) -> tuple[torch.Tensor, ...]:
    return tuple(torch.tensor(values, dtype=torch.long) for values in (input_ids, token_type_ids, position_ids))


def _first_sep_typed_1(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [cls_id, *ids_a, sep_id, *ids_b, sep_id]
    return _as_tensors(ids, [0] * (len(ids_a) + 1) + [1] * (len(ids_b) + 2), list(range(len(ids))))


def _no_final_sep(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [cls_id, *ids_a, sep_id, *ids_b]
    return _as_tensors(ids, [0] * (len(ids_a) + 2) + [1] * len(ids_b), list(range(len(ids))))


def _no_cls(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [*ids_a, sep_id, *ids_b, sep_id]
    return _as_tensors(ids, [0] * (len(ids_a) + 1) + [1] * (len(ids_b) + 1), list(range(len(ids))))


def _types_swapped(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [cls_id, *ids_a, sep_id, *ids_b, sep_id]
    return _as_tensors(ids, [1] * (len(ids_a) + 2) + [0] * (len(ids_b) + 1), list(range(len(ids))))


def _positions_restart(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [cls_id, *ids_a, sep_id, *ids_b, sep_id]
    return _as_tensors(ids, [0] * (len(ids_a) + 2) + [1] * (len(ids_b) + 1),
                       list(range(len(ids_a) + 2)) + list(range(len(ids_b) + 1)))


def _positions_from_one(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [cls_id, *ids_a, sep_id, *ids_b, sep_id]
    return _as_tensors(ids, [0] * (len(ids_a) + 2) + [1] * (len(ids_b) + 1), list(range(1, len(ids) + 1)))


ENCODE_PAIR_MISTAKES = {
    "position_ids start at 0: [CLS] is at position 0, the first row of the position table.": _positions_from_one,
    "The first [SEP] closes text A, so it takes A's token type.": _first_sep_typed_1,
    "Text B is closed by a [SEP] too: the pair ends with [SEP].": _no_final_sep,
    "The pair starts with [CLS] (cls_id), before text A.": _no_cls,
    "Text A (with [CLS] and the first [SEP]) is segment 0; text B is segment 1.": _types_swapped,
    "Positions run 0, 1, 2, ... over the whole pair; they do not restart at text B "
    "(the token type is what tells A from B).": _positions_restart,
}


def encode_pair_cases() -> list[Case]:
    """Fixed, edge and random inputs for 5.3 (random ones from a seeded local generator)."""
    cases = [Case(([2073, 2515, 14255, 2213, 3637, 1029], [2016, 7771, 2011, 1996, 16247, 1012])),
             Case(([7, 8, 9], [10, 11])),
             Case(([], [5, 6]), label="encode_pair([], [5, 6])  (text A empty)"),
             Case(([5, 6], []), label="encode_pair([5, 6], [])  (text B empty)"),
             Case(([], []), label="encode_pair([], [])  (both texts empty)"),
             Case(([42], [43]), {"cls_id": 0, "sep_id": 2})]
    generator = torch.Generator().manual_seed(5)
    for _ in range(20):
        length_a, length_b = torch.randint(0, 13, (2,), generator=generator).tolist()
        ids_a = torch.randint(999, 30522, (length_a,), generator=generator).tolist()
        ids_b = torch.randint(999, 30522, (length_b,), generator=generator).tolist()
        cases.append(Case((ids_a, ids_b)))
    return cases


NAMES_5_3 = ("input_ids", "token_type_ids", "position_ids")
NAMES_5_4 = ("input_ids", "token_type_ids", "attention_mask")


def expect_long(results: Any, names: tuple[str, ...], where: str) -> None:
    """Raise a Hint unless every result tensor is torch.long, as the statement asks (ids index embedding tables)."""
    for name, result in zip(names, results):
        expect(result.dtype == torch.long,
               f"For {where}: your {name} has dtype {str(result.dtype).removeprefix('torch.')}, but the task asks "
               f"for torch.long (int64): an embedding table is indexed with torch.long ids, and "
               f"torch.tensor(..., dtype=...) or .long() gives that dtype.")


@exercise("5.3")
def _encode_pair(answer: Any) -> None:
    cases = encode_pair_cases()
    check_function(answer, encode_pair, cases, "encode_pair", mistakes=ENCODE_PAIR_MISTAKES)
    expect_long(answer(*copy.deepcopy(cases[0].args), **cases[0].kwargs), NAMES_5_3, cases[0].describe("encode_pair"))
    ids_a, ids_b = [7, 8, 9], [10, 11]
    answer(ids_a, ids_b)
    expect(ids_a == [7, 8, 9] and ids_b == [10, 11],
           f"After encode_pair([7, 8, 9], [10, 11]) the caller's lists are {ids_a} and {ids_b}: your function "
           f"changed its inputs. Build new lists (e.g. [cls_id, *ids_a, sep_id, ...]) instead of inserting into "
           f"or appending to ids_a and ids_b.")


# --- Build-it 5.4: padding a batch of pairs ---------------------------------------------------------------------

def _pad(pairs, length, pad_id=0, *, pad_type=0, left=False, mask_pad=0, to_longest=False, use_pad_id=True,
         mask_by_id=False):
    """Padding with one knob per typical mistake (the reference is helpers.built.segments.pad_pairs)."""
    length = max(len(ids) for ids, _ in pairs) if to_longest else length
    rows = []
    for ids, types in pairs:
        ids, types = torch.as_tensor(ids).tolist(), torch.as_tensor(types).tolist()
        pad = length - len(ids)
        pads = ([pad_id if use_pad_id else 0] * pad, [pad_type] * pad, [mask_pad] * pad)
        real = (ids, types, [1 - mask_pad] * len(ids))
        rows.append([p + r if left else r + p for r, p in zip(real, pads)])
    input_ids, token_type_ids, attention_mask = (torch.tensor([row[k] for row in rows], dtype=torch.long)
                                                 for k in range(3))
    if mask_by_id:
        attention_mask = (input_ids != pad_id).long()
    return input_ids, token_type_ids, attention_mask


PAD_BATCH_MISTAKES = {
    "A pad belongs to neither text: BERT's tokenizer gives it token type 0 (the attention mask, not the "
    "token type, tells the model to skip it).": lambda p, length, pad_id=0: _pad(p, length, pad_id, pad_type=1),
    "The attention mask is 1 for real tokens (attend to them) and 0 for pads.":
        lambda p, length, pad_id=0: _pad(p, length, pad_id, mask_pad=1),
    "Pad on the right, after the final [SEP], as BERT's tokenizer does (padding_side='right'): "
    "every row starts with [CLS] at position 0.": lambda p, length, pad_id=0: _pad(p, length, pad_id, left=True),
    "Pad every row to `length`, not just to the longest pair.":
        lambda p, length, pad_id=0: _pad(p, length, pad_id, to_longest=True),
    "Fill the pads with the pad_id argument (BERT's [PAD] is 0, other vocabularies differ).":
        lambda p, length, pad_id=0: _pad(p, length, pad_id, use_pad_id=False),
    "A real token can have the pad's id: build attention_mask from each pair's length, not by comparing ids "
    "with pad_id.": lambda p, length, pad_id=0: _pad(p, length, pad_id, mask_by_id=True),
}


def _pair_tensors(length_a: int, length_b: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    ids_a = torch.randint(999, 30522, (length_a,), generator=generator).tolist()
    ids_b = torch.randint(999, 30522, (length_b,), generator=generator).tolist()
    return encode_pair(ids_a, ids_b)[:2]


def _batch_case(pairs: list, length: int, **kwargs: Any) -> Case:
    sizes = ", ".join(str(len(ids)) for ids, _ in pairs)
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    plural = "s" if len(pairs) > 1 else ""
    return Case((pairs, length), kwargs, label=f"pad_batch(<{len(pairs)} pair{plural} of {sizes} tokens>, "
                                               f"length={length}{extra})")


def pad_batch_cases() -> list[Case]:
    """Fixed, edge and random batches for 5.4 (random ones from a seeded local generator)."""
    generator = torch.Generator().manual_seed(56)
    two = [_pair_tensors(3, 2, generator), _pair_tensors(1, 1, generator)]
    cases = [_batch_case(two, 8), _batch_case(two, 12),
             _batch_case([two[0]], 10, pad_id=7),
             _batch_case(two, 10, pad_id=int(two[0][0][1])),                         # pad_id = a real token's id
             _batch_case([_pair_tensors(2, 2, generator)], 7),                        # exactly full: no pad
             _batch_case([_pair_tensors(0, 0, generator), _pair_tensors(4, 0, generator)], 9)]
    for _ in range(12):
        count = int(torch.randint(1, 5, (1,), generator=generator))
        pairs = [_pair_tensors(*torch.randint(0, 9, (2,), generator=generator).tolist(), generator)
                 for _ in range(count)]
        length = max(len(ids) for ids, _ in pairs) + int(torch.randint(0, 4, (1,), generator=generator))
        cases.append(_batch_case(pairs, length))
    return cases


LINE_BUDGET = 50_000  # lines of the learner's code per check: a few thousand suffice; a runaway loop hits it in < 1 s


class RunawayLoop(BaseException):
    """The learner's function ran more lines of its own code than LINE_BUDGET allows (a loop that never ends).
    A BaseException, so that the checks' handling of the learner's own errors lets it through."""


@contextmanager
def line_budget(function: Callable[..., Any], limit: int = LINE_BUDGET) -> Iterator[None]:
    """Count the lines executed in the file that defines `function` (the learner's cell) and stop at `limit`,
    so a loop that never ends is stopped before it grows the kernel's memory."""
    filename = getattr(getattr(function, "__code__", None), "co_filename", None)
    executed = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal executed
        if event == "line":
            executed += 1
            if executed > limit:
                raise RunawayLoop()
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local if frame.f_code.co_filename == filename else None)
    try:
        yield
    finally:
        sys.settrace(previous)


def _too_long_case(answer: Any, pairs: list, length: int) -> None:
    """A pair longer than `length` must be refused with a ValueError."""
    where = f"pad_batch(<2 pairs of {len(pairs[0][0])}, {len(pairs[1][0])} tokens>, length={length})"
    try:
        got = answer(copy.deepcopy(pairs), length)
    except ValueError:
        return
    except (NotImplementedError, SystemExit) as error:
        raise learner_crash(error, f"For {where} your function raised") from None
    except LEARNER_CRASHES as error:  # the learner's code: say what to raise instead
        raise Hint(f"For {where} your function raised {type(error).__name__}: {error}. A pair longer than "
                   f"`length` should be refused on purpose: check it and raise a ValueError saying which pair "
                   f"is too long.") from None
    shapes = [tuple(t.shape) for t in got] if isinstance(got, (tuple, list)) else type(got).__name__
    raise Hint(f"For {where}: the first pair has {len(pairs[0][0])} tokens, more than length={length}, but your "
               f"function returned {shapes} instead of raising a ValueError. Cutting an encoded pair would drop "
               f"its final [SEP]; refuse it (texts are truncated before the pair is built).")


@exercise("5.4")
def _pad_batch(answer: Any) -> None:
    expect(callable(answer), f"Pass your function itself (e.g. pad_batch_mine, without parentheses), not "
                             f"{type(answer).__name__}.")
    cases = pad_batch_cases()
    generator = torch.Generator().manual_seed(560)
    too_long = [_pair_tensors(6, 4, generator), _pair_tensors(1, 1, generator)]          # 13 and 5 tokens
    try:
        with line_budget(answer):                # small inputs only; a loop that never ends stops here
            check_function(answer, pad_pairs, cases, "pad_batch", mistakes=PAD_BATCH_MISTAKES)
            expect_long(answer(*copy.deepcopy(cases[0].args), **cases[0].kwargs), NAMES_5_4,
                        cases[0].describe("pad_batch"))
            _too_long_case(answer, too_long, 8)
    except RunawayLoop:
        raise Hint(f"Your function ran more than {LINE_BUDGET:,} lines of its own code on small batches (at most "
                   f"a few pairs of under 20 tokens): a loop that never ends. Check each loop's stopping "
                   f"condition, e.g. a `while` that adds pads until a row has exactly `length` entries never "
                   f"stops when the row is already longer.") from None


prediction("5.p", ["A", "B", "C"])

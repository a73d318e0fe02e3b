"""Checkers for Lecture 5's exercises (segment embeddings): two short answers, two build-it functions (5.3 one pair
as tensors, 5.4 padding a batch of pairs) and one prediction (5.p: the token type of a [PAD])."""
from __future__ import annotations

import copy
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
    if isinstance(answer, torch.Tensor) and answer.dim() == 1:
        answer = answer.tolist()                 # a 1-D tensor of ids counts like a list (numpy: see check)
    expect_type(answer, (list, tuple), "Your answer")
    tokens, expected = make_pair(QUESTION, PASSAGE)
    expect(all(isinstance(i, int) and not isinstance(i, bool) for i in answer),
           "Give whole numbers, not True/False: 0 for sentence A, 1 for sentence B.")
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


ENCODE_PAIR_MISTAKES = {
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


@exercise("5.3")
def _encode_pair(answer: Any) -> None:
    check_function(answer, encode_pair, encode_pair_cases(), "encode_pair", mistakes=ENCODE_PAIR_MISTAKES)


# --- Build-it 5.4: padding a batch of pairs ---------------------------------------------------------------------

def _pad(pairs, length, pad_id=0, *, pad_type=0, left=False, mask_pad=0, to_longest=False, use_pad_id=True):
    """Padding with one knob per typical mistake (the reference is helpers.built.segments.pad_pairs)."""
    length = max(len(ids) for ids, _ in pairs) if to_longest else length
    rows = []
    for ids, types in pairs:
        ids, types = torch.as_tensor(ids).tolist(), torch.as_tensor(types).tolist()
        pad = length - len(ids)
        pads = ([pad_id if use_pad_id else 0] * pad, [pad_type] * pad, [mask_pad] * pad)
        real = (ids, types, [1 - mask_pad] * len(ids))
        rows.append([p + r if left else r + p for r, p in zip(real, pads)])
    return tuple(torch.tensor([row[k] for row in rows], dtype=torch.long) for k in range(3))


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
             _batch_case([_pair_tensors(2, 2, generator)], 7),                        # exactly full: no pad
             _batch_case([_pair_tensors(0, 0, generator), _pair_tensors(4, 0, generator)], 9)]
    for _ in range(12):
        count = int(torch.randint(1, 5, (1,), generator=generator))
        pairs = [_pair_tensors(*torch.randint(0, 9, (2,), generator=generator).tolist(), generator)
                 for _ in range(count)]
        length = max(len(ids) for ids, _ in pairs) + int(torch.randint(0, 4, (1,), generator=generator))
        cases.append(_batch_case(pairs, length))
    return cases


@exercise("5.4")
def _pad_batch(answer: Any) -> None:
    check_function(answer, pad_pairs, pad_batch_cases(), "pad_batch", mistakes=PAD_BATCH_MISTAKES)
    generator = torch.Generator().manual_seed(560)
    pairs = [_pair_tensors(6, 4, generator), _pair_tensors(1, 1, generator)]          # 13 and 5 tokens
    where = "pad_batch(<2 pairs of 13, 5 tokens>, length=8)"
    try:
        got = answer(copy.deepcopy(pairs), 8)
    except ValueError:
        return
    except (NotImplementedError, SystemExit) as error:
        raise learner_crash(error, f"For {where} your function raised") from None
    except LEARNER_CRASHES as error:  # the learner's code: say what to raise instead
        raise Hint(f"For {where} your function raised {type(error).__name__}: {error}. A pair longer than "
                   f"`length` should be refused on purpose: check it and raise a ValueError saying which pair "
                   f"is too long.") from None
    shapes = [tuple(t.shape) for t in got] if isinstance(got, (tuple, list)) else type(got).__name__
    raise Hint(f"For {where}: the first pair has 13 tokens, more than length=8, but your function returned "
               f"{shapes} instead of raising a ValueError. Cutting an encoded pair would drop its final [SEP]; "
               f"refuse it (texts are truncated before the pair is built).")


prediction("5.p", ["A", "B", "C"])

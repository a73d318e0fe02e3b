"""Checkers for Lecture 5's exercises (segment embeddings): 5.1 token types, 5.2 a tiny input embedding, build-its 5.3
(one pair as tensors) and 5.4 (padding a batch of pairs), each with one variant function per typical mistake; 5.p."""
from __future__ import annotations

from functools import partial
from typing import Any

import torch

from helpers.built.segments import make_pair, pad_pairs
from helpers.exercises import checking
from helpers.exercises.checking import Case, Hint, check_function, exercise, expect, expect_dtype, outcome, prediction

QUESTION, PASSAGE = ["where", "does", "pim", "sleep", "?"], ["pim", "sleeps", "by", "the", "stove", "."]


@exercise("5.1")
def _token_type_ids(answer: Any) -> None:
    if isinstance(answer, torch.Tensor) and answer.dim() in (1, 2):
        answer = answer.tolist()                 # a 1-D tensor of ids counts like a list (numpy: see check)
    checking.expect_type(answer, (list, tuple), "Your answer")
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


def tiny_embedding(segment_ids: tuple[int, ...] = (0, 0, 1)) -> torch.Tensor:
    """Exercise 5.2's answer, shape (1, 3, 2), from the notebook's tiny tables and ids [[3, 1, 2]] (other segment ids
    give the typical mistakes)."""
    tokens = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    positions, segments = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]), torch.tensor([[0.0, 0.0], [100, 100]])
    return tokens[torch.tensor([[3, 1, 2]])] + positions + segments[torch.tensor([segment_ids])]


SUM_MISTAKES = {
    (0, 0, 0): "You left out the segment vectors (or gave the last token sentence A's, the zero row): the last token "
               "is in sentence B.",
    (0, 1, 1): "The A/B boundary moved one token earlier (as if a [SEP] were counted in sentence B): your second "
               "token got segment B's vector. Look up segment_table_52 with segment_ids_52 as given, not with the "
               "positions."}


@exercise("5.2")
def _sum_of_three(answer: Any) -> None:
    checking.expect_real_tensor(answer, "Your answer")
    expect(answer.dim() == 3, f"Keep the batch dimension: the result is (batch, seq_len, d_model), "
                              f"yours has shape {tuple(answer.shape)}.")
    expect(answer.shape == (1, 3, 2), f"Your input embedding has shape {tuple(answer.shape)}; check which dimensions "
                                      "it should have.")
    got = answer.detach().cpu().float()
    for segment_ids, hint in SUM_MISTAKES.items():
        expect(not torch.allclose(got, tiny_embedding(segment_ids)), hint)
    expect(torch.allclose(got, tiny_embedding(), atol=1e-5), "Your input embedding has the right shape but different "
                                                              "values; re-read the formula step by step.")


def encode_pair(ids_a: list[int], ids_b: list[int], cls_id: int = 101, sep_id: int = 102, *, cls: bool = True,
                final_sep: bool = True, sep_in_b: bool = False, a_type: int = 0, restart: bool = False, start: int = 0
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Reference for 5.3: input_ids, token_type_ids and position_ids of `[CLS] A [SEP] B [SEP]` (1-D, int64). Each
    keyword-only switch makes one typical mistake."""
    a, b = [cls_id] * cls + [*ids_a, sep_id], [*ids_b] + [sep_id] * final_sep
    types = [a_type] * (len(a) - sep_in_b) + [1 - a_type] * (len(b) + sep_in_b)
    positions = [*range(len(a)), *range(len(b))] if restart else range(start, start + len(a) + len(b))
    return tuple(torch.tensor(list(values), dtype=torch.long) for values in (a + b, types, positions))


ENCODE_PAIR_MISTAKES = {
    "position_ids start at 0: [CLS] is at position 0, the first row of the position table.":
        partial(encode_pair, start=1),
    "The first [SEP] closes text A, so it takes A's token type.": partial(encode_pair, sep_in_b=True),
    "Text B is closed by a [SEP] too: the pair ends with [SEP].": partial(encode_pair, final_sep=False),
    "The pair starts with [CLS] (cls_id), before text A.": partial(encode_pair, cls=False),
    "Text A (with [CLS] and the first [SEP]) is segment 0; text B is segment 1.": partial(encode_pair, a_type=1),
    "Positions run 0, 1, 2, ... over the whole pair; they do not restart at text B (the token type is what tells A "
    "from B).": partial(encode_pair, restart=True),
}
LONG = "the task asks for torch.long (int64), the dtype embedding tables are indexed with; torch.tensor(..., " \
       "dtype=torch.long) or .long() gives it."


def encode_pair_cases() -> list[Case]:
    """Fixed, edge and random inputs for 5.3 (random ones from a seeded local generator)."""
    cases = [Case(([2073, 2515, 14255, 2213, 3637, 1029], [2016, 7771, 2011, 1996, 16247, 1012])),
             Case(([7, 8, 9], [10, 11])), Case(([], [5, 6]), label="encode_pair_mine([], [5, 6])  (text A empty)"),
             Case(([5, 6], []), label="encode_pair_mine([5, 6], [])  (text B empty)"),
             Case(([], []), label="encode_pair_mine([], [])  (both texts empty)"),
             Case(([42], [43]), {"cls_id": 0, "sep_id": 2})]
    generator = torch.Generator().manual_seed(5)
    for _ in range(20):
        lengths = torch.randint(0, 13, (2,), generator=generator).tolist()
        cases.append(Case(tuple(torch.randint(999, 30522, (n,), generator=generator).tolist() for n in lengths)))
    return cases


@exercise("5.3")
def _encode_pair(answer: Any) -> None:
    cases = encode_pair_cases()
    check_function(answer, encode_pair, cases, "encode_pair_mine", mistakes=ENCODE_PAIR_MISTAKES)
    expect_dtype(answer, cases[0], "encode_pair_mine", torch.long, LONG,
                 ("input_ids", "token_type_ids", "position_ids"))


def _pad(pairs: list, length: int, pad_id: int = 0, *, pad_type: int = 0, left: bool = False, mask_pad: int = 0,
         to_longest: bool = False, use_pad_id: bool = True, mask_by_id: bool = False) -> tuple[torch.Tensor, ...]:
    """The reference, helpers.built.segments.pad_pairs, with one typical mistake switched on."""
    length = max(len(ids) for ids, _ in pairs) if to_longest else length
    ids, types, mask = pad_pairs(pairs, length, pad_id if use_pad_id else 0)
    types, real = types.masked_fill(mask == 0, pad_type), mask.sum(dim=1)
    mask = (ids != pad_id).long() if mask_by_id else (mask - mask_pad).abs()
    if left:                                      # each row rolled right by its number of pads
        return tuple(torch.stack([row.roll(length - int(n)) for row, n in zip(t, real)]) for t in (ids, types, mask))
    return ids, types, mask


PAD_BATCH_MISTAKES = {
    "A pad belongs to neither text: BERT's tokenizer gives it token type 0 (the attention mask, not the "
    "token type, tells the model to skip it).": partial(_pad, pad_type=1),
    "The attention mask is 1 for real tokens (attend to them) and 0 for pads.": partial(_pad, mask_pad=1),
    "Pad on the right, after the final [SEP], as BERT's tokenizer does (padding_side='right'): "
    "every row starts with [CLS] at position 0.": partial(_pad, left=True),
    "Pad every row to `length`, not just to the longest pair.": partial(_pad, to_longest=True),
    "Fill the pads with the pad_id argument (BERT's [PAD] is 0, other vocabularies differ).":
        partial(_pad, use_pad_id=False),
    "A real token can have the pad's id: build attention_mask from each pair's length, not by comparing ids "
    "with pad_id.": partial(_pad, mask_by_id=True),
}


def _pairs(generator: torch.Generator, *lengths: tuple[int, int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Encoded pairs (input_ids, token_type_ids) of random texts with the given lengths of A and B."""
    return [encode_pair(*(torch.randint(999, 30522, (n,), generator=generator).tolist() for n in ab))[:2]
            for ab in lengths]


def _batch_case(pairs: list, length: int, **kwargs: Any) -> Case:
    sizes, plural = ", ".join(str(len(ids)) for ids, _ in pairs), "s" if len(pairs) > 1 else ""
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return Case((pairs, length), kwargs, label=f"pad_batch_mine(<{len(pairs)} pair{plural} of {sizes} tokens>, "
                                               f"length={length}{extra})")


def pad_batch_cases() -> list[Case]:
    """Fixed, edge and random batches for 5.4 (random ones from a seeded local generator)."""
    generator = torch.Generator().manual_seed(56)
    two = _pairs(generator, (3, 2), (1, 1))
    cases = [_batch_case(two, 8), _batch_case(two, 12), _batch_case([two[0]], 10, pad_id=7),
             _batch_case(two, 10, pad_id=int(two[0][0][1])),                          # pad_id = a real token's id
             _batch_case(_pairs(generator, (2, 2)), 7),                                # exactly full: no pad
             _batch_case(_pairs(generator, (0, 0), (4, 0)), 9)]
    for _ in range(12):
        count = int(torch.randint(1, 5, (1,), generator=generator))
        pairs = [_pairs(generator, torch.randint(0, 9, (2,), generator=generator).tolist())[0] for _ in range(count)]
        length = max(len(ids) for ids, _ in pairs) + int(torch.randint(0, 4, (1,), generator=generator))
        cases.append(_batch_case(pairs, length))
    return cases


@exercise("5.4")
def _pad_batch(answer: Any) -> None:
    cases = pad_batch_cases()
    check_function(answer, pad_pairs, cases, "pad_batch_mine", mistakes=PAD_BATCH_MISTAKES)
    expect_dtype(answer, cases[0], "pad_batch_mine", torch.long, LONG,
                 ("input_ids", "token_type_ids", "attention_mask"))
    too_long = _batch_case(_pairs(torch.Generator().manual_seed(560), (6, 4), (1, 1)), 8)        # 13 and 5 tokens
    try:
        refused, got = outcome(answer, too_long.label, *too_long.args)
    except Hint as hint:
        raise Hint(f"{hint} The first pair is longer than `length`: refuse it on purpose, raise a ValueError saying "
                   "which pair is too long (a loop that pads until a row has exactly `length` entries never stops "
                   "here).") from None
    shapes = [tuple(t.shape) for t in got] if isinstance(got, (tuple, list)) else type(got).__name__
    expect(refused, f"For {too_long.label}: the first pair has 13 tokens, more than length=8, but your function "
                        f"returned {shapes} instead of raising a ValueError. Cutting an encoded pair would drop its "
                        "final [SEP]; refuse it (texts are truncated before the pair is built).")


prediction("5.p", ["A", "B", "C"])

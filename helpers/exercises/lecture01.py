"""Checkers for Lecture 1's exercises (GPT-2's tokens, its special token, windows, GPT-2's decoder, batching)."""
import json
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from helpers.built.text_to_ids import ENDOFTEXT, encode, token_pieces
from helpers.built.windows import WindowDataset
from helpers.exercises import checking as c
from helpers.exercises.model_sizes import GPT2_VOCAB
from helpers.tokenizer_files import GPT2_DIR, gpt2

c.prediction("1.p", ["A", "B", "C", "D"])  # how many times more GPT-2 tokens the Hindi sentence takes than English
c.values({"1.3": c.Value(2179, "The number of windows", "Count the start positions 0, 5, 10, ... that leave room for "
                         "16 inputs and one target after them.", {  # 16, 5 over the corpus; tests derive all three
                             2180: "One too many: the last window also needs the id after it as a target.",
                             681: "Windows overlap here: a new one starts every 5 ids, not every 16."})})


@c.exercise("1.1")
def _pieces_of_a_name(answer: Any) -> None:
    c.expect_type(answer, (list, tuple), "Your answer")
    c.expect(all(isinstance(piece, str) for piece in answer),
             "Give the tokens as strings: decode each id on its own, enc.decode([i]).")
    c.expect("".join(answer) != "Quillon", "Keep the leading space: encode ' Quillon', not 'Quillon'.")
    c.expect(not any("Ġ" in piece for piece in answer),
             "Write the space as a space ' ', not as 'Ġ' (as the vocabulary file spells it): enc.decode([i]).")
    c.expect("".join(answer) == " Quillon", "Joined together, the pieces should give back ' Quillon' exactly.")
    c.expect(list(answer) == token_pieces(encode(" Quillon")), "Those pieces spell the name, but they are not "
                                                               "GPT-2's split. Use enc.encode.")


@c.exercise("1.2")
def _special_token_allowed(answer: Any) -> None:
    c.expect_type(answer, (list, tuple), "Your answer")
    c.expect(all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in answer),
             "Give the ids as a list of ints, as enc.encode returns them.")
    text, answer = f"Chapter 1{ENDOFTEXT}Chapter 2", [int(i) for i in answer]
    c.expect(answer != encode(text, disallowed_special=()),
             f"You encoded {ENDOFTEXT} as ordinary text (several pieces). Allow the special token instead.")
    c.expect(answer == encode(text, allowed_special={ENDOFTEXT}), "Not GPT-2's ids for this text yet. Encode the whole "
             f"string at once with enc, which by default refuses {ENDOFTEXT}; section 4 shows how to say that you mean "
             "the special token. The ids should contain 50256 exactly once.")


def gpt2_decode(ids: list[int]) -> str:
    """GPT-2's decoder: the bytes of all tokens joined, decoded as UTF-8 with U+FFFD for an incomplete character."""
    return gpt2().decode(ids)


DECODE_MISTAKES = {
    "Your text still holds GPT-2's stand-in characters (Ġ for a space, Ċ for a newline): turn every character of a "
    "token back into its byte with the inverse of byte_to_char, then decode the bytes.": lambda ids: "".join(map({
        i: token for token, i in json.loads((GPT2_DIR / "encoder.json").read_text("utf-8")).items()}.get, ids)),
    "Decode the bytes of all the tokens together, not token by token: one character can be split across tokens "
    "(🎻 is three tokens), and each part alone is not a character.":
        lambda ids: "".join(gpt2().decode([i]) for i in ids),
    "The incomplete character vanished: it must show as � (U+FFFD), as enc.decode shows it.":
        lambda ids: gpt2().decode(ids, errors="ignore"),
    "Each byte became a character of its own: in UTF-8 a character takes 1 to 4 bytes (é is 2, 🎻 is 4), so "
    "decode the bytes together as UTF-8.": lambda ids: gpt2().decode_bytes(ids).decode("latin-1"),
    "Return the text (a str): the bytes still need decoding as UTF-8.": lambda ids: gpt2().decode_bytes(ids),
}
DECODE_TEXTS = ("I love LLMs", " Brindlemoor's orchestra\n\n\tplays  on.", "Émile's café: 3 naïve 🎻s!",
                "Кошка, 猫, बिल्ली.", "🎻", f"Chapter 1{ENDOFTEXT}Chapter 2", "\x00\x07 and a\r\nnew line")


def decode_cases(random_cases: int = 12) -> list[c.Case]:
    """Texts in several scripts, the empty list, emoji cut between their tokens, and seeded random id lists."""
    texts = [(encode(text, allowed_special={ENDOFTEXT}), f"the ids of {text!r}") for text in DECODE_TEXTS]
    violin, two, generator = encode("violin 🎻"), encode("🎻🎻"), torch.Generator().manual_seed(4)
    cut = ": the statement says what an incomplete character becomes"
    randoms = [torch.randint(0, GPT2_VOCAB, (int(torch.randint(1, 9, (1,), generator=generator)),),
                             generator=generator).tolist() for _ in range(random_cases)]
    return [c.Case((ids,), label=label) for ids, label in [
        texts[0], ([], "the empty list: gpt2_decode_mine([])"), *texts[1:],
        (violin[:-1], f"the ids of 'violin 🎻' without the last (🎻 cut after 2 of its 3 tokens{cut})"),
        (violin[:-2], f"the ids of 'violin 🎻' without the last 2 (🎻 cut after 1 of its 3 tokens{cut})"),
        (two[:2] + two[3:], f"the ids of '🎻🎻' without the third (a cut emoji, then a whole one{cut})"),
        *((ids, f"gpt2_decode_mine({ids}) (random ids)") for ids in randoms)]]


@c.exercise("1.4")
def _gpt2_decode_mine(answer: Any) -> None:
    c.check_function(answer, gpt2_decode, decode_cases(), "gpt2_decode_mine", mistakes=DECODE_MISTAKES)
    for ids in ([50257], [-1], [40, 1842, 100_000]):
        bad, where = ids[-1], f"For gpt2_decode_mine({ids})"
        advice = f"id {bad} is not in GPT-2's vocabulary (0 to 50,256): raise a ValueError that names it."
        negative = " A negative index counts from the end of a list, so -1 silently picks a real token." * (bad < 0)
        error = c.expect_refusal(answer, where, advice, f", but {advice}{negative}", list(ids))
        c.expect(str(bad) in str(error) or f"{bad:,}" in str(error), f"{where} your function raised ValueError: "
                 f"{error}. Right error, but the statement asks it to name the id: put {bad} in the message.")


def batches(dataset: Dataset, batch_size: int, drop_last: bool = False) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """PyTorch's own batches: DataLoader(dataset, batch_size, drop_last), in order, as (inputs, targets) pairs."""
    return [tuple(batch) for batch in DataLoader(dataset, batch_size=batch_size, drop_last=drop_last)]


def _batch_difference(got: Any, expected: list) -> str | None:
    """None if `got` holds the expected batches; else how the first differing batch differs."""
    if isinstance(got, (torch.Tensor, str, bytes, Mapping)) or not isinstance(got, Iterable):
        return f"expected a list of {len(expected)} (inputs, targets) pairs, but your function returned a " \
               f"{type(got).__name__}"
    if len(got := list(got)) != len(expected):
        return f"expected {len(expected)} batches, but your function returned {len(got)}"
    for k, (mine, theirs) in enumerate(zip(got, expected)):
        if not isinstance(mine, (tuple, list)) or len(mine) != 2:
            return f"batch {k} should be a pair (inputs, targets), but it is a {type(mine).__name__}"
        for part, mine_part, their_part in zip(("inputs", "targets"), mine, theirs):
            if (problem := c.difference(mine_part, their_part, 0)) is not None:
                return f"batch {k}'s {part}: {problem}"
    return None


BATCH_MISTAKES = {
    "Batch first: stack the examples along a new FIRST dimension, so a batch is (batch, seq_len); stacking along "
    "dim=1 gives (seq_len, batch).": lambda d, b, drop_last=False: [(x.T, y.T) for x, y in batches(d, b, drop_last)],
    "Keep the last, smaller batch unless drop_last=True (the DataLoader keeps it by default).":
        lambda d, b, drop_last=False: batches(d, b, drop_last=True),
    "With drop_last=True, a last batch smaller than batch_size is left out.":
        lambda d, b, drop_last=False: batches(d, b),
    "Stack each batch's examples into one tensor (torch.stack), one for the inputs and one for the targets.":
        lambda d, b, drop_last=False: [(list(x), list(y)) for x, y in batches(d, b, drop_last)],
    "Batches do not overlap: batch j holds examples j * batch_size to (j + 1) * batch_size - 1.":
        lambda d, b, drop_last=False: [(d.inputs[s:s + b], d.targets[s:s + b]) for s in range(len(d) - b + 1)],
}


def batch_cases(random_cases: int = 8) -> list[c.Case]:
    """Window datasets of several sizes with batch sizes that divide them, do not, are 1, or exceed the dataset."""
    text, span = "the cat sat on the mat. on the mat the cat sat.", (torch.arange(100, 130), "torch.arange(100, 130)")
    specs = [(*span, 4, 4, 3), (*span, 4, 4, 3, True), (*span, 4, 4, 1), (*span, 4, 4, 7, False), (*span, 4, 4, 10),
             (*span, 4, 4, 10, True), (*span, 3, 1, 8, True), (torch.tensor(encode(text)), f"the GPT-2 ids of "
                                                                                          f"{text!r}", 6, 3, 2)]
    generator = torch.Generator().manual_seed(5)

    def draw(low: int, high: int) -> int:
        return int(torch.randint(low, high + 1, (1,), generator=generator))
    for _ in range(random_cases):
        length, context_length = draw(6, 40), draw(1, 5)
        specs.append((torch.randint(0, GPT2_VOCAB, (length,), generator=generator), f"{length} random ids (torch."
                      "Generator seed 5)", context_length, draw(1, 6), draw(1, 6), bool(draw(0, 1))))
    cases = []
    for ids, what, context_length, stride, batch_size, *drop_last in specs:   # drop_last: [] when left at default
        dataset = WindowDataset(ids, context_length, stride)
        cases.append(c.Case((dataset, batch_size), dict(drop_last=drop_last[0]) if drop_last else {},
                            label=f"WindowDataset({what}, context_length={context_length}, stride={stride}) "
                                  f"({len(dataset)} windows), batch_size={batch_size}"
                                  + "".join(f", drop_last={drop}" for drop in drop_last)))
    return cases


@c.exercise("1.5")
def _batches_mine(answer: Any) -> None:
    c.check_function(answer, batches, batch_cases(), "batches_mine", BATCH_MISTAKES, compare=_batch_difference)

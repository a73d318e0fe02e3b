"""Checkers for Lecture 3's exercises (absolute positions): values, one encoding, the sinusoidal table (3.5) and a
learned position module (3.6). Expected values come from the formulas or helpers.built.positions, never the lecture."""
from __future__ import annotations

import math
from functools import partial
from typing import Any

import torch
from torch import nn

from helpers.built.positions import sinusoidal
from helpers.exercises import checking as c
from helpers.exercises.model_sizes import GPT2_CONTEXT, GPT2_D_MODEL, GPT2_VOCAB

c.prediction("3.p", ["A", "B", "C", "D"])  # which dimension pair of sinusoidal(64, 64) changes fastest along positions
OMEGA_1, AGAIN = 10000.0 ** (-2 / 64), "is not right yet; re-read the formula step by step."


def _dot(k: int, terms: int = 32, exponent: float = 2.0, wave: Any = math.cos) -> float:
    """Σ_i wave(k ω_i) for d_model = 64 over `terms` pairs i (3.4's answer with the defaults and k = 7)."""
    return sum(wave(k * 10000.0 ** (-exponent * i / 64)) for i in range(terms))


c.values({
    "3.1": c.Value(2 * math.pi / OMEGA_1, "The wavelength", f"The wavelength {AGAIN}", places=2, mistakes={
        OMEGA_1: "That is the angular frequency ω_1; a full turn takes 2π/ω_1 positions.",
        1 / OMEGA_1: "Close: that is 1/ω_1, the positions per radian. A full turn is 2π radians.",
        2 * math.pi / OMEGA_1 ** 0.5: "Pair i = 1 holds dimensions 2 and 3, so the exponent is 2·1/64, not 1/64.",
        2 * math.pi / OMEGA_1 ** 2: "That is pair 2 (dimensions 4 and 5): i counts pairs; dimensions 2, 3 are pair 1.",
        2 * math.pi: "2π is the wavelength of pair 0 (ω_0 = 1); pair 1 turns more slowly, at ω_1 = 10000^(-2·1/64)."}),
    "3.3": c.Value(GPT2_CONTEXT * GPT2_D_MODEL, "The number of parameters", "One row of d_model numbers for each of "
                   "the context's positions.", {GPT2_VOCAB * GPT2_D_MODEL: "That is the token table (one row per "
                   "vocabulary entry); count rows per position.", **dict.fromkeys((GPT2_CONTEXT, GPT2_D_MODEL), "A "
                   "table has rows × columns entries: one row per position, one column per dimension.")}),
    "3.4": c.Value(_dot(7), "The dot product", f"The dot product {AGAIN}", places=2, mistakes={
        _dot(7, terms=64): "Sum over the d_model/2 = 32 pairs, not over all 64 dimensions.",
        _dot(1): "Use the distance k = 7 inside the cosine: cos(7·ω_i).",
        _dot(5): "That is the value for k = 5, printed in section 3; this exercise asks for k = 7.",
        _dot(7, exponent=1.0): "The exponent of pair i is -2i/d_model: yours looks like -i/d_model.",
        _dot(7, wave=math.sin): "Each pair adds sin(pω)·sin((p+k)ω) + cos(pω)·cos((p+k)ω) = cos(kω): a sum of cosines, "
                                "not of sines."}),
})


def _encoding(p: float, omega_1: float = 0.01, order: tuple[int, ...] = (0, 1, 2, 3)) -> torch.Tensor:
    """The sinusoidal encoding of position p for d_model = 4 (ω_0 = 1; ω_1 = 0.01 for base 10000), in `order`."""
    return torch.tensor([math.sin(p), math.cos(p), math.sin(p * omega_1), math.cos(p * omega_1)])[list(order)]


ENCODING_MISTAKES = {
    "All sines first, then all cosines: the lecture interleaves sin, cos, sin, cos.": _encoding(3, order=(0, 2, 1, 3)),
    "Each pair is the wrong way round: the sine comes first, at the even dimension.": _encoding(3, order=(1, 0, 3, 2)),
    "The second pair has ω_1 = 10000^(-2·1/4): check the exponent.": _encoding(3, 1e-4),
    "Your second pair turns at 10000^(-1/4) = 0.1; the exponent is -2·1/4, so ω_1 = 0.01.": _encoding(3, 0.1),
    **{f"That is the encoding of position {p}; the exercise asks for position 3 (positions count from 0, and p itself "
       "goes into the angle).": _encoding(p) for p in (2, 4)},
    "math.sin and math.cos take radians, and p·ω_i already is one: leave out math.radians.": _encoding(math.radians(3)),
}


@c.exercise("3.2")
def _position_three(answer: Any) -> None:
    c.expect_real_tensor(answer, "Your encoding")
    c.expect(answer.numel() == 4, f"d_model = 4 gives 4 numbers, you gave {answer.numel()}.")
    flat = answer.detach().cpu().float().flatten()
    for hint, wrong in ENCODING_MISTAKES.items():
        c.expect(not torch.allclose(flat, wrong, atol=1e-4), hint)
    c.expect(torch.allclose(flat, _encoding(3), atol=1e-4), f"Your encoding has the right shape, but it {AGAIN}")


def sinusoid_cases() -> list[c.Case]:
    """3.5's inputs: fixed ones, edge cases (one pair, one position, other bases) and seeded random ones."""
    generator, cases = torch.Generator().manual_seed(3), [c.Case((5, 4)), c.Case((64, 64)), c.Case((7, 2)),
                                                          c.Case((1, 8))]
    cases += [c.Case((n, d), {"base": base}) for n, d, base in [(50, 16, 1000.0), (30, 6, 2.0), (20, 10, 1e6)]]
    for _ in range(5):
        n, d = (int(torch.randint(1, high, (1,), generator=generator)) for high in (201, 49))
        cases.append(c.Case((n, 2 * d), {"base": round(10 ** (1 + 4 * float(torch.rand(1, generator=generator))), 1)}))
    return cases


def _sinusoid_variant(n: int, d: int, base: float = 10000.0, *, first: int = 0, exponent: float = 2.0,
                      pairs: bool = True, swap: bool = False, interleave: bool = True, keep_base: bool = True,
                      transpose: bool = False) -> torch.Tensor:
    """The (n, d) table with one knob turned the wrong way, to recognise a typical mistake in a learner's table."""
    j = torch.arange(d, dtype=torch.float64)                         # dimension j; pair j // 2
    angles = torch.arange(first, first + n, dtype=torch.float64)[:, None] * (base if keep_base else 10000.0) ** (
        -(exponent * (j // 2) if pairs else j) / d)
    even, odd = angles[:, 0::2].sin(), angles[:, 1::2].cos()
    even, odd = (odd, even) if swap else (even, odd)
    table = torch.stack([even, odd], -1).flatten(1) if interleave else torch.cat([even, odd], -1)
    return (table.T if transpose else table).float()


SINUSOID_MISTAKES = {hint: partial(_sinusoid_variant, **knob) for hint, knob in {
    "Even dimensions hold the sine, odd ones the cosine; yours are the other way round.": {"swap": True},
    "Interleave: dimension 2i holds sin, 2i+1 cos of pair i; yours has all the sines first.": {"interleave": False},
    "Your frequencies fall too slowly: pair i's exponent is -2i/d_model; yours is half of that.": {"exponent": 1.0},
    "Your frequencies fall too fast: if your i counts dimensions, the factor 2 is in there twice.": {"exponent": 4.0},
    "Your ω_i grow with i, but base^(-2i/d_model) shrinks: check the sign of the exponent.": {"exponent": -2.0},
    "All pairs turn at ω_i = 1: with whole numbers, 2i // d_model is 0 for every pair.": {"exponent": 0.0},
    "The sine and the cosine of a pair share one frequency ω_i; your odd dimensions have their own.": {"pairs": False},
    "Row p is position p, and positions start at 0: your first row is position 1.": {"first": 1},
    "Use the base argument: your table is the one for base 10000 whatever base is.": {"keep_base": False},
    "Rows are positions and columns are dimensions: your table is transposed.": {"transpose": True},
}.items()}
c.exercise("3.5")(partial(c.check_function, reference=sinusoidal, cases=sinusoid_cases(), name="sinusoidal_mine",
                          mistakes=SINUSOID_MISTAKES, atol=1e-4))


def _check_rows(got: Any, table: torch.Tensor, seq_len: int, call: str) -> None:
    """Raise a hint unless `got` is rows 0..seq_len-1 of `table`, still connected to it for training."""
    problem = c.difference(got, table[:seq_len].detach(), 0.0)
    if problem is None:
        c.expect(got.requires_grad, f"{call} gave the right numbers, but cut off from the table (no gradient flows "
                                    "back), so training cannot change them: leave out .detach(), .data, no_grad().")
        return
    c.expect(not (isinstance(got, torch.Tensor) and got.dim() == 2 and len(got) == seq_len + 1), f"{call}: one row too "
             f"many ({seq_len + 1}): {seq_len} tokens have positions 0..{seq_len - 1}, as torch.arange({seq_len}).")
    c.expect(c.difference(got, table[1:seq_len + 1].detach(), 0.0) is not None, f"{call}: your rows are positions "
             f"1..{seq_len}, but the first token is at position 0, so row p must be the table's row p.")
    raise c.Hint(f"{call}: {problem} (it should be rows 0..{seq_len - 1} of your table).")


@c.exercise("3.6")
def _learned_positions_module(answer: Any) -> None:
    c.expect(isinstance(answer, type) and issubclass(answer, nn.Module),
             "Pass your class itself (LearnedPositionsMine, without parentheses): a subclass of torch.nn.Module.")
    generator = torch.Generator().manual_seed(6)
    sizes = [(8, 4), (1, 3), (5, 16)] + [(int(torch.randint(2, 65, (1,), generator=generator)),
                                          int(torch.randint(1, 33, (1,), generator=generator))) for _ in range(3)]
    for context_length, d_model in sizes:
        where, rows = f"{answer.__name__}({context_length}, {d_model})", context_length * d_model
        torch.default_generator.manual_seed(0)
        module = c.call_learner(answer, where, context_length, d_model)
        c.expect(type(module).forward is not nn.Module.forward, f"Your class {answer.__name__} has no forward method "
                 "(check its spelling: def forward(self, seq_len), inside the class). Calling a module runs forward.")
        parameters = list(module.parameters())
        count = sum(p.numel() for p in parameters)
        c.expect(count == 0 or count != rows + d_model, f"{where} has one row too many ({context_length + 1} rows): "
                 f"positions run from 0 to context_length - 1, so context_length={context_length} rows are enough.")
        c.expect(count == rows, f"{where} has {count} trainable numbers, not {context_length} positions × d_model="
                 f"{d_model}. " + ("Make the table a parameter (nn.Embedding does that) so that training can change "
                                   "it." if count < rows else "The table is the module's only trainable tensor."))
        c.expect(len(parameters) == 1 and parameters[0].shape == (context_length, d_model), f"{where}: the table "
                 f"should have one row per position, shape ({context_length}, {d_model}), not "
                 f"{[tuple(p.shape) for p in parameters]}.")
        for seq_len in sorted({1, max(1, context_length // 2), context_length, context_length + 1,
                               2 * context_length + 3}):
            call = f"{where}({seq_len})"
            _, got = c.outcome(module, call, seq_len, errors=Exception)   # the hint depends on what it raises
            if seq_len <= context_length:
                c.expect(not isinstance(got, ValueError) or seq_len < context_length, f"{call} raised ValueError "
                         f"({got}), but a sequence of exactly context_length={context_length} tokens fits.")
                if isinstance(got, Exception):
                    raise c.learner_crash(got, f"For {call} your code raised")
                _check_rows(got, parameters[0], seq_len, call)
            elif isinstance(got, ValueError):  # past the table: right, if it says where the table ends
                c.expect(str(context_length) in str(got), f"{call} raised ValueError({str(got)!r}); good, but say how "
                         f"long the table is (context_length={context_length}) so that the reader knows the limit.")
            else:
                c.expect(not isinstance(got, IndexError), f"{call} raised PyTorch's own IndexError ({got}), which does "
                         "not say what is wrong. Check seq_len yourself and raise a ValueError naming context_length.")
                c.expect(not isinstance(got, Exception), f"{call} raised {type(got).__name__}: {got}. Past the table, "
                         "raise a ValueError that names context_length.")
                raise c.Hint(f"{call} returned {tuple(got.shape) if isinstance(got, torch.Tensor) else type(got)} "
                             f"without an error, but the table has only {context_length} rows. Raise a ValueError "
                             "instead of clamping, repeating or cutting rows.")

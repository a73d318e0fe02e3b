"""Checkers for Lecture 3's exercises (absolute positions); expected values come from the formulas or from
helpers.built.positions, never from the lecture's own cells. 3.5 and 3.6 are build-it exercises (the learner writes
the sinusoidal table and a learned position module); 3.p is a predict-then-run question."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from helpers.built.positions import sinusoidal
from helpers.exercises.checking import (
    LEARNER_CRASHES,
    Case,
    Hint,
    check_function,
    difference,
    exercise,
    expect,
    expect_real_tensor,
    expect_tensor,
    expect_type,
    learner_crash,
    prediction,
    runaway_guard,
)
from helpers.exercises.model_sizes import GPT2_CONTEXT, GPT2_D_MODEL, GPT2_VOCAB


def _close_to_printed(answer: Any, expected: float, what: str, mistakes: dict[str, float]) -> None:
    """Accept `expected` to the lecture's printed precision (two decimals: 23.5 passes for 23.50); name a known
    mistake at that precision; an answer rounded more coarsely gets a hint about rounding, not about the formula."""
    expect_type(answer, (int, float), what)
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().item()            # a 0-d tensor, perhaps with requires_grad: its number
    if abs(answer - expected) <= 0.005 + 1e-9:
        return
    for hint, wrong in mistakes.items():
        if abs(answer - wrong) <= 0.005 + 1e-9:
            raise Hint(hint)
    if abs(answer - expected) < 1:
        raise Hint(f"{what} {answer} is close but rounded too far: give at least two decimals, as the lecture "
                   "prints them." if answer == round(answer, 1) else
                   f"{what} {answer} is close but off at two decimals: keep full precision, or round (not cut).")
    raise Hint(f"{what} is not right yet; re-read the formula step by step.")


@exercise("3.1")
def _wavelength(answer: Any) -> None:
    omega = 10000.0 ** (-2 / 64)
    _close_to_printed(answer, 2 * math.pi / omega, "The wavelength", {
        "That is the angular frequency ω_1; a full turn takes 2π/ω_1 positions.": omega,
        "Close: that is 1/ω_1, the positions per radian. A full turn is 2π radians.": 1 / omega,
        "Pair i = 1 holds dimensions 2 and 3, so the exponent is 2·1/64, not 1/64.": 2 * math.pi * 10000.0 ** (1 / 64),
        "That is the wavelength of pair 2 (dimensions 4 and 5): i counts pairs, so dimensions 2 and 3 are pair i = 1.":
            2 * math.pi * 10000.0 ** (4 / 64),
        "2π is the wavelength of pair 0 (ω_0 = 1); pair 1 turns more slowly, at ω_1 = 10000^(-2·1/64).": 2 * math.pi,
    })


@exercise("3.2")
def _position_three(answer: Any) -> None:
    expected = torch.tensor([math.sin(3), math.cos(3), math.sin(3 / 100), math.cos(3 / 100)])
    expect_real_tensor(answer, "Your encoding")
    expect(answer.numel() == 4, f"d_model = 4 gives 4 numbers, you gave {answer.numel()}.")
    flat = answer.detach().cpu().float().flatten()
    expect(not torch.allclose(flat, expected[[0, 2, 1, 3]], atol=1e-4),
           "Those are all sines first, then all cosines. The lecture interleaves: sin, cos, sin, cos.")
    expect(not torch.allclose(flat, expected[[1, 0, 3, 2]], atol=1e-4),
           "Each pair is the wrong way round: the even dimension holds the sine, the odd one the cosine.")
    expect(not torch.allclose(flat[[0, 2]], torch.tensor([math.sin(3), math.sin(3 / 10000)]), atol=1e-4),
           "The second pair has ω_1 = 10000^(-2·1/4): check the exponent.")
    expect(not torch.allclose(flat[[0, 2]], torch.tensor([math.sin(3), math.sin(3 / 10)]), atol=1e-4),
           "Your second pair turns at 10000^(-1/4) = 0.1: the exponent is -2i/d_model = -2·1/4, so ω_1 = 0.01.")
    for position in (2, 4):
        expect(not torch.allclose(flat, _encoding_d4(position), atol=1e-4),
               f"That is the encoding of position {position}; the exercise asks for position 3 (positions count "
               "from 0, and p itself goes into the angle).")
    expect(not torch.allclose(flat, _encoding_d4(math.radians(3)), atol=1e-4),
           "math.sin and math.cos take radians, and the angle p·ω_i already is one: leave out math.radians.")
    expect_tensor(flat, expected, "Your encoding", atol=1e-4)


def _encoding_d4(p: float) -> torch.Tensor:
    """The sinusoidal encoding of position p for d_model = 4, base 10000 (ω = 1, 0.01)."""
    return torch.tensor([math.sin(p), math.cos(p), math.sin(p / 100), math.cos(p / 100)])


@exercise("3.3")
def _gpt2_position_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    expect(answer != GPT2_VOCAB * GPT2_D_MODEL,
           "That is the token table (one row per vocabulary entry); count rows per position.")
    expect(answer not in (GPT2_CONTEXT, GPT2_D_MODEL),
           "A table has rows × columns entries: one row per position, one column per dimension.")
    expect(answer == GPT2_CONTEXT * GPT2_D_MODEL, "One row of d_model numbers for each of the context's positions.")


def _dot_at_offset(k: int, terms: int = 32) -> float:
    """Σ_i cos(k ω_i) for d_model = 64 over `terms` values of i (32 pairs is right; 64 is a known mistake)."""
    return sum(math.cos(k * 10000.0 ** (-2 * i / 64)) for i in range(terms))


@exercise("3.4")
def _dot_product_at_distance(answer: Any) -> None:
    _close_to_printed(answer, _dot_at_offset(7), "The dot product", {
        "Sum over the d_model/2 = 32 pairs, not over all 64 dimensions.": _dot_at_offset(7, terms=64),
        "Use the distance k = 7 inside the cosine: cos(7·ω_i).": _dot_at_offset(1),
        "That is the value for k = 5, printed in section 3; this exercise asks for k = 7.": _dot_at_offset(5),
        "The exponent of pair i is -2i/d_model: yours looks like -i/d_model.":
            sum(math.cos(7 * 10000.0 ** (-i / 64)) for i in range(32)),
        "Each pair adds sin(pω)·sin((p+k)ω) + cos(pω)·cos((p+k)ω) = cos(kω): a sum of cosines, not of sines.":
            sum(math.sin(7 * 10000.0 ** (-2 * i / 64)) for i in range(32)),
    })


# ---- Build-it exercises: the learner writes the sinusoidal table (3.5) and a learned position module (3.6) ----

def _sinusoid_cases() -> list[Case]:
    """Fixed inputs, edge cases (one pair, one position, other bases) and random ones from a seeded generator."""
    cases = [Case((5, 4)), Case((64, 64)), Case((50, 16), {"base": 1000.0}),
             Case((7, 2)), Case((1, 8)), Case((30, 6), {"base": 2.0}), Case((20, 10), {"base": 1e6})]
    generator = torch.Generator().manual_seed(3)
    for _ in range(5):
        num_positions = int(torch.randint(1, 201, (1,), generator=generator))
        d_model = 2 * int(torch.randint(1, 49, (1,), generator=generator))
        base = round(10 ** (1 + 4 * float(torch.rand(1, generator=generator))), 1)
        cases.append(Case((num_positions, d_model), {"base": base}))
    return cases


def _sinusoid_variant(num_positions: int, d_model: int, base: float = 10000.0, *, first: int = 0,
                      exponent: float = 2.0, pair_frequency: bool = True, swap: bool = False,
                      interleave: bool = True) -> torch.Tensor:
    """The table with one knob turned the wrong way, to recognise a typical mistake in a learner's table."""
    p = torch.arange(first, first + num_positions, dtype=torch.float64)[:, None]
    if pair_frequency:
        omega = base ** (-exponent * torch.arange(d_model // 2, dtype=torch.float64) / d_model)
        sin, cos = torch.sin(p * omega), torch.cos(p * omega)
    else:  # every dimension j its own frequency base^(-j/d)
        omega = base ** (-torch.arange(d_model, dtype=torch.float64) / d_model)
        sin, cos = torch.sin(p * omega[0::2]), torch.cos(p * omega[1::2])
    even, odd = (cos, sin) if swap else (sin, cos)
    if interleave:
        return torch.stack([even, odd], dim=-1).reshape(num_positions, d_model).float()
    return torch.cat([even, odd], dim=-1).float()


SINUSOID_MISTAKES = {
    "Even dimensions (0, 2, 4, ...) hold the sine and odd dimensions the cosine; yours are the other way round.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, swap=True),
    "Your rows hold all the sines first, then all the cosines. Interleave them: dimension 2i holds the sine and "
    "dimension 2i+1 the cosine of the same pair i.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, interleave=False),
    "Your frequencies fall too slowly: the exponent of pair i is -2i/d_model, and yours is half of that.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, exponent=1.0),
    "Your frequencies fall too fast: the exponent of pair i is -2i/d_model with i counting pairs (0, 1, 2, ...). "
    "If your i counts dimensions (0, 2, 4, ...), the factor 2 is in there twice.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, exponent=4.0),
    "Your frequencies grow from pair to pair, but ω_i = base^(-2i/d_model) gets smaller as i grows: check the sign "
    "of the exponent.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, exponent=-2.0),
    "All your pairs turn at the same speed (ω_i = 1 for every pair). If the exponent was computed with whole numbers, "
    "2i // d_model is 0 for every pair.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, exponent=0.0),
    "The sine and the cosine of a pair share one frequency ω_i; your odd dimensions have frequencies of their own.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, pair_frequency=False),
    "Row p is position p, and positions start at 0: your first row is position 1.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d, base, first=1),
    "Use the base argument: your table is the one for base 10000 whatever base is.":
        lambda n, d, base=10000.0: _sinusoid_variant(n, d),
    "Rows are positions and columns are dimensions: your table is transposed.":
        lambda n, d, base=10000.0: sinusoidal(n, d, base).T,
}


@exercise("3.5")
def _sinusoidal_table(answer: Any) -> None:
    check_function(answer, sinusoidal, _sinusoid_cases(), "sinusoidal_mine", SINUSOID_MISTAKES, atol=1e-4)


def _learned_cases() -> list[tuple[int, int]]:
    """(context_length, d_model) pairs: fixed, edge (a one-row table, odd d_model) and random ones."""
    cases = [(8, 4), (1, 3), (5, 16)]
    generator = torch.Generator().manual_seed(6)
    for _ in range(3):
        cases.append((int(torch.randint(2, 65, (1,), generator=generator)),
                      int(torch.randint(1, 33, (1,), generator=generator))))
    return cases


def _attempt(call: Any, where: str) -> Any:
    """Run one piece of the learner's code; the stub becomes NotWrittenYet, any other error a hint."""
    try:
        with runaway_guard(where.removeprefix("Building ")):
            return call()
    except Hint:
        raise
    except LEARNER_CRASHES as error:  # the learner's bug, reported as a hint rather than a traceback
        raise learner_crash(error, f"{where} raised") from None


def _rows_problem(got: Any, table: torch.Tensor, seq_len: int, where: str) -> None:
    """Raise a hint unless `got` is rows 0..seq_len-1 of `table`, still connected to it for training."""
    expected = table[:seq_len].detach()
    problem = difference(got, expected, 0.0)
    if problem is None:
        expect(got.requires_grad, f"{where} gave the right numbers, but cut off from the table (no gradient "
                                  "flows back): training could never change them. Leave out .detach(), .data and "
                                  "torch.no_grad().")
        return
    if isinstance(got, torch.Tensor) and got.dim() == 2 and got.shape[0] == seq_len + 1:
        raise Hint(f"{where}: one row too many ({seq_len + 1}): a sequence of {seq_len} tokens has positions "
                   f"0..{seq_len - 1}, which torch.arange({seq_len}) gives.")
    shifted = table[1:seq_len + 1].detach()
    if isinstance(got, torch.Tensor) and got.shape == shifted.shape and torch.equal(got.detach().cpu(), shifted.cpu()):
        raise Hint(f"{where}: your rows are positions 1..{seq_len}, but the first token is at position 0, "
                   "so row p must be the table's row p.")
    raise Hint(f"{where}: {problem} (it should be rows 0..{seq_len - 1} of your table).")


@exercise("3.6")
def _learned_positions_module(answer: Any) -> None:
    expect(isinstance(answer, type) and issubclass(answer, nn.Module),
           "Pass your class itself (LearnedPositionsMine, without parentheses): a subclass of torch.nn.Module.")
    for context_length, d_model in _learned_cases():
        where = f"{answer.__name__}({context_length}, {d_model})"
        with torch.random.fork_rng(devices=[]):  # the learner's notebook keeps its own random state
            torch.manual_seed(0)
            module = _attempt(lambda c=context_length, d=d_model: answer(c, d), f"Building {where}")
        expect(type(module).forward is not nn.Module.forward,   # checked once __init__ is written
               f"Your class {answer.__name__} has no forward method (check its spelling: def forward(self, seq_len), "
               "indented inside the class). Calling a module runs its forward.")
        parameters = list(module.parameters())
        count = sum(p.numel() for p in parameters)
        expect(count == 0 or count != (context_length + 1) * d_model,
               f"{where} has one row too many ({context_length + 1} rows of {d_model}): positions run from 0 to "
               f"context_length - 1, so context_length={context_length} rows are enough.")
        expect(count == context_length * d_model,
               f"{where} has {count} trainable numbers; a table with one row of d_model={d_model} numbers for each "
               f"of the {context_length} positions has {context_length * d_model}. Make the table a parameter "
               "(nn.Embedding does that) so that training can change it.")
        table = parameters[0]
        expect(len(parameters) == 1 and tuple(table.shape) == (context_length, d_model),
               f"{where}: the table should have one row per position, shape ({context_length}, {d_model}); yours "
               f"has {[tuple(p.shape) for p in parameters]}.")
        for seq_len in sorted({1, max(1, context_length // 2), context_length}):
            call = f"{where}({seq_len})"
            if seq_len == context_length:
                try:
                    with runaway_guard(call):
                        got = module(seq_len)
                except Hint:
                    raise
                except ValueError as error:
                    raise Hint(f"{call} raised ValueError ({error}), but a sequence of exactly context_length="
                               f"{context_length} tokens fits: positions 0..{context_length - 1} all have rows."
                               ) from None
                except LEARNER_CRASHES as error:
                    raise learner_crash(error, f"{call} raised") from None
            else:
                got = _attempt(lambda m=module, n=seq_len: m(n), call)
            _rows_problem(got, table, seq_len, call)
        for seq_len in (context_length + 1, 2 * context_length + 3):
            _past_the_table(module, f"{where}({seq_len})", seq_len, context_length)


def _past_the_table(module: nn.Module, call: str, seq_len: int, context_length: int) -> None:
    """A sequence longer than the table must raise a ValueError that names context_length."""
    try:
        with runaway_guard(call):
            got = module(seq_len)
    except Hint:
        raise
    except ValueError as error:
        expect(str(context_length) in str(error),
               f"{call} raised ValueError({str(error)!r}); good, but say how long the table is "
               f"(context_length={context_length}) so that the reader knows the limit.")
        return
    except IndexError as error:
        raise Hint(f"{call} raised PyTorch's own IndexError ({error}), which does not say what is wrong. Check "
                   "seq_len yourself and raise a ValueError that names context_length.") from None
    except (NotImplementedError, SystemExit) as error:
        raise learner_crash(error, f"{call} raised") from None
    except LEARNER_CRASHES as error:
        raise Hint(f"{call} raised {type(error).__name__}: {error}. Past the table, raise a ValueError that names "
                   "context_length.") from None
    shape = tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__
    raise Hint(f"{call} returned {shape} without an error, but the table has only {context_length} rows: there are no "
               "vectors for the later positions. Raise a ValueError instead of clamping, repeating or cutting rows.")


# ---- Predict, then run ----
prediction("3.p", ["A", "B", "C", "D"])  # which dimension pair of sinusoidal(64, 64) changes fastest along positions

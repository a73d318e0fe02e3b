"""Bad inputs to Lecture 3's pieces get a clear error from the course's own code, never a silent wrong result:
sinusoidal / pair_frequencies (base 0 used to return NaNs), LearnedPositions, and the PositionalEncodingExplorer's
controls, which refuse a value they cannot take and keep working afterwards."""
import math

import numpy as np
import pytest
import torch

from bad_input import Bad
from helpers.built.positions import LearnedPositions, pair_frequencies, sinusoidal
from helpers.widgets.position_explorers import PositionalEncodingExplorer


def learned(context_length=4, d_model=8):
    torch.manual_seed(0)
    return LearnedPositions(context_length, d_model)


CASES = [
    # sinusoidal: the base
    Bad("sinusoidal, base 0 (used to give NaNs)", lambda: sinusoidal(8, 4, base=0), ValueError, "base",
        "greater than 1", "10000"),
    Bad("sinusoidal, negative base", lambda: sinusoidal(8, 4, base=-10.0), ValueError, "base", "greater than 1"),
    Bad("sinusoidal, base 1 (every pair alike)", lambda: sinusoidal(8, 4, base=1), ValueError, "base",
        "greater than 1"),
    Bad("sinusoidal, base below 1", lambda: sinusoidal(8, 4, base=0.5), ValueError, "base", "greater than 1"),
    Bad("sinusoidal, NaN base", lambda: sinusoidal(8, 4, base=float("nan")), ValueError, "base", "finite"),
    Bad("sinusoidal, infinite base", lambda: sinusoidal(8, 4, base=math.inf), ValueError, "base", "finite"),
    Bad("sinusoidal, base as text", lambda: sinusoidal(8, 4, base="10000"), TypeError, "base", "number", "10000.0"),
    Bad("sinusoidal, base as a tensor", lambda: sinusoidal(8, 4, base=torch.tensor(100.0)), TypeError, "base",
        ".item()"),
    Bad("sinusoidal, base True", lambda: sinusoidal(8, 4, base=True), TypeError, "base", "number"),
    # sinusoidal: sizes
    Bad("sinusoidal, float d_model", lambda: sinusoidal(8, 4.0), TypeError, "d_model", "whole number"),
    Bad("sinusoidal, odd d_model", lambda: sinusoidal(8, 7), ValueError, "d_model", "even", "8"),
    Bad("sinusoidal, d_model 0", lambda: sinusoidal(8, 0), ValueError, "d_model", "at least 1"),
    Bad("sinusoidal, d_model as a tensor", lambda: sinusoidal(8, torch.tensor(4)), TypeError, "d_model",
        "whole number"),
    Bad("sinusoidal, no positions", lambda: sinusoidal(0, 4), ValueError, "num_positions", "at least 1"),
    Bad("sinusoidal, negative positions", lambda: sinusoidal(-3, 4), ValueError, "num_positions", "at least 1"),
    Bad("sinusoidal, float positions", lambda: sinusoidal(2.5, 4), TypeError, "num_positions", "whole number"),
    Bad("sinusoidal, positions True", lambda: sinusoidal(True, 4), TypeError, "num_positions", "whole number"),
    Bad("sinusoidal, huge table", lambda: sinusoidal(10 ** 9, 512), ValueError, "GiB", "fewer positions"),
    Bad("pair_frequencies, base 0", lambda: pair_frequencies(8, base=0.0), ValueError, "base", "greater than 1"),
    Bad("pair_frequencies, odd size", lambda: pair_frequencies(7), ValueError, "even", "8"),
    # LearnedPositions: building it
    Bad("LearnedPositions, empty context", lambda: LearnedPositions(0, 8), ValueError, "context_length", "at least 1"),
    Bad("LearnedPositions, float d_model", lambda: LearnedPositions(4, 8.0), TypeError, "d_model", "whole number"),
    Bad("LearnedPositions, negative d_model", lambda: LearnedPositions(4, -8), ValueError, "d_model", "at least 1"),
    Bad("LearnedPositions, huge table", lambda: LearnedPositions(10 ** 7, 1024), ValueError, "GiB", "fewer positions"),
    # LearnedPositions: asking for positions
    Bad("LearnedPositions, beyond the context", lambda: learned(4)(6), ValueError, "context_length=4", "windows",
        "0..3"),
    Bad("LearnedPositions, far beyond the context", lambda: learned(4)(10 ** 6), ValueError, "context_length=4"),
    Bad("LearnedPositions, zero positions", lambda: learned()(0), ValueError, "seq_len", "at least 1"),
    Bad("LearnedPositions, negative positions", lambda: learned()(-1), ValueError, "seq_len", "at least 1"),
    Bad("LearnedPositions, float seq_len", lambda: learned()(2.0), TypeError, "seq_len", "whole number"),
    Bad("LearnedPositions, seq_len as text", lambda: learned()("3"), TypeError, "seq_len", "whole number"),
    Bad("LearnedPositions, the ids instead of their length", lambda: learned()(torch.tensor([[5, 7, 9]])), TypeError,
        "seq_len", "ids.shape[-1]", "(1, 3)"),
    Bad("LearnedPositions, a one-number tensor", lambda: learned()(torch.tensor(3)), TypeError, "seq_len", "int(n)"),
    Bad("LearnedPositions, a numpy array", lambda: learned()(np.arange(3)), TypeError, "seq_len", "ids.shape[-1]"),
]

# The explorer: each (changes, error, words); after the refusal the explorer must still show and accept good values.
EXPLORER_CASES = [
    ({"d_model": 7}, ValueError, ("d_model=7", "even", "6 or 8")),
    ({"d_model": 1000}, ValueError, ("d_model=1000", "2 to 256")),
    ({"d_model": 0}, ValueError, ("d_model=0", "2 to 256")),
    ({"d_model": 3.5}, TypeError, ("d_model", "whole number")),
    ({"d_model": "64"}, TypeError, ("d_model", "whole number")),
    ({"base": 0}, ValueError, ("base=0", "10 to 100000")),
    ({"base": -5.0}, ValueError, ("base=-5.0", "10 to 100000")),
    ({"base": float("nan")}, ValueError, ("base=nan", "finite")),
    ({"base": 1e9}, ValueError, ("base=1000000000.0", "10 to 100000")),
    ({"base": "big"}, TypeError, ("base", "number")),
    ({"num_positions": 1}, ValueError, ("num_positions=1", "2 to 512")),
    ({"num_positions": 10_000}, ValueError, ("num_positions=10000", "2 to 512")),
    ({"num_positions": True}, TypeError, ("num_positions", "whole number")),
    ({"d_model": 32, "num_positions": -4}, ValueError, ("num_positions=-4",)),  # one bad value: nothing changes
    ({"colour": "red"}, ValueError, ("unknown control", "colour")),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()


def test_numpy_numbers_are_fine():
    table = sinusoidal(np.int64(5), np.int32(8), np.float32(100.0))
    assert torch.allclose(table, sinusoidal(5, 8, 100.0))
    assert learned(np.int64(4), np.int16(8))(np.int64(3)).shape == (3, 8)
    assert pair_frequencies(np.int64(4), base=np.float64(10.0)).shape == (2,)


def picture(explorer):
    return bytes(explorer.live.widget.value)


@pytest.fixture(scope="module")
def explorer():
    return PositionalEncodingExplorer(d_model=16, num_positions=20)


@pytest.mark.parametrize("changes, error, words", EXPLORER_CASES, ids=lambda v: str(v) if isinstance(v, dict) else "")
def test_explorer_refuses_and_keeps_working(explorer, changes, error, words):
    explorer.update(d_model=16, base=10000.0, num_positions=20)
    before_values, before_picture = explorer.values(), picture(explorer)
    Bad(f"explorer.update({changes})", lambda: explorer.update(**changes), error, *words).check()
    assert explorer.values() == before_values and picture(explorer) == before_picture  # nothing half-applied
    explorer.update(d_model=24, num_positions=30)                                   # the next move works
    assert explorer.values()["d_model"] == 24 and picture(explorer) != before_picture
    assert np.allclose(explorer.image.get_array(), sinusoidal(30, 24).numpy())


def test_a_control_set_directly_is_put_back(explorer):
    """A value set on a control in code (not through update) goes through the same check, and the control is put
    back. (Out-of-range values never get that far: ipywidgets' sliders clamp them to their own range.)"""
    explorer.update(d_model=16, base=10000.0, num_positions=20)
    with pytest.raises(ValueError, match="9 is not a valid d_model"):
        explorer.controls["d_model"].value = 9
    assert explorer.values() == {"d_model": 16, "base": 10000.0, "num_positions": 20}
    explorer.controls["d_model"].value = 40
    assert np.allclose(explorer.image.get_array(), sinusoidal(20, 40).numpy())


@pytest.mark.parametrize("arguments, error", [({"d_model": 7}, ValueError), ({"base": 1.0}, ValueError),
                                              ({"num_positions": 2.5}, TypeError)])
def test_explorer_refuses_bad_starting_values(arguments, error):
    Bad(f"PositionalEncodingExplorer({arguments})", lambda: PositionalEncodingExplorer(**arguments), error,
        next(iter(arguments))).check()


def test_explorer_ticks_are_whole_numbers(explorer):
    explorer.update(d_model=2, num_positions=3)
    for axis in (explorer.table_ax.xaxis, explorer.table_ax.yaxis, explorer.dot_ax.xaxis):
        ticks = [t for t in axis.get_majorticklocs()]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks


# Lecture 3's exercises: answers that are wrong in kind get a hint (❌ ... Hint: ...), never a pass, a warning or a
# traceback.
class _MisspeltForward(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        self.table = torch.nn.Embedding(context_length, d_model)

    def foward(self, seq_len):
        return self.table.weight[:seq_len]


class _NoForward(torch.nn.Module):
    def __init__(self, context_length, d_model):
        super().__init__()
        self.table = torch.nn.Embedding(context_length, d_model)


class _ExitsInForward(_MisspeltForward):
    def forward(self, seq_len):
        raise SystemExit("done")


class _ExitsWhenBuilt(_ExitsInForward):
    def __init__(self, context_length, d_model):
        raise SystemExit(2)


def _right_encoding():
    return torch.tensor([math.sin(3), math.cos(3), math.sin(3 / 100), math.cos(3 / 100)])


EXERCISE_HINTS = [
    ("3.6", _MisspeltForward, "no forward method (check its spelling"),
    ("3.6", _NoForward, "no forward method"),
    ("3.6", _ExitsInForward, "sys.exit()"),
    ("3.6", _ExitsWhenBuilt, "sys.exit()"),
    ("3.5", lambda num_positions, d_model, base=10000.0: exit(), "sys.exit()"),
    ("3.5", lambda num_positions, d_model, base=10000.0: sinusoidal(num_positions, d_model, base).to("meta"),
     "meta device"),
    ("3.2", _right_encoding().to(torch.complex64), "complex"),
    ("3.2", _right_encoding().to("meta"), "meta device"),
    ("3.4", torch.tensor([1.0], requires_grad=True), "not right yet"),
    ("3.4", torch.tensor(2.0).to("meta"), "meta device"),
]


@pytest.mark.parametrize("exercise_id, answer, words", EXERCISE_HINTS,
                         ids=[f"{e}-{w}-{n}" for n, (e, _, w) in enumerate(EXERCISE_HINTS)])
def test_bad_exercise_answers_get_hints(capsys, exercise_id, answer, words):
    import warnings

    from helpers.exercises.checking import check
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # e.g. torch's warning about a tensor with requires_grad
        check(exercise_id, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out

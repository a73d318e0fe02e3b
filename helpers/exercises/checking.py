"""Exercise checks: a notebook passes a learner's answer, and we print ✅ or a hint (never the solution).

Each lecture registers its exercises in `helpers/exercises/lectureNN.py` with `@exercise("N.k")`;
a checker raises `Hint` with advice when the answer is not right yet. Build-it exercises hand the
learner's function to `check_function`, which runs it on many inputs against the course's reference and
names the first failing case. Predict-then-run questions use `prediction(...)`, `predict` and `reveal`.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import inspect
import math
import numbers
import pkgutil
import signal
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: no resource module (and no SIGALRM: the guard is off there)
    resource = None

import numpy as np
import torch

Checker = Callable[[Any], None]
_EXERCISES: dict[str, Checker] = {}
_PREDICTIONS: dict[str, tuple[str, ...]] = {}  # prediction id -> the choices a learner can pick
_PREDICTED: dict[str, str] = {}                # prediction id -> what the learner picked


class Hint(Exception):
    """Raised by a checker: the answer is not right yet, and the message says what to look at."""


def exercise(exercise_id: str) -> Callable[[Checker], Checker]:
    """Register a checker under an id such as "0.1" (lecture 0, exercise 1)."""
    def register(checker: Checker) -> Checker:
        if exercise_id in _EXERCISES:
            raise ValueError(f"Exercise {exercise_id} is registered twice.")
        _EXERCISES[exercise_id] = checker
        return checker
    return register


def load_exercises() -> None:
    """Import every lecture's checker module (each registers itself; importing again costs nothing)."""
    import helpers.exercises as package
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("lecture"):
            importlib.import_module(f"{package.__name__}.{module.name}")


def registered_exercises() -> dict[str, Checker]:
    """Every registered exercise id and its checker (the lecture modules are loaded first)."""
    load_exercises()
    return dict(_EXERCISES)


def _known(exercise_id: str, registry: dict[str, Any], what: str) -> str:
    """The id without surrounding spaces, if it is registered; else a clear error naming the known ids."""
    load_exercises()
    if not isinstance(exercise_id, str):
        raise TypeError(f"The {what} id must be a string in quotes, e.g. helpers.check(\"3.5\", answer), not "
                        f"{type(exercise_id).__name__} {exercise_id!r}.")
    exercise_id = exercise_id.strip()
    if exercise_id not in registry:
        if registry is _EXERCISES and exercise_id in _PREDICTIONS:
            raise KeyError(f"{exercise_id!r} is a prediction question: record your guess with "
                           f"helpers.predict({exercise_id!r}, answer), not helpers.check.")
        known = ", ".join(sorted(registry))
        raise KeyError(f"There is no {what} {exercise_id!r}. Known: {known}. Check the id in the cell above.")
    return exercise_id


def check(exercise_id: str, answer: Any) -> None:
    """Check a learner's answer to one exercise and print ✅ or a hint.

    Leave the answer as `...` until you have one: the check then says what to do. For a build-it
    exercise the answer is your function (or class); a stub that still raises NotImplementedError
    counts as not written yet.
    """
    exercise_id = _known(exercise_id, _EXERCISES, "exercise")
    if answer is Ellipsis:
        print(f"✏️ Exercise {exercise_id}: replace ... with your answer, then run this cell again.")
        return
    changed = changed_globals(inspect.currentframe().f_back.f_globals)
    if changed:
        print(f"❌ Exercise {exercise_id}: not yet. Hint: {changed}")
        return
    try:
        # Checkers seed only the CPU generator (torch.default_generator), restored here: the learner's notebook keeps
        # its random state, on the CPU and on a GPU.
        with torch.random.fork_rng(devices=[]):
            _EXERCISES[exercise_id](_plain(answer))
    except NotWrittenYet:
        print(f"✏️ Exercise {exercise_id}: write the body of your function (replace the "
              "`raise NotImplementedError`), then run this cell again.")
        return
    except Hint as hint:
        print(f"❌ Exercise {exercise_id}: not yet. Hint: {hint}")
        return
    print(f"✅ Exercise {exercise_id}: correct!")


def changed_globals(names: dict[str, Any]) -> str | None:
    """What a learner's cell changed that later cells rely on: torch's default dtype (set back to float32 here, and
    said), or one of the lecture's names (torch, helpers, device) bound to something else. None if all is well."""
    if torch.get_default_dtype() != torch.float32:
        changed = torch.get_default_dtype()
        torch.set_default_dtype(torch.float32)
        return (f"torch.set_default_dtype({changed}) changed the default dtype for every later cell, and the "
                "lecture's numbers assume float32. It has been set back to torch.float32; run this cell again. To "
                "use another dtype, pass dtype= to the one tensor that needs it.")
    expected = {"torch": lambda v: v is torch, "helpers": lambda v: getattr(v, "__name__", "") == "helpers",
                "device": lambda v: isinstance(v, torch.device)}
    for name, fits in expected.items():
        if name in names and not fits(names[name]):
            return (f"the name {name!r} now holds {_short(names[name])}, but later cells use it as the lecture set "
                    f"it. Pick another name for your variable, then re-run the lecture's cell that defines {name!r} "
                    "(or the setup cell).")
    return None


def _plain(answer: Any) -> Any:
    """NumPy scalars (np.int64 from a sum, np.float64, np.str_) and 0-d arrays as Python's own, 1-D arrays as lists,
    inside lists and tuples too, so a right answer computed with NumPy counts as right. A tensor on the meta device
    (a shape without values) gets a hint."""
    if isinstance(answer, torch.Tensor):
        expect_values(answer, "Your answer")
    if isinstance(answer, np.generic) or isinstance(answer, np.ndarray) and answer.ndim == 0:
        return answer.item()
    if isinstance(answer, np.ndarray) and answer.ndim == 1:
        return FromNumPy(answer.tolist())
    if type(answer) in (list, tuple):
        return type(answer)(_plain(item) for item in answer)
    return answer


class FromNumPy(list):
    """A 1-D NumPy array answer, as a list (so ids computed with NumPy count); a type hint still calls it an array."""


class NotWrittenYet(Exception):
    """The learner's function is still the stub (it raised NotImplementedError)."""


LEARNER_CRASHES = (Exception, SystemExit)  # what the learner's code may raise; SystemExit from a stray sys.exit()


def _missing_forward(error: BaseException) -> bool:
    """True if `error` is torch's NotImplementedError for an nn.Module without a forward method (a misspelt one)."""
    traceback = error.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback is not None and traceback.tb_frame.f_code.co_name == "_forward_unimplemented"


def learner_crash(error: BaseException, raised: str) -> Exception:
    """What one crash of the learner's code becomes: NotWrittenYet for the stub, else a Hint.

    `raised` starts the hint, e.g. "For f(1) your function raised"; the error's type and message follow.
    A module without `forward` (torch raises NotImplementedError for it) and a call of sys.exit() get their own hints.
    """
    if isinstance(error, NotImplementedError):
        if _missing_forward(error):
            return Hint(f"{raised} NotImplementedError because your class has no forward method (check its "
                        "spelling: def forward(self, ...), inside the class). Calling a module runs its forward.")
        return NotWrittenYet()
    if isinstance(error, SystemExit):
        return Hint(f"{raised} SystemExit: your code calls sys.exit() or exit(), which would stop the notebook. "
                    "Remove that call and return the result instead.")
    return Hint(f"{raised} {type(error).__name__}: {error}")


def prediction(exercise_id: str, choices: Sequence[str]) -> None:
    """Register a predict-then-run question whose answer is one of `choices` (e.g. "A", "B", "C")."""
    if exercise_id in _PREDICTIONS or exercise_id in _EXERCISES:
        raise ValueError(f"Exercise {exercise_id} is registered twice.")
    _PREDICTIONS[exercise_id] = tuple(str(choice).upper() for choice in choices)


def predict(exercise_id: str, answer: Any) -> None:
    """Record a learner's prediction before the next cell shows the result; any listed choice is accepted."""
    exercise_id = _known(exercise_id, _PREDICTIONS, "prediction question")
    choices = _PREDICTIONS[exercise_id]
    if answer is Ellipsis:
        print(f"✏️ Prediction {exercise_id}: replace ... with your guess ({' / '.join(choices)}) before you run "
              "the next cell.")
        return
    picked = str(answer).strip().upper() if isinstance(answer, (str, np.str_)) else None
    if picked not in choices:
        print(f"❌ Prediction {exercise_id}: {_short(answer)} is not one of the choices {', '.join(choices)}. "
              f"Hint: write one of them as a string in quotes, e.g. answer = {choices[0]!r}.")
        return
    _PREDICTED[exercise_id] = picked
    print(f"📝 Prediction {exercise_id}: you predicted {picked}. Now run the next cell and see.")


def reveal(exercise_id: str, actual: str) -> None:
    """Print the measured answer to a prediction question (computed by the cell) beside the learner's guess."""
    exercise_id = _known(exercise_id, _PREDICTIONS, "prediction question")
    if not isinstance(actual, (str, np.str_)):
        letters = ", ".join(_PREDICTIONS[exercise_id])
        raise TypeError(f"reveal needs the measured answer as one of the letters {letters} "
                        f"(a string computed from the numbers), not {type(actual).__name__} {actual!r}.")
    actual = str(actual).strip().upper()
    if actual not in _PREDICTIONS[exercise_id]:
        raise ValueError(f"{actual!r} is not one of the choices of {exercise_id}: {_PREDICTIONS[exercise_id]}.")
    guess = _PREDICTED.get(exercise_id)
    if guess is None:
        verdict = "you made no prediction (set answer in the cell above and run it first)"
    elif guess == actual:
        verdict = f"you predicted {guess}: right ✅"
    else:
        verdict = f"you predicted {guess}: not this time; the text below explains why"
    print(f"🔎 Prediction {exercise_id}: the answer is {actual}; {verdict}.")


@dataclass
class Case:
    """One input for a build-it check: positional and keyword arguments, and how the hint names them."""

    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def describe(self, name: str) -> str:
        if self.label:
            return self.label
        shown = [_short(arg) for arg in self.args] + [f"{k}={_short(v)}" for k, v in self.kwargs.items()]
        return f"{name}({', '.join(shown)})"


def _short(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        if value.numel() <= 6 and not value.is_meta:
            return repr(value.tolist())
        return f"<tensor of shape {tuple(value.shape)}, {str(value.dtype).removeprefix('torch.')}>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_function(learner: Any, reference: Callable[..., Any], cases: Iterable[Case], name: str,
                   mistakes: dict[str, Callable[..., Any]] | None = None, atol: float = 1e-5,
                   exact_dtype: bool = False, compare: Callable[[Any, Any], str | None] | None = None) -> None:
    """Run a learner's function on every case and compare with `reference`; raise a Hint at the first difference.

    The hint names the input, the expected shape or value and what came back, never the reference code.
    When the learner's result equals what a known mistake (a function in `mistakes`, keyed by its hint)
    returns on that input, that mistake's hint is added. The learner's own errors become hints too.
    With `exact_dtype`, a tensor must also have the reference's dtype (for statements that name one). `compare(got,
    expected)` replaces `difference` for results it cannot compare (batches, merge tables): None if they match.
    """
    if not callable(reference):
        raise TypeError(f"check_function needs the reference implementation as a function, not "
                        f"{type(reference).__name__}.")
    expect(callable(learner), f"Pass your function itself (e.g. {name}, without parentheses), not "
                              f"{type(learner).__name__} {_short(learner)}.")
    for case in cases:
        if not isinstance(case, Case):
            raise TypeError(f"check_function's cases must be Case(...) objects, not {type(case).__name__} {case!r}.")
        where = case.describe(name)
        expected = reference(*_snapshot(case.args), **_snapshot(case.kwargs))
        got = call_learner(learner, where, *_snapshot(case.args), **_snapshot(case.kwargs))
        problem = compare(got, expected) if compare else difference(got, expected, atol, exact_dtype)
        if problem is None:
            continue
        for hint, wrong in (mistakes or {}).items():
            try:
                mistaken = wrong(*_snapshot(case.args), **_snapshot(case.kwargs))
                if (compare(got, mistaken) if compare else difference(got, mistaken, atol)) is None:
                    raise Hint(f"For {where}: {problem}. {hint}")
            except Hint:
                raise
            except Exception:
                continue
        raise Hint(f"For {where}: {problem}.")


def call_learner(function: Callable[..., Any], where: str, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's code once and return what it returns (a generator is run to the end here, as a list). A
    crash, a runaway loop or a change to its inputs becomes a Hint that starts with `where` (e.g. "For f(1)"); the
    stub becomes NotWrittenYet."""
    before_args, before_kwargs = _snapshot(args), _snapshot(kwargs)
    who = "your function" if inspect.isfunction(function) else "your code"   # a class or a module: "your code"
    try:
        with runaway_guard(where.removeprefix("For ")):
            result = function(*args, **kwargs)
            if isinstance(result, types.GeneratorType):   # its body runs only now: under the same guard
                result = list(result)
    except Hint:
        raise
    except LEARNER_CRASHES as error:  # the learner's bug, reported as a hint rather than a traceback
        raise learner_crash(error, f"{_for(where)} {who} raised") from None
    changed = first_changed_input(args, before_args, "args") or first_changed_input(kwargs, before_kwargs, "kwargs")
    if changed is not None:
        raise Hint(f"{_for(where)} {who} changed its input {_parameter_name(function, changed)} in place (insert, "
                   "append, extend, x[...] = ..., /=, an in-place torch method ending in _). Leave inputs as they "
                   "were: work on a copy (list(x), x.clone()) or build a new result.")
    return result


def outcome(function: Callable[..., Any], where: str, *args: Any,
            errors: type[Exception] | tuple[type[Exception], ...] = ValueError) -> tuple[bool, Any]:
    """Call learner code whose right answer may be to raise: (True, the error) if it raised one of `errors`, else
    (False, what it returned). The stub, a runaway, any other crash and an in-place change become hints, as in
    call_learner."""
    @functools.wraps(function)
    def caught(*inner: Any) -> tuple[bool, Any]:
        try:
            return False, function(*inner)
        except errors as error:
            if isinstance(error, NotImplementedError):
                raise
            return True, error
    return call_learner(caught, where, *args)


def expect_refusal(learner: Callable[..., Any], where: str, crashed: str, returned: str, *args: Any) -> ValueError:
    """The ValueError the learner's function raises for an input it must refuse. Any other error becomes a hint that
    ends with `crashed`; a result, one that ends with `returned`."""
    try:
        refused, got = outcome(learner, where, *args)
    except Hint as hint:
        raise Hint(f"{str(hint).rstrip('.')}. {crashed}") from None
    expect(refused, f"{where} your function returned {got!r}{returned}")
    return got


def _for(where: str) -> str:
    return where if where.startswith("For ") else f"For {where}"


def _snapshot(value: Any) -> Any:
    """An independent copy of a case's inputs (tensors cloned, containers rebuilt, modules deep-copied)."""
    if isinstance(value, torch.Tensor):
        return value.clone() if value.is_meta else value.detach().clone().requires_grad_(value.requires_grad)
    if type(value) in (list, tuple):
        return type(value)(_snapshot(item) for item in value)
    if isinstance(value, dict):
        return {key: _snapshot(item) for key, item in value.items()}
    return copy.deepcopy(value)


def expect_dtype(answer: Callable[..., Any], case: Case, name: str, dtype: torch.dtype, advice: str,
                 parts: tuple[str, ...] = ()) -> None:
    """Once the values are right: the result tensor (each of them, named by `parts`) must have the `dtype` the
    statement names; `advice` says how to get it."""
    where = case.describe(name)
    results = call_learner(answer, where, *case.args, **case.kwargs)
    for part, result in zip(parts or [""], results if parts else [results]):
        got = f"{part} in dtype " * bool(part) + str(result.dtype).removeprefix("torch.")
        expect(result.dtype == dtype, f"For {where} the values are right, but your function returned {got}: {advice}")


TIME_LIMIT_S = 10.0                 # one call of a learner's function on one small case
MEMORY_BUDGET_BYTES = 2 * 1024**3   # resident memory that call may add to what the kernel already holds
TICK_S = 0.05                       # how often the guard looks at the clock and the memory
RESTOP_S = 1.0                      # after a stop, the next one waits this long (one a learner's bare except: ate)


class Runaway(BaseException):
    """The learner's function ran past the time limit, or past the memory budget, on one case. A BaseException, so
    that a learner's own `except Exception:` inside a loop cannot swallow it and keep the loop running."""


def resident_bytes() -> int | None:
    """This process's resident memory (Linux: /proc/self/statm; macOS: its peak, from getrusage); None elsewhere."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * resource.getpagesize()
    if resource is not None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # bytes on macOS
    return None


@contextlib.contextmanager
def runaway_guard(where: str) -> Iterator[None]:
    """Stop a learner's function that runs past TIME_LIMIT_S or grows the kernel's resident memory by more than
    MEMORY_BUDGET_BYTES, with a hint, before it can take the kernel down.

    A timer (SIGALRM every TICK_S) checks both, so it works where the check runs in the main thread of a Unix
    kernel (Linux, macOS); on Windows, which has no SIGALRM, the call runs unguarded."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    start, base, stopped = time.monotonic(), resident_bytes(), []

    def tick(signum: int, frame: Any) -> None:
        if stopped and time.monotonic() - stopped[-1] < RESTOP_S:   # the stop is on its way out: let it unwind
            return
        if time.monotonic() - start > TIME_LIMIT_S:
            stopped.append(time.monotonic())
            raise Runaway("time")
        if base is not None and (resident_bytes() or 0) - base > MEMORY_BUDGET_BYTES:
            stopped.append(time.monotonic())
            raise Runaway("memory")

    previous = signal.signal(signal.SIGALRM, tick)
    signal.setitimer(signal.ITIMER_REAL, TICK_S, TICK_S)
    try:
        yield
    except Runaway as stop:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if stop.args == ("memory",):
            raise Hint(f"For {where} your function used more than {MEMORY_BUDGET_BYTES / 1024**3:.1f} GB of memory "
                       "and was stopped: look for a list or tensor that grows in a loop that never ends.") from None
        raise Hint(f"For {where} your function was still running after {TIME_LIMIT_S:g} s, on a small input that "
                   "takes the reference well under a second: look for a loop that never ends (a while whose "
                   "condition never changes, a list that never reaches its length).") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parameter_name(learner: Callable[..., Any], changed: str) -> str:
    """The learner's own name for a changed positional input ("argument 2" -> "ids_b"), so the hint names it."""
    if not changed.startswith("argument "):
        return changed
    try:
        names = [p.name for p in inspect.signature(learner).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        return names[int(changed.split()[1]) - 1]
    except (TypeError, ValueError, IndexError):
        return changed


def first_changed_input(after: Any, before: Any, path: str = "") -> str | None:
    """Which input (e.g. "argument 1", or a keyword's name) differs between `after` (what the learner's function
    received) and `before` (the untouched case); None if the function left its inputs as they were."""
    if isinstance(before, torch.Tensor):
        same = (isinstance(after, torch.Tensor) and after.shape == before.shape and after.dtype == before.dtype
                and (before.is_meta or torch.equal(after.detach().cpu(), before.detach().cpu())))
        return None if same else path
    if isinstance(before, (list, tuple)):
        if type(after) is not type(before) or len(after) != len(before):
            return path
        for i, (a, b) in enumerate(zip(after, before)):
            found = first_changed_input(a, b, f"argument {i + 1}" if path == "args" else path)
            if found is not None:
                return found
        return None
    if isinstance(before, dict):
        if not isinstance(after, dict) or after.keys() != before.keys():
            return path
        for key in before:
            found = first_changed_input(after[key], before[key], key if path == "kwargs" else path)
            if found is not None:
                return found
        return None
    if isinstance(before, torch.nn.Module):
        modes = [m.training for m in after.modules()] == [m.training for m in before.modules()]
        mine, theirs = after.state_dict(), before.state_dict()
        same = modes and mine.keys() == theirs.keys() and all(torch.equal(mine[k], theirs[k]) for k in theirs)
        return None if same else path
    if isinstance(before, np.ndarray):
        return None if isinstance(after, np.ndarray) and np.array_equal(after, before) else path
    if type(before).__eq__ is object.__eq__:           # no value equality: compare the object's attributes
        if type(after) is not type(before) or not hasattr(before, "__dict__"):
            return None if type(after) is type(before) else path
        return None if first_changed_input(vars(after), vars(before), path="object") is None else path
    try:
        return None if bool(after == before) or after != after else path
    except Exception:
        return None


def difference(got: Any, expected: Any, atol: float, exact_dtype: bool = False) -> str | None:
    """None if `got` matches `expected`, else a sentence saying how it differs (shape first, then dtype if
    `exact_dtype`, then values)."""
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return f"expected a tensor of shape {tuple(expected.shape)}, but your function returned {_short(got)}"
        kind = _unusable(got)
        if kind is not None and (got.dtype != torch.bool or expected.dtype.is_floating_point):
            return f"your function returned {kind}"
        if tuple(got.shape) != tuple(expected.shape):
            return f"expected shape {tuple(expected.shape)}, but your function returned shape {tuple(got.shape)}"
        if exact_dtype and got.dtype != expected.dtype:
            return (f"the dtype should be {str(expected.dtype).removeprefix('torch.')}; yours is "
                    f"{str(got.dtype).removeprefix('torch.')}")
        if expected.dtype.is_floating_point:
            actual = got.detach().cpu().to(expected.dtype)
            wrong = ~torch.isclose(actual, expected.cpu(), atol=atol, rtol=1e-4, equal_nan=True)
        else:
            if got.dtype.is_floating_point:
                kind = "True/False values" if expected.dtype == torch.bool else "whole numbers"
                return f"expected {kind} ({str(expected.dtype).removeprefix('torch.')}), got {got.dtype}"
            actual = got.detach().cpu()
            wrong = actual != expected.cpu()
        if not wrong.any():
            return None
        index = tuple(int(i) for i in wrong.nonzero()[0])
        return (f"the shape is right, but at index {list(index)} the value should be "
                f"{expected.cpu()[index].item():.6g}; yours is {actual[index].item():.6g}")
    if isinstance(expected, (tuple, list)) and expected and isinstance(expected[0], torch.Tensor):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} tensors, but your function returned {_short(got)}"
        for position, (mine, theirs) in enumerate(zip(got, expected)):
            problem = difference(mine, theirs, atol, exact_dtype)
            if problem is not None:
                return f"in result {position}: {problem}"
        return None
    if isinstance(expected, numbers.Real) and not isinstance(expected, bool):
        ok = isinstance(got, numbers.Real) and not isinstance(got, bool) and math.isclose(got, expected, abs_tol=atol)
        return None if ok else f"expected {expected!r}, but your function returned {_short(got)}"
    if got == expected:
        return None
    return f"expected {_short(expected)}, but your function returned {_short(got)}"


def expect(condition: bool, hint: str) -> None:
    """Raise `Hint(hint)` unless `condition` holds."""
    if not condition:
        raise Hint(hint)


_NUMBER_KINDS = {int: numbers.Integral, float: numbers.Real}  # numpy and torch scalars count as numbers


def expect_type(answer: Any, kinds: type | tuple[type, ...], what: str) -> None:
    """Raise a Hint naming the expected type when `answer` is not an instance of `kinds`.

    `int` also accepts numpy integers and `float` any real number (an int, numpy or 0-d tensor value).
    """
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if isinstance(answer, torch.Tensor) and answer.numel() == 1 and torch.Tensor not in kinds:
        expect_values(answer, what)
        answer = answer.detach().item()
    accepted = tuple(_NUMBER_KINDS.get(kind, kind) for kind in kinds)
    names = " or ".join(k.__name__ for k in kinds)
    ok = isinstance(answer, accepted) and not (isinstance(answer, bool) and bool not in kinds)
    given = "NumPy array" if isinstance(answer, FromNumPy) else type(answer).__name__
    expect(ok, f"{what} should be of type {names}, but you gave a {given}.")


@dataclass(frozen=True)
class Value:
    """A value exercise as data: the right answer, what the answer is called, the known wrong answers with the hint
    each one gets, and the hint for any other answer. A whole-number answer must match exactly; a real number within
    half a unit of the `places` the lecture prints (23.5 passes for 23.50), or within 0.01% when `places` is None.
    With `places`, only the right answer rounded to fewer decimals, or one within 5 units of its last printed place,
    is called close: any other wrong answer gets `otherwise`, as a formula slip may land within 1 of the answer."""

    expected: float
    what: str
    otherwise: str
    mistakes: dict[float, str] = field(default_factory=dict)
    places: int | None = None

    def check(self, answer: Any) -> None:
        whole = isinstance(self.expected, int) and not isinstance(self.expected, bool)
        expect_type(answer, int if whole else (int, float), self.what)
        number = answer.detach().item() if isinstance(answer, torch.Tensor) else answer
        if self._close(number, self.expected):
            return
        for wrong, hint in self.mistakes.items():
            if self._close(number, wrong):
                raise Hint(hint)
        if self.places is not None:
            if any(math.isclose(number, round(self.expected, shorter), abs_tol=1e-9) for shorter in range(self.places)):
                raise Hint(f"{self.what} {number} is close but rounded too far: give at least {self.places} decimals, "
                           "as the lecture prints them.")
            if abs(number - self.expected) < 5 * 10.0 ** -self.places:   # never true for nan
                raise Hint(f"{self.what} {number} is close but off at {self.places} decimals: keep full precision, "
                           "or round (not cut).")
        raise Hint(self.otherwise)

    def _close(self, number: float, target: float) -> bool:
        if self.places is not None:
            return abs(number - target) <= 0.5 * 10.0 ** -self.places + 1e-9
        return number == target if isinstance(target, int) else math.isclose(number, target, rel_tol=1e-4)


def values(table: dict[str, Value]) -> None:
    """Register value exercises given as data: {"3.3": Value(...), ...}."""
    for exercise_id, value in table.items():
        exercise(exercise_id)(value.check)


def _unusable(tensor: torch.Tensor) -> str | None:
    """Why a tensor's values cannot be compared with real numbers (meta device, complex, bool), or None."""
    if tensor.is_meta:
        return ("a tensor on the meta device, which has a shape but holds no values: compute it on a real device "
                "(or move it to the CPU with .cpu() if it has values)")
    if tensor.is_complex():
        return (f"a complex tensor ({str(tensor.dtype).removeprefix('torch.')}): the answer is real numbers, so "
                "leave out the imaginary part (use float tensors, e.g. .real or torch.float32)")
    if tensor.dtype == torch.bool:
        return "a tensor of True/False values (torch.bool): the answer is numbers, e.g. .float() or .long()"
    return None


def expect_values(answer: torch.Tensor, what: str) -> None:
    """Raise a Hint if the tensor `answer` holds no values (meta device)."""
    expect(not answer.is_meta, f"{what} is {_unusable(answer)}.")


def expect_real_tensor(answer: Any, what: str) -> None:
    """Raise a Hint unless `answer` is a tensor of real numbers with values (not meta, complex or bool)."""
    expect_type(answer, torch.Tensor, what)
    kind = _unusable(answer)
    expect(kind is None, f"{what} is {kind}.")

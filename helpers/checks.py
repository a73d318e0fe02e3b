"""Exercise checks: a notebook passes a learner's answer, and we print ✅ or a hint (never the solution).

Each lecture registers its exercises in `helpers/exercises/lectureNN.py` with `@exercise("N.k")`;
a checker raises `Hint` with advice when the answer is not right yet.
"""
from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable
from typing import Any

import torch

Checker = Callable[[Any], None]
_EXERCISES: dict[str, Checker] = {}


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


def _load_exercises() -> None:
    import helpers.exercises as package
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def check(exercise_id: str, answer: Any) -> None:
    """Check a learner's answer to one exercise and print ✅ or a hint.

    Leave the answer as `...` until you have one: the check then says what to do.
    """
    if not _EXERCISES:
        _load_exercises()
    if exercise_id not in _EXERCISES:
        known = ", ".join(sorted(_EXERCISES))
        raise KeyError(f"There is no exercise {exercise_id!r}. Known exercises: {known}.")
    if answer is Ellipsis:
        print(f"✏️ Exercise {exercise_id}: replace ... with your answer, then run this cell again.")
        return
    try:
        _EXERCISES[exercise_id](answer)
    except Hint as hint:
        print(f"❌ Exercise {exercise_id}: not yet. Hint: {hint}")
        return
    print(f"✅ Exercise {exercise_id}: correct!")


def expect(condition: bool, hint: str) -> None:
    """Raise `Hint(hint)` unless `condition` holds."""
    if not condition:
        raise Hint(hint)


def expect_type(answer: Any, kinds: type | tuple[type, ...], what: str) -> None:
    """Raise a Hint naming the expected type when `answer` is not an instance of `kinds`."""
    names = " or ".join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))
    expect(isinstance(answer, kinds), f"{what} should be a {names}, but you gave a {type(answer).__name__}.")


def expect_close(answer: Any, expected: float, what: str, mistakes: dict[str, float] | None = None) -> None:
    """Accept a number within 0.01% of `expected`; name the mistake when the answer matches a known wrong value."""
    expect_type(answer, (int, float), what)
    if math.isclose(answer, expected, rel_tol=1e-4):
        return
    for hint, wrong in (mistakes or {}).items():
        if math.isclose(answer, wrong, rel_tol=1e-4):
            raise Hint(hint)
    raise Hint(f"{what} is not right yet; re-read the formula step by step.")


def expect_tensor(answer: Any, expected: torch.Tensor, what: str, atol: float = 1e-5) -> None:
    """Check a tensor answer: type, shape, then values (moved to the CPU, within `atol`)."""
    expect_type(answer, torch.Tensor, what)
    expect(tuple(answer.shape) == tuple(expected.shape),
           f"{what} has shape {tuple(answer.shape)}; check which dimensions it should have.")
    same = torch.allclose(answer.detach().cpu().to(expected.dtype), expected.cpu(), atol=atol)
    expect(same, f"{what} has the right shape but different values; re-read the formula step by step.")

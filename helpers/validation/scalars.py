"""Single values every public function shares: whole numbers, even sizes and True/False flags.

Non-integers raise TypeError, integers out of range raise ValueError, with one wording course-wide.
"""
from __future__ import annotations

import numbers


def whole_number(value: object, name: str, minimum: int = 1) -> int:
    """`value` as an int if it is a whole number (numpy ints too) of at least `minimum`, else a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number such as {max(minimum, 4)}, not {type(value).__name__} "
                        f"{value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}.")
    return int(value)


def positive_even(value: object, name: str) -> int:
    """`value` as an int if it is a positive even whole number (dimensions that come in pairs), else a clear error."""
    value = whole_number(value, name)
    if value % 2:
        raise ValueError(f"{name} must be even (dimensions come in sin/cos or rotation pairs), not {value}. "
                         f"Use {value + 1} or {value - 1 if value > 1 else 2}.")
    return value


def flag(value: object, name: str) -> bool:
    """`value` if it is True or False (not 0/1, not a string), else a clear error."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__} {value!r}.")
    return value

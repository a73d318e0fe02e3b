"""The shape of every bad-input test: a call a learner might make, the error it must raise, and words the message
must contain (naming what was wrong and how to fix it). The error must come from the course's own code, not
surface raw from deep inside torch, tiktoken or traitlets.

    CASES = [Bad("sinusoidal, odd d_model", lambda: sinusoidal(4, 5), ValueError, "even", "d_model"), ...]

    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_bad_input(case):
        case.check()
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

COURSE_CODE = Path(__file__).resolve().parent.parent / "helpers"


@dataclass(frozen=True)
class Bad:
    """One bad input: `call()` must raise `error` whose message contains every word in `mentions` (any case)."""

    name: str
    call: Callable[[], Any]
    error: type[BaseException]
    mentions: tuple[str, ...]

    def __init__(self, name: str, call: Callable[[], Any], error: type[BaseException], *mentions: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "error", error)
        object.__setattr__(self, "mentions", mentions)

    def __str__(self) -> str:
        return self.name

    def check(self) -> None:
        with pytest.raises(self.error) as info:
            self.call()
        message = str(info.value)
        missing = [word for word in self.mentions if word.lower() not in message.lower()]
        assert not missing, f"the message does not mention {missing}: {message!r}"
        last = info.traceback[-1]
        raised_in = Path(last.path).resolve()
        assert COURSE_CODE in raised_in.parents and "raise" in str(last.statement), (
            f"not raised by a `raise` in helpers/ but at {raised_in}:{last.lineno + 1}: {message!r}")

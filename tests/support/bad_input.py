"""The shape of every bad-input test: a call a learner might make, the error it must raise, and words the message
must contain (naming what was wrong and how to fix it). The error must come from the course's own code, not
surface raw from deep inside torch, tiktoken or traitlets.

    CASES = [Bad("sinusoidal, odd d_model", lambda: sinusoidal(4, 5), ValueError, "even", "d_model"), ...]

    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_bad_input(case):
        case.check()

Command-line tools use `BadCommand(name, ["helpers.maintainer.site", "--out", path], "words", unchanged=path)`:
a non-zero exit, a message (no traceback) containing the words, and nothing changed on disk.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers.course import ROOT

COURSE_CODE = ROOT / "helpers"


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


def snapshot(path: Path) -> dict[str, bytes] | None:
    """Every file under `path` (or the file itself) with its bytes, to prove that a refusal changed nothing."""
    path = Path(path)
    if path.is_file():
        return {".": path.read_bytes()}
    if not path.exists():
        return None
    return {p.relative_to(path).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(path.rglob("*"))}


@dataclass(frozen=True)
class BadCommand:
    """One bad command line: `python -m <module> <args>` must exit non-zero, print a message with every word in
    `mentions` and no traceback, and leave `unchanged` (a file or folder, if given) exactly as it was."""

    name: str
    args: tuple[str, ...]
    mentions: tuple[str, ...]
    unchanged: Path | None = None

    def __init__(self, name: str, args: Sequence[str], *mentions: str, unchanged: Path | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", tuple(str(arg) for arg in args))
        object.__setattr__(self, "mentions", mentions)
        object.__setattr__(self, "unchanged", unchanged)

    def __str__(self) -> str:
        return self.name

    def check(self, cwd: Path | None = None) -> None:
        before = snapshot(self.unchanged) if self.unchanged is not None else None
        result = subprocess.run([sys.executable, "-m", *self.args], cwd=cwd, capture_output=True, text=True)
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"exited 0: {output}"
        assert "Traceback" not in output, f"a raw traceback instead of a message:\n{output}"
        missing = [word for word in self.mentions if word.lower() not in output.lower()]
        assert not missing, f"the message does not mention {missing}: {output!r}"
        if self.unchanged is not None:
            assert snapshot(self.unchanged) == before, f"{self.unchanged} was changed by a refused command"

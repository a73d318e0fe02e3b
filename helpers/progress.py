"""Progress bars for loops that take more than a couple of seconds, stable under strict nbval."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate over `items` with a progress bar labelled `description` (no timings in the saved text).

    In a notebook the bar is a widget, whose saved text shows its first state (0%); so a finished loop
    also prints one line, which is what GitHub, nbval and printed copies show.
    """
    bar = tqdm(items, desc=description, total=total, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt}")
    yield from bar
    print(f"{description.strip()}: done, {bar.n} of {bar.total if bar.total is not None else bar.n} steps")

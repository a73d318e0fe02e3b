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
    if not isinstance(items, Iterable):
        raise TypeError(f"progress needs something to loop over (a range, list, loader, ...), not "
                        f"{type(items).__name__} {items!r}. For a count, use progress(range(n), ...).")
    if not isinstance(description, str):
        raise TypeError(f"The description must be a string such as 'training', not {type(description).__name__}.")
    if total is not None:
        from helpers.validation import whole_number  # here, not at the top: `import helpers` stays light
        total = whole_number(total, "total", minimum=0)
    bar = tqdm(items, desc=description, total=total, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt}")
    yield from bar
    print(f"{description.strip()}: done, {bar.n} of {bar.total if bar.total is not None else bar.n} steps")

"""How fast does each course widget redraw? Median time of `update(**changes)` over many control moves.

Usage (from the repository root):  python benchmarks/widget_update.py [--updates 30] [--limit-ms 100]
Every widget class in helpers/ is found by its interface (`helpers.maintainer.widget_catalog`), built with its
defaults, and moved control by control (each update changes one control to another valid value).
Prints a table; exits with status 1 if any widget's median exceeds the limit (a widget should feel instant).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.maintainer.widget_catalog import build, other_value, widget_classes  # noqa: E402
from helpers.plotting import use_course_style  # noqa: E402


def update_times_ms(instance: object, updates: int) -> list[float]:
    """Time `updates` calls of the widget's update(), cycling through its controls."""
    names = list(instance.controls)
    times = []
    for n in range(updates):
        name = names[n % len(names)]
        value = other_value(instance.controls[name])
        start = time.perf_counter()
        instance.update(**{name: value})
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=30, help="updates timed per widget (default 30)")
    parser.add_argument("--limit-ms", type=float, default=100.0, help="largest acceptable median (default 100)")
    args = parser.parse_args(argv)
    use_course_style()
    classes = widget_classes()
    if not classes:
        print("No widget classes found in helpers/.", file=sys.stderr)
        return 1
    print(f"{'widget':<52} {'controls':>8} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}")
    slow = []
    for cls in classes:
        instance = build(cls)
        times = update_times_ms(instance, args.updates)
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
        name = f"{cls.__module__}.{cls.__qualname__}"
        print(f"{name:<52} {len(instance.controls):>8} {median:>10.1f} {p90:>8.1f} {max(times):>8.1f}")
        if median > args.limit_ms:
            slow.append(name)
    if slow:
        print(f"Too slow (median > {args.limit_ms:.0f} ms): {', '.join(slow)}", file=sys.stderr)
        return 1
    print(f"All {len(classes)} widget(s) have a median update time <= {args.limit_ms:.0f} ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run All, timed: each lecture executed from a fresh kernel on the CPU, wall time with the kernel's start included.

    python benchmarks/run_all.py [notebooks/NN_name.ipynb ...] [--repeat 3]

Prints one line per lecture (best of --repeat runs) and exits with an error if a lecture's best time is over
the budget (15 s on a 2-core CPU, the course's promise; --budget changes it). Close other programs first: the
times are wall-clock seconds.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers.course import NOTEBOOKS_DIR, ROOT  # noqa: E402


def run_all_seconds(path: Path) -> float:
    """Seconds to start a kernel and execute every cell of `path` (in its own folder, on the CPU)."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs per lecture; the best is reported")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds a lecture may take")
    args = parser.parse_args(argv)
    os.environ["COURSE_DEVICE"] = "cpu"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))  # helpers
    paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    over = []
    print(f"{'lecture':32} {'best':>7} {'runs':>24}   (cpu count {os.cpu_count()})")
    for path in paths:
        runs = [run_all_seconds(path) for _ in range(args.repeat)]
        print(f"{path.stem:32} {min(runs):6.1f}s   {', '.join(f'{r:.1f}' for r in runs):>22}")
        if min(runs) > args.budget:
            over.append(path.stem)
    if over:
        print(f"over {args.budget:g} s: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Strict nbval under every CPU kernel family and thread count a learner's machine may use.

torch picks its kernels by the CPU's instruction set (ATEN_CPU_CAPABILITY) and splits sums across threads,
so a number printed on one laptop can differ in its last digits on another. Stored outputs must reproduce on
all of them: this runs `python -m pytest --nbval <notebooks>` once per combination and prints one line each.

    python tests/support/cpu_matrix.py                      # every lecture, every combination this CPU can run
    python tests/support/cpu_matrix.py notebooks/04_relative_positions.ipynb --threads 1 4
    python tests/support/cpu_matrix.py --jobs 2             # two combinations at a time (what .ci/run does)

Each combination is its own pytest process with its own kernels and environment, so running two at once changes
no number (the thread count is a setting, not the cores that happen to be free); it only shares the CPU.
Exits non-zero if any combination fails.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def capabilities() -> list[str]:
    """The ATEN_CPU_CAPABILITY values this CPU can run: default and avx2 on x86-64 with AVX2, avx512 where present."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ["default"]
    found = ["default"]
    if " avx2" in flags:
        found.append("avx2")
    if " avx512f" in flags and " avx512bw" in flags and " avx512vl" in flags and " avx512dq" in flags:
        found.append("avx512")
    return found


def run(capability: str, threads: int, notebooks: list[str]) -> tuple[bool, float, str]:
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), COURSE_DEVICE="cpu")
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", *notebooks]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    return result.returncode == 0, time.perf_counter() - start, summary if result.returncode == 0 else result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", default=sorted(str(p.relative_to(ROOT))
                                                              for p in (ROOT / "notebooks").glob("*.ipynb")))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument("--capabilities", nargs="+", default=capabilities())
    parser.add_argument("--jobs", type=int, default=1, help="combinations run at the same time (default 1)")
    args = parser.parse_args()
    notebooks = [str(Path(notebook).resolve()) for notebook in args.notebooks]  # any working folder
    start = time.perf_counter()
    combinations = [(capability, threads) for capability in args.capabilities for threads in args.threads]
    lines: dict[tuple[str, int], str] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run, capability, threads, notebooks): (capability, threads)
                   for capability, threads in combinations}
        for future in concurrent.futures.as_completed(futures):  # each line as soon as its run ends
            capability, threads = futures[future]
            ok, seconds, detail = future.result()
            verdict = "passed" if ok else "FAILED"
            label = f"ATEN_CPU_CAPABILITY={capability:<8} threads={threads}"
            lines[capability, threads] = f"{label}: {verdict} ({seconds:.0f} s)"
            print(lines[capability, threads] + (f"  {detail}" if ok else ""), flush=True)
            if not ok:
                print("\n".join(line for line in detail.splitlines() if line.strip())[-4000:], flush=True)
    failures = sum("FAILED" in line for line in lines.values())
    if args.jobs > 1:  # the same lines again, in a fixed order
        print("\n".join(lines[combination] for combination in combinations))
    print(f"{len(combinations) - failures} of {len(combinations)} combinations passed "
          f"in {time.perf_counter() - start:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

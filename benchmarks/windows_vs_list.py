"""Benchmark: the course's sliding windows (views, PyTorch's own DataLoader) vs the usual list-of-tensors dataset.

Run from the repository root:  python benchmarks/windows_vs_list.py  [--repeats 3]

Both start from the same Python list of GPT-2 ids: the course corpus's ids repeated to about 500,000
tokens. For (context_length, stride) = (256, 128) and (4, 1) it measures, for each side:

* build: the time to make the loader from the id list. The list-of-tensors side is the dataset most
  tutorials write (one `torch.tensor` per input window and per target window, in a Python loop) with a
  `DataLoader(batch_size=8)`; the course side is `torch.tensor(ids)` plus `helpers.built.windows.window_loader`,
  which is a plain `DataLoader(WindowDataset(...), batch_size=8)` (each window two views of the ids).
* one pass: the time to iterate over every batch of 8 (inputs, targets) once. Both sides use PyTorch's
  standard DataLoader iterator (fetch 8 examples, stack them with the default collate function).
* retained memory, two ways. (1) RSS delta: in a fresh Python subprocess per side, after a warm-up,
  the resident set size (Linux /proc/self/statm) is read before and after building the loader (after
  gc.collect()); the difference is everything the loader keeps alive: tensor storage, tensor objects,
  lists. tracemalloc cannot be used because it does not see torch's storage allocations. (2) Tensor
  storage: the bytes of the distinct tensor storages the loader holds (exact, any OS).

Times are the best of `--repeats` runs (the least disturbed by other work on the machine); "build +
one pass" adds the best build and the best pass. A final check iterates both loaders side by side and
compares every batch. For scale it also times slicing the same batches straight out of the views
(`inputs[k:k + 8]`, no DataLoader): the difference is the DataLoader's per-batch bookkeeping, the price
of its standard features (shuffling, workers, pinned memory, any collate function).

The script exits with an error if the course's loader holds more than 1.1 times the id tensor's bytes.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

from helpers.built.windows import WindowDataset, window_loader  # noqa: E402
from helpers.corpus import load_corpus  # noqa: E402
from helpers.tokenizer_files import gpt2  # noqa: E402

TARGET_TOKENS = 500_000
BATCH_SIZE = 8
SETTINGS = ((256, 128), (4, 1))
MAX_COURSE_MEMORY = 1.1  # the course's loader may hold at most this multiple of the id tensor's bytes


class ListOfTensorsDataset(Dataset):
    """The usual tutorial dataset: every input and target window copied into its own tensor."""

    def __init__(self, ids: list[int], context_length: int, stride: int) -> None:
        self.inputs, self.targets = [], []
        for start in range(0, len(ids) - context_length, stride):
            self.inputs.append(torch.tensor(ids[start:start + context_length]))
            self.targets.append(torch.tensor(ids[start + 1:start + context_length + 1]))

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.inputs[index], self.targets[index]


def list_loader(ids: list[int], context_length: int, stride: int) -> DataLoader:
    return DataLoader(ListOfTensorsDataset(ids, context_length, stride), batch_size=BATCH_SIZE)


def course_loader(ids: list[int], context_length: int, stride: int) -> DataLoader:
    return window_loader(torch.tensor(ids), BATCH_SIZE, context_length, stride)


LOADERS: dict[str, Callable[[list[int], int, int], DataLoader]] = {"list": list_loader, "course": course_loader}


def corpus_ids() -> list[int]:
    """The corpus's GPT-2 ids, repeated to at least TARGET_TOKENS ids."""
    ids = gpt2().encode(load_corpus())
    return ids * -(-TARGET_TOKENS // len(ids))


def one_pass(batches: Iterable) -> int:
    count = 0
    for _batch in batches:
        count += 1
    return count


def best_times(make: Callable[[], DataLoader], repeats: int) -> tuple[float, float]:
    """Best build time and best one-pass time over `repeats` runs."""
    builds, passes = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        loader = make()
        built = time.perf_counter()
        one_pass(loader)
        builds.append(built - start)
        passes.append(time.perf_counter() - built)
        del loader
        gc.collect()
    return min(builds), min(passes)


def identical(ids: list[int], context_length: int, stride: int) -> bool:
    """True when both loaders give the same number of batches and every batch is equal."""
    a, b = list_loader(ids, context_length, stride), course_loader(ids, context_length, stride)
    if len(a) != len(b):
        return False
    return all(torch.equal(x1, x2) and torch.equal(y1, y2) for (x1, y1), (x2, y2) in zip(a, b))


def rss_bytes() -> int | None:
    """Resident set size of this process (Linux); None elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def storage_bytes(loader: DataLoader) -> int:
    """Bytes of the distinct tensor storages a loader's dataset holds (views of one storage count once)."""
    dataset = loader.dataset
    tensors = [dataset.inputs, dataset.targets] if isinstance(dataset, WindowDataset) else [*dataset.inputs,
                                                                                             *dataset.targets]
    storages = {t.untyped_storage().data_ptr(): t.untyped_storage().nbytes() for t in tensors}
    return sum(storages.values())


def measure_memory(side: str, context_length: int, stride: int) -> dict[str, int | None]:
    """Run in a fresh subprocess: what building one loader keeps alive (RSS delta and tensor storage)."""
    ids = corpus_ids()
    one_pass(LOADERS[side](ids[:4096], context_length, stride))  # warm-up: lazy imports, allocator pools
    gc.collect()
    before = rss_bytes()
    loader = LOADERS[side](ids, context_length, stride)
    gc.collect()
    after = rss_bytes()
    return {"rss": None if before is None else after - before, "storage": storage_bytes(loader)}


def memory_in_subprocess(side: str, context_length: int, stride: int) -> dict[str, int | None]:
    command = [sys.executable, __file__, "--measure-memory", side, str(context_length), str(stride)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def megabytes(n: int | None, ids_bytes: int) -> str:
    return "n/a (not Linux)" if n is None else f"{n / 1e6:.1f} MB ({n / ids_bytes:.2f}x ids)"


def ratio(slow: float | None, fast: float | None) -> str:
    return "n/a" if not slow or not fast or fast <= 0 else f"{slow / fast:.1f}x"


def time_slicing(dataset: WindowDataset) -> float:
    """One pass of batches sliced straight from the views, without a DataLoader (a floor for the pass time)."""
    start = time.perf_counter()
    for k in range(0, len(dataset), BATCH_SIZE):
        dataset.inputs[k:k + BATCH_SIZE], dataset.targets[k:k + BATCH_SIZE]
    return time.perf_counter() - start


def report(ids: list[int], context_length: int, stride: int, repeats: int) -> bool:
    """Print one setting's table; False if the course's loader holds too much memory."""
    ids_bytes = len(ids) * torch.tensor(0).element_size()
    times = {side: best_times(lambda side=side: LOADERS[side](ids, context_length, stride), repeats)
             for side in LOADERS}
    memory = {side: memory_in_subprocess(side, context_length, stride) for side in LOADERS}
    course = course_loader(ids, context_length, stride)
    sliced = min(time_slicing(course.dataset) for _ in range(repeats))
    same = identical(ids, context_length, stride)
    print(f"\n(context_length, stride) = ({context_length}, {stride}): {len(course.dataset):,} windows, "
          f"{len(course):,} batches of {BATCH_SIZE}; identical windows in every batch: {'yes' if same else 'NO'}\n")
    rows = [("build", *(f"{times[s][0]:.3f} s" for s in LOADERS), ratio(times["list"][0], times["course"][0])),
            ("one pass", *(f"{times[s][1]:.3f} s" for s in LOADERS), ratio(times["list"][1], times["course"][1])),
            ("build + one pass", *(f"{sum(times[s]):.3f} s" for s in LOADERS),
             ratio(sum(times["list"]), sum(times["course"]))),
            ("retained memory (RSS delta)", *(megabytes(memory[s]["rss"], ids_bytes) for s in LOADERS),
             ratio(memory["list"]["rss"], memory["course"]["rss"])),
            ("tensor storage held", *(megabytes(memory[s]["storage"], ids_bytes) for s in LOADERS),
             ratio(memory["list"]["storage"], memory["course"]["storage"]))]
    print("| measure | list of tensors | course windows (views) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nFor scale: slicing the same batches straight from the views, without a DataLoader, takes "
          f"{sliced:.3f} s per pass; the rest of the course's pass time is the DataLoader's per-batch work.")
    held = memory["course"]["storage"] / ids_bytes
    print(f"Course loader memory: {held:.2f}x the id tensor (limit {MAX_COURSE_MEMORY}x): "
          f"{'ok' if held <= MAX_COURSE_MEMORY else 'TOO MUCH'}.")
    return held <= MAX_COURSE_MEMORY and same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing; the best is reported (default 3)")
    parser.add_argument("--measure-memory", nargs=3, metavar=("SIDE", "CONTEXT_LENGTH", "STRIDE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_memory:
        side, context_length, stride = args.measure_memory
        print(json.dumps(measure_memory(side, int(context_length), int(stride))))
        return 0
    ids = corpus_ids()
    print(f"Corpus GPT-2 ids repeated to {len(ids):,} tokens (id tensor: {len(ids) * 8:,} bytes, int64); "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs; "
          f"times: best of {args.repeats}.")
    results = [report(ids, context_length, stride, args.repeats) for context_length, stride in SETTINGS]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

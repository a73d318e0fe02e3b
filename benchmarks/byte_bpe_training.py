"""Seconds to train Lecture 1b's byte-level BPE on the course corpus, beside Hugging Face's `tokenizers` trainer.

    python benchmarks/byte_bpe_training.py          # 500 merges on 90% of the story (the lecture's run)

Prints the median of 5 runs of each; the numbers depend on the CPU and on what else runs on it.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tokenizers import Tokenizer, models, pre_tokenizers, trainers  # noqa: E402

from helpers.built.byte_bpe import train_bpe  # noqa: E402
from helpers.corpus import load_corpus  # noqa: E402


def median_seconds(work, runs: int = 5) -> float:
    """The median wall-clock seconds of `runs` calls of `work()`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    story = load_corpus()
    text = story[:story.index("\n", int(0.9 * len(story)))]

    def hugging_face() -> None:
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.train_from_iterator([text], trainers.BpeTrainer(
            vocab_size=256 + 500, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))

    print(f"train_bpe (Python, incremental counts), 500 merges: {median_seconds(lambda: train_bpe(text, 500)):.3f} s")
    print(f"tokenizers BpeTrainer (Rust), 500 merges:          {median_seconds(hugging_face):.3f} s")


if __name__ == "__main__":
    main()

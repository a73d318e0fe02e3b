"""The course corpus in data/corpus/: an original story, read as one string."""
from __future__ import annotations

from helpers.course import ROOT

CORPUS_PATH = ROOT / "data" / "corpus" / "the_little_orchestra.txt"


def load_corpus() -> str:
    """The whole course corpus as text (about 8,000 words); a clear error if the file is missing."""
    if not CORPUS_PATH.is_file():
        raise FileNotFoundError(f"The course corpus is missing: {CORPUS_PATH}. Restore it with "
                                "`git checkout -- data/corpus` from the course folder.")
    return CORPUS_PATH.read_text(encoding="utf-8")

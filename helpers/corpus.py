"""The course corpus in data/corpus/: an original story, read as one string."""
from __future__ import annotations

from pathlib import Path

from helpers.course import ROOT

CORPUS_DIR = ROOT / "data" / "corpus"
DEFAULT = "the_little_orchestra"
CORPUS_PATH = CORPUS_DIR / f"{DEFAULT}.txt"


def load_corpus(name: str = DEFAULT) -> str:
    """A corpus in data/corpus/ as one string: by default the course's story (about 8,000 words).

    A clear error names the corpora there if `name` is not one of them, or says how to restore a missing file.
    """
    if name != DEFAULT:
        known = sorted(path.stem for path in CORPUS_DIR.glob("*.txt"))
        if not isinstance(name, str):
            raise TypeError(f"The corpus name must be a string such as {DEFAULT!r}, not {type(name).__name__}.")
        if name.removesuffix(".txt") not in known:
            raise ValueError(f"There is no corpus {name!r} in data/corpus/. Available: {', '.join(known)} "
                             "(or call load_corpus() for the course's story).")
        return _read(CORPUS_DIR / f"{name.removesuffix('.txt')}.txt")
    if not CORPUS_PATH.is_file():
        raise FileNotFoundError(f"The course corpus is missing: {CORPUS_PATH}. Restore it with "
                                "`git checkout -- data/corpus` from the course folder.")
    return _read(CORPUS_PATH)


def _read(path: Path) -> str:
    """A corpus file as UTF-8 text; a file saved in another encoding or damaged gets a clear error and a repair."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start} cannot be decoded): it was saved in another "
                         "encoding or damaged. Save it as UTF-8, or restore the course's copy with "
                         "`git checkout -- data/corpus` from the course folder.") from None
    if not text.strip():
        raise ValueError(f"{path} is empty: restore the course's copy with `git checkout -- data/corpus` from the "
                         "course folder.")
    return text

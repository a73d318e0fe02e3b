"""How long a lecture takes, estimated from the notebook itself (the rule the lecturer's guide and the tests use).

Usage (from the repository root):  python -m helpers.maintainer.lecture_time [notebooks/NN_name.ipynb ...]

The core path is everything before the `## Going deeper` heading (or before `## Homework` in a lecture without
one); the homework, at the end of the notebook, is not counted. Words are the whitespace-separated words (with
a letter or digit) of Markdown cells (solutions and rubrics excluded); code cells are the non-empty ones other
than the setup cell.
  in the room = words / 120 (spoken) + 1 min per code cell + 3 min per predict-then-run question (a class vote)
  alone       = words / 150 (read)   + 1 min per code cell + 2 min per prediction + 3 min per value exercise
                + 8 min per build-it exercise
A core path fits a 90-minute session when it takes at most 75 minutes in the room and 90 minutes alone.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.notebook_parts import CORE, DEEPER, cell_parts

ROOM_WORDS_PER_MINUTE, ALONE_WORDS_PER_MINUTE = 120, 150
MINUTES_PER_CODE_CELL = 1.0
ROOM_MINUTES_PER_PREDICTION, ALONE_MINUTES_PER_PREDICTION = 3, 2
MINUTES_PER_VALUE_EXERCISE, MINUTES_PER_BUILD_IT = 3, 8
ROOM_LIMIT, ALONE_LIMIT = 75, 90
NOT_COUNTED_TAGS = {"setup", "solution", "rubric"}
CHECK_CALL = re.compile(r"helpers\.check\(\s*[\"'][^\"']+[\"']\s*,\s*(\w+)")
WORD = re.compile(r"\S*\w\S*")     # a word holds a letter or digit (not "#", "|" or "---")
FUNCTION_DEF = re.compile(r"^\s*(?:def|class)\s+(\w+)", re.MULTILINE)


@dataclass(frozen=True)
class Part:
    """Counts for one part of a lecture (its core path, Going deeper, or one section)."""

    title: str
    words: int = 0
    code_cells: int = 0
    predictions: int = 0
    value_exercises: int = 0
    build_its: int = 0

    @property
    def room_minutes(self) -> float:
        return (self.words / ROOM_WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * self.code_cells
                + ROOM_MINUTES_PER_PREDICTION * self.predictions)

    @property
    def alone_minutes(self) -> float:
        return (self.words / ALONE_WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * self.code_cells
                + ALONE_MINUTES_PER_PREDICTION * self.predictions + MINUTES_PER_VALUE_EXERCISE * self.value_exercises
                + MINUTES_PER_BUILD_IT * self.build_its)

    def plus(self, cell: nbformat.NotebookNode) -> Part:
        """These counts with one more cell."""
        if set(cell.metadata.get("tags", [])) & NOT_COUNTED_TAGS or not cell.source.strip():
            return self
        if cell.cell_type == "markdown":
            return Part(self.title, self.words + len(WORD.findall(cell.source)), self.code_cells, self.predictions,
                        self.value_exercises, self.build_its)
        if cell.cell_type != "code":
            return self
        defined = set(FUNCTION_DEF.findall(cell.source))
        checked = CHECK_CALL.findall(cell.source)
        builds = sum(name in defined for name in checked)
        return Part(self.title, self.words, self.code_cells + 1, self.predictions + ("helpers.predict(" in cell.source),
                    self.value_exercises + len(checked) - builds, self.build_its + builds)


@dataclass(frozen=True)
class LectureTime:
    """A lecture's core path, its sections (core only) and its Going deeper part."""

    name: str
    core: Part
    sections: tuple[Part, ...]
    deeper: Part

    @property
    def fits(self) -> bool:
        return self.core.room_minutes <= ROOM_LIMIT and self.core.alone_minutes <= ALONE_LIMIT


def lecture_time(path: Path) -> LectureTime:
    """Count a notebook's core path, per core section (each `## ` heading), and Going deeper (not the homework)."""
    notebook = nbformat.read(path, as_version=4)
    core, deeper = Part(CORE), Part(DEEPER)
    sections: list[Part] = [Part("(opening)")]
    for part, cell in cell_parts(notebook):
        if part == DEEPER:
            deeper = deeper.plus(cell)
        elif part == CORE:
            if cell.cell_type == "markdown" and cell.source.startswith("## "):
                sections.append(Part(cell.source.splitlines()[0][3:].strip()))
            core, sections[-1] = core.plus(cell), sections[-1].plus(cell)
    return LectureTime(path.stem, core, tuple(s for s in sections if s.words or s.code_cells), deeper)


def table(times: list[LectureTime]) -> str:
    """The Markdown table of every lecture's core path and Going deeper part, as the lecturer's guide shows it."""
    rows = ["| lecture | core words | core code cells | exercises (value / build-it / predict) | going-deeper words "
            "/ cells | room min | alone min |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for t in times:
        c, d = t.core, t.deeper
        rows.append(f"| {t.name} | {c.words:,} | {c.code_cells} | {c.value_exercises} / {c.build_its} / "
                    f"{c.predictions} | {d.words:,} / {d.code_cells} | {c.room_minutes:.0f} | {c.alone_minutes:.0f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Estimate each lecture's minutes in the room and alone.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="lectures (default: every notebook)")
    parser.add_argument("--sections", action="store_true", help="also print minutes per core section")
    args = parser.parse_args(argv)
    times = [lecture_time(p) for p in args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))]
    print(table(times))
    if args.sections:
        for t in times:
            print(f"\n{t.name}: " + "; ".join(f"{s.title} {s.room_minutes:.0f} min" for s in t.sections))
    too_long = [t.name for t in times if not t.fits]
    if too_long:
        print(f"\nover {ROOM_LIMIT} min in the room or {ALONE_LIMIT} min alone: {', '.join(too_long)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The student edition and the instructor key, in one command, so a lecturer can set the exercises as homework.

Usage (from the repository root):  python -m helpers.maintainer.editions [--out editions]

  <out>/student/  a copy of the course to hand out: notebooks without solutions or rubrics (every check cell is
                  still there and runs: the checkers live in helpers/), the static site and the slide decks made
                  from them, and what the notebooks need (helpers/, data/, the requirements, pyproject.toml,
                  README.md). The tests are not copied: they hold correct answers.
  <out>/key/KEY.md  for the lecturer: every exercise's statement with its solution, and each homework's rubric.

Cells tagged `solution` or `rubric` are the instructor's; nothing else is removed. `--out` must be a new or empty
folder (nothing is ever overwritten).
"""
from __future__ import annotations

import argparse
import copy
import re
import shutil
import sys
from pathlib import Path

import nbformat

from helpers.course import NOTEBOOKS_DIR, ROOT
from helpers.maintainer import site, slides
from helpers.maintainer.notebook_parts import is_instructors

COPIED = ("helpers", "data", "requirements.txt", "requirements-dev.txt", "pyproject.toml", "environment.yml",
          "README.md", ".gitattributes")
DETAILS = re.compile(r"</?details>|<summary>.*?</summary>", re.DOTALL)


def student_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without its solutions and rubrics; every other cell, code and output unchanged."""
    student = copy.deepcopy(notebook)
    student.cells = [cell for cell in student.cells if not is_instructors(cell)]
    return student


def key_section(title: str, notebook: nbformat.NotebookNode) -> str:
    """One lecture's part of the key: each solution or rubric after the statement it answers."""
    parts, statement = [f"## {title}\n"], ""
    for cell in notebook.cells:
        if is_instructors(cell):
            parts += [statement, DETAILS.sub("", cell.source).strip(), "---"]
        elif cell.cell_type == "markdown":
            statement = cell.source.strip()
    return "\n\n".join(parts) + "\n"


def build_editions(out: Path) -> tuple[Path, Path]:
    """Write the student edition and the key into `out` (new or empty); return their folders."""
    out = Path(out).expanduser().resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"--out {out} exists and is not an empty folder; editions never overwrite files. "
                              "Give a new folder, e.g. --out editions.")
    if out == ROOT or ROOT in out.parents and out.relative_to(ROOT).parts[0] in COPIED + ("notebooks", "tests"):
        raise FileExistsError(f"--out {out} is inside the course's own files. Give a new folder, e.g. --out editions.")
    student, key = out / "student", out / "key"
    (student / "notebooks").mkdir(parents=True)
    key.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, student / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.is_file():
            shutil.copy2(source, student / name)
    sections = ["# Instructor key\n\nSolutions and rubrics for every lecture. Keep this file out of what students "
                "receive; the student edition is in ../student/.\n"]
    for lecture in site.present_lectures():
        notebook = nbformat.read(NOTEBOOKS_DIR / lecture.filename, as_version=4)
        nbformat.write(student_notebook(notebook), student / "notebooks" / lecture.filename)
        sections.append(key_section(f"Lecture {lecture.number} — {lecture.title}", notebook))
        slides.write_deck(student / "notebooks" / lecture.filename, student / "slides")
    site.build_site(student / "site", student=True)
    (key / "KEY.md").write_text("\n".join(sections), encoding="utf-8")
    return student, key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the student edition and the instructor key.")
    parser.add_argument("--out", type=Path, default=ROOT.parent / f"{ROOT.name}-editions",
                        help="a new or empty folder (default: <repository>-editions beside the repository)")
    args = parser.parse_args(argv)
    try:
        student, key = build_editions(args.out)
    except (FileExistsError, site.SiteFolderError, OSError) as error:
        print(f"editions: refused: {error}", file=sys.stderr)
        return 2
    print(f"student edition: {student}  (hand this out)\ninstructor key:  {key / 'KEY.md'}  (keep this)")
    return 0


if __name__ == "__main__":
    sys.exit(main())


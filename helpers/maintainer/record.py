"""Re-record notebook outputs: sync the badge and setup cell, mark slides, then execute on the CPU.

Usage (from the repository root):  python -m helpers.maintainer.record [notebooks/03_*.ipynb ...]
With no arguments every notebook in notebooks/ is re-recorded. Outputs are always recorded on the CPU
(COURSE_DEVICE=cpu): every CPU reproduces those numbers (tests/support/cpu_matrix.py checks it), GPUs up to their last
digits. Every cell also gets its slide type (`slide_type`), so each lecture can be presented with
`jupyter nbconvert --to slides`.

Re-recording never discards an edit without being told to. If a notebook's setup cell or Colab badge line
differs from the course's (helpers/course.py), or a cell's stored slide type differs from the rules (set by
hand), it stops before changing anything and names the cells; then choose:
  --reset-setup-cell  put the course's setup cell and badge line back     --keep-setup-cell  keep yours
  --reset-slides      apply the slide rules to every cell                 --keep-slides      keep stored types
The notebook is saved atomically (a temporary file in the same folder, then renamed over it), so an
interrupted run leaves either the old file or the new one, never half a notebook.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.course import BADGE_CELL_TAG, NOTEBOOKS_DIR, ROOT, SETUP_CELL_TAG, badge_markdown, setup_cell_source


class RecordRefused(ValueError):
    """Re-recording would discard an edit (or the notebook cannot be recorded); nothing was changed."""


def tagged_cell(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    """The one cell of a notebook that carries `tag`; a clear error if there is none or several."""
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"Expected exactly one cell tagged {tag!r}, found {len(cells)}. "
                         f"Tag the badge cell {BADGE_CELL_TAG!r} and the setup cell {SETUP_CELL_TAG!r}.")
    return cells[0]


def _badge_line(notebook: nbformat.NotebookNode, filename: str) -> tuple[list[str], int]:
    lines = tagged_cell(notebook, BADGE_CELL_TAG).source.splitlines()
    badge_lines = [n for n, line in enumerate(lines) if "colab-badge.svg" in line]
    if len(badge_lines) != 1:
        raise ValueError(f"The {BADGE_CELL_TAG!r} cell of {filename} needs exactly one Colab badge line.")
    return lines, badge_lines[0]


def canonical_differences(notebook: nbformat.NotebookNode, filename: str) -> list[str]:
    """The canonical cells (setup cell, Colab badge line) that differ from helpers/course.py's, described."""
    differences = []
    lines, n = _badge_line(notebook, filename)
    if lines[n] != badge_markdown(filename):
        number = notebook.cells.index(tagged_cell(notebook, BADGE_CELL_TAG)) + 1
        differences.append(f"the Colab badge line (cell {number}, tagged {BADGE_CELL_TAG!r}) is {lines[n]!r}, "
                           f"not {badge_markdown(filename)!r}")
    setup = tagged_cell(notebook, SETUP_CELL_TAG)
    if setup.source != setup_cell_source():
        expected, stored = setup_cell_source().splitlines(), setup.source.splitlines()
        changed = [f"line {i + 1}: {mine!r}" for i, (mine, theirs) in enumerate(zip(stored, expected))
                   if mine != theirs]
        if len(stored) != len(expected):
            changed.append(f"{len(stored)} lines instead of {len(expected)}")
        differences.append(f"the setup cell (cell {notebook.cells.index(setup) + 1}, tagged {SETUP_CELL_TAG!r}) "
                           "was edited: " + "; ".join(changed[:3]))
    return differences


def sync_canonical_cells(notebook: nbformat.NotebookNode, filename: str) -> None:
    """Rewrite the badge line and the setup cell to the canonical ones from `helpers.course`."""
    lines, n = _badge_line(notebook, filename)
    lines[n] = badge_markdown(filename)
    tagged_cell(notebook, BADGE_CELL_TAG).source = "\n".join(lines)
    tagged_cell(notebook, SETUP_CELL_TAG).source = setup_cell_source()


def slide_type(cell: nbformat.NotebookNode, previous: nbformat.NotebookNode | None) -> str:
    """Lecturer mode: a `#`/`##` heading starts a slide; a `###` heading, or an explanation after code, a
    sub-slide (below it); each code cell is a fragment (shown with its output on the next key press);
    solutions are speaker notes; other Markdown continues the current slide."""
    if "solution" in cell.metadata.get("tags", []):
        return "notes"
    if cell.cell_type == "markdown":
        heading = re.match(r"(#{1,3}) ", cell.source.lstrip())
        if heading:
            return "slide" if len(heading.group(1)) <= 2 else "subslide"
        after_code = previous is not None and (previous.cell_type == "code"
                                               or "solution" in previous.metadata.get("tags", []))
        return "subslide" if after_code else "-"
    return "fragment"


def slide_differences(notebook: nbformat.NotebookNode) -> list[str]:
    """Cells whose stored slide type differs from the rules (set by hand, or the cells around them changed)."""
    found, previous = [], None
    for index, cell in enumerate(notebook.cells, start=1):
        stored = cell.metadata.get("slideshow", {}).get("slide_type")
        rule = slide_type(cell, previous)
        if stored is not None and stored != rule:
            first = (cell.source.strip().splitlines() or [""])[0][:40]
            found.append(f"cell {index} ({first!r}): stored {stored!r}, the rules give {rule!r}")
        previous = cell
    return found


def mark_slides(notebook: nbformat.NotebookNode, keep: bool = False) -> None:
    """Store every cell's `slide_type` in its metadata (what nbconvert's slides exporter reads).

    With `keep`, a cell that already has a slide type keeps it; only cells without one get the rule's.
    """
    previous = None
    for cell in notebook.cells:
        if not (keep and cell.metadata.get("slideshow", {}).get("slide_type")):
            cell.metadata["slideshow"] = {"slide_type": slide_type(cell, previous)}
        previous = cell


def save_atomically(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write the notebook to a temporary file beside `path`, then rename it over `path` (never half a file)."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".ipynb.tmp", dir=path.parent)
    except OSError as error:
        raise RecordRefused(_unwritable(path.parent, error)) from None
    os.close(handle)
    try:
        nbformat.write(notebook, temporary)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except OSError as error:
        raise RecordRefused(_unwritable(path, error)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def check_notebook_path(path: Path) -> Path:
    """`path` if it is an existing .ipynb file; otherwise a RecordRefused that says what to pass."""
    path = Path(path)
    if not path.exists():
        raise RecordRefused(f"{path} does not exist. Pass a lecture notebook, e.g. notebooks/00_setup.ipynb.")
    if path.is_dir():
        raise RecordRefused(f"{path} is a folder. Pass notebook files (notebooks/*.ipynb), or no argument for all.")
    if path.suffix != ".ipynb":
        raise RecordRefused(f"{path} is not a notebook (.ipynb). "
                            "Pass a lecture notebook, e.g. notebooks/00_setup.ipynb.")
    for target in (path.parent, path):  # refuse before a minute of execution, not at the save
        if not os.access(target, os.W_OK):
            raise RecordRefused(_unwritable(target, PermissionError(13, "read-only")))
    return path


def _unwritable(target: Path, error: OSError) -> str:
    """Why a notebook cannot be saved, and what to do; the notebook on disk is unchanged."""
    return (f"cannot write {target} ({error.strerror or error}); the notebook was not changed. Make it writable "
            "(e.g. chmod u+w), or copy the course to a folder you can write to and record there.")


def prepare(notebook: nbformat.NotebookNode, filename: str, setup: str | None = None,
            slides: str | None = None) -> None:
    """Sync the canonical cells and the slide types, unless that would discard an edit nobody chose to discard.

    `setup` is "reset" or "keep" (what to do with an edited setup cell or badge line), `slides` is "reset" or
    "keep" (what to do with hand-set slide types); left as None, an edit raises RecordRefused.
    """
    problems = []
    try:
        canonical = canonical_differences(notebook, filename)
    except ValueError as error:
        raise RecordRefused(f"{filename}: {error}") from None
    if canonical and setup is None:
        problems.append("; ".join(canonical) + ". Re-recording would replace it with the course's (helpers/course.py). "
                        "Run again with --reset-setup-cell to put the course's back (also after changing "
                        "helpers/course.py on purpose), or --keep-setup-cell to keep yours.")
    hand_set = slide_differences(notebook)
    if hand_set and slides is None:
        problems.append(f"{len(hand_set)} cell(s) have slide types that differ from the rules: "
                        + "; ".join(hand_set[:5]) + ("; ..." if len(hand_set) > 5 else "")
                        + ". Run again with --reset-slides to apply the rules (right after adding, moving or "
                        "retitling cells), or --keep-slides to keep the stored types.")
    if problems:
        raise RecordRefused(f"{filename}: not re-recorded, nothing changed (cells counted from 1): "
                            + " ".join(problems))
    if setup != "keep":
        sync_canonical_cells(notebook, filename)
    mark_slides(notebook, keep=slides == "keep")


def prepared(path: Path, setup: str | None = None, slides: str | None = None) -> nbformat.NotebookNode:
    """The notebook at `path`, read and prepared for recording (see `prepare`); the file itself is not touched."""
    path = check_notebook_path(path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, or not a notebook
        raise RecordRefused(f"{path} cannot be read as a notebook ({type(error).__name__}: {error}).") from None
    prepare(notebook, path.name, setup=setup, slides=slides)
    return notebook


def record(path: Path, timeout: int = 600, setup: str | None = None, slides: str | None = None) -> None:
    """Sync, execute from a fresh kernel on the CPU (widget state kept), and save one notebook in place."""
    notebook = prepared(path, setup=setup, slides=slides)
    os.environ["COURSE_DEVICE"] = "cpu"
    # The kernel imports this checkout's helpers (the setup cell's `import helpers`), installed or not.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    save_atomically(notebook, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to re-record (default: all)")
    setup = parser.add_mutually_exclusive_group()
    setup.add_argument("--reset-setup-cell", dest="setup", action="store_const", const="reset",
                       help="put the course's setup cell and Colab badge line back where they were edited")
    setup.add_argument("--keep-setup-cell", dest="setup", action="store_const", const="keep",
                       help="keep an edited setup cell and badge line (the structure test will flag them)")
    slides = parser.add_mutually_exclusive_group()
    slides.add_argument("--reset-slides", dest="slides", action="store_const", const="reset",
                        help="give every cell the slide type of the rules, replacing hand-set ones")
    slides.add_argument("--keep-slides", dest="slides", action="store_const", const="keep",
                        help="keep every stored slide type; only cells without one get the rules'")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    try:
        for path in paths:  # refuse before recording anything
            prepared(path, setup=args.setup, slides=args.slides)
        for path in paths:
            print(f"recording {path} ...", flush=True)
            record(path, setup=args.setup, slides=args.slides)
    except RecordRefused as error:
        print(f"record: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"recorded {len(paths)} notebook(s); now run the tests (see README.md).", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Re-record notebook outputs: sync the badge and setup cell, mark slides, then execute on the CPU.

Usage (from the repository root):  python -m helpers.maintainer.record [notebooks/03_*.ipynb ...]
With no arguments every notebook in notebooks/ is re-recorded. Outputs are always recorded on the CPU
(COURSE_DEVICE=cpu) so that the stored numbers are the ones every machine reproduces. Every cell also
gets its slide type (`slide_type`), so each lecture can be presented with `jupyter nbconvert --to slides`.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.course import BADGE_CELL_TAG, NOTEBOOKS_DIR, SETUP_CELL_TAG, badge_markdown, setup_cell_source


def tagged_cell(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    """The one cell of a notebook that carries `tag`; a clear error if there is none or several."""
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"Expected exactly one cell tagged {tag!r}, found {len(cells)}. "
                         f"Tag the badge cell {BADGE_CELL_TAG!r} and the setup cell {SETUP_CELL_TAG!r}.")
    return cells[0]


def sync_canonical_cells(notebook: nbformat.NotebookNode, filename: str) -> None:
    """Rewrite the badge line and the setup cell to the canonical ones from `helpers.course`."""
    badge = tagged_cell(notebook, BADGE_CELL_TAG)
    lines = badge.source.splitlines()
    badge_lines = [n for n, line in enumerate(lines) if "colab-badge.svg" in line]
    if len(badge_lines) != 1:
        raise ValueError(f"The {BADGE_CELL_TAG!r} cell of {filename} needs exactly one Colab badge line.")
    lines[badge_lines[0]] = badge_markdown(filename)
    badge.source = "\n".join(lines)
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


def mark_slides(notebook: nbformat.NotebookNode) -> None:
    """Store every cell's `slide_type` in its metadata (what nbconvert's slides exporter reads)."""
    previous = None
    for cell in notebook.cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell, previous)}
        previous = cell


def record(path: Path, timeout: int = 600) -> None:
    """Sync, execute from a fresh kernel on the CPU (widget state kept), and save one notebook in place."""
    notebook = nbformat.read(path, as_version=4)
    sync_canonical_cells(notebook, path.name)
    mark_slides(notebook)
    os.environ["COURSE_DEVICE"] = "cpu"
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to re-record (default: all)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    for path in paths:
        print(f"recording {path} ...", flush=True)
        record(path)
    print(f"recorded {len(paths)} notebook(s); now run the tests (see README.md).", file=sys.stderr)


if __name__ == "__main__":
    main()

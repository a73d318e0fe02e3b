"""The parts of a lecture notebook, in order: the core path, `## Going deeper` (optional) and `## Homework` with its
rubric; and which cells are the instructor's. The slides, the site, the editions, the time estimate and the structure
test read them from here, so they agree."""
from __future__ import annotations

import re

import nbformat

CORE, DEEPER, HOMEWORK = "core path", "Going deeper", "Homework"
GOING_DEEPER_HEADING = re.compile(r"^#{1,2}\s+Going deeper", re.MULTILINE)
HOMEWORK_HEADING = re.compile(r"^##\s+Homework", re.MULTILINE)
INSTRUCTOR_TAGS = {"solution", "rubric"}


def is_instructors(cell: nbformat.NotebookNode) -> bool:
    """A solution or a rubric: kept out of everything a student receives."""
    return bool(INSTRUCTOR_TAGS & set(cell.metadata.get("tags", [])))


def cell_parts(notebook: nbformat.NotebookNode) -> list[tuple[str, nbformat.NotebookNode]]:
    """Each cell with the part it belongs to: a `## Going deeper` or a `## Homework` heading starts that part, and
    every cell before the first such heading is on the core path."""
    part, labelled = CORE, []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and GOING_DEEPER_HEADING.search(cell.source):
            part = DEEPER
        elif cell.cell_type == "markdown" and HOMEWORK_HEADING.search(cell.source):
            part = HOMEWORK
        labelled.append((part, cell))
    return labelled

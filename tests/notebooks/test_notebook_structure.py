"""Every lecture notebook follows the course's structure and is stored executed, in order, with outputs."""
import json
import re

import nbformat
import pytest

from helpers.course import BADGE_CELL_TAG, LECTURES, NOTEBOOKS_DIR, SETUP_CELL_TAG, badge_markdown, setup_cell_source
from helpers.exercises.checking import registered_exercises
from helpers.maintainer.notebook_parts import HOMEWORK, cell_parts
from helpers.maintainer.record import tagged_cell
from notebook_code import solution_code

PRESENT = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))
MAX_BYTES = 1_000_000


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS_DIR / name, as_version=4)


def code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code"]


def test_every_notebook_is_a_listed_lecture():
    listed = {lecture.filename for lecture in LECTURES}
    assert set(PRESENT) <= listed, f"add {set(PRESENT) - listed} to helpers/course.py LECTURES"
    assert "00_setup.ipynb" in PRESENT


@pytest.mark.parametrize("name", PRESENT)
def test_badge_and_setup_cell_are_canonical(name):
    notebook = load(name)
    badge = tagged_cell(notebook, BADGE_CELL_TAG)
    assert notebook.cells[0] is badge and badge.source.startswith("# Lecture ")
    assert badge_markdown(name) in badge.source.splitlines()
    setup = tagged_cell(notebook, SETUP_CELL_TAG)
    assert setup.source == setup_cell_source(), "run `python -m helpers.maintainer.record` to resync the setup cell"
    assert code_cells(notebook)[0] is setup, "the setup cell must be the first code cell"
    others = [c for c in code_cells(notebook) if c is not setup]
    assert not any(re.search(r"^\s*[!%]\s*pip|pip install", c.source, re.M) for c in others)


@pytest.mark.parametrize("name", PRESENT)
def test_stored_outputs_come_from_one_fresh_run(name):
    notebook = load(name)
    counts = [c.execution_count for c in code_cells(notebook) if c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), "re-record with `python -m helpers.maintainer.record`"
    outputs = [o for c in code_cells(notebook) for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], "a stored error output"
    text = json.dumps([o for o in outputs if o.output_type != "display_data" or "image/png" not in o.data])
    assert not re.search(r"/(root|home|Users|tmp|content)/|0x[0-9a-f]{8,}", text), "a local path or address"
    assert (NOTEBOOKS_DIR / name).stat().st_size < MAX_BYTES


@pytest.mark.parametrize("name", PRESENT)
def test_lecture_sections_and_exercises(name):
    notebook = load(name)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for heading in ("## Where we are", "## What you will learn", "## Common misconceptions", "## Exercises",
                    "## Recap"):
        assert heading in markdown, f"missing section {heading!r}"
    used = {m for c in code_cells(notebook) for m in re.findall(r'helpers\.check\("([\w.]+)"', c.source)}
    exercises = {m for m in used if not m.endswith(".0")}  # N.0 is a worked example of helpers.check, not an exercise
    solutions = [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]
    # Markdown <details>: collapsed in JupyterLab, on GitHub and on the site, and no stored output to leak
    solved = {m for c in solutions for m in re.findall(r'helpers\.check\("([\w.]+)"', solution_code(c))}
    assert len(exercises) >= 3 and solved == exercises, f"exercises without a solution: {exercises - solved}"
    registered = set(registered_exercises())
    assert used <= registered, f"register checkers for {used - registered}"


@pytest.mark.parametrize("name", PRESENT)
def test_sections_come_in_order_and_the_homework_with_its_rubric_comes_last(name):
    """Core sections, misconceptions, exercises, recap, Going deeper (optional), then the homework for after the
    session and its rubric: the last two cells, outside the core path that the slides and the time estimate use."""
    notebook = load(name)
    cells = notebook.cells
    order = ["## Common misconceptions", "## Exercises", "## Recap", "## Going deeper", "## Homework"]
    headings = [c.source.splitlines()[0].strip() for c in cells if c.cell_type == "markdown" and c.source.strip()]
    present = [h for h in headings if h in order]
    assert present == [h for h in order if h in present] and "## Homework" in present, f"sections in order {present}"
    homework = [cell for part, cell in cell_parts(notebook) if part == HOMEWORK]
    assert len(homework) == 2 and homework == cells[-2:], "the homework and its rubric are the notebook's last cells"
    assert "rubric" in homework[1].metadata.get("tags", [])
    recap = next(c.source for c in cells if c.source.startswith("## Recap"))
    assert "Homework for after the session is at the end of this notebook." in recap


@pytest.mark.parametrize("name", PRESENT)
def test_test_plumbing_stays_in_cell_tags_not_in_the_code_learners_read(name):
    """nbval reads the `nbval-ignore-output` tag; a comment saying so only puts test plumbing in the learner's view."""
    commented = [n + 1 for n, cell in enumerate(load(name).cells)
                 if cell.cell_type == "code" and "nbval-ignore-output" in cell.source]
    assert not commented, f"cells {commented} mention nbval-ignore-output in their code: keep only the cell tag"

"""Lecturer mode: every cell carries slide metadata from `helpers.maintainer.record`, and every lecture converts to slides."""
import re
import shlex
import subprocess
import sys

import nbformat
import pytest
from nbconvert import SlidesExporter

from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.record import slide_type
from test_readme import fenced_block

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def cell(kind, source, *tags):
    new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    made = new(source)
    made.metadata["tags"] = list(tags)
    return made


def test_slide_rules():
    code, text = cell("code", "x = 1"), cell("markdown", "Some words.")
    assert slide_type(cell("markdown", "# Lecture 1 — T"), None) == "slide"
    assert slide_type(cell("markdown", "## Recap\n\n* a"), text) == "slide"
    assert slide_type(cell("markdown", "### A detail"), text) == "subslide"
    assert slide_type(text, code) == "subslide"
    assert slide_type(text, text) == "-"
    assert slide_type(code, text) == "fragment"
    assert slide_type(cell("code", "answer = 1", "solution"), code) == "notes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_cell_has_the_slide_type_record_gives_it(path):
    cells = nbformat.read(path, as_version=4).cells
    stored = [c.metadata.get("slideshow", {}).get("slide_type") for c in cells]
    expected = [slide_type(c, previous) for c, previous in zip(cells, [None, *cells[:-1]])]
    assert stored == expected, "re-record with `python -m helpers.maintainer.record` to store the slide types"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_lecture_converts_to_slides(path):
    notebook = nbformat.read(path, as_version=4)
    body, _ = SlidesExporter().from_notebook_node(notebook)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in notebook.cells]
    assert len(re.findall(r"<section[^>]*>\s*<section", body)) == kinds.count("slide") >= 5
    assert body.count('<aside class="notes">') == kinds.count("notes")
    assert body.count('class="fragment"') == kinds.count("fragment")


def test_the_readme_slides_command_converts_every_lecture(tmp_path):
    (command,) = fenced_block("slides-command")
    words = shlex.split(command)
    assert words[:4] == ["jupyter", "nbconvert", "--to", "slides"] and words[-1] == "notebooks/00_setup.ipynb"
    run = [sys.executable, "-m", "jupyter", *words[1:-1], *map(str, NOTEBOOKS), "--output-dir", str(tmp_path)]
    subprocess.run(run, check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)

"""Lecturer mode: every cell carries slide metadata from `helpers.maintainer.record`; every lecture converts to slides.
(The slide rules themselves are tested in tests/maintainer/test_corpus_and_record.py.)"""
import re
import shlex
import subprocess
import sys

import nbformat
import pytest
from nbconvert import SlidesExporter

from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.record import slide_type

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_cell_has_the_slide_type_record_gives_it(path):
    cells = nbformat.read(path, as_version=4).cells
    stored = [c.metadata.get("slideshow", {}).get("slide_type") for c in cells]
    expected = [slide_type(c, previous) for c, previous in zip(cells, [None, *cells[:-1]])]
    assert stored == expected, "re-record with `python -m helpers.maintainer.record` to store the slide types"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_lecture_converts_to_slides(path):
    notebook = nbformat.read(path, as_version=4)
    body, _ = SlidesExporter().from_notebook_node(notebook)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in notebook.cells]
    assert len(re.findall(r"<section[^>]*>\s*<section", body)) == kinds.count("slide") >= 5
    assert body.count('<aside class="notes">') == kinds.count("notes")
    assert body.count('class="fragment"') == kinds.count("fragment")


@pytest.mark.slow
def test_the_readme_slides_command_converts_every_lecture(tmp_path, readme_block):
    (command,) = readme_block("slides-command")
    words = shlex.split(command)
    assert words[:4] == ["jupyter", "nbconvert", "--to", "slides"] and words[-1] == "notebooks/00_setup.ipynb"
    run = [sys.executable, "-m", "jupyter", *words[1:-1], *map(str, NOTEBOOKS), "--output-dir", str(tmp_path)]
    subprocess.run(run, check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)

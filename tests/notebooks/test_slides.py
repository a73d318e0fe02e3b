"""Slide metadata: every cell carries the slide type `helpers.maintainer.record` gives it (for `jupyter nbconvert
--to slides`); a deck holds the core path and closes with the homework; the README's slides command writes the
offline decks (measured in test_slides_offline.py)."""
import shlex
import subprocess
import sys

import nbformat
import pytest

from helpers.course import NOTEBOOKS_DIR, ROOT
from helpers.maintainer import slides
from helpers.maintainer.record import slide_type

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_cell_has_the_slide_type_record_gives_it(path):
    cells = nbformat.read(path, as_version=4).cells
    stored = [c.metadata.get("slideshow", {}).get("slide_type") for c in cells]
    expected = [slide_type(c, previous) for c, previous in zip(cells, [None, *cells[:-1]])]
    assert stored == expected, "re-record with `python -m helpers.maintainer.record` to store the slide types"


@pytest.mark.slow
def test_the_readme_slides_command_writes_a_deck_per_lecture(tmp_path, readme_block):
    (command,) = readme_block("slides-command")
    words = shlex.split(command)
    assert words == ["python", "-m", "helpers.maintainer.slides"]
    subprocess.run([sys.executable, *words[1:], "--out", str(tmp_path)], check=True, capture_output=True, cwd=ROOT)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)


def test_a_deck_skips_going_deeper_and_closes_with_the_homework_without_its_rubric():
    rubric = nbformat.v4.new_markdown_cell("**Rubric.** three points for a spread")
    rubric.metadata["tags"] = ["rubric"]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Lecture 9 — Demo"),
                      nbformat.v4.new_markdown_cell("## Recap\n\nDone."),
                      nbformat.v4.new_markdown_cell("## Going deeper\n\nOptional."),
                      nbformat.v4.new_code_cell("x = 1"),
                      nbformat.v4.new_markdown_cell("## Homework\n\nTrain it over five seeds."), rubric]
    assert [s.title for s in slides.build_slides(notebook)] == ["Lecture 9 — Demo", "Recap", "Homework"]
    deck = slides.render_deck(notebook, "demo")
    assert "Train it over five seeds." in deck
    assert "three points" not in deck and "Optional." not in deck


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_deck_closes_with_the_homework(path):
    assert slides.build_slides(nbformat.read(path, as_version=4))[-1].title == "Homework"

"""The corpus loader and the re-recording tool fail clearly when their inputs are wrong."""
import nbformat
import pytest

from helpers import corpus
from helpers.course import badge_markdown, setup_cell_source
from helpers.maintainer.record import sync_canonical_cells


def test_corpus_is_the_course_story():
    text = corpus.load_corpus()
    assert text.startswith("The Little Orchestra of Brindlemoor")
    assert "the cat sat on the mat." in text and text.isascii()


def test_missing_corpus_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus, "CORPUS_PATH", tmp_path / "missing.txt")
    with pytest.raises(FileNotFoundError, match="git checkout -- data/corpus"):
        corpus.load_corpus()


def notebook_with(badge_source: str, tags: tuple[str, ...] = ("colab-badge", "setup")) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell(badge_source), nbformat.v4.new_code_cell("print('old setup')")]
    for cell, tag in zip(cells, tags):
        cell.metadata["tags"] = [tag]
    return nbformat.v4.new_notebook(cells=cells)


def test_sync_rewrites_badge_in_place_and_setup_cell():
    notebook = notebook_with("# Lecture 9 — X\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](old)\n\nWhy.")
    sync_canonical_cells(notebook, "09_x.ipynb")
    assert notebook.cells[0].source.splitlines() == ["# Lecture 9 — X", "", badge_markdown("09_x.ipynb"), "", "Why."]
    assert notebook.cells[1].source == setup_cell_source()


def test_sync_explains_missing_tags_and_badges():
    with pytest.raises(ValueError, match="exactly one cell tagged 'setup'"):
        sync_canonical_cells(notebook_with("# Lecture 9\n[![](x/colab-badge.svg)](y)", tags=("colab-badge", "other")), "x")
    with pytest.raises(ValueError, match="needs exactly one Colab badge line"):
        sync_canonical_cells(notebook_with("# Lecture 9 without a badge"), "x")

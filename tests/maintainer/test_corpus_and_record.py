"""The corpus loader, and the re-recording tool: it syncs the canonical cells and slide types, but never discards
an edited setup cell or hand-set slide types unless told to, and it saves atomically."""
import os

import nbformat
import pytest

from helpers import corpus
from helpers.course import badge_markdown, setup_cell_source
from helpers.maintainer import record as recorder
from helpers.maintainer.record import RecordRefused, prepare, save_atomically, slide_type, sync_canonical_cells

BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"


def test_corpus_is_the_course_story():
    text = corpus.load_corpus()
    assert text.startswith("The Little Orchestra of Brindlemoor")
    assert "the cat sat on the mat." in text and text.isascii()
    assert corpus.load_corpus("the_little_orchestra") == text


def test_missing_corpus_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus, "CORPUS_PATH", tmp_path / "missing.txt")
    with pytest.raises(FileNotFoundError, match="git checkout -- data/corpus"):
        corpus.load_corpus()


def notebook_with(badge_source: str, tags: tuple[str, ...] = ("colab-badge", "setup"),
                  setup: str = "print('old setup')") -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell(badge_source), nbformat.v4.new_code_cell(setup),
             nbformat.v4.new_markdown_cell("## A section"), nbformat.v4.new_code_cell("x = 1"),
             nbformat.v4.new_markdown_cell("What x shows.")]
    for cell, tag in zip(cells, tags):
        cell.metadata["tags"] = [tag]
    return nbformat.v4.new_notebook(cells=cells)


def lecture(name="09_x.ipynb") -> nbformat.NotebookNode:
    """A small lecture as record leaves it: canonical badge and setup cell, slide types from the rules."""
    notebook = notebook_with(f"# Lecture 9 — X\n\n{badge_markdown(name)}\n\nWhy.", setup=setup_cell_source())
    prepare(notebook, name)
    return notebook


def test_sync_rewrites_badge_in_place_and_setup_cell():
    notebook = notebook_with(f"# Lecture 9 — X\n\n{BADGE}(old)\n\nWhy.")
    sync_canonical_cells(notebook, "09_x.ipynb")
    assert notebook.cells[0].source.splitlines() == ["# Lecture 9 — X", "", badge_markdown("09_x.ipynb"), "", "Why."]
    assert notebook.cells[1].source == setup_cell_source()


def test_sync_explains_missing_tags_and_badges():
    with pytest.raises(ValueError, match="exactly one cell tagged 'setup'"):
        untagged = notebook_with("# Lecture 9\n[![](x/colab-badge.svg)](y)", tags=("colab-badge", "other"))
        sync_canonical_cells(untagged, "x")
    with pytest.raises(ValueError, match="needs exactly one Colab badge line"):
        sync_canonical_cells(notebook_with("# Lecture 9 without a badge"), "x")


def test_a_recorded_lecture_prepares_again_without_complaint():
    notebook = lecture()
    before = nbformat.writes(notebook)
    prepare(notebook, "09_x.ipynb")
    assert nbformat.writes(notebook) == before
    assert [c.metadata.slideshow.slide_type for c in notebook.cells] == ["slide", "fragment", "slide", "fragment",
                                                                          "subslide"]


def test_an_edited_setup_cell_is_refused_reset_or_kept():
    notebook = lecture()
    notebook.cells[1].source = setup_cell_source().replace("seed=0", "seed=42")
    with pytest.raises(RecordRefused, match=r"setup cell \(cell 2, tagged 'setup'\) was edited: line \d+: "
                                            r"'import helpers; device = helpers.setup\(seed=42\).*"
                                            r"--reset-setup-cell.*--keep-setup-cell"):
        prepare(notebook, "09_x.ipynb")
    assert "seed=42" in notebook.cells[1].source, "a refusal must change nothing"
    prepare(notebook, "09_x.ipynb", setup="keep")
    assert "seed=42" in notebook.cells[1].source
    prepare(notebook, "09_x.ipynb", setup="reset")
    assert notebook.cells[1].source == setup_cell_source()


def test_an_edited_badge_line_is_refused_unless_reset():
    notebook = lecture()
    notebook.cells[0].source = notebook.cells[0].source.replace("/main/", "/my-fork/")
    with pytest.raises(RecordRefused, match="Colab badge line .*my-fork.*--reset-setup-cell"):
        prepare(notebook, "09_x.ipynb")
    prepare(notebook, "09_x.ipynb", setup="reset")
    assert badge_markdown("09_x.ipynb") in notebook.cells[0].source


def test_hand_set_slide_types_are_refused_kept_or_reset():
    notebook = lecture()
    notebook.cells[3].metadata.slideshow.slide_type = "skip"
    with pytest.raises(RecordRefused, match=r"cell 4 \('x = 1'\): stored 'skip', the rules give 'fragment'.*"
                                            r"--reset-slides.*--keep-slides"):
        prepare(notebook, "09_x.ipynb")
    prepare(notebook, "09_x.ipynb", slides="keep")
    assert notebook.cells[3].metadata.slideshow.slide_type == "skip"
    notebook.cells.append(nbformat.v4.new_code_cell("y = 2"))  # a new cell gets the rule's type even when keeping
    prepare(notebook, "09_x.ipynb", slides="keep")
    assert notebook.cells[-1].metadata.slideshow.slide_type == "fragment"
    prepare(notebook, "09_x.ipynb", slides="reset")
    assert notebook.cells[3].metadata.slideshow.slide_type == "fragment"


def test_record_refuses_before_running_anything(tmp_path, monkeypatch):
    path = tmp_path / "09_x.ipynb"
    notebook = lecture()
    notebook.cells[1].source += "\nprint('mine')"
    nbformat.write(notebook, path)
    before = path.read_bytes()
    monkeypatch.setattr(recorder, "NotebookClient", lambda *a, **k: pytest.fail("executed a refused notebook"))
    with pytest.raises(SystemExit) as exit_info:
        recorder.main([str(path)])
    assert exit_info.value.code == 2 and path.read_bytes() == before


class FakeClient:
    """Stands in for nbclient: 'executes' by giving every code cell an output (no kernel needed)."""

    def __init__(self, notebook, **options):
        self.notebook = notebook

    def execute(self):
        for n, cell in enumerate(c for c in self.notebook.cells if c.cell_type == "code"):
            cell.execution_count = n + 1
            cell.outputs = [nbformat.v4.new_output("stream", text="ran\n")]


def test_record_with_flags_keeps_the_edit_and_saves(tmp_path, monkeypatch):
    path = tmp_path / "09_x.ipynb"
    notebook = lecture()
    notebook.cells[1].source = setup_cell_source().replace("seed=0", "seed=42")
    nbformat.write(notebook, path)
    path.chmod(0o644)
    monkeypatch.setattr(recorder, "NotebookClient", FakeClient)
    recorder.main([str(path), "--keep-setup-cell"])
    saved = nbformat.read(path, as_version=4)
    assert "seed=42" in saved.cells[1].source and saved.cells[1].outputs[0].text == "ran\n"
    assert path.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["09_x.ipynb"], "no temporary file left behind"


def test_an_interrupted_save_leaves_the_old_notebook(tmp_path, monkeypatch):
    path = tmp_path / "09_x.ipynb"
    nbformat.write(lecture(), path)
    before = path.read_bytes()

    def write_half_then_fail(notebook, target):
        with open(target, "w") as handle:
            handle.write('{"cells": [')
        raise KeyboardInterrupt

    monkeypatch.setattr(nbformat, "write", write_half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        save_atomically(lecture(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["09_x.ipynb"], "the temporary file must be removed"


def test_slide_rules():
    def cell(kind, source, *tags):
        made = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell)(source)
        made.metadata["tags"] = list(tags)
        return made

    code, text = cell("code", "x = 1"), cell("markdown", "Some words.")
    assert slide_type(cell("markdown", "# Lecture 1 — T"), None) == "slide"
    assert slide_type(cell("markdown", "## Recap\n\n* a"), text) == "slide"
    assert slide_type(cell("markdown", "### A detail"), text) == "subslide"
    assert slide_type(text, code) == "subslide"
    assert slide_type(text, text) == "-"
    assert slide_type(code, text) == "fragment"
    assert slide_type(cell("code", "answer = 1", "solution"), code) == "notes"

"""The student edition holds no solution or rubric anywhere (notebooks, site, slides) and every check still runs in
it; the instructor key holds them all; the command never overwrites a folder."""
import html
import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer import editions
from helpers.maintainer.notebook_parts import is_instructors

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def instructor_lines(notebook):
    """The distinctive lines of a notebook's solutions and rubrics: not wrappers, short lines, or lines the
    learner is given anyway (a stub's `def` line)."""
    shown = [cell.source for cell in notebook.cells if not is_instructors(cell)]
    shown += [str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for cell in notebook.cells
              for o in cell.get("outputs", [])]
    given = {without_comment(line) for text in shown for line in text.splitlines()}
    lines = {without_comment(line) for cell in notebook.cells if is_instructors(cell)
             for line in cell.source.splitlines()}
    return {line for line in lines if len(line) > 25 and line not in given and not line.startswith(("<", "```"))}


def without_comment(line):
    """A line without its trailing `# comment` and surrounding spaces."""
    return re.sub(r"\s+#.*$", "", line).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions") / "course"
    assert editions.main(["--out", str(out)]) == 0
    return out


def test_a_student_notebook_loses_only_the_instructors_cells():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        student = editions.student_notebook(notebook)
        assert [c for c in notebook.cells if not is_instructors(c)] == student.cells
        assert not any(is_instructors(c) for c in student.cells)
        assert any(is_instructors(c) for c in notebook.cells), f"{path.name} has no solution or rubric"


@pytest.mark.slow
def test_no_solution_or_rubric_text_in_any_student_file(built):
    files = [p for p in (built / "student").rglob("*") if p.suffix in (".ipynb", ".html")]
    assert len(files) >= 3 * len(NOTEBOOKS)
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    for path in NOTEBOOKS:
        for line in instructor_lines(nbformat.read(path, as_version=4)):
            leaks = [p.name for p, text in texts.items()
                     if line in text or html.escape(line) in text or line.replace('"', '\\"') in text]
            assert not leaks, f"{path.name}: {line!r} is in {leaks}"
    assert not (built / "student" / "tests").exists()


@pytest.mark.slow
def test_the_key_holds_every_solution_and_rubric(built):
    key = (built / "key" / "KEY.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        for line in instructor_lines(nbformat.read(path, as_version=4)):
            assert line in key, f"{path.name}: {line!r} missing from the key"


@pytest.mark.slow
def test_every_check_runs_in_the_student_edition(built, monkeypatch):
    student = built / "student" / "notebooks"
    for path in NOTEBOOKS:
        original = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert [c.source for c in nbformat.read(student / path.name, as_version=4).cells
                if c.cell_type == "code"] == original, "the student edition must keep every code cell"
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    first = student / NOTEBOOKS[0].name
    notebook = nbformat.read(first, as_version=4)
    # coalesce_streams: the kernel flushes on a timer (e.g. between a print's text and its newline), so one cell's
    # printed text can arrive as several stream outputs; merged, each cell has one stdout output.
    NotebookClient(notebook, timeout=300, kernel_name="python3", coalesce_streams=True,
                   resources={"metadata": {"path": str(first.parent)}}).execute()
    printed = ["".join(o.get("text", "") for o in c.outputs if o.get("name") == "stdout")
               for c in notebook.cells if c.cell_type == "code" and "helpers.check(" in c.source]
    assert printed and all(printed), "every check cell printed its verdict"
    lines = [line for text in printed for line in text.splitlines()]
    assert all(line.startswith(("✅", "❌", "✏️")) for line in lines), printed


def test_refuses_a_folder_that_holds_files(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    assert editions.main(["--out", str(tmp_path)]) == 2
    assert "refused" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]

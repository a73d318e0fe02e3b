"""Every lecture's core path fits a 90-minute session (helpers/maintainer/lecture_time.py's estimate), and the
lecturer's guide shows the numbers that estimate gives today."""
import nbformat
import pytest

from helpers.course import NOTEBOOKS_DIR, ROOT
from helpers.maintainer import lecture_time

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
GUIDE = ROOT / "notebooks" / "LECTURER_GUIDE.md"


def notebook_of(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return notebook


def test_counts_words_cells_and_exercises_by_kind(tmp_path):
    solution = nbformat.v4.new_markdown_cell("<details>never counted: five words here</details>")
    solution.metadata["tags"] = ["solution"]
    rubric = nbformat.v4.new_markdown_cell("**Rubric.** never counted either")
    rubric.metadata["tags"] = ["rubric"]
    setup = nbformat.v4.new_code_cell("import helpers\ndevice = helpers.setup()")
    setup.metadata["tags"] = ["setup"]
    path = tmp_path / "99_demo.ipynb"
    nbformat.write(notebook_of(
        nbformat.v4.new_markdown_cell("# Title\n\none two three"), setup,
        nbformat.v4.new_markdown_cell("## 1. A section\n\nfour five"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell('answer = ...\nhelpers.predict("9.p", answer)'),
        nbformat.v4.new_code_cell('answer = 3\nhelpers.check("9.1", answer)'),
        nbformat.v4.new_code_cell('def f(x):\n    return x\n\nhelpers.check("9.2", f)'),
        solution, nbformat.v4.new_code_cell("   "),
        nbformat.v4.new_markdown_cell("## Going deeper\n\nsix seven eight"),
        nbformat.v4.new_code_cell("y = 2"),
        nbformat.v4.new_markdown_cell("## Homework\n\nafter the session, not counted"), rubric), path)
    time = lecture_time.lecture_time(path)
    assert (time.core.words, time.core.code_cells) == (9, 4)
    assert (time.core.predictions, time.core.value_exercises, time.core.build_its) == (1, 1, 1)
    assert (time.deeper.words, time.deeper.code_cells) == (5, 1)
    assert [s.title for s in time.sections] == ["(opening)", "1. A section"]
    assert time.core.room_minutes == pytest.approx(9 / 120 + 4 + 3)
    assert time.core.alone_minutes == pytest.approx(9 / 150 + 4 + 2 + 3 + 8)


def test_homework_is_not_counted_in_a_lecture_without_going_deeper(tmp_path):
    path = tmp_path / "98_demo.ipynb"
    nbformat.write(notebook_of(
        nbformat.v4.new_markdown_cell("## Recap\n\none two"),
        nbformat.v4.new_markdown_cell("## Homework\n\nthree four five"), nbformat.v4.new_code_cell("x = 1")), path)
    time = lecture_time.lecture_time(path)
    assert (time.core.words, time.core.code_cells, time.deeper.words, time.deeper.code_cells) == (3, 0, 0, 0)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_core_path_fits_a_90_minute_session(path):
    time = lecture_time.lecture_time(path)
    assert time.core.room_minutes <= lecture_time.ROOM_LIMIT, (
        f"{time.core.room_minutes:.0f} min in the room: move material to '## Going deeper' or split the lecture")
    assert time.core.alone_minutes <= lecture_time.ALONE_LIMIT, f"{time.core.alone_minutes:.0f} min alone"


def test_the_lecturer_guide_shows_todays_estimate():
    expected = lecture_time.table([lecture_time.lecture_time(p) for p in NOTEBOOKS])
    assert expected in GUIDE.read_text(encoding="utf-8"), (
        "notebooks/LECTURER_GUIDE.md's time table is out of date: paste `python -m helpers.maintainer.lecture_time`")

"""Every hidden solution runs and passes its own check: each notebook is executed with its solutions as code."""
import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.course import LECTURES, NOTEBOOKS_DIR
from notebook_code import solution_code

CHECK_CALL = re.compile(r'helpers\.(check|predict)\("([\w.]+)"')


def with_solutions_run(name: str) -> list[tuple[str, str]]:
    """Execute the lecture with each solution inserted as a code cell; return (solution code, its output)."""
    notebook = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    cells, solutions = [], []
    for cell in notebook.cells:
        cells.append(cell)
        if "solution" in cell.metadata.get("tags", []):
            code = nbformat.v4.new_code_cell(solution_code(cell))
            cells.append(code)
            solutions.append(code)
    notebook.cells = cells
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    return [(cell.source, "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
            for cell in solutions]


@pytest.mark.slow
@pytest.mark.parametrize("name", [lecture.filename for lecture in LECTURES])
def test_every_solution_passes_its_check(name):
    solutions = with_solutions_run(name)
    assert solutions, f"{name} has no solutions"
    for code, output in solutions:
        calls = CHECK_CALL.findall(code)
        assert calls, f"this solution checks nothing:\n{code}"
        for kind, exercise_id in calls:
            mark = "✅ Exercise" if kind == "check" else "📝 Prediction"
            assert f"{mark} {exercise_id}" in output, f"solution {exercise_id} does not pass:\n{output}"
        assert "❌" not in output, output

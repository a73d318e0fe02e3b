"""Load the definitions (functions, classes, imports) from a notebook cell found by its tag, for agreement tests."""
from __future__ import annotations

import ast
import re
from typing import Any

import nbformat

from helpers.course import NOTEBOOKS_DIR
from helpers.maintainer.record import tagged_cell


def definitions(notebook: str, *tags: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Execute only the imports, functions and classes of the cells tagged `tags` (in order) and return them.

    `context` holds what earlier cells of the notebook provide (e.g. {"torch": torch}).
    """
    book = nbformat.read(NOTEBOOKS_DIR / notebook, as_version=4)
    namespace: dict[str, Any] = dict(context or {})
    for tag in tags:
        tree = ast.parse(tagged_cell(book, tag).source)
        kept = [node for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]
        exec(compile(ast.Module(body=kept, type_ignores=[]), f"{notebook}[{tag}]", "exec"), namespace)
    return namespace


SOLUTION = re.compile(r"\A<details><summary><b>Solution[^<]*</b>[^<]*</summary>\n\n"
                      r"```python\n(?P<code>.*?)\n```\n\n</details>\Z", re.S)


def solution_code(cell: nbformat.NotebookNode) -> str:
    """The Python code inside a collapsed solution cell (Markdown, so GitHub shows neither code nor output)."""
    found = SOLUTION.match(cell.source)
    if cell.cell_type != "markdown" or found is None:
        raise ValueError(f"A solution must be a Markdown cell holding <details><summary><b>Solution ...</b>"
                         f"</summary>, a ```python block and </details>; got:\n{cell.source[:200]}")
    return found.group("code")


QUIET_HELPERS = type("QuietHelpers", (), {"check": staticmethod(lambda *args, **kwargs: None)})


def stored_solution(notebook: str, exercise_id: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the notebook's collapsed solution to `exercise_id` and return what it defines.

    `context` holds what earlier cells of the notebook provide; unless it passes the real `helpers`, the solution's
    own `helpers.check(...)` call does nothing.
    """
    book = nbformat.read(NOTEBOOKS_DIR / notebook, as_version=4)
    cells = [c for c in book.cells if f"<b>Solution {exercise_id}</b>" in c.source]
    if len(cells) != 1:
        raise ValueError(f"{notebook}: expected one stored solution to {exercise_id}, found {len(cells)}")
    namespace = {"helpers": QUIET_HELPERS, **(context or {})}
    exec(compile(solution_code(cells[0]), f"{notebook}[Solution {exercise_id}]", "exec"), namespace)
    return namespace

"""Run the code a lecture notebook defines in a tagged cell, so a test can compare it with the helpers' version."""
from __future__ import annotations

from typing import Any

import nbformat

from helpers.course import NOTEBOOKS_DIR
from helpers.record import tagged_cell


def run_tagged_cell(notebook_name: str, tag: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Execute the one cell tagged `tag` in notebooks/`notebook_name` and return the names it defines."""
    notebook = nbformat.read(NOTEBOOKS_DIR / notebook_name, as_version=4)
    namespace = dict(namespace or {})
    exec(compile(tagged_cell(notebook, tag).source, f"{notebook_name}[{tag}]", "exec"), namespace)
    return namespace

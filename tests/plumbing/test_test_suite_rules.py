"""CONTRIBUTING's rules for the tests themselves, read from their source: collecting the tests runs no notebook code
(a notebook's definitions and solutions load inside the test that needs them), and no test uses a private (`_x`)
name of helpers."""
import ast
import functools
from pathlib import Path

from helpers.course import ROOT

TEST_FILES = sorted([*(ROOT / "tests").rglob("*.py"), ROOT / "conftest.py"])
RUNS_NOTEBOOK_CODE = {"definitions", "stored_solution", "solution_code", "exec", "tagged_cell"}


@functools.cache
def parsed_test_files() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in TEST_FILES}


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def calls_made_at_import(tree: ast.Module) -> list[ast.Call]:
    """The calls Python makes when it imports the module: everywhere but inside function and lambda bodies
    (decorators, parametrize lists, default values and class bodies are run at import, so they count)."""
    found: list[ast.Call] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for part in [*getattr(node, "decorator_list", []), *node.args.defaults, *node.args.kw_defaults]:
                if part is not None:
                    visit(part)
            return
        if isinstance(node, ast.Call):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def called_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def own_calls(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names a function's own body calls (not those of functions or lambdas nested in it: they run later)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if node is not function and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if isinstance(node, ast.Call):
            names.add(called_name(node))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(function)
    return names


def notebook_loaders(tree: ast.Module) -> set[str]:
    """RUNS_NOTEBOOK_CODE and the file's own functions that call one of them, directly or through each other
    (`solution("7.1")` that runs `solution_code` and `exec`)."""
    functions = {node.name: own_calls(node) for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    loaders = set(RUNS_NOTEBOOK_CODE)
    while True:
        more = {name for name, calls in functions.items() if calls & loaders} - loaders
        if not more:
            return loaders
        loaders |= more


def notebook_code_run_at_import(tree: ast.Module) -> list[str]:
    loaders = notebook_loaders(tree)
    return [f"{called_name(call)}() on line {call.lineno}" for call in calls_made_at_import(tree)
            if called_name(call) in loaders]


def private_names_of_helpers(tree: ast.Module) -> list[str]:
    """`from helpers.x import _y`, and `m._y` where m is a helpers module this file imported."""
    modules, private = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
            for alias in node.names:
                if alias.name.startswith("_"):
                    private.append(f"from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name).split(".")[0] for alias in node.names
                           if alias.name.split(".")[0] == "helpers")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                private.append(f"{ast.unparse(node)} (line {node.lineno})")
    return private


def test_collecting_the_tests_runs_no_notebook_code():
    found = {relative(path): notebook_code_run_at_import(tree) for path, tree in parsed_test_files().items()}
    found = {path: calls for path, calls in found.items() if calls}
    assert not found, f"Notebook code run at collection: {found}; call it inside a test or a fixture instead " \
                      "(functools.cache keeps it to one load per process)"


def test_no_test_uses_a_private_name_of_helpers():
    found = {relative(path): private_names_of_helpers(tree) for path, tree in parsed_test_files().items()}
    found = {path: names for path, names in found.items() if names}
    assert not found, f"Private names of helpers used by tests: {found}"


def test_the_rules_catch_what_they_name():
    source = '''
import pytest
from helpers.exercises import checking as checks
from helpers.course import _hidden
from notebook_code import definitions

ROPE = definitions("07.ipynb", "defines-rope")


def solution(number):
    def later():
        return exec("not run by solution itself")
    return {"code": solution_code(number)}


def stored(number):
    return solution(number)["code"]


@pytest.mark.parametrize("f", [stored_solution("x", "3.5"), stored("7.1"), lambda x=tagged_cell(None, "t"): x])
def test_x(f, g=exec("1")):
    definitions("fine: inside a test")
    checks._parameter_name(f, "argument 1")
    checks.__name__

class Holder:
    table = tagged_cell(None, "tag")
'''
    tree = ast.parse(source)
    assert notebook_loaders(tree) == RUNS_NOTEBOOK_CODE | {"solution", "stored", "later", "test_x"}
    assert notebook_code_run_at_import(tree) == [
        "definitions() on line 7", "stored_solution() on line 20", "stored() on line 20", "tagged_cell() on line 20",
        "exec() on line 21", "tagged_cell() on line 27"]
    assert private_names_of_helpers(tree) == ["from helpers.course import _hidden",
                                              "checks._parameter_name (line 23)"]

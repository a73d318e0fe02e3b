"""Every public name of `helpers` stays the function it names, whatever was imported first: a name that is also a
module's name (`progress`) must not turn into the module when that module is imported directly."""
import json
import subprocess
import sys

import pytest

FIRST_IMPORTS = ["import helpers.progress", "from helpers.progress import progress", "import helpers.built.race",
                 "import helpers"]
# One new process for every first import: before each, every helpers module is forgotten, so `helpers` is imported
# afresh in that order (torch and the other libraries stay loaded: importing them again would only cost time).
PROBE = """
import json, sys
names_that_are_modules = {}
for first in json.loads(sys.argv[1]):
    for module in [name for name in sys.modules if name == "helpers" or name.startswith("helpers.")]:
        del sys.modules[module]
    exec(first + "\\nimport helpers", {})
    helpers = sys.modules["helpers"]
    names_that_are_modules[first] = [n for n in helpers.__all__ if type(getattr(helpers, n)).__name__ == "module"]
print(json.dumps(names_that_are_modules))
"""


@pytest.fixture(scope="module")
def names_that_are_modules() -> dict[str, list[str]]:
    """first import -> the public names of `helpers` that are modules after it, from one new process."""
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(FIRST_IMPORTS)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("first", FIRST_IMPORTS)
def test_every_public_name_is_callable_or_a_value_after_any_import(first, names_that_are_modules):
    bad = names_that_are_modules[first]
    assert bad == [], f"after `{first}`, these names are modules, not what they name: {bad}"

"""Every public name of `helpers` stays the function it names, whatever was imported first: a name that is also a
module's name (`progress`) must not turn into the module when that module is imported directly."""
import subprocess
import sys

import pytest


@pytest.mark.parametrize("first", ["import helpers.progress", "from helpers.progress import progress",
                                   "import helpers.built.race", "import helpers"])
def test_every_public_name_is_callable_or_a_value_after_any_import(first):
    code = (f"{first}\nimport helpers\n"
            "bad = [n for n in helpers.__all__ if type(getattr(helpers, n)).__name__ == 'module']\n"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"after `{first}`, these names are modules, not what they name: {out}"

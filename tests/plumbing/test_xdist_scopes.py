"""The pytest-xdist scheduler of this suite (tests/support/xdist_scopes.py) compares test ids without memory
addresses, only where they stay unique, and keeps xdist's whole-file scheduling."""
import pytest

pytest.importorskip("xdist")
from xdist.scheduler import LoadFileScheduling, LoadScopeScheduling  # noqa: E402

from xdist_scopes import SCHEDULERS, without_addresses  # noqa: E402


def test_memory_addresses_leave_the_ids_and_the_order_stays():
    worker = ["t.py::test[<function pack at 0x7f76a0a456c0>]", "t.py::test[hint-<function <lambda> at 0x7f76a2]",
              "t.py::test_plain[1]"]
    assert without_addresses(worker) == ["t.py::test[<function pack>]", "t.py::test[hint-<function <lambda>]",
                                         "t.py::test_plain[1]"]


def test_ids_that_would_be_equal_without_their_address_keep_it():
    worker = ["t.py::test[<function <lambda> at 0x7f01>]", "t.py::test[<function <lambda> at 0x7f02>]"]
    assert without_addresses(worker) == worker


def test_the_schedulers_are_xdists_whole_file_ones():
    assert issubclass(SCHEDULERS["loadscope"], LoadScopeScheduling)
    assert issubclass(SCHEDULERS["loadfile"], LoadFileScheduling)

"""pytest-xdist's whole-file schedulers (loadscope, loadfile) for this suite: the workers' test ids are compared
without memory addresses.

A test id made with `ids=str` from a function holds its address (`<function f at 0x7f...>`), which differs in
every process, so xdist would find that its workers collected different tests and run none. The tests are the same
and are collected in the same order: the scheduler sends tests by their position in that order.
"""
import re
from collections.abc import Sequence

from xdist.scheduler import LoadFileScheduling, LoadScopeScheduling

MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]*")  # repr() of a function: <function f at 0x7f...>


def without_addresses(collection: Sequence[str]) -> list[str]:
    """The test ids without memory addresses, if they stay unique without them (else unchanged)."""
    stable = [MEMORY_ADDRESS.sub("", nodeid) for nodeid in collection]
    return stable if len(set(stable)) == len(stable) else list(collection)


class WithoutAddresses:
    """Registers each worker's collection without memory addresses (a mixin for xdist's schedulers)."""

    def add_node_collection(self, node, collection: Sequence[str]) -> None:
        super().add_node_collection(node, without_addresses(collection))


class LoadScope(WithoutAddresses, LoadScopeScheduling):
    """`--dist loadscope`: each module (a notebook's cells, a test file) or class goes whole to one worker."""


class LoadFile(WithoutAddresses, LoadFileScheduling):
    """`--dist loadfile`: each file goes whole to one worker."""


SCHEDULERS = {"loadscope": LoadScope, "loadfile": LoadFile}

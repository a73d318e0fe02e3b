"""A kernel that dies while starting is started once more (tests/support/kernel_start.py), and only once."""
import nbval.kernel
import pytest

from kernel_start import retried_once


def test_a_start_that_fails_once_is_tried_again():
    calls = []

    def start(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "kernel"

    assert retried_once(start)(kernel_name="python") == "kernel" and len(calls) == 2


def test_a_start_that_keeps_failing_fails_after_the_second_try():
    calls = []

    def start(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.raises(RuntimeError, match="Kernel died"):
        retried_once(start)()
    assert len(calls) == 2


def test_nbval_uses_the_retrying_start():
    assert nbval.kernel.start_new_kernel.__name__ == "start_again_if_it_died"

"""The checker's guards for what a learner's code does besides returning a value: inputs changed in place,
globals the lecture relies on, code that never stops or eats memory, and predictions that are not a choice."""
import contextlib
import re
import signal
import time

import pytest
import torch

from helpers.exercises import checking
from helpers.exercises.checking import Case, Hint, check_function


def sorted_copy(items):
    return sorted(items)


def scaled(x):
    return x / 2


def insert_sorted(items):
    items.insert(0, min(items))
    items.pop(0)
    items.sort()
    return items


def extend_then_cut(items):
    items.extend([0])
    return sorted(items[:-1])


def halve_in_place(x):
    x /= 2
    return x


def roll_in_place(x):
    x.copy_(x.roll(1))
    return scaled(x.roll(-1))


@pytest.mark.parametrize("learner, reference, case", [
    (insert_sorted, sorted_copy, Case(([3, 1, 2],))),
    (extend_then_cut, sorted_copy, Case(([3, 1, 2],))),
    (halve_in_place, scaled, Case((torch.arange(4.0),))),
    (roll_in_place, scaled, Case((torch.arange(4.0),))),
], ids=["list.insert", "list.extend", "tensor /=", "in-place roll"])
def test_a_function_that_changes_its_input_gets_a_hint(learner, reference, case):
    name = "items" if isinstance(case.args[0], list) else "x"
    with pytest.raises(Hint, match=f"changed its input {name} in place"):
        check_function(learner, reference, [case], "f")


def test_a_function_that_leaves_its_input_alone_passes():
    check_function(sorted_copy, sorted_copy, [Case(([3, 1, 2],)), Case(([],))], "f")
    check_function(scaled, scaled, [Case((torch.arange(4.0),))], "f")


def test_a_module_switched_to_eval_by_the_learner_counts_as_changed():
    module = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))

    def first_layer(m, x):
        return m[0](x)

    def switches_to_eval(m, x):
        m.eval()
        return m[0](x)

    with pytest.raises(Hint, match="changed its input m in place"):
        check_function(switches_to_eval, first_layer, [Case((module, torch.ones(1, 2)))], "f")
    check_function(first_layer, first_layer, [Case((module, torch.ones(1, 2)))], "f")


def test_the_hint_names_a_changed_input_by_the_learners_parameter_name():
    def merge_into_first(first, second):
        first.extend(second)
        return sorted(first)

    def merged(first, second):
        return sorted(first + second)

    with pytest.raises(Hint, match="changed its input first in place"):
        check_function(merge_into_first, merged, [Case(([2], [1]))], "f")
    with pytest.raises(Hint, match="changed its input argument 1 in place"):   # no signature: the position
        check_function(lambda *lists: lists[0].extend(lists[1]), merged, [Case(([2], [1]))], "f")


def test_a_loop_that_never_ends_is_stopped_with_a_hint(short_time_limit):

    def pad_forever(items):
        while len(items) < 5:
            items = items + []
        return items

    with pytest.raises(Hint, match=re.escape(short_time_limit)):
        check_function(pad_forever, sorted_copy, [Case(([1],))], "pad")


def test_a_loop_that_catches_every_exception_is_stopped_too(short_time_limit):
    """A learner's `except Exception: pass` inside the loop must not swallow the guard's stop (it did once)."""

    def retry_forever(items):
        while True:
            try:
                time.sleep(0.01)         # where the guard's signal lands, inside the learner's try
            except Exception:
                pass

    with pytest.raises(Hint, match=re.escape(short_time_limit)):
        check_function(retry_forever, sorted_copy, [Case(([1],))], "retry")


@pytest.mark.skipif(checking.resident_bytes() is None, reason="no way to read resident memory here (Windows)")
def test_memory_a_runaway_function_takes_is_capped(monkeypatch):
    monkeypatch.setattr(checking, "MEMORY_BUDGET_BYTES", 100 * 1024**2)

    def grow_to_2_gb(items):
        grown = []
        for _ in range(100):                         # stops by itself, so a guard that misses it fails the test
            grown.append(b"x" * (20 * 1024**2))      # written bytes: resident, not just reserved
        return sorted(items)

    with pytest.raises(Hint, match="used more than 0.1 GB of memory"):
        check_function(grow_to_2_gb, sorted_copy, [Case(([1],))], "grow")
    assert b"x" * (150 * 1024**2), "the guard is off after the check"


def test_a_changed_default_dtype_is_noticed_and_undone(capsys):
    torch.set_default_dtype(torch.float64)
    checking.check(next(iter(checking.registered_exercises())), 0)
    assert torch.get_default_dtype() == torch.float32
    assert "set back to torch.float32" in capsys.readouterr().out


def test_a_lecture_name_bound_to_something_else_gets_a_hint():
    assert "'device' now holds" in checking.changed_globals({"device": "cpu", "torch": torch})
    assert "'torch' now holds" in checking.changed_globals({"torch": 3})
    assert checking.changed_globals({"torch": torch, "device": torch.device("cpu")}) is None


def test_a_prediction_that_is_not_a_choice_gets_a_hint_not_a_traceback(capsys):
    question = "97.p"                                  # lecture 97 does not exist: registered for this test only
    with contextlib.suppress(ValueError):             # already registered by an earlier run in this process
        checking.prediction(question, ["A", "B"])
    for wrong in ("Z", 3, "", None):
        checking.predict(question, wrong)
        out = capsys.readouterr().out
        assert out.startswith(f"❌ Prediction {question}") and "answer = 'A'" in out
    checking.predict(question, " b ")
    assert "you predicted B" in capsys.readouterr().out


def test_a_stop_that_is_slow_to_unwind_still_ends_as_a_hint_with_the_timer_off(monkeypatch, short_time_limit):
    """After the limit, every tick used to raise again, even inside the guard's own except and finally (seen on a
    loaded machine): the learner then got a Runaway traceback instead of the hint, and the timer could stay armed."""

    class SlowHint(Hint):
        def __init__(self, *args):
            time.sleep(0.3)          # longer than a tick: building the hint on a busy machine
            super().__init__(*args)

    monkeypatch.setattr(checking, "Hint", SlowHint)

    def spin(items):
        while True:
            pass

    with pytest.raises(Hint, match=re.escape(short_time_limit)):
        checking.call_learner(spin, "For spin([1])", [1])
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)

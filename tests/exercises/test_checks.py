"""Exercise checks print ✅ or a hint, never the solution (bad ids and answers:
tests/plumbing/test_bad_inputs_plumbing.py)."""
import pytest
import torch

from helpers.exercises import checking as checks


def test_unanswered_wrong_and_right(capsys):
    checks.check("0.0", ...)
    checks.check("0.0", 3)
    checks.check("0.0", 4)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✏️ Exercise 0.0: replace ...")
    assert lines[1].startswith("❌ Exercise 0.0: not yet. Hint:") and "4" not in lines[1]
    assert lines[2] == "✅ Exercise 0.0: correct!"


def test_wrong_type_gets_a_hint_not_a_crash(capsys):
    checks.check("0.3", [[0, 0]])
    assert "should be of type Tensor, but you gave a list" in capsys.readouterr().out


def test_a_numpy_array_is_called_an_array_where_a_tensor_is_asked_and_counts_where_a_list_is(capsys):
    """The blind learner's attempt: 3.2's encoding as a NumPy array was told "you gave a list"."""
    import math

    import numpy as np
    checks.check("3.2", np.array([math.sin(3), math.cos(3), math.sin(0.03), math.cos(0.03)]))
    assert "should be of type Tensor, but you gave a NumPy array." in capsys.readouterr().out
    checks.check("2.4", np.array([3, 0, 5, 4, 1, 2, 6]))
    assert capsys.readouterr().out.startswith("✅")


def test_registering_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        checks.exercise("0.1")(lambda answer: None)


def test_difference_says_shape_then_dtype_then_the_first_wrong_value():
    expected = torch.arange(4.0)
    assert "shape (2, 2)" in checks.difference(expected.reshape(2, 2), expected, 1e-5)
    assert checks.difference(expected.double(), expected, 1e-5) is None
    assert "dtype should be float32; yours is float64" in checks.difference(expected.double(), expected, 1e-5, True)
    off = expected + expected.sign()                       # [0, 2, 3, 4]: index 1 is the first wrong value
    assert "at index [1] the value should be 1; yours is 2" in checks.difference(off, expected, 1e-5)
    assert checks.difference(expected.clone(), expected, 1e-5, True) is None


def test_check_function_names_the_first_failing_case_and_a_known_mistake():
    def reference(n):
        return torch.arange(n) * 2

    def off_by_one(n):
        return torch.arange(1, n + 1) * 2

    cases = [checks.Case((3,)), checks.Case((5,))]
    checks.check_function(reference, reference, cases, "double")
    with pytest.raises(checks.Hint, match=r"For double\(3\): the shape is right, but at index \[0\] the value should "
                                          r"be 0; yours is 2\. Start counting at 0"):
        checks.check_function(off_by_one, reference, cases, "double", mistakes={"Start counting at 0.": off_by_one})
    with pytest.raises(checks.NotWrittenYet):
        checks.check_function(lambda n: (_ for _ in ()).throw(NotImplementedError), reference, cases, "double")


def test_predict_then_reveal(capsys):
    checks.prediction("98.p", ["A", "B"])
    checks.reveal("98.p", "A")
    checks.predict("98.p", " b ")
    checks.reveal("98.p", "A")
    lines = capsys.readouterr().out.splitlines()
    assert "you made no prediction" in lines[0]
    assert lines[1].startswith("📝 Prediction 98.p: you predicted B")
    assert lines[2] == ("🔎 Prediction 98.p: the answer is A; you predicted B: not this time; "
                        "the text below explains why.")


@pytest.mark.parametrize("exercise_id", ["2.3", "3.6", "6.5"])
def test_a_check_leaves_the_learners_random_state_alone(exercise_id, capsys, monkeypatch):
    """The checkers seed torch to build modules; the notebook's next random draw must not change because of that, on
    the CPU (restored) or on a GPU (never seeded: torch.manual_seed would reseed CUDA's and MPS's generators too)."""
    class Stub(torch.nn.Module):
        def __init__(self, *args, **kwargs):
            super().__init__()
            self.table = torch.nn.Parameter(torch.randn(3, 2))

    def gpu_seeded(seed):
        raise AssertionError("a checker reseeded the GPU's generator")

    torch.manual_seed(123)
    state = torch.get_rng_state()
    monkeypatch.setattr(torch.cuda, "manual_seed_all", gpu_seeded)
    monkeypatch.setattr(torch.mps, "manual_seed", gpu_seeded)
    checks.check(exercise_id, Stub)
    assert "Exercise" in capsys.readouterr().out
    assert torch.equal(torch.get_rng_state(), state)

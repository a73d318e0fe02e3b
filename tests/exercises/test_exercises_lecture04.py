"""Lecture 4's build-its (4.1 T5's decoder buckets, 4.5 RoPE in Llama's layout): right answers in any form pass,
every wrong one gets a hint that names the first failing case and its likely cause, never the solution."""
import math

import pytest
import torch

from helpers.built.positions import rope, t5_bucket
from helpers.exercises import lecture04
from helpers.exercises.checking import check, predict, reveal
from notebook_code import definitions, stored_solution

NOTEBOOK = "04_relative_positions.ipynb"
ABOVE = {"torch": torch, "math": math}  # what the notebook's solutions use from earlier cells


def outcome(capsys, exercise_id, answer):
    check(exercise_id, answer)
    return capsys.readouterr().out


# ---- 4.1: right answers in several styles ------------------------------------------------------------------------

def bucket_loop(relative_position, num_buckets=32, max_distance=128):
    """Plain Python, one relative position at a time."""
    def one(r):
        distance = max(-r, 0)
        exact = num_buckets // 2
        if distance < exact:
            return distance
        return min(exact + int(math.log(distance / exact) / math.log(max_distance / exact) * (num_buckets - exact)),
                   num_buckets - 1)
    flat = [one(r) for r in relative_position.reshape(-1).tolist()]
    return torch.tensor(flat, dtype=torch.long).reshape(relative_position.shape)


def bucket_via_helper(relative_position, num_buckets=32, max_distance=128):
    return t5_bucket(relative_position, num_buckets, max_distance, bidirectional=False)


def bucket_with_where_first(relative_position, num_buckets=32, max_distance=128):
    distance = torch.where(relative_position < 0, -relative_position, torch.zeros_like(relative_position)).long()
    half = num_buckets // 2
    ratio = (distance.double().clamp(min=1) / half).log() / math.log(max_distance / half)
    large = torch.minimum(half + (ratio * (num_buckets - half)).long(), torch.tensor(num_buckets - 1))
    return torch.where(distance < half, distance, large)


@pytest.mark.parametrize("learner", [None, bucket_loop, bucket_via_helper, bucket_with_where_first],
                         ids=["solution", "loop", "helper", "where"])
def test_4_1_right_answers_pass(capsys, learner):
    learner = learner or stored_solution(NOTEBOOK, "4.1", ABOVE)["t5_bucket_causal"]  # None: the stored one
    assert "✅" in outcome(capsys, "4.1", learner)


# ---- 4.1: wrong answers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hint, wrong", list(lecture04.BUCKET_MISTAKES.items()), ids=lambda v: str(v)[:30])
def test_4_1_typical_mistakes_get_their_hint(capsys, hint, wrong):
    out = outcome(capsys, "4.1", wrong)
    assert out.startswith("❌ Exercise 4.1: not yet. Hint: For t5_bucket_causal(") and hint in out


def test_4_1_dtype_mutation_and_stub(capsys):
    def as_int32(r, n=32, m=128):
        return bucket_via_helper(r, n, m).int()
    assert "int64" in outcome(capsys, "4.1", as_int32)

    def in_place(r, n=32, m=128):
        result = bucket_via_helper(r, n, m)
        r.neg_()
        return result
    assert "in place" in outcome(capsys, "4.1", in_place)

    def floats(r, n=32, m=128):
        return bucket_via_helper(r, n, m).float()
    assert "expected whole numbers" in outcome(capsys, "4.1", floats)

    def stub(r, n=32, m=128):
        raise NotImplementedError("write this function")
    assert outcome(capsys, "4.1", stub).startswith("✏️ Exercise 4.1: write the body")
    assert "Pass your function itself" in outcome(capsys, "4.1", bucket_via_helper(torch.arange(-3, 1)))
    ignores_settings = outcome(capsys, "4.1", lambda r, n=32, m=128: bucket_via_helper(r))
    assert ignores_settings.startswith("❌") and "torch.arange(-100, 5), 16, 64" in ignores_settings


def test_4_1_hints_never_show_the_solution(capsys):
    for wrong in lecture04.BUCKET_MISTAKES.values():
        out = outcome(capsys, "4.1", wrong)
        assert "torch.where" not in out and "math.log(max_distance" not in out


# ---- 4.5: right answers in several styles ------------------------------------------------------------------------

def rope_via_helper(x, positions, base=10000.0):
    """Reorder to the interleaved layout, use the course's rope, reorder back."""
    d = x.shape[-1]
    order = torch.cat([torch.arange(0, d, 2), torch.arange(1, d, 2)])
    return rope(x[..., order.argsort()], base, positions)[..., order]


def rope_float32_angles(x, positions, base=10000.0):
    half = x.shape[-1] // 2
    omega = 1.0 / base ** (torch.arange(0, 2 * half, 2).float() / (2 * half))
    angle = torch.outer(positions.float(), omega)
    cos, sin = torch.cat([angle.cos()] * 2, -1).to(x.dtype), torch.cat([angle.sin()] * 2, -1).to(x.dtype)
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)           # Llama's rotate_half
    return x * cos + rotated * sin


def rope_complex(x, positions, base=10000.0):
    half = x.shape[-1] // 2
    omega = base ** (-2 * torch.arange(half, dtype=torch.float64) / x.shape[-1])
    turn = torch.polar(torch.ones(len(positions), half, dtype=torch.float64), positions.double()[:, None] * omega)
    z = torch.complex(x[..., :half].double(), x[..., half:].double()) * turn
    return torch.cat([z.real, z.imag], dim=-1).to(x.dtype)


@pytest.mark.parametrize("learner", [None, rope_via_helper, rope_float32_angles, rope_complex],
                         ids=["solution", "helper", "float32-rotate-half", "complex"])
def test_4_5_right_answers_pass(capsys, learner):
    learner = learner or stored_solution(NOTEBOOK, "4.5", ABOVE)["rope_half_split"]  # None: the stored one
    assert "✅" in outcome(capsys, "4.5", learner)


# ---- 4.5: wrong answers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hint, wrong", list(lecture04.ROPE_MISTAKES.items()), ids=lambda v: str(v)[:30])
def test_4_5_typical_mistakes_get_their_hint(capsys, hint, wrong):
    out = outcome(capsys, "4.5", wrong)
    assert out.startswith("❌ Exercise 4.5: not yet. Hint: For rope_half_split(") and hint in out


def test_4_5_the_old_bfloat16_bug_fails_with_the_angle_hint(capsys):
    """rope() as Lecture 4 first wrote it: angles in x's dtype (bfloat16 holds no integer above 256 exactly)."""
    def angles_in_dtype(x, positions, base=10000.0):
        half = x.shape[-1] // 2
        omega = base ** (-torch.arange(0, 2 * half, 2, dtype=x.dtype) / (2 * half))
        angle = positions.to(x.dtype)[:, None] * omega
        a, b = x[..., :half], x[..., half:]
        return torch.cat([a * angle.cos() - b * angle.sin(), a * angle.sin() + b * angle.cos()], dim=-1)
    out = outcome(capsys, "4.5", angles_in_dtype)
    assert "bfloat16" in out and "float32 or float64" in out


def test_4_5_dtype_mutation_crash_and_shape(capsys):
    assert "returned float32" in outcome(capsys, "4.5", lambda x, p, base=10000.0: rope_via_helper(x.float(), p, base))

    def in_place(x, positions, base=10000.0):
        x.copy_(rope_via_helper(x, positions, base))
        return x
    assert "in place" in outcome(capsys, "4.5", in_place)
    assert "raised ZeroDivisionError" in outcome(capsys, "4.5", lambda x, p, base=10000.0: 1 / 0)
    assert "expected shape (4, 8)" in outcome(capsys, "4.5", lambda x, p, base=10000.0: x[..., :4])
    assert "Pass your function itself" in outcome(capsys, "4.5", torch.zeros(3))


def test_4_5_far_float32_positions_tolerate_float32_angles(capsys):
    """A right answer whose angles are float32 (as Llama's code) passes at positions 0..999, where float32 angles
    differ from float64 ones by about 1e-4 rad."""
    assert "✅" in outcome(capsys, "4.5", rope_float32_angles)


def test_4_p_prediction_takes_a_letter_and_reveals(capsys):
    predict("4.p", "B")
    reveal("4.p", "B")
    out = capsys.readouterr().out
    assert "the answer is B" in out and "not this time" not in out
    predict("4.p", "A")
    reveal("4.p", "B")
    assert "not this time" in capsys.readouterr().out


def test_solutions_are_real_build_its_not_copies_of_the_lecture():
    """The lecture's own rope() (interleaved) and t5_bucket() (encoder) fail the build-its."""
    import contextlib
    import io

    lecture = definitions(NOTEBOOK, "defines-t5-bucket", "defines-rope", context=ABOVE)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        check("4.1", lecture["t5_bucket"])
        check("4.5", lambda x, p, base=10000.0: lecture["rope"](x, base))
    assert out.getvalue().count("❌") == 2


@pytest.mark.parametrize("exercise_id, wrong, hint", [
    ("4.3", 3 * 10000.0 ** (-4 / 8), "pair i = 2"),
    ("4.3", 3.0, "pair 0"),
    ("4.4", -3.0, "numbered from 0"),
    ("4.4", -2.0, "3 positions before its query is 3 away"),
    ("4.2", 16 + int(math.log(20 / 16) / math.log(128 / 16) * 16), "bucket of T5's decoder"),   # the causal bucket
])
def test_4_3_and_4_4_off_by_one_pair_or_head_get_their_hint(capsys, exercise_id, wrong, hint):
    out = outcome(capsys, exercise_id, wrong)
    assert "not yet" in out and hint in out
    right = {"4.2": int(t5_bucket(torch.tensor(-20))), "4.3": 3 * 10000.0 ** (-2 / 8), "4.4": -1.5}
    assert "correct" in outcome(capsys, exercise_id, right[exercise_id])


@pytest.mark.parametrize("exercise_id, wrong, hint", [
    ("4.2", int(t5_bucket(torch.tensor(-20))) + 1, "One bucket too high: re-check the rounding"),
    ("4.2", int(t5_bucket(torch.tensor(-20))) - 1, "One bucket too low: re-check the boundary"),
    ("4.3", 3 * 10000.0 ** (-1 / 8), "exponent -2i/head_dim"),
    ("4.3", math.degrees(3 * 10000.0 ** (-2 / 8)), "degrees"),
    ("4.4", -0.5, "slope alone"),
    ("4.4", -3 / 256, "steepest slope"),
    ("4.4", -1.25, "not right yet"),
])
def test_value_mistakes_a_learner_makes_get_their_own_hint(capsys, exercise_id, wrong, hint):
    """The blind learner's attempts: a bucket one too high or too low, the wrong exponent, degrees, the slope alone,
    the last head's slope; any other wrong value gets the general hint."""
    out = outcome(capsys, exercise_id, wrong)
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and hint in out, out

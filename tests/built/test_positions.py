"""helpers.built.positions against independent plain-Python calculations, the papers' values and the properties
the lectures show; clear errors on bad input; and the lectures' own versions agree with the helpers."""
import math

import pytest
import torch

from helpers.built import positions
from helpers.built.positions import LearnedPositions, alibi, alibi_slopes, attention_scores, rope, sinusoidal, t5_bucket
from notebook_code import definitions


def sinusoidal_loop(num_positions, d_model, base=10000.0):
    """PE[p][2i] = sin(p / base^(2i/d)), PE[p][2i+1] = cos(...), straight from Vaswani et al. (2017)."""
    return [[(math.sin if dim % 2 == 0 else math.cos)(p / base ** ((dim - dim % 2) / d_model))
             for dim in range(d_model)] for p in range(num_positions)]


def rope_loop(vector, position, base=10000.0):
    """Rotate each pair (2i, 2i+1) of a list by position * base^(-2i/d) (Su et al., 2021), element by element."""
    out, d = [], len(vector)
    for i in range(d // 2):
        angle = position * base ** (-2 * i / d)
        a, b = vector[2 * i], vector[2 * i + 1]
        out += [a * math.cos(angle) - b * math.sin(angle), a * math.sin(angle) + b * math.cos(angle)]
    return out


def t5_bucket_loop(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
    """Mesh TensorFlow's _relative_position_bucket (used by T5, Raffel et al., 2020), for one int."""
    bucket, n = 0, relative_position
    if bidirectional:
        num_buckets //= 2
        bucket += num_buckets if n > 0 else 0
        n = abs(n)
    else:
        n = max(-n, 0)
    max_exact = num_buckets // 2
    if n < max_exact:
        return bucket + n
    large = max_exact + int(math.log(n / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact))
    return bucket + min(large, num_buckets - 1)


@pytest.mark.parametrize("num_positions, d_model, base", [(50, 16, 10000.0), (7, 2, 10000.0), (30, 8, 100.0),
                                                          (1, 8, 10000.0), (20, 6, 2.0), (40, 10, 1e6)])
def test_sinusoidal_matches_the_formula(num_positions, d_model, base):
    table = sinusoidal(num_positions, d_model, base)
    assert table.shape == (num_positions, d_model) and table.dtype == torch.float32
    assert torch.allclose(table, torch.tensor(sinusoidal_loop(num_positions, d_model, base)), atol=1e-5)


@pytest.mark.slow  # loads transformers
def test_sinusoidal_is_the_table_transformers_builds():
    """Lecture 3 shows it: XLM's (and DistilBERT's) create_sinusoidal_embeddings interleave as we do; Marian stores
    the sines first. Both from Hugging Face transformers, to float32 rounding of the angles."""
    xlm = pytest.importorskip("transformers.models.xlm.modeling_xlm")
    marian = pytest.importorskip("transformers.models.marian.modeling_marian")
    for num_positions, d_model in [(512, 64), (100, 2), (1024, 768)]:
        ours = sinusoidal(num_positions, d_model)
        theirs = xlm.create_sinusoidal_embeddings(num_positions, d_model, out=torch.empty(num_positions, d_model))
        assert torch.allclose(ours, theirs, atol=1e-4), (num_positions, d_model)
        with torch.random.fork_rng(devices=[]):
            sines_first = marian.MarianSinusoidalPositionalEmbedding(num_positions, d_model).create_weight()
        assert torch.allclose(torch.cat([ours[:, 0::2], ours[:, 1::2]], dim=-1), sines_first, atol=1e-4)


def test_sinusoidal_shift_is_one_rotation_for_every_position():
    table, d_model = sinusoidal(200, 32), 32
    for k in (1, 7, 50):
        rotation = torch.zeros(d_model, d_model)
        for i in range(d_model // 2):
            c, s = math.cos(k * 10000 ** (-2 * i / d_model)), math.sin(k * 10000 ** (-2 * i / d_model))
            rotation[2 * i:2 * i + 2, 2 * i:2 * i + 2] = torch.tensor([[c, -s], [s, c]])
        assert torch.allclose(table[:-k] @ rotation, table[k:], atol=1e-4)


def test_sinusoidal_dot_product_depends_only_on_distance():
    table = sinusoidal(300, 64)
    k = torch.arange(100)
    assert torch.allclose((table[0] * table[k]).sum(-1), (table[150] * table[150 + k]).sum(-1), atol=1e-3)


def test_sinusoidal_dot_product_is_the_same_for_k_and_minus_k():
    """Lecture 3: cos is even, so PE[p]·PE[p+k] = PE[p]·PE[p-k]; the dot product cannot tell before from after."""
    table = sinusoidal(300, 64)
    k = torch.arange(1, 100)
    assert torch.allclose(table[150 + k] @ table[150], table[150 - k] @ table[150], atol=1e-3)


def test_after_projections_the_score_depends_on_more_than_the_offset_and_rope_fixes_it():
    """Lecture 3's claim: (PE[p] W_q)·(PE[p+k] W_k) changes with p for a fixed k and differs for ±k; rotating after
    the projections (RoPE, Su et al. 2021) makes it depend on the offset only, but still on its sign."""
    g = torch.Generator().manual_seed(1)
    W_q, W_k = torch.randn(2, 64, 64, generator=g, dtype=torch.float64) / 8
    table, p = sinusoidal(400, 64).double(), torch.arange(100, 300)
    for k in (5, -5):
        scores = ((table[p] @ W_q) * (table[p + k] @ W_k)).sum(-1)
        assert scores.max() - scores.min() > 1.0
    x_q, x_k = torch.randn(2, 64, generator=g, dtype=torch.float64)
    queries = rope((x_q @ W_q).expand(400, 64))
    keys = rope((x_k @ W_k).expand(400, 64))
    for k in (5, -5):
        scores = (queries[p] * keys[p + k]).sum(-1)
        assert scores.max() - scores.min() < 1e-3  # rope computes its angles in float32
    assert abs((queries[p[0]] @ keys[p[0] + 5]) - (queries[p[0]] @ keys[p[0] - 5])) > 0.1


@pytest.mark.parametrize("d_model", [7, 0, -4])
def test_sinusoidal_rejects_odd_or_empty_d_model(d_model):
    with pytest.raises(ValueError, match="d_model must (be even|be at least 1)"):
        sinusoidal(10, d_model)
    with pytest.raises(ValueError, match="num_positions must be at least 1"):
        sinusoidal(0, 8)


def test_learned_positions_row_p_is_position_p_and_is_trained():
    learned = LearnedPositions(6, 4)
    assert sum(p.numel() for p in learned.parameters()) == 6 * 4
    out = learned(5)
    assert torch.equal(out, learned.table.weight[:5])
    out.sum().backward()
    assert torch.equal(learned.table.weight.grad, torch.tensor([1.0] * 5 + [0.0])[:, None].expand(6, 4))


def test_learned_positions_shape_and_clear_error_past_the_table():
    torch.manual_seed(0)
    learned = LearnedPositions(4, 8)
    assert learned(3).shape == (3, 8) and torch.equal(learned(4), learned.table.weight)
    with pytest.raises(ValueError, match=r"needs positions 0..5, but this table only has rows for positions 0..3"):
        learned(6)
    with pytest.raises(ValueError, match="context_length must be at least 1"):
        LearnedPositions(0, 8)


def test_rope_matches_the_loop_and_takes_explicit_positions():
    x = torch.randn(2, 5, 8)
    rotated = rope(x)
    expected = torch.tensor([[rope_loop(x[b, p].tolist(), p) for p in range(5)] for b in range(2)])
    assert torch.allclose(rotated, expected, atol=1e-5)
    positions = torch.tensor([10, 3, 0, 7, 100])
    expected = torch.tensor([rope_loop(x[0, n].tolist(), int(p)) for n, p in enumerate(positions)])
    assert torch.allclose(rope(x[0], positions=positions), expected, atol=1e-4)


def test_rope_keeps_norms_and_scores_depend_only_on_the_offset():
    q, k = torch.randn(64), torch.randn(64)
    q_rot, k_rot = rope(q.expand(40, 64)), rope(k.expand(40, 64))
    assert torch.allclose(q_rot.norm(dim=-1), q.norm().expand(40), atol=1e-4)
    scores = q_rot @ k_rot.T
    for offset in range(-39, 40):
        diagonal = torch.diagonal(scores, offset=offset)
        assert torch.allclose(diagonal, diagonal[0].expand_as(diagonal), atol=1e-3)
    shifted = (rope(q.expand(40, 64), positions=torch.arange(40) + 17)
               @ rope(k.expand(40, 64), positions=torch.arange(40) + 17).T)
    assert torch.allclose(shifted, scores, atol=1e-3)


def test_rope_errors_are_clear():
    with pytest.raises(ValueError, match="head_dim .* must be even .* not 7"):
        rope(torch.randn(3, 7))
    with pytest.raises(ValueError, match=r"positions has shape \(4,\) but x has seq_len=3"):
        rope(torch.randn(3, 8), positions=torch.arange(4))
    with pytest.raises(ValueError, match="needs x of shape"):
        rope(torch.randn(8))


def alibi_slopes_loop(n):
    """The paper's code (get_slopes in ofirpress/attention_with_linear_biases), in plain Python."""
    if math.log2(n).is_integer():
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        return [start * start ** i for i in range(n)]
    closest = 2 ** math.floor(math.log2(n))
    return alibi_slopes_loop(closest) + alibi_slopes_loop(2 * closest)[0::2][:n - closest]


def test_alibi_slopes_are_the_papers():
    assert torch.equal(alibi_slopes(8), torch.tensor([1 / 2 ** n for n in range(1, 9)]))
    assert torch.equal(alibi_slopes(4), torch.tensor([1 / 4, 1 / 16, 1 / 64, 1 / 256]))
    # Press et al. (2022), 6 heads: the 4-head slopes, then every other 8-head slope (1/2, 1/8).
    assert torch.equal(alibi_slopes(6), torch.tensor([1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8]))
    assert torch.equal(alibi_slopes(1), torch.tensor([1 / 256]))


@pytest.mark.parametrize("num_heads", [1, 2, 3, 5, 6, 7, 8, 12, 16, 24, 40, 112])
def test_alibi_slopes_follow_the_papers_code_for_any_head_count(num_heads):
    assert torch.allclose(alibi_slopes(num_heads), torch.tensor(alibi_slopes_loop(num_heads)), rtol=1e-6, atol=0)


@pytest.mark.slow  # loads transformers
@pytest.mark.parametrize("num_heads", [3, 5, 6, 12, 24])
def test_alibi_slopes_match_bloom_for_non_powers_of_two(num_heads):
    bloom = pytest.importorskip("transformers.models.bloom.modeling_bloom")
    theirs = bloom.build_alibi_tensor(torch.ones(1, 2, dtype=torch.long), num_heads, torch.float32)[:, 0, 1]
    assert torch.allclose(alibi_slopes(num_heads), theirs, rtol=1e-6, atol=0)
    plain = 2.0 ** (-8 * torch.arange(1, num_heads + 1) / num_heads)   # what the lecture used to compute
    assert not torch.allclose(plain, theirs, rtol=1e-3)


@pytest.mark.parametrize("num_heads", [0, -2, 2.0])
def test_alibi_rejects_bad_head_counts(num_heads):
    error = TypeError if isinstance(num_heads, float) else ValueError
    with pytest.raises(error, match="num_heads must be"):
        alibi_slopes(num_heads)
    with pytest.raises(error, match="num_heads must be"):
        alibi(num_heads, 4)


def test_alibi_bias_values_and_masks():
    bias = alibi(2, 5)
    assert bias.shape == (2, 5, 5)
    slopes = [1 / 16, 1 / 256]
    for h in range(2):
        for i in range(5):
            for j in range(5):
                expected = float("-inf") if j > i else -slopes[h] * (i - j)
                assert bias[h, i, j].item() == expected
    symmetric = alibi(2, 5, causal=False)
    assert torch.equal(symmetric, symmetric.transpose(1, 2)) and torch.equal(symmetric.tril(),
                                                                              bias.nan_to_num(0).tril())


def test_t5_buckets_match_the_published_algorithm():
    relative = torch.arange(-400, 401)
    for bidirectional in (True, False):
        for num_buckets, max_distance in ((32, 128), (16, 64)):
            got = t5_bucket(relative, num_buckets, max_distance, bidirectional).tolist()
            assert got == [t5_bucket_loop(r, bidirectional, num_buckets, max_distance) for r in relative.tolist()]


def test_t5_known_buckets():
    relative = torch.tensor([0, -1, -7, -8, -20, -127, -128, -1000, 1, 20, 1000])
    assert t5_bucket(relative).tolist() == [0, 1, 7, 8, 10, 15, 15, 15, 17, 26, 31]
    assert t5_bucket(torch.tensor([-20, 5]), bidirectional=False).tolist() == [17, 0]
    with pytest.raises(TypeError, match="int64 or int32 tensor"):
        t5_bucket(torch.tensor([1.5]))


def test_attention_scores_and_shape_errors():
    q, k, bias = torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 3, 5)
    assert torch.allclose(attention_scores(q, k, bias), q @ k.transpose(1, 2) / 2 + bias)
    with pytest.raises(ValueError, match=r"queries \(2, 3, 4\) and keys \(2, 5, 3\) .* same head_dim"):
        attention_scores(q, torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match=r"bias \(2, 5, 5\) does not fit the scores \(2, 3, 5\)"):
        attention_scores(q, k, torch.randn(2, 5, 5))


def lecture_function(notebook_name, tag, name):
    """The lecture's own version of `name`, from its tagged cell (the helper of the same name is `positions.<name>`)."""
    return definitions(notebook_name, tag, context={"torch": torch, "math": math})[name]


def test_lecture3_sinusoidal_agrees_with_the_helper():
    lecture = lecture_function("03_absolute_positions.ipynb", "defines-sinusoidal", "sinusoidal")
    for shape in [(64, 64), (10, 2), (100, 6)]:
        assert torch.allclose(lecture(*shape), positions.sinusoidal(*shape), atol=1e-6)
    assert torch.allclose(lecture(20, 8, base=50.0), positions.sinusoidal(20, 8, base=50.0), atol=1e-6)


def test_lecture3_learned_positions_agree_with_the_helper():
    lecture_class = lecture_function("03_absolute_positions.ipynb", "defines-learned", "LearnedPositions")
    torch.manual_seed(3)
    lecture = lecture_class(6, 8)
    torch.manual_seed(3)
    helper = positions.LearnedPositions(6, 8)
    assert torch.equal(lecture(5), helper(5))
    for module in (lecture, helper):
        with pytest.raises(ValueError, match="only has rows for positions 0..5"):
            module(7)


def test_lecture4_t5_bucket_agrees_with_the_helper():
    lecture = lecture_function("04_relative_positions.ipynb", "defines-t5-bucket", "t5_bucket")
    relative = torch.arange(-300, 301)
    assert torch.equal(lecture(relative), positions.t5_bucket(relative))
    assert torch.equal(lecture(relative, 16, 50), positions.t5_bucket(relative, 16, 50, bidirectional=True))


def test_lecture4_alibi_agrees_with_the_helper():
    lecture = lecture_function("04_relative_positions.ipynb", "defines-alibi", "alibi")
    slopes = lecture_function("04_relative_positions.ipynb", "defines-alibi", "alibi_slopes")
    for num_heads in (1, 2, 3, 5, 6, 8, 12, 16, 24, 112):
        assert torch.allclose(slopes(num_heads), positions.alibi_slopes(num_heads), rtol=1e-6, atol=0)
        ours, helper = lecture(num_heads, 9), positions.alibi(num_heads, 9)
        assert torch.equal(torch.isinf(ours), torch.isinf(helper))
        assert torch.allclose(ours.nan_to_num(0, 0, 0), helper.nan_to_num(0, 0, 0), rtol=1e-6, atol=1e-7)


def test_lecture4_rope_agrees_with_the_helper():
    lecture = lecture_function("04_relative_positions.ipynb", "defines-rope", "rope")
    x = torch.randn(2, 3, 10, 16)
    assert torch.allclose(lecture(x), positions.rope(x), atol=1e-6)
    assert torch.allclose(lecture(x, base=500.0), positions.rope(x, base=500.0), atol=1e-6)
    far = torch.randn(1000, 8, dtype=torch.float64)          # float64: both compute the angles in float64
    assert torch.allclose(lecture(far), positions.rope(far), atol=1e-12)


def test_rope_computes_float64_angles_for_float64_inputs():
    x = torch.randn(5000, 4, dtype=torch.float64)
    expected = torch.tensor([rope_loop(x[p].tolist(), p) for p in range(4990, 5000)], dtype=torch.float64)
    assert torch.allclose(rope(x)[4990:], expected, atol=1e-10)


def test_rope_takes_fractional_positions_for_interpolation():
    x = torch.randn(6, 8)
    halves = torch.arange(6) / 2                               # position interpolation by a factor 2
    expected = torch.tensor([rope_loop(x[n].tolist(), float(p)) for n, p in enumerate(halves)])
    assert torch.allclose(rope(x, positions=halves), expected, atol=1e-5)

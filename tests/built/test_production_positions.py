"""helpers.built.positions against the production code in Hugging Face transformers (skipped without it):
ALiBi vs BLOOM's build_alibi_tensor, RoPE vs Llama's and GPT-NeoX's apply_rotary_pos_emb (after the interleaved ->
half-split permutation), the W_q/W_k row permutation of converted Llama checkpoints, and T5's buckets."""
import math

import pytest
import torch

from helpers.built.positions import alibi, alibi_slopes, rope, t5_bucket

pytestmark = pytest.mark.slow  # loads transformers (the README's test command runs it; the quick tier does not)


class LazyModule:
    """A transformers module imported on first use inside a test (skipped without it), never while pytest collects:
    importing these takes seconds, and the quick tier deselects this file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str):
        if attribute.startswith("_"):  # pytest's collection probes names like `_fixture_function_marker`: not ours
            raise AttributeError(attribute)
        return getattr(pytest.importorskip(self.name), attribute)


bloom = LazyModule("transformers.models.bloom.modeling_bloom")
llama = LazyModule("transformers.models.llama.modeling_llama")
neox = LazyModule("transformers.models.gpt_neox.modeling_gpt_neox")
t5 = LazyModule("transformers.models.t5.modeling_t5")


def half_split(head_dim):
    """The order that puts pair (2i, 2i+1) at (i, i + head_dim/2): even dimensions first, then odd ones."""
    return torch.cat([torch.arange(0, head_dim, 2), torch.arange(1, head_dim, 2)])


@pytest.mark.parametrize("num_heads", [1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 112])
def test_alibi_equals_bloom_up_to_a_constant_per_row(num_heads):
    seq_len = 20
    theirs = bloom.build_alibi_tensor(torch.ones(1, seq_len, dtype=torch.long), num_heads, torch.float32)
    theirs = theirs.view(num_heads, 1, seq_len)                               # m_h * j
    ours = alibi(num_heads, seq_len)                                           # -m_h * (i - j), -inf for j > i
    shifted = ours + alibi_slopes(num_heads)[:, None, None] * torch.arange(seq_len)[None, :, None]
    visible = torch.isfinite(ours)
    assert torch.allclose(shifted[visible], theirs.expand_as(ours)[visible], rtol=1e-5, atol=1e-5)
    causal = torch.ones(seq_len, seq_len, dtype=torch.bool).tril()
    assert torch.allclose(ours.softmax(-1), theirs.masked_fill(~causal, float("-inf")).softmax(-1), atol=1e-6)


@pytest.mark.parametrize("head_dim, base, seq_len", [(64, 10000.0, 128), (128, 500000.0, 64), (8, 10000.0, 33)])
def test_rope_equals_llama_after_the_half_split_permutation(head_dim, base, seq_len):
    heads = 2
    config = llama.LlamaConfig(hidden_size=heads * head_dim, num_attention_heads=heads, head_dim=head_dim,
                               rope_parameters={"rope_type": "default", "rope_theta": base})
    q, k = torch.randn(2, 3, heads, seq_len, head_dim, generator=torch.Generator().manual_seed(1))
    cos, sin = llama.LlamaRotaryEmbedding(config)(q, torch.arange(seq_len)[None])
    perm = half_split(head_dim)
    q_hf, k_hf = llama.apply_rotary_pos_emb(q[..., perm], k[..., perm], cos, sin)
    tolerance = 1e-6 * seq_len * 10                       # float32 angles: the error grows with the position
    assert (q_hf - rope(q, base)[..., perm]).abs().max() < tolerance
    assert (k_hf - rope(k, base)[..., perm]).abs().max() < tolerance


def permute(w, n_heads):
    """convert_llama_weights_to_hf.py's `permute` (transformers repository): rows (2i, 2i+1) -> (i, i + d/2) per
    head."""
    rows, columns = w.shape
    return w.view(n_heads, rows // n_heads // 2, 2, columns).transpose(1, 2).reshape(rows, columns)


def test_permuted_wq_wk_rows_make_llamas_half_split_code_give_metas_scores():
    heads, head_dim, seq_len = 4, 16, 24
    d_model = heads * head_dim
    generator = torch.Generator().manual_seed(2)
    x = torch.randn(seq_len, d_model, dtype=torch.float64, generator=generator)
    w_q, w_k = torch.randn(2, d_model, d_model, dtype=torch.float64, generator=generator) / math.sqrt(d_model)

    def split(t):
        return t.view(seq_len, heads, head_dim).transpose(0, 1)
    meta = rope(split(x @ w_q.T)) @ rope(split(x @ w_k.T)).transpose(-2, -1)
    config = llama.LlamaConfig(hidden_size=d_model, num_attention_heads=heads, head_dim=head_dim,
                               rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    cos, sin = llama.LlamaRotaryEmbedding(config)(x, torch.arange(seq_len)[None])
    q_hf, k_hf = llama.apply_rotary_pos_emb(split(x @ permute(w_q, heads).T)[None],
                                            split(x @ permute(w_k, heads).T)[None],
                                            cos.double(), sin.double())
    assert torch.allclose(meta, q_hf[0] @ k_hf[0].transpose(-2, -1), atol=1e-4)
    assert torch.equal(permute(torch.eye(d_model), heads)[:head_dim].argmax(1), half_split(head_dim))
    without = llama.apply_rotary_pos_emb(split(x @ w_q.T)[None], split(x @ w_k.T)[None], cos.double(), sin.double())
    assert not torch.allclose(meta, without[0][0] @ without[1][0].transpose(-2, -1), atol=1e-2)  # permute is needed


@pytest.mark.parametrize("rotary_pct", [0.25, 0.5, 1.0])
def test_partial_rope_equals_gpt_neox(rotary_pct):
    heads, head_dim, seq_len = 2, 64, 40
    config = neox.GPTNeoXConfig(hidden_size=heads * head_dim, num_attention_heads=heads, rotary_pct=rotary_pct)
    q, k = torch.randn(2, 1, heads, seq_len, head_dim, generator=torch.Generator().manual_seed(3))
    cos, sin = neox.GPTNeoXRotaryEmbedding(config)(q, torch.arange(seq_len)[None])
    rotated = cos.shape[-1]
    assert rotated == int(head_dim * rotary_pct)
    order = torch.cat([half_split(rotated), torch.arange(rotated, head_dim)])
    q_hf, k_hf = neox.apply_rotary_pos_emb(q[..., order], k[..., order], cos, sin)
    for ours, theirs in ((q, q_hf), (k, k_hf)):
        partial = torch.cat([rope(ours[..., :rotated]), ours[..., rotated:]], dim=-1)[..., order]
        assert (theirs - partial).abs().max() < 1e-4
        assert torch.equal(theirs[..., rotated:], ours[..., rotated:])      # the rest passes through untouched


@pytest.mark.parametrize("bidirectional", [True, False])
@pytest.mark.parametrize("num_buckets, max_distance", [(32, 128), (16, 64), (64, 256), (8, 20), (32, 17)])
def test_t5_buckets_equal_t5attention(bidirectional, num_buckets, max_distance):
    relative = torch.arange(-2000, 2001)
    theirs = t5.T5Attention._relative_position_bucket(relative, bidirectional, num_buckets, max_distance)
    assert torch.equal(t5_bucket(relative, num_buckets, max_distance, bidirectional), theirs)


def test_t5_max_distance_that_transformers_gets_wrong_is_refused_here():
    relative = torch.arange(-20, 21)
    theirs = t5.T5Attention._relative_position_bucket(relative, True, 32, 8)       # max_distance == max_exact
    assert theirs.min() < 0                                                          # garbage buckets there
    with pytest.raises(ValueError, match="max_distance must be larger than 8"):
        t5_bucket(relative, 32, 8)

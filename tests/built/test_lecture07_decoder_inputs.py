"""Lecture 7's decoder inputs against transformers' own models (tiny random configs, offline) and against the
notebook's definitions: input layers, RoPE tables, position ids in generation, packing, the KV-cache step, masks."""
import inspect
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from helpers.built.decoder_inputs import (
    additive_mask,
    apply_rope,
    new_token_scores,
    pack,
    position_ids_from_mask,
    rope_cos_sin,
    rotate_half,
)
from notebook_code import definitions

NOTEBOOK = "07_decoder_inputs.ipynb"
SIZES = dict(vocab_size=100, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
             num_key_value_heads=2, max_position_embeddings=64, attn_implementation="eager")


def tiny(kind, **extra):
    """A tiny random transformers model (imported here, so the quick tier never loads transformers)."""
    transformers = pytest.importorskip("transformers")
    transformers.logging.set_verbosity_error()
    torch.manual_seed(7)
    if kind == "gpt2":
        config = transformers.GPT2Config(vocab_size=100, n_embd=32, n_layer=1, n_head=2, n_positions=64,
                                         bos_token_id=0, eos_token_id=0)
        return transformers.GPT2Model(config).eval()
    config_class, model_class = {"llama": (transformers.LlamaConfig, transformers.LlamaModel),
                                 "gemma": (transformers.GemmaConfig, transformers.GemmaModel),
                                 "llama-lm": (transformers.LlamaConfig, transformers.LlamaForCausalLM)}[kind]
    return model_class(config_class(**{**SIZES, **extra})).eval()


def block_inputs(model, layers, **inputs):
    """The keyword arguments the first decoder block receives."""
    received = {}
    hook = layers[0].register_forward_pre_hook(lambda module, args, kwargs: received.update(kwargs), with_kwargs=True)
    with torch.no_grad():
        model(**inputs, use_cache=False)
    hook.remove()
    return received


def test_notebook_definitions_agree_with_helpers():
    book = definitions(NOTEBOOK, "defines-rope", "defines-position-ids", "defines-additive-mask",
                       context={"torch": torch})
    mask = torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 1, 1, 1, 1]])
    assert torch.equal(book["position_ids_from_mask"](mask), position_ids_from_mask(mask))
    assert torch.equal(book["additive_mask"](mask), additive_mask(mask))
    positions = position_ids_from_mask(mask)
    for ours, theirs in zip(book["rope_cos_sin"](positions, 8), rope_cos_sin(positions, 8)):
        assert torch.equal(ours, theirs)
    x = torch.randn(3, 5, 8, dtype=torch.float64).float()
    cos, sin = rope_cos_sin(positions, 8)
    assert torch.equal(book["rotate_half"](x), rotate_half(x))
    assert torch.equal(book["apply_rope"](x, cos, sin), apply_rope(x, cos, sin))


@pytest.mark.slow  # loads transformers
def test_input_layers_equal_transformers_first_block_input():
    ids = torch.tensor([[5, 17, 42, 8, 99, 3], [1, 2, 3, 4, 5, 6]])
    gpt2, llama, gemma = tiny("gpt2"), tiny("llama"), tiny("gemma", head_dim=16)
    ours = {gpt2: gpt2.wte.weight[ids] + gpt2.wpe.weight[torch.arange(6)],
            llama: llama.embed_tokens.weight[ids],
            gemma: gemma.embed_tokens.weight[ids] * torch.tensor(math.sqrt(32), dtype=torch.float32)}
    with torch.no_grad():
        for model, first in ours.items():
            assert torch.equal(first, model(ids, output_hidden_states=True, use_cache=False).hidden_states[0])


@pytest.mark.slow  # loads transformers
def test_gemma_scales_in_the_weights_dtype():
    """In bfloat16, Gemma's factor for d_model = 3072 is sqrt(3072) rounded to bfloat16 (55.5), not 55.43."""
    gemma = tiny("gemma", hidden_size=3072, head_dim=16, num_hidden_layers=1).to(torch.bfloat16)
    ids = torch.tensor([[3, 9, 27]])
    with torch.no_grad():
        theirs = gemma(ids, output_hidden_states=True, use_cache=False).hidden_states[0]
    table = gemma.embed_tokens.weight[ids]
    assert torch.equal(theirs, table * torch.tensor(math.sqrt(3072), dtype=torch.bfloat16))
    assert not torch.equal(theirs, (table.float() * math.sqrt(3072)).to(torch.bfloat16))


@pytest.mark.slow  # loads transformers
def test_rope_tables_and_mask_equal_what_llamas_first_block_receives():
    llama = tiny("llama")
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])
    positions = position_ids_from_mask(mask)
    received = block_inputs(llama, llama.layers, input_ids=torch.ones(2, 6, dtype=torch.long), attention_mask=mask,
                            position_ids=positions)
    cos, sin = received["position_embeddings"]
    ours_cos, ours_sin = rope_cos_sin(positions, 16)
    assert torch.allclose(ours_cos, cos, atol=1e-6) and torch.allclose(ours_sin, sin, atol=1e-6)
    assert torch.equal(additive_mask(mask), received["attention_mask"])


@pytest.mark.slow  # loads transformers
def test_position_ids_from_mask_match_transformers_generation():
    """Greedy generation by transformers on a left-padded batch = our loop that recomputes everything with our
    position ids (so transformers' generation numbers the real tokens as we do)."""
    model = tiny("llama-lm")
    ids = torch.tensor([[0, 0, 17, 42, 8], [5, 6, 7, 8, 9]])
    mask = torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]])
    with torch.no_grad():
        theirs = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=4, do_sample=False,
                                pad_token_id=0)[:, 5:]
        ours = ids
        for _ in range(4):
            full_mask = torch.cat([mask, torch.ones(2, ours.shape[1] - 5, dtype=torch.long)], dim=1)
            logits = model(ours, attention_mask=full_mask, position_ids=position_ids_from_mask(full_mask),
                           use_cache=False).logits
            ours = torch.cat([ours, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    assert torch.equal(ours[:, 5:], theirs)


@pytest.mark.slow  # loads transformers
def test_packed_row_equals_separate_runs_and_needs_the_mask():
    llama = tiny("llama")
    documents = [[5, 17, 42], [8, 99, 3, 61], [23, 7]]
    ids, positions, allowed = pack(documents)
    additive = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)[:, None]
    with torch.no_grad():
        separate = torch.cat([llama(torch.tensor([d]), use_cache=False).last_hidden_state for d in documents], 1)
        packed = llama(ids, position_ids=positions, attention_mask=additive, use_cache=False).last_hidden_state
        leaky = llama(ids, position_ids=positions, attention_mask=torch.ones_like(ids),
                      use_cache=False).last_hidden_state
    assert torch.allclose(packed, separate, atol=1e-5)
    assert not torch.allclose(leaky, separate, atol=1e-3)


def test_kv_cache_step_equals_full_sequence_with_left_padding():
    """new_token_scores for a left-padded batch = the last row of the full scores with positions from the mask."""
    torch.manual_seed(0)
    head_dim, mask = 16, torch.tensor([[0, 0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]])
    q = torch.randn(2, 7, head_dim, dtype=torch.float64).float()
    k = torch.randn(2, 7, head_dim, dtype=torch.float64).float()
    cos, sin = rope_cos_sin(position_ids_from_mask(mask), head_dim)
    full = apply_rope(q, cos, sin) @ apply_rope(k, cos, sin).transpose(1, 2)
    cache = apply_rope(k[:, :6], cos[:, :6], sin[:, :6])
    step = new_token_scores(q[:, 6], k[:, 6], cache, mask)
    assert torch.allclose(step, full[:, 6], atol=1e-4)
    at_column = rope_cos_sin(torch.full((2, 1), 6), head_dim)
    wrong = (apply_rope(q[:, 6:], *at_column) @ torch.cat([cache, apply_rope(k[:, 6:], *at_column)], 1)
             .transpose(1, 2))[:, 0]
    assert not torch.allclose(wrong[0], full[0, 6], atol=1e-3)      # the padded row breaks at the column index


def test_mask_conventions_by_running_the_real_functions():
    torch.manual_seed(0)
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])
    additive = additive_mask(mask)
    allowed = additive == 0
    real = mask.bool()[:, :, None]
    x = torch.randn(2, 6, 8, dtype=torch.float64).float()
    sdpa_additive = F.scaled_dot_product_attention(x, x, x, attn_mask=additive[:, 0])
    sdpa_bool = F.scaled_dot_product_attention(x, x, x, attn_mask=allowed[:, 0])          # True = attend
    assert torch.allclose(sdpa_bool.masked_fill(~real, 0), sdpa_additive.masked_fill(~real, 0), atol=1e-6)
    mha = nn.MultiheadAttention(8, 1, batch_first=True).eval()
    with torch.no_grad():
        mha_additive = mha(x, x, x, attn_mask=additive[:, 0], need_weights=False)[0]
        mha_bool = mha(x, x, x, attn_mask=~torch.ones(6, 6, dtype=torch.bool).tril(),    # True = blocked
                       key_padding_mask=mask == 0, need_weights=False)[0]
        mha_flipped = mha(x, x, x, attn_mask=allowed[0, 0], need_weights=False)[0]       # SDPA's convention: wrong
    assert torch.allclose(mha_bool.masked_fill(~real, 0), mha_additive.masked_fill(~real, 0), atol=1e-6)
    assert not torch.allclose(mha_flipped[1], mha_additive[1], atol=1e-3)


@pytest.mark.slow  # loads transformers
def test_transformers_caches_keys_rotated_and_one_cached_step_equals_the_full_pass():
    """Llama's cache holds k_proj's keys rotated at their positions (as Section 4 says), and one new token with the
    cache, given its position id from the mask, gives the full pass's last hidden state (left-padded batch)."""
    llama = tiny("llama", num_hidden_layers=1)
    ids = torch.tensor([[0, 0, 17, 42, 8, 11], [5, 6, 7, 8, 9, 12]])
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])
    positions = position_ids_from_mask(mask)
    with torch.no_grad():
        prompt = llama(ids[:, :5], attention_mask=mask[:, :5], position_ids=positions[:, :5], use_cache=True,
                       output_hidden_states=True)
        cache = prompt[1]
        layer = llama.layers[0]
        keys = layer.self_attn.k_proj(layer.input_layernorm(prompt.hidden_states[0])).view(2, 5, 2, 16).transpose(1, 2)
        assert torch.allclose(cache.layers[0].keys, apply_rope(keys, *rope_cos_sin(positions[:, :5], 16)), atol=1e-6)
        name = "cache" if "cache" in inspect.signature(llama.forward).parameters else "past_key_values"  # 5 / 4.57
        step = llama(ids[:, 5:], attention_mask=mask, position_ids=positions[:, 5:], use_cache=True,
                     **{name: cache}).last_hidden_state[:, 0]
        full = llama(ids, attention_mask=mask, position_ids=positions, use_cache=False).last_hidden_state[:, 5]
    assert torch.allclose(step, full, atol=1e-5)

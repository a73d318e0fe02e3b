"""helpers.built.input_embedding.InputEmbedding: shapes, broadcasting, determinism, devices, optional segments,
agreement with Lecture 6's notebook version, and a clear error for every bad input a learner can type."""
import re

import pytest
import torch
from torch import nn

from helpers.built.input_embedding import InputEmbedding
from helpers.built.positions import sinusoidal
from helpers.seeding import seed_everything
from notebook_code import definitions

VOCAB, D_MODEL, CONTEXT = 50, 16, 8


def make(**options) -> InputEmbedding:
    seed_everything(0)
    return InputEmbedding(VOCAB, D_MODEL, CONTEXT, **options)


def ids(batch=3, seq_len=5) -> torch.Tensor:
    return torch.arange(batch * seq_len).reshape(batch, seq_len) % VOCAB


@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
@pytest.mark.parametrize("num_segments", [0, 2])
def test_shape_is_batch_seq_len_d_model(positions, num_segments):
    out = make(positions=positions, num_segments=num_segments)(ids())
    assert out.shape == (3, 5, D_MODEL) and out.dtype == torch.float32


def test_seeds_example_shape_and_position_broadcast():
    seed_everything(0)
    module = InputEmbedding(50257, 256, 4)
    token_ids = torch.randint(0, 50257, (8, 4))
    out = module(token_ids)
    assert out.shape == (8, 4, 256) and module.position_vectors(4).shape == (4, 256)
    added = out - module.token(token_ids)
    assert torch.allclose(added, module.position.weight[:4].expand(8, 4, 256))


def test_sinusoidal_positions_are_the_fixed_table_and_not_parameters():
    module = make(positions="sinusoidal")
    assert torch.equal(module.position_vectors(CONTEXT), sinusoidal(CONTEXT, D_MODEL))
    assert sum(p.numel() for p in module.parameters()) == VOCAB * D_MODEL
    assert "position_table" not in module.state_dict()


def test_segments_are_optional_and_default_to_segment_zero():
    module = make(num_segments=2)
    token_ids = ids()
    assert torch.equal(module(token_ids), module(token_ids, torch.zeros_like(token_ids)))
    ones = module(token_ids, torch.ones_like(token_ids)) - module(token_ids)
    assert torch.allclose(ones, (module.segment.weight[1] - module.segment.weight[0]).expand_as(ones), atol=1e-6)


def test_same_seed_same_module_and_eval_mode_is_deterministic():
    first, second = make(dropout=0.5, layer_norm=True), make(dropout=0.5, layer_norm=True)
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values()))
    first.eval()
    assert torch.equal(first(ids()), first(ids()))
    first.train()
    assert not torch.equal(first(ids()), first(ids()))


def test_layer_norm_gives_each_vector_mean_zero_and_unit_variance():
    out = make(layer_norm=True)(ids())
    assert torch.allclose(out.mean(-1), torch.zeros(3, 5), atol=1e-5)
    assert torch.allclose(out.var(-1, unbiased=False), torch.ones(3, 5), atol=1e-3)


def notebook_class():
    return definitions("06_input_embedding.ipynb", "defines-input-embedding",
                       context={"torch": torch, "nn": nn, "sinusoidal": sinusoidal})["InputEmbedding"]


@pytest.mark.parametrize("options", [{}, {"positions": "sinusoidal", "num_segments": 2, "layer_norm": True},
                                     {"num_segments": 3, "layer_norm": True, "layer_norm_eps": 1e-12}])
def test_notebook_version_matches_the_helper(options):
    seed_everything(0)
    notebook_module = notebook_class()(VOCAB, D_MODEL, CONTEXT, **options)
    helper_module = make(**options)
    helper_module.load_state_dict(notebook_module.state_dict())
    segments = torch.randint(0, 2, (3, 5)) if options.get("num_segments") else None
    assert torch.equal(notebook_module(ids(), segments), helper_module(ids(), segments))
    assert torch.equal(notebook_module.position_vectors(CONTEXT), helper_module.position_vectors(CONTEXT))
    assert notebook_module.norm.__class__ is helper_module.norm.__class__
    if options.get("layer_norm"):
        assert notebook_module.norm.eps == helper_module.norm.eps == options.get("layer_norm_eps", 1e-5)


@pytest.mark.parametrize("call, message", [
    (lambda cls: cls(VOCAB, D_MODEL, CONTEXT, positions="rope"), "RoPE and ALiBi act inside attention"),
    (lambda cls: cls(VOCAB, D_MODEL, CONTEXT, positions="Learned"), "'learned' or 'sinusoidal', not 'Learned'"),
    (lambda cls: cls(VOCAB, D_MODEL, CONTEXT)(ids(), torch.zeros(3, 5, dtype=torch.long)),
     "no segment table: build it with num_segments=2"),
    (lambda cls: cls(VOCAB, D_MODEL, CONTEXT)(ids(seq_len=CONTEXT + 1)), "9 tokens, but context_length=8: cut"),
    (lambda cls: cls(VOCAB, D_MODEL, CONTEXT, positions="sinusoidal").position_vectors(CONTEXT + 3),
     "11 tokens, but context_length=8"),
])
def test_the_notebook_version_refuses_instead_of_guessing(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call(notebook_class())


def test_parts_are_added_in_berts_order_token_segment_then_position():
    module = make(num_segments=2, layer_norm=True)
    token_ids, segment_ids = ids(), torch.randint(0, 2, (3, 5))
    summed = (module.token.weight[token_ids] + module.segment.weight[segment_ids]) + module.position.weight[:5]
    assert torch.equal(module(token_ids, segment_ids), module.norm(summed))   # bit for bit, not only close


def test_layer_norm_eps_is_used_and_defaults_to_pytorchs():
    assert make(layer_norm=True).norm.eps == 1e-5 == nn.LayerNorm(4).eps
    bert_eps, default = make(layer_norm=True, layer_norm_eps=1e-12), make(layer_norm=True)
    with torch.no_grad():                    # small vectors (variance ~1e-6): then eps is not negligible
        bert_eps.token.weight.mul_(1e-3)
        bert_eps.position.weight.mul_(1e-3)
    default.load_state_dict(bert_eps.state_dict())
    out_bert, out_default = bert_eps(ids()), default(ids())
    assert torch.allclose(out_bert.var(-1, unbiased=False), torch.ones(3, 5), atol=1e-3)
    assert (out_bert - out_default).abs().max() > 0.1


def test_position_vectors_refuses_rows_the_table_does_not_have():
    for positions in ("learned", "sinusoidal"):
        module = make(positions=positions)
        assert module.position_vectors(CONTEXT).shape == (CONTEXT, D_MODEL)
        with pytest.raises(ValueError, match=r"9 tokens but the context holds 8 positions \(context_length=8"):
            module.position_vectors(CONTEXT + 1)


def test_padding_on_the_right_leaves_the_real_tokens_vectors_unchanged():
    module = make(num_segments=2, layer_norm=True)
    alone = module(torch.tensor([[1, 2, 3]]), torch.tensor([[0, 0, 1]]))
    padded = module(torch.tensor([[1, 2, 3, 49, 49]]), torch.tensor([[0, 0, 1, 0, 0]]))
    assert torch.equal(padded[:, :3], alone)


def test_moving_to_another_device_moves_every_table():
    module = make(positions="sinusoidal", num_segments=2).to("meta")
    assert {t.device.type for t in [*module.parameters(), *module.buffers()]} == {"meta"}
    out = module(ids().to("meta"), torch.zeros(3, 5, dtype=torch.long, device="meta"))
    assert out.shape == (3, 5, D_MODEL) and out.device.type == "meta"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_on_a_gpu_the_numbers_match_the_cpu():
    module = make(num_segments=2)
    expected = module(ids(), torch.ones(3, 5, dtype=torch.long))
    out = module.to("cuda")(ids().to("cuda"), torch.ones(3, 5, dtype=torch.long, device="cuda"))
    assert torch.allclose(out.cpu(), expected, atol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m(ids(), torch.full((3, 5), 2)), ValueError, r"segment id 2 is outside the segment table.*rows 0\.\.1"),
    (lambda m: m(ids(), torch.full((3, 5), -1)), ValueError, r"segment id -1 is outside"),
    (lambda m: m(ids(), torch.zeros(3, 4, dtype=torch.long)), ValueError,
     r"segment_ids have shape \(3, 4\) but token_ids have \(3, 5\)"),
    (lambda m: m(ids(seq_len=CONTEXT + 1)), ValueError, r"9 tokens but the context holds 8 positions"),
    (lambda m: m(ids().float()), TypeError, r"token_ids must hold token ids as torch.long.*torch.float32.*\.long\(\)"),
    (lambda m: m(ids(), torch.zeros(3, 5)), TypeError, r"segment_ids must hold token ids as torch.long"),
    (lambda m: m(ids().to("meta")), ValueError, r"token_ids are on meta but this module's tables are on cpu"),
    (lambda m: m(ids(), torch.zeros(3, 5, dtype=torch.long, device="meta")), ValueError,
     r"segment_ids are on meta but token_ids are on cpu"),
    (lambda m: m(torch.full((1, 3), VOCAB)), ValueError, r"token id 50 is outside the vocabulary.*rows 0\.\.49"),
    (lambda m: m(torch.full((1, 3), -3)), ValueError, r"token id -3 is outside the vocabulary"),
    (lambda m: m(torch.arange(5)), ValueError, r"shape \(batch, seq_len\).*unsqueeze\(0\)"),
    (lambda m: m([[1, 2, 3]]), TypeError, r"token_ids must be a torch.Tensor, not list"),
])
def test_bad_inputs_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(make(num_segments=2))


def test_segment_ids_without_a_segment_table_are_explained():
    with pytest.raises(ValueError, match="no segment table \\(num_segments=0\\)"):
        make()(ids(), torch.zeros(3, 5, dtype=torch.long))


@pytest.mark.parametrize("options, message", [
    ({"positions": "rope"}, "RoPE and ALiBi are not added to the input"),
    ({"num_segments": -1}, r"num_segments \(0 for no segment table\) must be at least 0"),
    ({"dropout": 1.5}, "dropout is the probability"),
])
def test_bad_constructor_arguments_are_explained(options, message):
    with pytest.raises(ValueError, match=message):
        InputEmbedding(VOCAB, D_MODEL, CONTEXT, **options)
    with pytest.raises(ValueError, match="d_model must be at least 1"):
        InputEmbedding(VOCAB, 0, CONTEXT)

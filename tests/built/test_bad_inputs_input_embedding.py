"""Bad inputs to Lecture 6's InputEmbedding and its explorer: each gets a clear error that names the problem and
the fix, raised by the course's own code (never a silent wrong result, never a raw error from inside torch or
traitlets); after a refused value the explorer keeps working (issue 10.4)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from bad_input import Bad
from helpers.built.input_embedding import InputEmbedding
from helpers.seeding import seed_everything
from helpers.widgets.embedding_explorer import InputEmbeddingExplorer

VOCAB, D_MODEL, CONTEXT = 50, 16, 8


def module(**options) -> InputEmbedding:
    seed_everything(0)
    return InputEmbedding(VOCAB, D_MODEL, CONTEXT, **options)


def ids(batch=2, seq_len=5, dtype=torch.long) -> torch.Tensor:
    return (torch.arange(batch * seq_len).reshape(batch, seq_len) % VOCAB).to(dtype)


_EXPLORER: list[InputEmbeddingExplorer] = []


def explorer() -> InputEmbeddingExplorer:
    """One explorer for all cases (built on first use), so that a refused value must leave it working."""
    if not _EXPLORER:
        _EXPLORER.append(InputEmbeddingExplorer())
    return _EXPLORER[0]


CONSTRUCTOR = [
    Bad("odd d_model with sinusoidal positions", lambda: InputEmbedding(VOCAB, 5, CONTEXT, positions="sinusoidal"),
        ValueError, "even d_model", "d_model=5", "positions='learned'"),
    Bad("unknown positions scheme 'rope'", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, positions="rope"),
        ValueError, "positions must be one of", "RoPE", "inside attention"),
    Bad("positions=None", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, positions=None),
        ValueError, "positions must be one of", "learned", "sinusoidal"),
    Bad("vocab_size 0", lambda: InputEmbedding(0, D_MODEL, CONTEXT), ValueError, "vocab_size", "at least 1"),
    Bad("vocab_size 3.5", lambda: InputEmbedding(3.5, D_MODEL, CONTEXT), TypeError, "vocab_size", "whole number"),
    Bad("d_model True", lambda: InputEmbedding(VOCAB, True, CONTEXT), TypeError, "d_model", "whole number"),
    Bad("context_length -4", lambda: InputEmbedding(VOCAB, D_MODEL, -4), ValueError, "context_length", "at least 1"),
    Bad("num_segments -1", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, num_segments=-1),
        ValueError, "num_segments", "0 for no segment table"),
    Bad("dropout 1.5", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, dropout=1.5), ValueError, "dropout", "[0, 1)"),
    Bad("dropout as a string", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, dropout="0.1"),
        ValueError, "dropout", "[0, 1)", "'0.1'"),
    Bad("layer_norm='yes'", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, layer_norm="yes"),
        TypeError, "layer_norm must be True or False", "layer_norm_eps"),
    Bad("layer_norm_eps 0", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, layer_norm=True, layer_norm_eps=0),
        ValueError, "layer_norm_eps", "positive", "1e-12"),
    Bad("layer_norm_eps negative", lambda: InputEmbedding(VOCAB, D_MODEL, CONTEXT, layer_norm_eps=-1e-5),
        ValueError, "layer_norm_eps", "1e-5"),
    Bad("a table too large to allocate", lambda: InputEmbedding(10 ** 9, 768, CONTEXT),
        ValueError, "vocab_size=1,000,000,000", "GiB", "meta device"),
]

FORWARD = [
    Bad("segment ids without a segment table", lambda: module()(ids(), torch.zeros(2, 5, dtype=torch.long)),
        ValueError, "no segment table", "num_segments=2", "leave segment_ids out"),
    Bad("negative token id", lambda: module()(torch.full((1, 3), -3)),
        ValueError, "token id -3", "outside the vocabulary", "rows 0..49"),
    Bad("token id == vocab_size", lambda: module()(torch.full((1, 3), VOCAB)),
        ValueError, "token id 50", "outside the vocabulary", "same tokenizer"),
    Bad("float ids", lambda: module()(ids(dtype=torch.float32)), TypeError, "torch.long", "float32", ".long()"),
    Bad("uint8 ids", lambda: module()(ids(dtype=torch.uint8)), TypeError, "torch.long", "uint8", ".long()"),
    Bad("int16 ids", lambda: module()(ids(dtype=torch.int16)), TypeError, "torch.long", "int16", ".long()"),
    Bad("int8 ids", lambda: module()(ids(dtype=torch.int8)), TypeError, "torch.long", "int8"),
    Bad("bool ids", lambda: module()(ids() > 3), TypeError, "torch.long", "bool"),
    Bad("1-D ids", lambda: module()(torch.arange(5)), ValueError, "(batch, seq_len)", "(5,)", "unsqueeze(0)"),
    Bad("3-D ids", lambda: module()(torch.zeros(2, 3, 4, dtype=torch.long)), ValueError,
        "(batch, seq_len)", "(2, 3, 4)"),
    Bad("ids on the meta device", lambda: module()(ids().to("meta")),
        ValueError, "token_ids are on meta", "tables are on cpu", "module.to(device)"),
    Bad("sequence longer than the context", lambda: module()(ids(seq_len=CONTEXT + 1)),
        ValueError, "9 tokens", "context_length=8", "windows", "larger context_length"),
    Bad("empty sequence", lambda: module()(torch.zeros(1, 0, dtype=torch.long)), ValueError, "empty", "(1, 0)"),
    Bad("a list of ids", lambda: module()([[1, 2, 3]]), TypeError, "torch.Tensor", "not list", "torch.tensor"),
    Bad("a numpy array of ids", lambda: module()(np.array([[1, 2, 3]])), TypeError, "torch.Tensor", "ndarray"),
    Bad("segment id 2 with two segments", lambda: module(num_segments=2)(ids(), torch.full((2, 5), 2)),
        ValueError, "segment id 2", "rows 0..1", "0 for sentence A"),
    Bad("segment ids of another shape", lambda: module(num_segments=2)(ids(), torch.zeros(2, 4, dtype=torch.long)),
        ValueError, "segment_ids have shape (2, 4)", "one segment id per token"),
    Bad("float segment ids", lambda: module(num_segments=2)(ids(), torch.zeros(2, 5)), TypeError, "segment_ids",
        "torch.long"),
    Bad("segment ids on the meta device",
        lambda: module(num_segments=2)(ids(), torch.zeros(2, 5, dtype=torch.long, device="meta")),
        ValueError, "segment_ids are on meta", "same device"),
]

POSITION_VECTORS = [
    Bad("position_vectors beyond the context", lambda: module().position_vectors(CONTEXT + 1),
        ValueError, "9 tokens", "context_length=8", "rows 0..7"),
    Bad("position_vectors beyond the sinusoidal context",
        lambda: module(positions="sinusoidal").position_vectors(100), ValueError, "100 tokens", "context_length=8"),
    Bad("position_vectors(0)", lambda: module().position_vectors(0), ValueError, "seq_len", "at least 1"),
    Bad("position_vectors(2.5)", lambda: module().position_vectors(2.5), TypeError, "seq_len", "whole number"),
]

EXPLORER = [
    Bad("explorer d_model above the slider", lambda: explorer().update(d_model=100),
        ValueError, "d_model=100", "multiple of 8", "8 to 64"),
    Bad("explorer d_model between slider stops", lambda: explorer().update(d_model=12),
        ValueError, "d_model=12", "multiple of 8"),
    Bad("explorer d_model 3.5", lambda: explorer().update(d_model=3.5), TypeError, "d_model", "whole number"),
    Bad("explorer d_model True", lambda: explorer().update(d_model=True), TypeError, "d_model", "whole number"),
    Bad("explorer positions 'rope'", lambda: explorer().update(positions="rope"),
        ValueError, "not a valid positions", "learned, sinusoidal"),
    Bad("explorer segments 'yes'", lambda: explorer().update(segments="yes"), TypeError, "segments", "True or False"),
    Bad("explorer text_a a number", lambda: explorer().update(text_a=123), TypeError, "text_a", "str"),
    Bad("explorer unknown control", lambda: explorer().update(colour="red"),
        ValueError, "Unknown control", "colour", "text_a"),
    Bad("explorer built with d_model 7", lambda: InputEmbeddingExplorer(d_model=7), ValueError, "d_model=7"),
    Bad("explorer built with positions 'alibi'", lambda: InputEmbeddingExplorer(positions="alibi"),
        ValueError, "positions must be one of", "'alibi'"),
    Bad("explorer built with segments 'yes'", lambda: InputEmbeddingExplorer(segments="yes"),
        TypeError, "segments must be True", "False"),
]

CASES = CONSTRUCTOR + FORWARD + POSITION_VECTORS + EXPLORER


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()
    plt.close("all")


def test_there_are_enough_cases():
    assert len(CASES) >= 25


def test_the_explorer_keeps_working_after_refused_values():
    widget = InputEmbeddingExplorer()
    before = (widget.values(), bytes(widget.live.widget.value))
    for bad in ({"d_model": 100}, {"d_model": 12}, {"positions": "rope"}, {"segments": "yes"}, {"text_a": 1}):
        with pytest.raises((ValueError, TypeError)):
            widget.update(**bad)
        assert (widget.values(), bytes(widget.live.widget.value)) == before, f"{bad} changed the widget"
    widget.update(d_model=24, positions="sinusoidal")
    assert widget.controls["d_model"].value == 24 and bytes(widget.live.widget.value) != before[1]
    assert "(seq_len=17, d_model=24)" in widget.message.value
    plt.close("all")


def test_the_explorer_explains_inputs_it_cannot_embed_and_recovers():
    widget = InputEmbeddingExplorer()
    widget.update(text_a="la " * 40)                                        # longer than the context of 32
    assert "Cannot embed this input" in widget.message.value and "context_length=32" in widget.message.value
    assert widget.ax.get_title().startswith("Not redrawn")
    widget.update(segments=False, text_a="", text_b="")                     # nothing to embed
    assert "both texts are empty" in widget.message.value
    widget.update(text_a="the <|endoftext|> cat")                           # typed text stays ordinary text
    assert "shape of every panel" in widget.message.value and widget.ax.get_title().startswith("Input embedding")
    plt.close("all")

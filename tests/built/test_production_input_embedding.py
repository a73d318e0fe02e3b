"""Lecture 6's InputEmbedding (the notebook's and the helper's), loaded with all-MiniLM-L6-v2's tables, equals
transformers' BertModel embedding layer on the corpus's real sentence pairs (issue 11.1); skipped without the
model's files or transformers, as the notebook's cell is."""
import importlib.util
import re

import pytest
import torch
from torch import nn

from helpers import minilm
from helpers.built.input_embedding import InputEmbedding
from helpers.built.positions import sinusoidal
from helpers.corpus import load_corpus
from notebook_code import definitions

# slow: loads transformers and a real model (the README's test command runs it; the quick tier does not)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not minilm.available() or importlib.util.find_spec("transformers") is None,
                                 reason="needs all-MiniLM-L6-v2 and transformers")]
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def bert_and_pairs():
    """transformers' BertModel, its tokenizer's batch of every consecutive sentence pair, and the model's tables."""
    sentences = [s.strip() for s in re.split(r'(?<=[.!?])\s+|(?<=[.!?]")\s+|\n+', load_corpus()) if s.strip()]
    tokenizer = minilm.bert_tokenizer()
    batch = tokenizer(sentences[:-1], sentences[1:], padding=True, return_tensors="pt")
    return minilm.bert_model(), batch, minilm.load_config(), minilm.load_embedding_tables()


def loaded(cls, config, tables, eps):
    module = cls(config["vocab_size"], config["hidden_size"], config["max_position_embeddings"],
                 num_segments=config["type_vocab_size"], layer_norm=True, layer_norm_eps=eps).eval()
    module.load_state_dict({"token.weight": tables["word"], "position.weight": tables["position"],
                            "segment.weight": tables["token_type"], "norm.weight": tables["layer_norm_weight"],
                            "norm.bias": tables["layer_norm_bias"]})
    return module


def notebook_class():
    return definitions("06_input_embedding.ipynb", "defines-input-embedding",
                       context={"torch": torch, "nn": nn, "sinusoidal": sinusoidal})["InputEmbedding"]


@pytest.mark.parametrize("which", ["helper", "notebook"])
def test_input_embedding_equals_bert_models_embeddings_on_real_pairs(bert_and_pairs, which):
    bert, batch, config, tables = bert_and_pairs
    assert config["layer_norm_eps"] == 1e-12 and batch["input_ids"].shape[0] == 994
    assert (batch["attention_mask"] == 0).any() and (batch["token_type_ids"] == 1).any()   # padded pairs
    module = loaded(InputEmbedding if which == "helper" else notebook_class(), config, tables,
                    config["layer_norm_eps"])
    with torch.no_grad():
        theirs = bert.embeddings(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"])
        ours = module(batch["input_ids"], batch["token_type_ids"])
    assert ours.shape == theirs.shape == (994, batch["input_ids"].shape[1], 384)
    assert (ours - theirs).abs().max().item() <= TOLERANCE


def test_pytorchs_default_eps_is_not_berts(bert_and_pairs):
    bert, batch, config, tables = bert_and_pairs
    module = loaded(InputEmbedding, config, tables, 1e-5)
    with torch.no_grad():
        difference = (module(batch["input_ids"], batch["token_type_ids"])
                      - bert.embeddings(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"]))
    assert difference.abs().max().item() > 1e-2


def test_positions_continue_across_sep_and_pads_get_token_type_0(bert_and_pairs):
    _, batch, _, _ = bert_and_pairs
    ids, types, mask = batch["input_ids"], batch["token_type_ids"], batch["attention_mask"]
    assert ((types == 1) <= (mask == 1)).all()                   # a pad never has token type 1
    assert ((ids == 0) == (mask == 0)).all()                     # [PAD] is id 0, exactly where the mask is 0
    first_b = (types[0] == 1).nonzero()[0].item()
    assert ids[0, first_b - 1] == 102 and first_b > 2            # B starts after [SEP] at a position > 0

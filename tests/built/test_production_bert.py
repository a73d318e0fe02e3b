"""Lecture 5 side by side with production code (Hugging Face transformers on all-MiniLM-L6-v2's real files):
pairs, truncation, padding and the embedding layer equal BertTokenizer / BertModel; the claims the lecture makes
about transformers' code (GPT-2's token_type_ids, pads' token type) hold for the pinned version."""
import itertools
import re

import pytest
import torch

import helpers
from helpers import minilm
from helpers.built.segments import encode_batch, pad_pairs, truncate_longest_first
from helpers.exercises.lecture05 import encode_pair
from notebook_code import definitions

# slow: loads transformers and a real model (the README's test command runs it; the quick tier does not)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (minilm.available() and minilm.transformers_available()),
                                 reason=f"{minilm.INSTALL_HINT} {minilm.TRANSFORMERS_HINT}")]
NOTEBOOK = "05_segment_embeddings.ipynb"


@pytest.fixture(scope="module")
def tokenizer():
    return minilm.bert_tokenizer()


@pytest.fixture(scope="module")
def lecture():
    """The notebook's own words / wordpiece / make_pair, and pieces() = its WordPiece tokens of a text."""
    code = definitions(NOTEBOOK, "defines-words", "defines-wordpiece", "defines-pair")
    vocab = minilm.load_vocab()
    code["vocab"] = vocab
    code["pieces"] = lambda text: [p for w in code["words"](text) for p in code["wordpiece"](w, vocab)]
    return code


@pytest.fixture(scope="module")
def consecutive_pairs():
    corpus = helpers.load_corpus()
    sentences = [s.strip() for s in re.split(r'(?<=[.!?])\s+|(?<=[.!?]")\s+|\n+', corpus) if s.strip()]
    return sentences[:-1], sentences[1:]


def test_the_lectures_pairs_equal_berts_tokenizer_on_every_consecutive_pair(tokenizer, lecture, consecutive_pairs):
    texts_a, texts_b = consecutive_pairs
    assert len(texts_a) == 994
    theirs = tokenizer(texts_a, texts_b)
    for a, b, ids, types in zip(texts_a, texts_b, theirs["input_ids"], theirs["token_type_ids"]):
        tokens, our_types = lecture["make_pair"](lecture["pieces"](a), lecture["pieces"](b))
        assert ([lecture["vocab"][t] for t in tokens], our_types) == (ids, types), (a, b)


@pytest.mark.parametrize("text, ours, berts", [
    ("café", ["[UNK]"], ["cafe"]),                              # accents stripped by the uncased tokenizer
    ("中国", ["中", "##国"], ["中", "国"]),                        # one token per CJK character
    ("snake_case", ["snake", "##_", "##case"], ["snake", "_", "case"]),   # every ASCII symbol is punctuation
    ("ab\x07c", ["ab", "[UNK]", "c"], ["abc"]),                  # control characters removed
])
def test_what_the_simple_wordpiece_leaves_out(text, ours, berts, tokenizer, lecture):
    assert lecture["pieces"](text) == ours and tokenizer.tokenize(text) == berts


def test_longest_first_equals_the_rust_tokenizer_on_every_small_case(tokenizer):
    lengths = list(itertools.product(range(11), range(11)))
    texts_a = [" ".join(["x"] * la) for la, _ in lengths]
    texts_b = [" ".join(["y"] * lb) for _, lb in lengths]
    for max_length in range(3, 26):
        encoded = tokenizer(texts_a, texts_b, truncation="longest_first", max_length=max_length)
        for (la, lb), types in zip(lengths, encoded["token_type_ids"]):
            kept = truncate_longest_first(["x"] * la, ["y"] * lb, max_length - 3)
            assert (types.count(0) - 2, types.count(1) - 1) == tuple(map(len, kept)), (la, lb, max_length)


@pytest.mark.parametrize("max_length", [None, 5, 9, 16, 32])
def test_encode_batch_equals_the_tokenizer(max_length, tokenizer, lecture, consecutive_pairs):
    texts_a, texts_b = consecutive_pairs
    pairs = [(lecture["pieces"](a), lecture["pieces"](b)) for a, b in zip(texts_a, texts_b)]
    ours = encode_batch(pairs, lecture["vocab"], max_length)
    options = {"truncation": True, "max_length": max_length} if max_length else {}
    theirs = tokenizer(texts_a, texts_b, padding=True, return_tensors="pt", **options)
    for key in ("input_ids", "token_type_ids", "attention_mask"):
        assert torch.equal(ours[key], theirs[key]), key


def test_exercise_references_equal_the_tokenizer(tokenizer, consecutive_pairs):
    texts_a, texts_b = (texts[:40] for texts in consecutive_pairs)
    encoded = [encode_pair(tokenizer(a, add_special_tokens=False)["input_ids"],
                           tokenizer(b, add_special_tokens=False)["input_ids"]) for a, b in zip(texts_a, texts_b)]
    length = max(len(ids) for ids, _, _ in encoded)
    ours = pad_pairs([(ids, types) for ids, types, _ in encoded], length, pad_id=tokenizer.pad_token_id)
    theirs = tokenizer(texts_a, texts_b, padding="max_length", max_length=length, return_tensors="pt")
    for mine, key in zip(ours, ("input_ids", "token_type_ids", "attention_mask")):
        assert torch.equal(mine, theirs[key]), key
    assert tokenizer.pad_token_type_id == 0 and tokenizer.padding_side == "right"


def test_sum_and_layer_norm_equal_bert_models_embeddings(tokenizer, consecutive_pairs):
    tables, config, model = minilm.load_embedding_tables(), minilm.load_config(), minilm.bert_model()
    batch = tokenizer(*consecutive_pairs, padding=True, truncation=True, max_length=16, return_tensors="pt")
    ids, types = batch["input_ids"], batch["token_type_ids"]
    positions = torch.arange(ids.shape[1])                      # across the whole pair, as the lecture says
    summed = tables["word"][ids] + tables["position"][positions] + tables["token_type"][types]
    ours = torch.nn.functional.layer_norm(summed, (384,), tables["layer_norm_weight"], tables["layer_norm_bias"],
                                          eps=config["layer_norm_eps"])
    with torch.no_grad():
        theirs = model.embeddings(input_ids=ids, token_type_ids=types)
    torch.testing.assert_close(ours, theirs, atol=1e-6, rtol=1e-6)
    assert config["layer_norm_eps"] == model.config.layer_norm_eps == 1e-12


def test_the_uncased_vocabulary_has_no_accented_piece():
    import unicodedata
    accented = [token for token in minilm.load_vocab()
                if any(unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", token))]
    assert accented == []


def test_a_pads_token_type_changes_no_real_tokens_output(tokenizer, consecutive_pairs):
    model = minilm.bert_model()
    batch = tokenizer(*(texts[:8] for texts in consecutive_pairs), padding=True, return_tensors="pt")
    mask = batch["attention_mask"]
    assert (mask == 0).any()
    with torch.no_grad():
        as_bert = model(**batch).last_hidden_state
        pads_typed_1 = model(input_ids=batch["input_ids"], attention_mask=mask,
                             token_type_ids=batch["token_type_ids"].masked_fill(mask == 0, 1)).last_hidden_state
    torch.testing.assert_close(as_bert[mask.bool()], pads_typed_1[mask.bool()], atol=1e-6, rtol=1e-6)



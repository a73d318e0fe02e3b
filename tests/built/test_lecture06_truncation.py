"""What Lectures 5 and 6 say `truncation=True` does must be what BERT's production tokenizer does.

Issue 16: Lecture 6 said truncation=True cuts "one token at a time from the longer of its two sentences" (BERT's
original `_truncate_seq_pair`), which predicts 7 + 6 for 7 + 8 tokens at max_length 16; the fast tokenizer keeps
6 + 7. These tests hold the lectures' stated rule (helpers.built.segments.truncate_longest_first, the notebooks'
words and stored outputs) to the tokenizer's output.
"""
import re

import nbformat
import pytest

from helpers import minilm
from helpers.built.segments import truncate_longest_first
from helpers.course import NOTEBOOKS_DIR

needs_bert = pytest.mark.skipif(not (minilm.available() and minilm.transformers_available()),
                                reason=f"{minilm.INSTALL_HINT} {minilm.TRANSFORMERS_HINT}")
LECTURES = ("05_segment_embeddings.ipynb", "06_input_embedding.ipynb")


def one_token_at_a_time(tokens_a, tokens_b, budget):
    """BERT's original rule (run_classifier.py `_truncate_seq_pair`): pop from the longer text, from B on a tie."""
    tokens_a, tokens_b = list(tokens_a), list(tokens_b)
    while len(tokens_a) + len(tokens_b) > budget:
        (tokens_a if len(tokens_a) > len(tokens_b) else tokens_b).pop()
    return tokens_a, tokens_b


def kept_by_tokenizer(tokenizer, length_a, length_b, max_length):
    types = tokenizer(" ".join(["the"] * length_a), " ".join(["cat"] * length_b), truncation=True,
                      max_length=max_length)["token_type_ids"]
    return types.count(0) - 2, types.count(1) - 1           # minus [CLS] and the two [SEP]


@pytest.mark.slow  # loads transformers' BertTokenizer
@needs_bert
def test_the_lectures_rule_is_the_tokenizers_and_the_original_rule_is_not():
    tokenizer = minilm.bert_tokenizer()
    differ_from_original = 0
    for max_length in (12, 16, 17):
        for length_a in range(1, 22):
            for length_b in range(1, 22):
                real = kept_by_tokenizer(tokenizer, length_a, length_b, max_length)
                ours = truncate_longest_first(["the"] * length_a, ["cat"] * length_b, max_length - 3)
                assert (len(ours[0]), len(ours[1])) == real, (length_a, length_b, max_length)
                original = one_token_at_a_time(["the"] * length_a, ["cat"] * length_b, max_length - 3)
                differ_from_original += (len(original[0]), len(original[1])) != real
    assert differ_from_original > 0              # the two rules really differ, so the words matter
    assert kept_by_tokenizer(tokenizer, 7, 8, 16) == (6, 7)
    assert one_token_at_a_time(["a"] * 7, ["b"] * 8, 13) == (["a"] * 7, ["b"] * 6)


def test_no_lecture_says_truncation_true_removes_one_token_at_a_time():
    """A sentence describing one-token-at-a-time truncation must attribute it to BERT's original code, not to
    truncation=True / longest_first (what the old Lecture 6 sentence did)."""
    for name in LECTURES:
        book = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
        for cell in book.cells:
            if cell.cell_type != "markdown":
                continue
            text = " ".join(cell.source.split())
            for sentence in re.split(r"(?<=[.:;])\s+", text):
                if re.search(r"one token at a\s+time", sentence) and re.search(r"trunc|longer|cut|remov", sentence):
                    assert "original" in sentence, (name, sentence)


def test_lecture_6_shows_the_tokenizer_keeping_6_and_7_of_7_and_8():
    book = nbformat.read(NOTEBOOKS_DIR / "06_input_embedding.ipynb", as_version=4)
    outputs = "\n".join(output.get("text", "") for cell in book.cells if cell.cell_type == "code"
                        for output in cell.get("outputs", []))
    assert "row 0: A has 7 tokens, B has 8; 13 places" in outputs
    assert "BertTokenizer(truncation=True) keeps A 6 + B 7" in outputs
    assert "Lecture 5's truncate_longest_first keeps A 6 + B 7" in outputs
    assert "BERT's original one-token-at-a-time rule would keep A 7 + B 6" in outputs

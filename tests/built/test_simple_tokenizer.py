"""helpers.built.simple_tokenizer: Lecture 1's word tokenizer, its vocabulary, <|unk|> and clear errors."""
import pytest

from helpers.built.simple_tokenizer import ENDOFTEXT, UNK, SimpleTokenizer, build_vocab, split_words

WORDS = split_words("The cat sat on the mat. On the mat the cat sat!")


def test_split_keeps_punctuation_and_special_tokens_whole():
    assert split_words('"Hi," she said.<|endoftext|>') == ['"', "Hi", ",", '"', "she", "said", ".", ENDOFTEXT]


def test_vocabulary_puts_specials_first_then_sorted_tokens():
    vocab = build_vocab(WORDS)
    assert list(vocab)[:4] == [UNK, ENDOFTEXT, "!", "."] and sorted(vocab.values()) == list(range(len(vocab)))
    assert UNK not in build_vocab(WORDS, specials=())


def test_round_trip_and_unknown_words():
    tokenizer = SimpleTokenizer(build_vocab(WORDS))
    assert tokenizer.decode(tokenizer.encode("The cat sat on the mat.")) == "The cat sat on the mat."
    assert tokenizer.decode(tokenizer.encode("The dog sat.")) == f"The {UNK} sat."


def test_errors_say_what_to_do():
    strict = SimpleTokenizer(build_vocab(WORDS, specials=()))
    with pytest.raises(ValueError, match=r"'dog' is not in the vocabulary.*Add '<\|unk\|>'"):
        strict.encode("The dog sat.")
    with pytest.raises(ValueError, match="no tokens"):
        strict.encode("   ")
    with pytest.raises(ValueError, match="Id 99 is not in the vocabulary"):
        strict.decode([0, 99])
    with pytest.raises(TypeError, match="needs a str"):
        split_words(None)

"""The checks of Lecture 1's and 1b's tokenizers (helpers/built/simple_tokenizer.py, text_to_ids.py, byte_bpe.py):
texts, token lists, vocabularies, special-token options and ids.

A tokenizer's own refusals stay in its code, because they are its behaviour: a word-level vocabulary without
<|unk|> cannot encode an unknown word, and special tokens in text are refused unless allowed.
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from helpers.validation.ids import id_list
from helpers.validation.scalars import whole_number

if TYPE_CHECKING:
    import tiktoken

# ---- Lecture 1's word-level tokenizer (simple_tokenizer.py)


def split_words_text(text: object) -> str:
    """split_words' input: a str."""
    if not isinstance(text, str):
        raise TypeError(f"split_words needs a str, not {type(text).__name__}.")
    return text


def _token_list(tokens: object, name: str, example: str) -> list[str]:
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"{name} must be a list of tokens, not one {type(tokens).__name__}: a string would be read "
                        f"character by character. {example}")
    if not isinstance(tokens, Iterable):
        raise TypeError(f"{name} must be a list of token strings, not {type(tokens).__name__}. {example}")
    tokens = list(tokens)
    bad = next((t for t in tokens if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"Every token in {name} must be a str, but it holds {bad!r} ({type(bad).__name__}). {example}")
    return tokens


def build_vocab_arguments(tokens: object, specials: object, default_specials: Sequence[str]
                          ) -> tuple[list[str], list[str]]:
    """build_vocab's inputs as lists of token strings: some tokens, and special tokens each listed once."""
    tokens = _token_list(tokens, "tokens", "Split the text first: build_vocab(split_words(text)).")
    specials = _token_list(specials, "specials", f"Give a list, e.g. specials={list(default_specials)!r}.")
    if not tokens:
        raise ValueError("tokens is empty, so the vocabulary would hold only the special tokens. Build it from a "
                         "text that has words: build_vocab(split_words(text)).")
    if len(set(specials)) != len(specials):
        raise ValueError(f"specials lists a token twice ({specials}); give each special token once.")
    return tokens, specials


def word_vocabulary(vocab: object) -> None:
    """SimpleTokenizer's vocabulary: a non-empty dict of token strings to distinct int ids."""
    if not isinstance(vocab, dict):
        raise TypeError(f"SimpleTokenizer needs a vocabulary dict (token -> id), not {type(vocab).__name__}. "
                        "Make one with build_vocab(split_words(text)).")
    if not vocab:
        raise ValueError("The vocabulary is empty. Make one with build_vocab(split_words(text)).")
    for token, token_id in vocab.items():
        if not isinstance(token, str) or isinstance(token_id, bool) or not isinstance(token_id, numbers.Integral):
            raise TypeError(f"A vocabulary maps token strings to int ids, but it holds {token!r}: {token_id!r}. "
                            "Make one with build_vocab(split_words(text)).")
    if len(set(vocab.values())) != len(vocab):
        raise ValueError("Two tokens of the vocabulary share one id, so decoding that id would be ambiguous. "
                         "Give every token its own id (build_vocab does).")


def words_to_encode(text: object) -> str:
    """SimpleTokenizer.encode's input: a str with at least one token (split_words drops only whitespace)."""
    if not isinstance(text, str):
        raise TypeError(f"encode needs a str, not {type(text).__name__}. To turn ids into text, use decode.")
    if not text or text.isspace():
        raise ValueError("The text has no tokens (it is empty or only whitespace). Give some words.")
    return text


def known_ids(ids: object, id_to_token: Mapping[int, str]) -> list[int]:
    """SimpleTokenizer.decode's input as a list of ids (see id_list), each one in the vocabulary `id_to_token`."""
    ids = id_list(ids)
    bad = [i for i in ids if i not in id_to_token]
    if bad:
        low, high = min(id_to_token), max(id_to_token)
        raise ValueError(f"Id {bad[0]} is not in the vocabulary (its ids run from {low} to {high}). Check that "
                         "the ids came from this tokenizer's encode.")
    return ids


# ---- GPT-2's tokenizer through tiktoken (text_to_ids.py)


def _special_set(special: object, name: str, encoding: tiktoken.Encoding) -> set[str] | Literal["all"]:
    """tiktoken's special-token option as a set of GPT-2's special tokens (or "all"), refusing what it would misread."""
    if special == "all":
        return "all"
    if isinstance(special, (str, bytes)):
        raise TypeError(f"{name} must be a set of token names or 'all', not the string {special!r}: a string is read "
                        f"as a set of characters. Write {name}={{{special!r}}}.")
    if not isinstance(special, Iterable):
        raise TypeError(f"{name} must be a set of token names or 'all', not {type(special).__name__}.")
    names = set(special)
    unknown = sorted(str(n) for n in names - encoding.special_tokens_set)
    if unknown:
        end_of_text = encoding.decode([encoding.eot_token])
        raise ValueError(f"{unknown[0]!r} is not a GPT-2 special token: GPT-2 has exactly one, {end_of_text!r} "
                         f"(id {encoding.eot_token}). Any other text, {unknown[0]!r} included, is encoded as ordinary "
                         f"text without any option. Use {name}={{{end_of_text!r}}} or leave {name} out.")
    return names


def gpt2_encode_arguments(text: object, allowed_special: object, disallowed_special: object,
                          encoding: tiktoken.Encoding
                          ) -> tuple[set[str] | Literal["all"], set[str] | Literal["all"]]:
    """encode's inputs: a non-empty str, and tiktoken's two special-token options (a set of GPT-2's special tokens,
    or "all") for `encoding`, GPT-2's tiktoken encoding."""
    if not isinstance(text, str):
        raise TypeError(f"encode needs a str, not {type(text).__name__}. To turn ids back into text, use decode.")
    if text == "":
        raise ValueError("The text is empty, so it has no tokens. Type at least one character.")
    return (_special_set(allowed_special, "allowed_special", encoding),
            _special_set(disallowed_special, "disallowed_special", encoding))


def gpt2_ids(ids: object, size: int) -> list[int]:
    """decode's input as a list of ids (see id_list), each within GPT-2's vocabulary of `size` ids."""
    ids = id_list(ids, "decode")
    for position, token_id in enumerate(ids):
        if not 0 <= token_id < size:
            raise ValueError(f"Id {token_id} at position {position} is outside GPT-2's vocabulary: ids run from 0 "
                             f"to {size - 1}. Check that the ids came from this tokenizer.")
    return ids


# ---- Lecture 1b's byte-level BPE (byte_bpe.py)


def train_bpe_arguments(text: object, num_merges: object) -> int:
    """train_bpe's inputs: a non-empty str of training text, and num_merges (0 or more), returned as an int."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"train_bpe needs a non-empty str of training text, not {type(text).__name__} {text!r:.40}.")
    return whole_number(num_merges, "num_merges", minimum=0)


def split_specials_text(text: object) -> str:
    """split_specials' input: a str."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}.")
    return text


def merges_in_order(merges: Mapping[tuple[int, int], int]) -> None:
    """A ByteBPE's merges: merge k makes id 256 + k from ids that exist before it (bytes 0-255 or earlier merges)."""
    known = set(range(256))
    for (a, b), new_id in merges.items():
        if new_id != len(known) or a not in known or b not in known:
            raise ValueError(f"merge {(a, b)} -> {new_id} is out of order: merge k must make id 256 + k from "
                             "ids that exist before it.")
        known.add(new_id)


def byte_bpe_ids(ids: Iterable[object], size: int) -> list[int]:
    """A ByteBPE's ids to decode as a list of ints: whole numbers from 0 to size - 1 (bytes, merges, specials)."""
    checked = []
    for position, i in enumerate(ids):
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"ids[{position}] is {type(i).__name__} {i!r}; token ids are whole numbers.")
        if not 0 <= i < size:
            raise ValueError(f"ids[{position}] = {i} is not a token id of this tokenizer: ids run from 0 to "
                             f"{size - 1}.")
        checked.append(int(i))
    return checked


def saved_byte_bpe(lines: Sequence[str], path: object, header: str) -> None:
    """A saved ByteBPE's lines: the first one must be `header` (the format line save writes)."""
    if not lines or lines[0] != header:
        raise ValueError(f"{path} is not a saved ByteBPE: its first line must be {header!r}.")

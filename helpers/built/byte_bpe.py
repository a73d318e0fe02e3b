"""Lecture 1b's byte-level BPE: the reusable copy of the trainer the lecture writes (tests check they agree).

Ids 0-255 are the bytes themselves; merge number k (counted from 0) makes id 256 + k. Text is first cut by
GPT-2's pre-tokenization regex, so no merge crosses a word boundary; every string (emoji, Hindi, code) round-trips,
because every byte has an id. Special tokens such as <|endoftext|> are matched before the regex, as whole units,
and refused in text unless the caller allows them: user text must not be able to forge them (that refusal is the
tokenizer's behaviour, so it stays here; the input checks live in helpers/validation/tokenizers.py).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import regex

from helpers import validation

# GPT-2's pre-tokenization regex (tiktoken's gpt2 pat_str; the `tokenizers` ByteLevel pre-tokenizer uses the same).
GPT2_SPLIT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
FORMAT = "byte-bpe 1"  # first line of a saved tokenizer


def merge_word(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """`ids` with every non-overlapping occurrence of `pair`, left to right, replaced by `new_id`."""
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train_bpe(text: str, num_merges: int, pattern: str = GPT2_SPLIT,
              byte_rank: list[int] | None = None) -> dict[tuple[int, int], int]:
    """Learn `num_merges` merges on `text` ({pair: new id}, in the order learned); ties go to the smaller pair.

    Pair counts are updated incrementally: after a merge only the words that held the pair are recounted.
    `byte_rank[b]` (default: b) orders the 256 bytes when breaking ties; merged ids come after all bytes.
    """
    rank = list(range(256)) if byte_rank is None else list(byte_rank)
    num_merges = validation.train_bpe_arguments(text, num_merges)
    counts = Counter(regex.findall(pattern, text))
    words = [list(word.encode("utf-8")) for word in counts]
    freq = list(counts.values())
    pairs: Counter[tuple[int, int]] = Counter()
    where: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
    for i, word in enumerate(words):
        for pair in zip(word, word[1:]):
            pairs[pair] += freq[i]
            where[pair].add(i)
    merges: dict[tuple[int, int], int] = {}
    for new_id in range(256, 256 + num_merges):
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], -rank[p[0]] if p[0] < 256 else -p[0],
                                         -rank[p[1]] if p[1] < 256 else -p[1]))
        merges[best] = new_id
        for i in where.pop(best):
            for pair in zip(words[i], words[i][1:]):
                pairs[pair] -= freq[i]
                if pairs[pair] == 0:
                    del pairs[pair]
            words[i] = merge_word(words[i], best, new_id)
            for pair in zip(words[i], words[i][1:]):
                pairs[pair] += freq[i]
                where[pair].add(i)
    return merges


def encode_chunk(chunk: bytes, merges: dict[tuple[int, int], int]) -> list[int]:
    """The ids of one pre-split chunk: apply the merges in the order they were learned."""
    ids = list(chunk)
    for pair, new_id in merges.items():
        if len(ids) < 2:
            break
        ids = merge_word(ids, pair, new_id)
    return ids


def split_specials(text: str, specials: list[str], allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """`text` cut into ordinary pieces and allowed special tokens (each its own piece, longest match first).

    A special token in `text` that is not in `allowed` raises ValueError: typed text cannot become a special token.
    """
    text = validation.split_specials_text(text)
    if not specials:
        return [text] if text else []
    found = regex.compile("|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True)))
    pieces, start = [], 0
    for match in found.finditer(text):
        if match.group() not in allowed:
            raise ValueError(f"The text contains the special token {match.group()!r} at character {match.start()}. "
                             f"Pass allowed_special={{{match.group()!r}}} if you really mean the special token, or "
                             "remove it from the text.")
        pieces += [text[start:match.start()], match.group()]
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


class ByteBPE:
    """A trained byte-level BPE: encode, decode, save and load. Special tokens get the ids after the merges."""

    def __init__(self, merges: dict[tuple[int, int], int], specials: list[str] | tuple[str, ...] = (),
                 pattern: str = GPT2_SPLIT) -> None:
        self.merges, self.pattern = dict(merges), pattern
        self.vocab: dict[int, bytes] = {i: bytes([i]) for i in range(256)}
        validation.merges_in_order(self.merges)
        for (a, b), new_id in self.merges.items():
            self.vocab[new_id] = self.vocab[a] + self.vocab[b]
        self.specials = {s: len(self.vocab) + n for n, s in enumerate(specials)}
        self.special_ids = {i: s for s, i in self.specials.items()}

    @classmethod
    def train(cls, text: str, num_merges: int, specials: tuple[str, ...] = ()) -> ByteBPE:
        """Train on `text` (see `train_bpe`)."""
        return cls(train_bpe(text, num_merges), specials)

    @property
    def size(self) -> int:
        """How many ids there are: 256 bytes + the merges + the special tokens."""
        return len(self.vocab) + len(self.specials)

    def encode(self, text: str, allowed_special: set[str] | frozenset[str] = frozenset()) -> list[int]:
        """The ids of `text`; special tokens only where `allowed_special` names them (else ValueError)."""
        ids: list[int] = []
        for piece in split_specials(text, list(self.specials), set(allowed_special)):
            if piece in self.specials:
                ids.append(self.specials[piece])
                continue
            for chunk in regex.findall(self.pattern, piece):
                ids += encode_chunk(chunk.encode("utf-8"), self.merges)
        return ids

    def decode_bytes(self, ids: list[int]) -> bytes:
        """The exact bytes of `ids` (a clear error for an id that is not in the vocabulary)."""
        return b"".join(self.special_ids[i].encode("utf-8") if i in self.special_ids else self.vocab[i]
                        for i in validation.byte_bpe_ids(ids, self.size))

    def decode(self, ids: list[int]) -> str:
        """The text of `ids`; bytes that are not valid UTF-8 (a cut in a character) become U+FFFD."""
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    def save(self, path: str | Path) -> None:
        """Write the tokenizer as text: a header line, one `a b` line per merge, one `special <token>` line each."""
        lines = [FORMAT, *(f"{a} {b}" for a, b in self.merges), *(f"special {s}" for s in self.specials)]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ByteBPE:
        """Read a tokenizer written by `save`."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        validation.saved_byte_bpe(lines, path, FORMAT)
        merges, specials = {}, []
        for line in lines[1:]:
            if line.startswith("special "):
                specials.append(line.removeprefix("special "))
            else:
                a, b = (int(x) for x in line.split())
                merges[(a, b)] = 256 + len(merges)
        return cls(merges, specials)

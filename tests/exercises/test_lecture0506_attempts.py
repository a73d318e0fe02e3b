"""Learners' attempts at Lectures 5 and 6's build-its (5.3, 5.4, 6.5, 6.6), each with the verdict it must get:
right answers in other styles pass; wrong ones (values, dtype, train/eval behaviour, the edge cases the lectures
name, a loop that never ends) fail with a hint naming the cause."""
import functools

import pytest
import torch
from torch import nn

from helpers.built.positions import sinusoidal
from helpers.exercises import checking as checks
from notebook_code import definitions

# ---- 5.3: encode_pair_mine(ids_a, ids_b, cls_id=101, sep_id=102) -> input_ids, token_type_ids, position_ids


def pair_lists(ids_a, ids_b, cls_id=101, sep_id=102):
    ids = [cls_id, *ids_a, sep_id, *ids_b, sep_id]
    return ids, [0] * (len(ids_a) + 2) + [1] * (len(ids_b) + 1), list(range(len(ids)))


def encode_long(ids_a, ids_b, cls_id=101, sep_id=102):
    return tuple(torch.tensor(values, dtype=torch.long) for values in pair_lists(ids_a, ids_b, cls_id, sep_id))


def encode_with_cat(ids_a, ids_b, cls_id=101, sep_id=102):
    a, b = torch.tensor(ids_a, dtype=torch.long), torch.tensor(ids_b, dtype=torch.long)
    cls, sep = torch.tensor([cls_id]), torch.tensor([sep_id])
    input_ids = torch.cat([cls, a, sep, b, sep])
    types = torch.cat([torch.zeros(len(a) + 2, dtype=torch.long), torch.ones(len(b) + 1, dtype=torch.long)])
    return input_ids, types, torch.arange(len(input_ids))


def encode_as(dtype):
    return lambda ids_a, ids_b, cls_id=101, sep_id=102: tuple(
        torch.tensor(values, dtype=dtype) for values in pair_lists(ids_a, ids_b, cls_id, sep_id))


def encode_bool_types(ids_a, ids_b, cls_id=101, sep_id=102):
    ids, types, positions = encode_long(ids_a, ids_b, cls_id, sep_id)
    return ids, types.bool(), positions


def encode_fixed_specials(ids_a, ids_b, cls_id=101, sep_id=102):
    return encode_long(ids_a, ids_b)                           # ignores the cls_id / sep_id arguments


def encode_lists(ids_a, ids_b, cls_id=101, sep_id=102):
    return pair_lists(ids_a, ids_b, cls_id, sep_id)


def encode_mutating(ids_a, ids_b, cls_id=101, sep_id=102):
    ids_a.insert(0, cls_id)                                    # edits the caller's list
    return encode_long(ids_a[1:], ids_b, cls_id, sep_id)


def encode_restart(ids_a, ids_b, cls_id=101, sep_id=102):
    ids, types, _ = encode_long(ids_a, ids_b, cls_id, sep_id)
    return ids, types, torch.tensor(list(range(len(ids_a) + 2)) + list(range(len(ids_b) + 1)))


def encode_positions_from_one(ids_a, ids_b, cls_id=101, sep_id=102):
    ids, types, positions = encode_long(ids_a, ids_b, cls_id, sep_id)
    return ids, types, positions + 1


def encode_sep_in_b(ids_a, ids_b, cls_id=101, sep_id=102):
    ids, types, positions = encode_long(ids_a, ids_b, cls_id, sep_id)
    types[len(ids_a) + 1] = 1
    return ids, types, positions


# ---- 5.4: pad_batch_mine(pairs, length, pad_id=0) -> input_ids, token_type_ids, attention_mask


def pad_rows(pairs, length, pad_id=0, *, pad_type=0, dtype=torch.long, refuse=True):
    if refuse and any(len(ids) > length for ids, _ in pairs):
        raise ValueError("a pair is longer than length")
    out = [torch.full((len(pairs), length), pad_id, dtype=dtype), torch.full((len(pairs), length), pad_type,
                                                                            dtype=dtype),
           torch.zeros(len(pairs), length, dtype=dtype)]
    for row, (ids, types) in enumerate(pairs):
        out[0][row, :len(ids)], out[1][row, :len(ids)], out[2][row, :len(ids)] = ids, types, 1
    return tuple(out)


def pad_mask_from_ids(pairs, length, pad_id=0):
    ids, types, _ = pad_rows(pairs, length, pad_id)
    return ids, types, (ids != pad_id).long()                  # wrong when a real token has the pad's id


def pad_with_lists(pairs, length, pad_id=0):
    rows = ([], [], [])
    for ids, types in pairs:
        if len(ids) > length:
            raise ValueError(f"{len(ids)} tokens > {length}")
        gap = length - len(ids)
        rows[0].append(ids.tolist() + [pad_id] * gap)
        rows[1].append(types.tolist() + [0] * gap)
        rows[2].append([1] * len(ids) + [0] * gap)
    return tuple(torch.tensor(r) for r in rows)


def pad_with_functional(pairs, length, pad_id=0):
    if max(len(ids) for ids, _ in pairs) > length:
        raise ValueError("too long")
    pad = nn.functional.pad
    return (torch.stack([pad(ids, (0, length - len(ids)), value=pad_id) for ids, _ in pairs]),
            torch.stack([pad(types, (0, length - len(types))) for _, types in pairs]),
            torch.stack([pad(torch.ones_like(ids), (0, length - len(ids))) for ids, _ in pairs]))


def pad_elementwise(pairs, length, pad_id=0):
    for ids, _ in pairs:
        if len(ids) > length:
            raise ValueError("too long")
    input_ids, token_type_ids, attention_mask = [], [], []
    for ids, types in pairs:
        row_ids, row_types, row_mask = [], [], []
        for position in range(length):
            if position < len(ids):
                row_ids.append(int(ids[position]))
                row_types.append(int(types[position]))
                row_mask.append(1)
            else:
                row_ids.append(pad_id)
                row_types.append(0)
                row_mask.append(0)
        input_ids.append(row_ids)
        token_type_ids.append(row_types)
        attention_mask.append(row_mask)
    return torch.tensor(input_ids), torch.tensor(token_type_ids), torch.tensor(attention_mask)


def pad_while_not_equal(pairs, length, pad_id=0):
    rows = []
    for ids, types in pairs:
        ids, types, mask = ids.tolist(), types.tolist(), [1] * len(ids)
        while len(ids) != length:                             # never ends when a pair is already longer
            ids.append(pad_id)
            types.append(0)
            mask.append(0)
        rows.append((ids, types, mask))
    return tuple(torch.tensor([row[k] for row in rows]) for k in range(3))


def pad_while_cat(pairs, length, pad_id=0):
    out = ([], [], [])
    for ids, types in pairs:
        mask = torch.ones_like(ids)
        while ids.shape[0] < length or ids.shape[0] > length:   # grows forever past length
            ids, types = torch.cat([ids, torch.tensor([pad_id])]), torch.cat([types, torch.tensor([0])])
            mask = torch.cat([mask, torch.tensor([0])])
        for row, values in zip(out, (ids, types, mask)):
            row.append(values)
    return tuple(torch.stack(row) for row in out)


def pad_types_one(pairs, length, pad_id=0):
    return pad_rows(pairs, length, pad_id, pad_type=1)


def pad_no_refusal(pairs, length, pad_id=0):
    return pad_rows([(ids[:length], types[:length]) for ids, types in pairs], length, pad_id, refuse=False)


def pad_assert(pairs, length, pad_id=0):
    assert all(len(ids) <= length for ids, _ in pairs), "too long"
    return pad_rows(pairs, length, pad_id)


# ---- 6.5: MyInputEmbedding.forward, on Section 1's tables

@functools.cache
def base() -> type:
    """Section 1's InputEmbedding, run from the notebook on first use (never while pytest collects)."""
    return definitions("06_input_embedding.ipynb", "defines-input-embedding",
                       context={"torch": torch, "nn": nn, "sinusoidal": sinusoidal})["InputEmbedding"]


class Later:
    """An answer made when its test runs (it needs Section 1's class)."""

    def __init__(self, make):
        self.make = make


def tok(self, ids):
    """6.5's token part: the token vectors scaled by √d_model."""
    return self.token(ids) * self.token.embedding_dim ** 0.5


def summed(self, ids, seg):
    x = tok(self, ids)
    if self.segment is not None:
        x = x + self.segment(seg if seg is not None else torch.zeros_like(ids))
    return x + self.position_vectors(ids.shape[1])


def forward_right(self, ids, seg=None):
    return self.dropout(self.norm(summed(self, ids, seg)))


def forward_right_explicit(self, token_ids, segment_ids=None):
    seq_len = token_ids.size(1)
    positions = self.position.weight[:seq_len] if hasattr(self, "position") else self.position_table[:seq_len]
    out = tok(self, token_ids) + positions.unsqueeze(0)
    if self.segment is not None:
        out = out + self.segment(segment_ids if segment_ids is not None else torch.zeros_like(token_ids))
    out = self.norm(out)
    return self.dropout(out)


def forward_scaled_sum(self, ids, seg=None):
    x = self.token(ids) + (summed(self, ids, seg) - tok(self, ids))
    return self.dropout(self.norm(x * self.token.embedding_dim ** 0.5))


def forward_scaled_by_d_model(self, ids, seg=None):
    x = self.token(ids) * self.token.embedding_dim + (summed(self, ids, seg) - tok(self, ids))
    return self.dropout(self.norm(x))


def forward_scaled_with_math(self, token_ids, segment_ids=None):
    import math
    d_model = self.token.weight.shape[1]
    x = math.sqrt(d_model) * self.token(token_ids)
    if self.segment is not None:
        if segment_ids is None:
            segment_ids = torch.zeros_like(token_ids)
        x = x + self.segment(segment_ids)
    return self.dropout(self.norm(x + self.position_vectors(token_ids.shape[1])))


def forward_no_dropout(self, ids, seg=None):
    return self.norm(summed(self, ids, seg))


def forward_dropout_first(self, ids, seg=None):
    return self.norm(self.dropout(summed(self, ids, seg)))


def forward_calls_eval(self, ids, seg=None):
    self.eval()
    return self.dropout(self.norm(summed(self, ids, seg)))


def forward_calls_train(self, ids, seg=None):
    self.train()
    return self.dropout(self.norm(summed(self, ids, seg)))


def forward_new_dropout(self, ids, seg=None):
    return nn.functional.dropout(self.norm(summed(self, ids, seg)), 0.1, self.training)


def forward_dropout_twice(self, ids, seg=None):
    return self.dropout(self.dropout(self.norm(summed(self, ids, seg))))


def forward_dropout_always(self, ids, seg=None):
    return nn.functional.dropout(self.norm(summed(self, ids, seg)), 0.5, True)


def forward_norm_tokens_only(self, ids, seg=None):
    return self.dropout(self.norm(tok(self, ids)) + summed(self, ids, seg) - tok(self, ids))


def forward_positions_from_one(self, ids, seg=None):
    x = summed(self, ids, seg) - self.position_vectors(ids.shape[1])
    table = self.position.weight if hasattr(self, "position") else self.position_table
    return self.dropout(self.norm(x + table[1:ids.shape[1] + 1]))


def forward_learned_table_only(self, ids, seg=None):
    x = summed(self, ids, seg) - self.position_vectors(ids.shape[1])
    return self.dropout(self.norm(x + self.position.weight[:ids.shape[1]]))   # no self.position if sinusoidal


def learner(forward):
    return Later(lambda: type("MyInputEmbedding", (base(),), {"forward": forward}))


# ---- 6.6: pad_batch_mine(sequences, pad_id) -> ids, attention_mask


def pad_lengths(sequences, pad_id, dtype=torch.long):
    longest = max(map(len, sequences))
    return (torch.tensor([s + [pad_id] * (longest - len(s)) for s in sequences], dtype=dtype),
            torch.tensor([[1] * len(s) + [0] * (longest - len(s)) for s in sequences], dtype=dtype))


def pad_mask_by_id(sequences, pad_id):
    ids, _ = pad_lengths(sequences, pad_id)
    return ids, (ids != pad_id).long()


def pad_mask_by_id_bool(sequences, pad_id):
    ids, _ = pad_lengths(sequences, pad_id)
    return ids, ids != pad_id


def pad_nested_tensor(sequences, pad_id):
    ids = nn.utils.rnn.pad_sequence([torch.tensor(s) for s in sequences], batch_first=True, padding_value=pad_id)
    mask = nn.utils.rnn.pad_sequence([torch.ones(len(s), dtype=torch.long) for s in sequences], batch_first=True)
    return ids, mask


def pad_float_mask(sequences, pad_id):
    ids, mask = pad_lengths(sequences, pad_id)
    return ids, mask.float()


def pad_zero_fill(sequences, pad_id):
    ids, mask = pad_lengths(sequences, 0)
    return ids, mask


def pad_one_short(sequences, pad_id):
    longest = max(map(len, sequences)) - 1
    return pad_lengths([s[:longest] if len(s) > longest else s for s in sequences], pad_id)


ATTEMPTS = [  # (exercise, answer, verdict, words the message must contain)
    ("5.3", encode_long, "✅", ""),
    ("5.3", encode_with_cat, "✅", ""),
    ("5.3", encode_as(torch.int32), "❌", "dtype int32"),
    ("5.3", encode_as(torch.float32), "❌", "whole numbers"),
    ("5.3", encode_bool_types, "❌", "dtype bool"),
    ("5.3", encode_fixed_specials, "❌", "cls_id"),
    ("5.3", encode_lists, "❌", "expected a tensor"),
    ("5.3", encode_mutating, "❌", "your function changed its input ids_a in place"),
    ("5.3", encode_restart, "❌", "do not restart at text B"),
    ("5.3", encode_positions_from_one, "❌", "position"),
    ("5.3", encode_sep_in_b, "❌", "first [SEP] closes text A"),
    ("5.4", pad_rows, "✅", ""),
    ("5.4", pad_with_lists, "✅", ""),
    ("5.4", pad_with_functional, "✅", ""),
    ("5.4", pad_elementwise, "✅", ""),
    ("5.4", pad_while_not_equal, "❌", "a loop that never ends"),
    ("5.4", pad_while_cat, "❌", "a loop that never ends"),
    ("5.4", lambda p, length, pad_id=0: pad_rows(p, length, pad_id, dtype=torch.int32), "❌", "dtype int32"),
    ("5.4", lambda p, length, pad_id=0: pad_rows(p, length, pad_id, dtype=torch.float32), "❌", "whole numbers"),
    ("5.4", lambda p, length, pad_id=0: tuple(t.bool() if k == 2 else t for k, t in
                                              enumerate(pad_rows(p, length, pad_id))), "❌", "dtype bool"),
    ("5.4", pad_types_one, "❌", "token type 0"),
    ("5.4", pad_mask_from_ids, "❌", "A real token can have the pad's id"),
    ("5.4", pad_no_refusal, "❌", "instead of raising a ValueError"),
    ("5.4", pad_assert, "❌", "raised AssertionError"),
    ("6.5", learner(forward_right), "✅", ""),
    ("6.5", learner(forward_right_explicit), "✅", ""),
    ("6.5", Later(base), "❌", "Scale the token vectors by √d_model"),
    ("6.5", learner(forward_scaled_sum), "❌", "yours scales the sum"),
    ("6.5", learner(forward_scaled_by_d_model), "❌", "multiplies by d_model itself"),
    ("6.5", learner(forward_scaled_with_math), "✅", ""),
    ("6.5", learner(forward_no_dropout), "❌", "your output has no dropout"),
    ("6.5", learner(forward_dropout_first), "❌", "your dropout comes before the norm"),
    ("6.5", learner(forward_calls_eval), "❌", "after your forward the module is in evaluation mode"),
    ("6.5", learner(forward_calls_train), "❌", "after your forward the module is in training mode"),
    ("6.5", learner(forward_new_dropout), "❌", "Use the module's own self.dropout"),
    ("6.5", learner(forward_dropout_twice), "❌", "apply it only once"),
    ("6.5", learner(forward_dropout_always), "❌", "For MyInputEmbedding("),
    ("6.5", learner(forward_norm_tokens_only), "❌", "LayerNorm comes after the sum"),
    ("6.5", learner(forward_positions_from_one), "❌", "start at row 1"),
    ("6.5", learner(forward_learned_table_only), "❌", "self.position_vectors(seq_len) works for both"),
    ("6.6", pad_lengths, "✅", ""),
    ("6.6", pad_nested_tensor, "✅", ""),
    ("6.6", pad_mask_by_id, "❌", "A real token can have the pad's id"),
    ("6.6", pad_mask_by_id_bool, "❌", "A real token can have the pad's id"),
    ("6.6", lambda s, p: pad_lengths(s, p, torch.int32), "❌", "dtype int32"),
    ("6.6", pad_float_mask, "❌", "whole numbers"),
    ("6.6", lambda s, p: (pad_lengths(s, p)[0], pad_lengths(s, p)[1].bool()), "❌", "dtype bool"),
    ("6.6", pad_zero_fill, "❌", "Fill the gaps with pad_id"),
    ("6.6", pad_one_short, "❌", "expected shape"),
]

RUNAWAYS = (pad_while_not_equal, pad_while_cat)


@pytest.mark.parametrize("exercise_id, answer, verdict, words", ATTEMPTS,
                         ids=[f"{e}-{i}" for i, (e, *_) in enumerate(ATTEMPTS)])
def test_attempt_gets_the_right_verdict(exercise_id, answer, verdict, words, capsys, request):
    if answer in RUNAWAYS:   # they never end: the checker's guard stops them at any time limit, so a short one
        request.getfixturevalue("short_time_limit")
    checks.check(exercise_id, answer.make() if isinstance(answer, Later) else answer)
    out = capsys.readouterr().out
    assert out.startswith(f"{verdict} Exercise {exercise_id}"), out
    assert words in out, out
    assert "Traceback" not in out


def test_there_are_at_least_forty_attempts():
    assert len(ATTEMPTS) >= 40


def test_5_4_a_runaway_loop_is_stopped_at_the_time_limit_and_the_timer_is_restored(capsys, short_time_limit):
    """A padding loop that never ends (a pair longer than `length`) is stopped by the checker's time limit, with a
    hint that names the loop and the ValueError to raise; the kernel's alarm timer and handler are left as they were."""
    import signal
    import time
    handler = signal.getsignal(signal.SIGALRM)
    start = time.perf_counter()
    checks.check("5.4", pad_while_not_equal)
    out = capsys.readouterr().out
    assert out.startswith("❌ Exercise 5.4") and "a loop that never ends" in out and "raise a ValueError" in out, out
    assert time.perf_counter() - start < 3            # stopped by the guard at its (short) limit
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is handler

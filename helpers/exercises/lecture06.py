"""Checkers for Lecture 6's exercises (the input embedding). 6.5 and 6.6 are build-it exercises (the learner
writes a forward whose token vectors are scaled by √d_model, and pad_batch_mine, checked against
helpers.built.input_embedding's InputEmbedding and pad_sequences); 6.p is a predict-then-run question."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from helpers.built.input_embedding import InputEmbedding, pad_sequences
from helpers.exercises.checking import (
    LEARNER_CRASHES,
    Case,
    Hint,
    check_function,
    exercise,
    expect,
    expect_type,
    learner_crash,
    prediction,
)
from helpers.exercises.model_sizes import GPT2_CONTEXT, GPT2_D_MODEL, GPT2_VOCAB

BATCH_SHAPE = (8, 4, 256)
SHAPES_6_2 = {"A": (4, 256), "B": (8, 256), "C": (1, 4, 256), "D": (256,), "E": (8, 4, 1), "F": (4, 1, 256)}


def _broadcasts(shape: tuple[int, ...]) -> bool:
    try:
        return torch.broadcast_shapes(BATCH_SHAPE, shape) == torch.Size(BATCH_SHAPE)
    except RuntimeError:
        return False


@exercise("6.1")
def _gpt2_sized_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters")
    tables = GPT2_VOCAB * GPT2_D_MODEL + GPT2_CONTEXT * GPT2_D_MODEL
    layer_norm = 2 * GPT2_D_MODEL
    expect(answer != GPT2_VOCAB * GPT2_D_MODEL, "That is the token table alone: add the position table.")
    expect(answer != tables, "LayerNorm has parameters too: a scale and a shift for each of the d_model dimensions.")
    expect(answer != tables + layer_norm + 2 * GPT2_D_MODEL, "This module has no segment table (num_segments=0).")
    expect(answer == tables + layer_norm, "Add the rows × columns of each table, then LayerNorm's parameters "
                                          "(or build the module on the meta device and count).")


@exercise("6.2")
def _broadcasting(answer: Any) -> None:
    expect_type(answer, (set, list, tuple), "Your answer")
    chosen = {str(letter).strip().upper() for letter in answer}
    expect(chosen <= set(SHAPES_6_2), f"Use the letters {', '.join(SHAPES_6_2)}.")
    expected = {letter for letter, shape in SHAPES_6_2.items() if _broadcasts(shape)}
    wrong = sorted(chosen - expected)
    if wrong:
        raise Hint(f"{wrong[0]} {SHAPES_6_2[wrong[0]]} does not fit: line the shapes up from the right and "
                   f"compare each pair of sizes (equal, or one of them is 1).")
    expect(chosen == expected, "You missed at least one shape that broadcasts: a missing leading dimension "
                               "counts as size 1, and size 1 stretches.")


@exercise("6.3")
def _tying_saves(answer: Any) -> None:
    expect_type(answer, int, "The number of parameters saved")
    saved = GPT2_VOCAB * GPT2_D_MODEL
    expect(answer != GPT2_CONTEXT * GPT2_D_MODEL, "Positions are not tied: the output layer scores every token "
                                                  "of the vocabulary.")
    expect(answer != 2 * saved, "Tying keeps one of the two matrices: you save one copy, not two.")
    expect(answer == saved, "The output layer's weight has one row of d_model numbers per vocabulary token.")


@exercise("6.4")
def _sinusoidal_has_no_parameters(answer: Any) -> None:
    expect_type(answer, int, "The number of trainable parameters")
    expect(answer != 1000 * 64 + 128 * 64, "The sinusoidal table is computed by a formula, not learned.")
    expect(answer not in (1000 * 64 + 2 * 64, 1000 * 64 + 128 * 64 + 2 * 64),
           "This module is built without layer_norm=True, so its norm is nn.Identity, which has no parameters: "
           "LayerNorm's scale and shift are not part of it.")
    expect(answer == 1000 * 64, "Count the token table: vocab_size × d_model.")


# ---- Build-it: the learner writes InputEmbedding.forward (6.5) and pad_batch (6.6) ----

def _segment_split(batch: int, seq_len: int) -> torch.Tensor:
    """Segment ids of BERT pairs: 0 for the first half of each row (sentence A), 1 for the rest (sentence B)."""
    return (torch.arange(seq_len) >= (seq_len + 1) // 2).long().expand(batch, seq_len).clone()


def forward_cases() -> list[Case]:
    """Fixed inputs (one per idea), edge cases (batch 1, seq_len 1, seq_len == context_length, with and
    without segments) and random ones from a seeded generator. Args: (module options, token_ids, segment_ids)."""
    generator = torch.Generator().manual_seed(6)

    def case(batch: int, seq_len: int, segments: str | None = None, context_length: int = 8, d_model: int = 6,
             **options: Any) -> Case:
        config = {"vocab_size": 20, "d_model": d_model, "context_length": context_length, **options}
        token_ids = torch.randint(0, 20, (batch, seq_len), generator=generator)
        segment_ids = None
        if segments is not None:
            config["num_segments"] = 2
            segment_ids = _segment_split(batch, seq_len) if segments == "pair" else None
        shown = ", ".join(f"{key}={value!r}" for key, value in config.items())
        label = (f"MyInputEmbedding({shown}) on token_ids of shape {tuple(token_ids.shape)}"
                 + (f" with segment_ids {segment_ids.tolist()}" if segment_ids is not None else
                    " without segment_ids"))
        return Case((config, token_ids, segment_ids), label=label)

    cases = [case(1, 5), case(3, 4), case(2, 6, "pair"), case(2, 6, "none"), case(2, 5, "pair", layer_norm=True),
             case(3, 4, positions="sinusoidal", layer_norm=True),
             case(4, 1, "pair"), case(2, 8, "pair"), case(1, 8, positions="sinusoidal")]  # edges: seq_len 1, == context
    for _ in range(5):
        context_length = int(torch.randint(2, 11, (1,), generator=generator))
        seq_len = int(torch.randint(1, context_length + 1, (1,), generator=generator))
        batch = int(torch.randint(1, 5, (1,), generator=generator))
        positions = ("learned", "sinusoidal")[int(torch.randint(0, 2, (1,), generator=generator))]
        segments = (None, "pair", "none")[int(torch.randint(0, 3, (1,), generator=generator))]
        layer_norm = bool(torch.randint(0, 2, (1,), generator=generator))
        d_model = 2 * int(torch.randint(1, 5, (1,), generator=generator))
        cases.append(case(batch, seq_len, segments, context_length, d_model, positions=positions,
                          layer_norm=layer_norm))
    return cases


def _reference_module(config: dict[str, Any]) -> InputEmbedding:
    """The course's module with seeded random tables (LayerNorm's scale and shift too), in eval mode."""
    with torch.random.fork_rng(devices=[]):  # the learner's notebook keeps its own random state
        torch.manual_seed(6)
        module = InputEmbedding(**config)
        if isinstance(module.norm, nn.LayerNorm):
            nn.init.normal_(module.norm.weight, 1.0, 0.5)
            nn.init.normal_(module.norm.bias, 0.0, 0.5)
    return module.eval()


def scaled_tokens(module: nn.Module, token_ids: torch.Tensor) -> torch.Tensor:
    """6.5's token part: the token vectors times √d_model (the original Transformer's rule, Lecture 6 Section 4)."""
    return module.token(token_ids) * math.sqrt(module.token.embedding_dim)


def scaled_forward(module: nn.Module, token_ids: torch.Tensor, segment_ids: torch.Tensor | None) -> torch.Tensor:
    """The reference for 6.5: Section 1's forward with the token vectors scaled by √d_model."""
    x = scaled_tokens(module, token_ids) + _segment_rows(module, token_ids, segment_ids)
    return module.dropout(module.norm(x + module.position_vectors(token_ids.shape[1])))


def _reference_forward(config: dict[str, Any], token_ids: torch.Tensor, segment_ids: torch.Tensor | None
                       ) -> torch.Tensor:
    with torch.no_grad():
        return scaled_forward(_reference_module(config), token_ids, segment_ids)


def _wrong(forward: Any) -> Any:
    """A typical wrong forward, run on the reference module's tables (to recognise it in a learner's output).
    Where a mistake cannot happen on a case (it raises there), check_function skips it."""
    def run(config: dict[str, Any], token_ids: torch.Tensor, segment_ids: torch.Tensor | None) -> torch.Tensor:
        with torch.no_grad():
            return forward(_reference_module(config), token_ids, segment_ids)
    return run


def _segment_rows(module: nn.Module, token_ids: torch.Tensor, segment_ids: torch.Tensor | None) -> Any:
    if module.segment is None:
        return 0
    return module.segment(segment_ids if segment_ids is not None else torch.zeros_like(token_ids))


FORWARD_MISTAKES = {
    "Scale the token vectors by √d_model (math.sqrt(d_model)); yours are not scaled, as in Section 1's forward.":
        _wrong(lambda m, ids, seg: m.norm(m.token(ids) + _segment_rows(m, ids, seg)
                                          + m.position_vectors(ids.shape[1]))),
    "Scale only the token vectors, before adding the segment and position vectors; yours scales the sum.":
        _wrong(lambda m, ids, seg: m.norm((m.token(ids) + _segment_rows(m, ids, seg)
                                           + m.position_vectors(ids.shape[1])) * math.sqrt(m.token.embedding_dim))),
    "The factor is √d_model, the square root; yours multiplies by d_model itself.":
        _wrong(lambda m, ids, seg: m.norm(m.token(ids) * m.token.embedding_dim + _segment_rows(m, ids, seg)
                                          + m.position_vectors(ids.shape[1]))),
    "Positions run along the sequence (dimension 1 of token_ids, seq_len), and every sequence of the batch "
    "gets the same rows 0..seq_len-1; yours follow the batch dimension.":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids) + _segment_rows(m, ids, seg)
                                          + m.position_vectors(ids.shape[0])[:, None, :])),
    "The first token is at position 0: use rows 0..seq_len-1 of the position table; yours start at row 1.":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids) + _segment_rows(m, ids, seg)
                                          + m.position_vectors(ids.shape[1] + 1)[1:])),
    "Add the position vectors: without them the module cannot tell one order of the tokens from another.":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids) + _segment_rows(m, ids, seg))),
    "A segment id is a row number, not a number to add: look up its vector in self.segment, as token ids are "
    "looked up in self.token.":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids) + seg[..., None] + m.position_vectors(ids.shape[1]))),
    "Without segment_ids, a module with a segment table puts every token in segment 0 (as BERT does): add row 0 "
    "of the segment table (torch.zeros_like(token_ids) gives the ids).":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids) + m.position_vectors(ids.shape[1])
                                          + (0 if seg is None else m.segment(seg)))),
    "This module has a segment table: add each token's segment vector, self.segment(segment_ids).":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids) + m.position_vectors(ids.shape[1]))),
    "LayerNorm comes after the sum: normalise token + segment + position together, not the token vectors alone.":
        _wrong(lambda m, ids, seg: m.norm(scaled_tokens(m, ids)) + _segment_rows(m, ids, seg)
               + m.position_vectors(ids.shape[1])),
    "Finish with self.norm (LayerNorm, or nothing when layer_norm=False), then self.dropout.":
        _wrong(lambda m, ids, seg: scaled_tokens(m, ids) + _segment_rows(m, ids, seg)
               + m.position_vectors(ids.shape[1])),
}


class MarkedDropout(nn.Module):
    """Dropout at known places, so a check can see where forward applies it: in training mode every third value is
    zeroed and the others scaled by 1.5 (nn.Dropout's rule for a rate of 1/3); in evaluation mode it does nothing."""

    p = 1 / 3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        keep = (torch.arange(x.numel()) % 3 != 0).reshape(x.shape).to(x.dtype)
        return x * keep * 1.5


def _learner_module(answer: type, config: dict[str, Any]) -> nn.Module:
    """The learner's class built with `config` and the reference module's tables."""
    with torch.random.fork_rng(devices=[]):
        module = answer(**config)
    try:
        module.load_state_dict(_reference_module(config).state_dict())
    except RuntimeError as error:
        raise Hint(f"Keep InputEmbedding's tables (token, position, segment, norm): subclass it and write only "
                   f"forward. Loading its tables into yours failed: {str(error).splitlines()[0]}") from None
    return module


def _check_modes(answer: type, case: Case) -> None:
    """Training mode: dropout after the norm, at the module's own self.dropout; evaluation mode: no dropout; and
    forward leaves the mode as the caller set it."""
    config, token_ids, segment_ids = case.args
    reference = _reference_module(config)
    reference.dropout = MarkedDropout()
    with torch.no_grad():
        summed = scaled_tokens(reference, token_ids) + _segment_rows(reference, token_ids, segment_ids)
        summed = summed + reference.position_vectors(token_ids.shape[1])
        expected = {"train": reference.dropout.train()(reference.norm(summed)),
                    "eval": reference.norm(summed)}
        dropout_first = reference.norm(reference.dropout.train()(summed))
    for mode, expected_output in expected.items():
        module = _learner_module(answer, config)
        module.dropout = MarkedDropout()
        module.train(mode == "train")
        where = f"{case.label}, in {'training' if mode == 'train' else 'evaluation'} mode"
        try:
            with torch.no_grad():
                got = module(token_ids, segment_ids)
        except LEARNER_CRASHES as error:
            raise learner_crash(error, f"For {where} your forward raised") from None
        expect(module.training == (mode == "train") and module.dropout.training == (mode == "train"),
               f"For {where}: after your forward the module is in {'training' if module.training else 'evaluation'} "
               f"mode. forward must not call self.eval() or self.train(): the user of the module picks the mode "
               f"(model.train() to learn, model.eval() to evaluate), and self.dropout follows it.")
        expect(isinstance(got, torch.Tensor) and got.shape == expected_output.shape,
               f"For {where}: expected a tensor of shape {tuple(expected_output.shape)}.")
        if torch.allclose(got, expected_output, atol=1e-5):
            continue
        expect(not torch.allclose(got, expected["eval"], atol=1e-5),
               f"For {where}: your output has no dropout. In training mode nn.Dropout zeroes values at random, "
               f"so the evaluation-mode checks cannot see it: finish with self.dropout, after self.norm.")
        expect(not torch.allclose(got, dropout_first, atol=1e-5),
               f"For {where}: your dropout comes before the norm. Apply self.norm to the sum first, then "
               f"self.dropout (as BERT does), so that LayerNorm does not rescale the dropped values.")
        raise Hint(f"For {where}: your output differs from LayerNorm-then-dropout. Use the module's own "
                   f"self.dropout (the check gives it known places to drop), not a new nn.Dropout or "
                   f"nn.functional.dropout, and apply it only once.")


@exercise("6.5")
def _input_embedding_forward(answer: Any) -> None:
    expect(isinstance(answer, type) and issubclass(answer, nn.Module),
           "Pass your class itself (MyInputEmbedding, without parentheses): a subclass of InputEmbedding.")

    def learner(config: dict[str, Any], token_ids: torch.Tensor, segment_ids: torch.Tensor | None) -> Any:
        module = _learner_module(answer, config).eval()
        try:
            with torch.no_grad():
                return module(token_ids, segment_ids)
        except AttributeError as error:          # self.position exists for learned positions only
            if "'position'" not in str(error) or hasattr(module, "position"):
                raise
            raise AttributeError(f"{error} (a module with sinusoidal positions has self.position_table instead: "
                                 f"self.position_vectors(seq_len) works for both)") from None

    cases = forward_cases()
    check_function(learner, _reference_forward, cases, "MyInputEmbedding", FORWARD_MISTAKES)
    for case in (cases[4], cases[2], cases[0]):          # LayerNorm + segments; segments alone; neither
        _check_modes(answer, case)



def _pad_cases() -> list[Case]:
    cases = [Case(([[5, 6, 7], [8, 9]], 1)),
             Case(([[464, 0, 3797], [0, 13]], 0),                 # id 0 is "!" in GPT-2: real tokens, not pads
                  label='pad_batch_mine([[464, 0, 3797], [0, 13]], 0)  (GPT-2\'s id 0 is "!", a real token)'),
             Case(([[3, 1, 4, 1, 5], [9], [2, 6, 5]], 0)),
             Case(([[1, 2], [3, 4]], 7)),                  # nothing to pad
             Case(([[42]], 0)),                            # one sequence of one token
             Case(([[50257, 464, 3797, 50258], [50257, 50258]], 50259))]
    generator = torch.Generator().manual_seed(66)
    for _ in range(5):
        batch = int(torch.randint(1, 6, (1,), generator=generator))
        lengths = torch.randint(1, 11, (batch,), generator=generator).tolist()
        sequences = [torch.randint(0, 1000, (n,), generator=generator).tolist() for n in lengths]
        cases.append(Case((sequences, int(torch.randint(0, 1000, (1,), generator=generator)))))
    return cases


def _pad_variant(sequences: list[list[int]], pad_id: int, *, left: bool = False, fill: int | None = None,
                 mask_pads: int = 0, mask_tokens: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(sequence) for sequence in sequences)
    ids = torch.full((len(sequences), longest), pad_id if fill is None else fill, dtype=torch.long)
    mask = torch.full((len(sequences), longest), mask_pads, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        where = slice(longest - len(sequence), longest) if left else slice(0, len(sequence))
        ids[row, where] = torch.tensor(sequence, dtype=torch.long)
        mask[row, where] = mask_tokens
    return ids, mask


def _mask_from_ids(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    ids = pad_sequences(sequences, pad_id)[0]
    return ids, (ids != pad_id).long()


PAD_MISTAKES = {
    "A real token can have the pad's id (GPT-2's id 0 is \"!\"): build attention_mask from the lengths of the "
    "sequences, not by comparing ids with pad_id.": _mask_from_ids,
    "Put the pads after the real tokens (on the right), as BERT's tokenizer does by default; yours come first.":
        lambda sequences, pad_id: _pad_variant(sequences, pad_id, left=True),
    "attention_mask is 1 for a real token and 0 for a pad; yours is the other way round.":
        lambda sequences, pad_id: _pad_variant(sequences, pad_id, mask_pads=1, mask_tokens=0),
    "Fill the gaps with pad_id (the id of [PAD]); yours fills them with 0.":
        lambda sequences, pad_id: _pad_variant(sequences, pad_id, fill=0),
    "attention_mask must be 0 at the pads, so that attention can leave them out; yours is 1 everywhere.":
        lambda sequences, pad_id: _pad_variant(sequences, pad_id, mask_pads=1),
}


@exercise("6.6")
def _pad_batch(answer: Any) -> None:
    cases = _pad_cases()
    check_function(answer, pad_sequences, cases, "pad_batch_mine", PAD_MISTAKES)
    for name, result in zip(("ids", "attention_mask"), answer(*cases[0].args)):
        expect(result.dtype == torch.long,
               f"For {cases[0].describe('pad_batch_mine')}: your {name} has dtype "
               f"{str(result.dtype).removeprefix('torch.')}, but the task asks for torch.long (int64), the dtype "
               f"of the ids an embedding table is indexed with (BERT's tokenizer returns its mask as int64 too).")


# ---- Predict, then run ----
prediction("6.p", ["A", "B", "C"])  # does padding a sequence change the input embeddings of its real tokens?

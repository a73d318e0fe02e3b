"""Checkers for Lecture 6 (the input embedding): 6.1, 6.3 and 6.4 are values, 6.2 a set of shapes, 6.5 (a forward
with √d_model and dropout) and 6.6 (pad_batch_mine) build-its against helpers.built.input_embedding."""
from __future__ import annotations

from functools import partial
from typing import Any

import torch
from torch import nn

from helpers.built.input_embedding import InputEmbedding, pad_sequences
from helpers.exercises import checking as c
from helpers.exercises.model_sizes import GPT2_CONTEXT, GPT2_D_MODEL, GPT2_VOCAB

TOKENS, POSITIONS, NORM = GPT2_VOCAB * GPT2_D_MODEL, GPT2_CONTEXT * GPT2_D_MODEL, 2 * GPT2_D_MODEL
c.values({
    "6.1": c.Value(TOKENS + POSITIONS + NORM, "The number of parameters", "Add the rows × columns of each table, then "
                   "LayerNorm's parameters (or build the module on the meta device and count).", {
                       TOKENS: "That is the token table alone: add the position table.",
                       TOKENS + POSITIONS: "LayerNorm has parameters too: a scale and a shift for each dimension.",
                       TOKENS + POSITIONS + 2 * NORM: "This module has no segment table (num_segments=0)."}),
    "6.3": c.Value(TOKENS, "The number of parameters saved", "The output layer's weight has one row of d_model "
                   "numbers per vocabulary token.", {
                       POSITIONS: "Positions are not tied: the output layer scores every token of the vocabulary.",
                       2 * TOKENS: "Tying keeps one of the two matrices: you save one copy, not two."}),
    "6.4": c.Value(1000 * 64, "The number of trainable parameters", "Count the token table: vocab_size × d_model.", {
        1000 * 64 + 128 * 64: "The sinusoidal table is computed by a formula, not learned.",
        **dict.fromkeys((1000 * 64 + 2 * 64, 1000 * 64 + 128 * 64 + 2 * 64), "Without layer_norm=True the norm is "
                        "nn.Identity, which has no parameters.")}),
})
SHAPES = {"A": (4, 256), "B": (8, 256), "C": (1, 4, 256), "D": (256,), "E": (8, 4, 1), "F": (4, 1, 256)}
BROADCAST = {k for k, shape in SHAPES.items() if all(a in (1, b) for a, b in zip(shape[::-1], (256, 4, 8)))}


@c.exercise("6.2")
def _broadcasting(answer: Any) -> None:
    c.expect_type(answer, (set, list, tuple), "Your answer")
    chosen = {str(letter).strip().upper() for letter in answer}
    c.expect(chosen <= set(SHAPES), f"Use the letters {', '.join(SHAPES)}.")
    wrong = sorted(chosen - BROADCAST)
    if wrong:
        raise c.Hint(f"{wrong[0]} {SHAPES[wrong[0]]} does not fit: line the shapes up from the right and compare "
                     "each pair of sizes (equal, or one of them is 1).")
    c.expect(chosen == BROADCAST, "You missed at least one shape that broadcasts: a missing leading dimension counts "
                                  "as size 1, and size 1 stretches.")


def forward_cases() -> list[c.Case]:
    """6.5's inputs (module options, token_ids, segment_ids): one per idea, then the edges (seq_len 1, seq_len ==
    context_length, segments given or not) and mixed ones. Segment ids: 0 on each row's first half, then 1."""
    generator, cases = torch.Generator().manual_seed(6), []
    seg, ln, sin = {"num_segments": 2}, {"layer_norm": True}, {"positions": "sinusoidal"}
    for batch, seq_len, options, segments in [
            (1, 5, {}, 0), (3, 4, {}, 0), (2, 6, seg, 1), (2, 6, seg, 0), (2, 5, seg | ln, 1), (3, 4, sin | ln, 0),
            (4, 1, seg, 1), (2, 8, seg, 1), (1, 8, sin, 0), (2, 8, {"context_length": 10, "d_model": 4} | sin | ln, 0),
            (3, 1, {"context_length": 3, "d_model": 4} | sin | ln, 0), (3, 4, {"context_length": 5}, 0),
            (3, 7, {"d_model": 8} | seg | ln, 1), (2, 2, {"context_length": 2, "d_model": 2}, 0)]:
        config = {"vocab_size": 20, "d_model": 6, "context_length": 8, **options}
        ids = torch.randint(0, 20, (batch, seq_len), generator=generator)
        segment_ids = (torch.arange(seq_len) >= (seq_len + 1) // 2).long().repeat(batch, 1) if segments else None
        shown = ", ".join(f"{key}={value!r}" for key, value in config.items())
        cases.append(c.Case((config, ids, segment_ids), label=f"MyInputEmbedding({shown}) on token_ids of shape "
                            f"{tuple(ids.shape)}, segment_ids={segment_ids.tolist() if segments else None}"))
    return cases


def _module(cls: type, config: dict[str, Any]) -> nn.Module:
    """`cls` (the course's InputEmbedding or the learner's class) built with `config` and holding the course's seeded
    random tables (LayerNorm's scale and shift too), in eval mode."""
    torch.default_generator.manual_seed(6)
    reference = InputEmbedding(**config)
    if isinstance(reference.norm, nn.LayerNorm):
        nn.init.normal_(reference.norm.weight, 1.0, 0.5)
        nn.init.normal_(reference.norm.bias, 0.0, 0.5)
    module = cls(**config)
    try:
        module.load_state_dict(reference.state_dict())
    except RuntimeError as error:
        raise c.Hint(f"Keep InputEmbedding's tables (token, position, segment, norm): subclass it and write only "
                     f"forward. Loading its tables into yours failed: {str(error).splitlines()[0]}") from None
    return module.eval()


@torch.no_grad()
def _forward(m: nn.Module | dict[str, Any], ids: torch.Tensor, seg: torch.Tensor | None, power: float = 0.5,
             scale_sum: bool = False, axis: int | None = 1, start: int = 0, segments: str = "table",
             finish: str = "norm, dropout") -> Any:
    """6.5's forward (token vectors × √d_model, + segment and position vectors, norm, dropout), or a typical mistake,
    on a module or on the reference module built from a case's config."""
    m = _module(InputEmbedding, m) if isinstance(m, dict) else m
    d = m.token.embedding_dim
    tokens = m.token(ids) * d ** (0 if scale_sum else power)
    if segments == "ids":
        segs = seg[..., None]
    elif m.segment is None or segments == "none" or segments == "given" and seg is None:
        segs = 0
    else:
        segs = m.segment(seg if seg is not None else torch.zeros_like(ids))
    pos = 0 if axis is None else m.position_vectors(ids.shape[axis] + start)[start:]
    if finish == "norm tokens":
        return m.norm(tokens) + segs + pos
    x = (tokens + segs + (pos[:, None] if axis == 0 else pos)) * (d ** power if scale_sum else 1)
    for step in finish.split(", ") if finish else ():       # the module's own norm and dropout, in this order
        x = getattr(m, step)(x)
    return x


FORWARD_MISTAKES = {hint: partial(_forward, **variant) for hint, variant in {
    "Scale the token vectors by √d_model (math.sqrt(d_model)); yours are not scaled, as in Section 1's forward.":
        {"power": 0},
    "Scale only the token vectors, before adding the segment and position vectors; yours scales the sum.":
        {"scale_sum": True},
    "The factor is √d_model, the square root; yours multiplies by d_model itself.": {"power": 1},
    "Positions run along the sequence (dimension 1 of token_ids); yours follow the batch dimension.": {"axis": 0},
    "The first token is at position 0: use rows 0..seq_len-1 of the position table; yours start at row 1.":
        {"start": 1},
    "Add the position vectors: without them the module cannot tell one order of the tokens from another.":
        {"axis": None},
    "A segment id is a row number, not a number to add: look up its vector in self.segment.": {"segments": "ids"},
    "Without segment_ids, put every token in segment 0 (as BERT does): torch.zeros_like(token_ids) gives the ids.":
        {"segments": "given"},
    "This module has a segment table: add each token's segment vector, self.segment(segment_ids).":
        {"segments": "none"},
    "LayerNorm comes after the sum: normalise token + segment + position together.": {"finish": "norm tokens"},
    "Finish with self.norm (LayerNorm, or nothing when layer_norm=False), then self.dropout.": {"finish": ""},
}.items()}


class MarkedDropout(nn.Module):
    """Dropout at known places, so a check sees where forward applies it: in training mode every third value is
    zeroed and the rest scaled by 1.5 (nn.Dropout's rule for p = 1/3); in evaluation mode it does nothing."""

    p = 1 / 3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * (torch.arange(x.numel()) % 3 != 0).reshape(x.shape) * 1.5 if self.training else x


def _check_modes(answer: type, case: c.Case) -> None:
    """Training mode: self.dropout after self.norm; evaluation mode: no dropout; forward keeps the caller's mode."""
    config, ids, seg = case.args
    reference = _module(InputEmbedding, config)
    reference.dropout = MarkedDropout()
    right, undropped, dropped_first = (_forward(reference, ids, seg, finish=order)
                                       for order in ("norm, dropout", "norm", "dropout, norm"))
    for training in (True, False):
        where = f"For {case.label}, in {('evaluation', 'training')[training]} mode"
        module = _module(answer, config)
        module.dropout = MarkedDropout()
        with torch.no_grad():
            got = c.call_learner(module.train(training), where, ids, seg)
        c.expect(module.training == module.dropout.training == training, f"{where}: after your forward the module "
                 f"is in {('evaluation', 'training')[module.training]} mode. forward must not call self.eval() or "
                 "self.train(): the caller picks the mode (model.train() to learn, model.eval() to evaluate).")
        problem = c.difference(got, right if training else undropped, 1e-5)
        if problem is not None:
            c.expect(c.difference(got, undropped, 1e-5) is not None, f"{where}: your output has no dropout (the "
                     "evaluation-mode checks cannot see it): finish with self.dropout, after self.norm.")
            c.expect(c.difference(got, dropped_first, 1e-5) is not None, f"{where}: your dropout comes before the "
                     "norm. Apply self.norm to the sum first, then self.dropout (as BERT does).")
            raise c.Hint(f"{where}: {problem}. Use the module's own self.dropout (the check gives it known places to "
                         "drop), not a new nn.Dropout or nn.functional.dropout, and apply it only once.")


@c.exercise("6.5")
def _input_embedding_forward(answer: Any) -> None:
    c.expect(isinstance(answer, type) and issubclass(answer, nn.Module),
             "Pass your class itself (MyInputEmbedding, without parentheses): a subclass of InputEmbedding.")

    def learner(config: dict[str, Any], token_ids: torch.Tensor, segment_ids: torch.Tensor | None) -> Any:
        module = _module(answer, config)
        tables = {name: table.clone() for name, table in module.state_dict().items()}
        try:
            with torch.no_grad():
                result = module(token_ids, segment_ids)
        except AttributeError as error:          # self.position exists for learned positions only
            raise AttributeError(f"{error} (a module with sinusoidal positions has self.position_table instead: "
                                 "self.position_vectors(seq_len) works for both)" if "'position'" in str(error)
                                 else error) from None
        changed = [name for name, table in module.state_dict().items() if not torch.equal(table, tables[name])]
        c.expect(not changed, f"Your forward changed the module's own {', '.join(changed)} in place, so every call "
                 "gives other numbers. forward only reads the tables: scale the looked-up token vectors, not a table.")
        return result

    cases = forward_cases()
    c.check_function(learner, _forward, cases, "MyInputEmbedding", FORWARD_MISTAKES)
    for case in (cases[4], cases[2], cases[0]):          # LayerNorm + segments; segments alone; neither
        _check_modes(answer, case)


# 6.6's typical mistakes, each a change to the right (ids, attention_mask)
PAD_MISTAKES = {hint: lambda sequences, pad_id, change=change: change(*pad_sequences(sequences, pad_id), pad_id)
                for hint, change in {
    "A real token can have the pad's id (GPT-2's id 0 is \"!\"): build attention_mask from the lengths of the "
    "sequences, not by comparing ids with pad_id.": lambda ids, mask, pad_id: (ids, (ids != pad_id).long()),
    "Put the pads after the real tokens (on the right), as BERT's tokenizer does by default; yours come first.":
        lambda ids, mask, pad_id: tuple(torch.stack([row.roll(int(n)) for row, n in zip(t, (1 - mask).sum(1))])
                                        for t in (ids, mask)),
    "attention_mask is 1 for a real token and 0 for a pad; yours is the other way round.": lambda ids, mask, pad_id:
        (ids, 1 - mask),
    "Fill the gaps with pad_id (the id of [PAD]); yours fills them with 0.":
        lambda ids, mask, pad_id: (ids * mask, mask),
    "attention_mask must be 0 at the pads, so that attention can leave them out; yours is 1 everywhere.":
        lambda ids, mask, pad_id: (ids, torch.ones_like(mask)),
}.items()}
PAD_CASES = [c.Case(([[5, 6, 7], [8, 9]], 1)),
             c.Case(([[464, 0, 3797], [0, 13]], 0),
                    label="pad_batch_mine([[464, 0, 3797], [0, 13]], 0)  (GPT-2's id 0 is \"!\", a real token)"),
             *(c.Case(args) for args in [([[3, 1, 4, 1, 5], [9], [2, 6, 5]], 0), ([[1, 2], [3, 4]], 7), ([[42]], 0),
                                         ([[50257, 464, 3797, 50258], [50257, 50258]], 50259)])]


@c.exercise("6.6")
def _pad_batch(answer: Any) -> None:
    generator, cases = torch.Generator().manual_seed(66), list(PAD_CASES)
    for _ in range(5):                                  # and random batches
        lengths = torch.randint(1, 11, (int(torch.randint(1, 6, (1,), generator=generator)),), generator=generator)
        sequences = [torch.randint(0, 1000, (n,), generator=generator).tolist() for n in lengths.tolist()]
        cases.append(c.Case((sequences, int(torch.randint(0, 1000, (1,), generator=generator)))))
    c.check_function(answer, pad_sequences, cases, "pad_batch_mine", PAD_MISTAKES)
    c.expect_dtype(answer, cases[0], "pad_batch_mine", torch.long, "the task asks for torch.long (int64), the dtype "
                   "of the ids an embedding table is indexed with.", ("ids", "attention_mask"))


c.prediction("6.p", ["A", "B", "C"])  # does padding a sequence change the input embeddings of its real tokens?

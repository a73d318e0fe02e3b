"""Lecture 4's race: one tiny causal language model trained with each position scheme, from several seeds.

The notebook trains one scheme from one seed with a plain loop; `run_race` trains every scheme from every seed
the same way, batched over seeds with `torch.func` (a test checks both give the same model). Its results are
stored in `data/race/lecture04_race.json` (`python -m helpers.built.race` writes it; a test re-runs it), because
7 schemes x 5 seeds trained to convergence take about a minute, too long for a lecture's Run All.
"""
from __future__ import annotations

import collections
import copy
import json
import math
from dataclasses import asdict, dataclass

import tiktoken
import torch
from torch import nn

from helpers.built.positions import LearnedPositions, alibi, sinusoidal, t5_bucket
from helpers.corpus import load_corpus
from helpers.course import ROOT

SCHEMES = ("none", "learned N(0,1)", "learned", "sinusoidal", "T5 bias", "RoPE", "ALiBi")
RESULTS = ROOT / "data" / "race" / "lecture04_race.json"
LENGTHS = (32, 64, 128, 256)


@dataclass(frozen=True)
class Settings:
    """Everything that decides a run: the same for every scheme and seed."""

    steps: int = 600                 # AdamW steps, learning rate on a cosine from lr down to 0
    batch_size: int = 8              # random windows of context_length tokens per step
    lr: float = 1e-2
    weight_decay: float = 0.01
    every: int = 25                  # validation loss every `every` steps; the best checkpoint is kept
    context_length: int = 32
    d_model: int = 32
    num_heads: int = 4


@dataclass(frozen=True)
class RaceData:
    """The corpus as ids 0..255 (the 255 most frequent GPT-2 ids, then RARE), cut 80 / 10 / 10."""

    train: torch.Tensor
    validation: torch.Tensor
    test: torch.Tensor
    vocab_size: int


def race_data() -> RaceData:
    """The lecture's split: training text, validation text (early stopping) and test text (the results)."""
    corpus_ids = tiktoken.get_encoding("gpt2").encode(load_corpus())
    kept = [token for token, _ in collections.Counter(corpus_ids).most_common(255)]
    new_id = {old: new for new, old in enumerate(kept)}
    data = torch.tensor([new_id.get(token, len(kept)) for token in corpus_ids])
    first, second = int(0.8 * len(data)), int(0.9 * len(data))
    return RaceData(data[:first], data[first:second], data[second:], len(kept) + 1)


def _rope(x: torch.Tensor) -> torch.Tensor:
    """Lecture 4's rope() (angles in float32 or float64), without the input checks that vmap cannot trace."""
    seq_len, head_dim = x.shape[-2:]
    exact = torch.float64 if x.dtype == torch.float64 else torch.float32
    omega = 10000.0 ** (-torch.arange(0, head_dim, 2, dtype=exact) / head_dim)
    angle = torch.arange(seq_len, dtype=exact)[:, None] * omega
    cos, sin = angle.cos().to(x.device, x.dtype), angle.sin().to(x.device, x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)


def causal_attention(x: torch.Tensor, qkv: nn.Linear, out: nn.Linear, num_heads: int, scheme: str,
                     t5_table: nn.Embedding | None = None) -> torch.Tensor:
    """Multi-head causal self-attention with the scheme's positions: x (batch, seq_len, d_model) -> same shape."""
    batch, seq_len, d_model = x.shape
    q, k, v = qkv(x).view(batch, seq_len, 3, num_heads, -1).permute(2, 0, 3, 1, 4)
    if scheme == "RoPE":
        q, k = _rope(q), _rope(k)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if scheme == "ALiBi":
        scores = scores + alibi(num_heads, seq_len).to(x.device, x.dtype)
    else:
        if scheme == "T5 bias":
            relative = torch.arange(seq_len)[None, :] - torch.arange(seq_len)[:, None]
            scores = scores + t5_table(t5_bucket(relative, bidirectional=False).to(x.device)).permute(2, 0, 1)
        future = torch.ones(seq_len, seq_len, dtype=torch.bool, device=x.device).triu(1)
        scores = scores.masked_fill(future, float("-inf"))
    return out((scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, seq_len, d_model))


class TinyLM(nn.Module):
    """Token embedding (+ absolute positions) -> one causal attention layer -> scores over the vocabulary.

    The weights every scheme has come first, from `seed`, so that for one seed they are identical in every scheme;
    the scheme's own parameters (a position table, T5's scalars) come from a separate generator.
    """

    def __init__(self, scheme: str, seed: int, vocab_size: int = 256, context_length: int = 32, d_model: int = 32,
                 num_heads: int = 4) -> None:
        super().__init__()
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}.")
        self.scheme, self.num_heads = scheme, num_heads
        torch.manual_seed(seed)
        self.tokens = nn.Embedding(vocab_size, d_model)
        self.norm = nn.LayerNorm(d_model)
        self.qkv, self.out = nn.Linear(d_model, 3 * d_model), nn.Linear(d_model, d_model)
        self.head = nn.Linear(d_model, vocab_size)
        own = torch.Generator().manual_seed(1000 + seed)
        self.t5 = nn.Embedding(32, num_heads) if scheme == "T5 bias" else None
        if self.t5 is not None:
            nn.init.normal_(self.t5.weight, std=d_model ** -0.5, generator=own)
        if scheme.startswith("learned"):
            self.learned = LearnedPositions(context_length, d_model)
            nn.init.normal_(self.learned.table.weight, std=0.02 if scheme == "learned" else 1.0, generator=own)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.tokens(ids)
        if self.scheme.startswith("learned"):
            x = x + self.learned(ids.shape[-1])
        if self.scheme == "sinusoidal":
            x = x + sinusoidal(ids.shape[-1], x.shape[-1]).to(x.device, x.dtype)
        return self.head(x + causal_attention(self.norm(x), self.qkv, self.out, self.num_heads, self.scheme, self.t5))


def random_windows(data: torch.Tensor, batch_size: int, generator: torch.Generator,
                   context_length: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (batch_size, context_length) and next-token targets from random windows of `data`."""
    starts = torch.randint(0, len(data) - context_length, (batch_size,), generator=generator)
    windows = data[starts[:, None] + torch.arange(context_length + 1)]
    return windows[:, :-1], windows[:, 1:]


def consecutive_windows(data: torch.Tensor, length: int,
                        tokens: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The first `tokens` tokens of `data` (default: all whole windows) as inputs (n, length) and targets."""
    n = (tokens if tokens is not None else len(data) - 1) // length
    return data[: n * length].view(n, length), data[1: n * length + 1].view(n, length)


def cosine(steps: int):
    """The learning-rate factor of step t: from 1 down to 0 along half a cosine."""
    return lambda step: 0.5 * (1 + math.cos(math.pi * step / steps))


def train_batched(scheme: str, seeds: list[int], data: RaceData, settings: Settings = Settings()) -> dict:
    """Train one TinyLM per seed at once (vmap over seeds); the same as the plain loop run once per seed.

    Returns the best checkpoint of each seed (lowest validation loss) as stacked weights, and the curves.
    """
    models = [TinyLM(scheme, seed, data.vocab_size, settings.context_length, settings.d_model,
                     settings.num_heads).double() for seed in seeds]
    weights, buffers = torch.func.stack_module_state(models)
    template = copy.deepcopy(models[0]).to("meta")

    def loss_of(weights, buffers, inputs, targets):
        logits = torch.func.functional_call(template, (weights, buffers), (inputs,))
        return nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten())

    losses_of = torch.vmap(loss_of)
    optimizer = torch.optim.AdamW(weights.values(), lr=settings.lr, weight_decay=settings.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, cosine(settings.steps))
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    validation = [w.expand(len(seeds), *w.shape) for w in consecutive_windows(data.validation, settings.context_length)]
    best = {name: w.detach().clone() for name, w in weights.items()}
    best_loss, best_step, curve = torch.full((len(seeds),), math.inf, dtype=torch.float64), [0] * len(seeds), []
    for step in range(1, settings.steps + 1):
        batches = [random_windows(data.train, settings.batch_size, g, settings.context_length) for g in generators]
        losses = losses_of(weights, buffers, torch.stack([b[0] for b in batches]), torch.stack([b[1] for b in batches]))
        optimizer.zero_grad()
        losses.sum().backward()
        optimizer.step()
        schedule.step()
        if step % settings.every == 0:
            with torch.no_grad():
                val = losses_of(weights, buffers, *validation)
            curve.append((step, val.tolist()))
            better = val < best_loss
            best_loss = torch.where(better, val, best_loss)
            best_step = [step if b else s for b, s in zip(better.tolist(), best_step)]
            for name, w in weights.items():
                best[name] = torch.where(better.view(-1, *[1] * (w.dim() - 1)), w.detach(), best[name])
    return {"losses_of": losses_of, "weights": best, "buffers": buffers, "curve": curve, "best_step": best_step}


def test_losses(run: dict, data: RaceData, lengths: tuple[int, ...]) -> dict[int, list[float]]:
    """Each seed's test loss at each window length, on the same tokens for every length and scheme."""
    tokens = (len(data.test) - 1) // max(LENGTHS) * max(LENGTHS)
    seeds = len(run["best_step"])
    result = {}
    with torch.no_grad():
        for length in lengths:
            inputs, targets = (w.expand(seeds, *w.shape) for w in consecutive_windows(data.test, length, tokens))
            result[length] = run["losses_of"](run["weights"], run["buffers"], inputs, targets).tolist()
    return result


def bigram(data: RaceData, tokens: int) -> dict[str, float]:
    """A bigram count model with add-k smoothing (k chosen on the validation text): its validation and test loss."""
    counts = torch.zeros(data.vocab_size, data.vocab_size, dtype=torch.float64)
    counts.index_put_((data.train[:-1], data.train[1:]), torch.ones(len(data.train) - 1, dtype=torch.float64),
                      accumulate=True)

    def loss(k: float, text: torch.Tensor) -> float:
        log_p = ((counts + k) / (counts + k).sum(1, keepdim=True)).log()
        return -log_p[text[:-1], text[1:]].mean().item()

    k = min((0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0), key=lambda k: loss(k, data.validation))
    return {"k": k, "validation": loss(k, data.validation), "test": loss(k, data.test[: tokens + 1])}


def run_race(seeds: tuple[int, ...] = (0, 1, 2, 3, 4), schemes: tuple[str, ...] = SCHEMES,
             settings: Settings = Settings()) -> dict:
    """Train every scheme from every seed (one thread) and return everything the lecture prints, JSON-ready."""
    data = race_data()
    tokens = (len(data.test) - 1) // max(LENGTHS) * max(LENGTHS)
    results = {"settings": asdict(settings), "seeds": list(seeds), "test_tokens": tokens,
               "bigram": bigram(data, tokens), "schemes": {}}
    for scheme in schemes:
        run = train_batched(scheme, list(seeds), data, settings)
        lengths = LENGTHS[:1] if scheme.startswith("learned") else LENGTHS
        results["schemes"][scheme] = {"test": {str(n): [round(v, 6) for v in losses]
                                               for n, losses in test_losses(run, data, lengths).items()},
                                      "best_step": run["best_step"],
                                      "curve": [[step, [round(v, 6) for v in val]] for step, val in run["curve"]]}
    return results


def load() -> dict:
    """The stored results of `run_race()` (data/race/lecture04_race.json)."""
    if not RESULTS.is_file():
        raise FileNotFoundError(f"{RESULTS.relative_to(ROOT)} is missing: restore it with `git checkout -- data/race` "
                                "or write it again with `python -m helpers.built.race` (about a minute).")
    return json.loads(RESULTS.read_text())


if __name__ == "__main__":
    torch.set_num_threads(1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(run_race(), indent=1) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")

"""Lecture 4's race: the notebook's model and loop equal helpers.built.race; seeds are paired; stored results
reproduce."""
import collections
import copy
import math

import pytest
import torch

import helpers
import helpers.built.race as race
from notebook_code import definitions

NOTEBOOK = "04_relative_positions.ipynb"


def lecture_race(data: race.RaceData) -> dict:
    """The race's code as the notebook defines it (windows, attention, TinyLM, the plain training loop)."""
    lecture = definitions(NOTEBOOK, "defines-alibi", "defines-rope", context={"torch": torch, "math": math})
    context = {"torch": torch, "math": math, "copy": copy, "helpers": helpers, "vocab_size": data.vocab_size,
               "context_length": 32, "race_device": torch.device("cpu"), "alibi": lecture["alibi"],
               "rope": lecture["rope"], "train_data": data.train, "validation_data": data.validation}
    return definitions(NOTEBOOK, "defines-windows", "defines-attention", "defines-tinylm", "defines-train",
                       context=context)


@pytest.fixture(scope="module")
def data():
    return race.race_data()


@pytest.fixture(scope="module")
def lecture(data):
    """The notebook's race code, loaded once for this file (inside a fixture: never at collection)."""
    return lecture_race(data)


@pytest.mark.parametrize("scheme", race.SCHEMES)
def test_the_notebooks_model_is_the_helpers(data, lecture, scheme):
    ids = torch.randint(0, data.vocab_size, (2, 32), generator=torch.Generator().manual_seed(0))
    ours, theirs = lecture["TinyLM"](scheme, 3).double(), race.TinyLM(scheme, 3).double()
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    for name, value in ours.state_dict().items():
        assert torch.equal(value, theirs.state_dict()[name]), name
    assert torch.allclose(ours(ids), theirs(ids), atol=1e-12)


def test_seeds_are_paired_every_scheme_shares_its_weights():
    """For one seed every scheme starts from the same shared weights; another seed starts elsewhere."""
    shared = ("tokens.weight", "norm.weight", "qkv.weight", "qkv.bias", "out.weight", "head.weight", "head.bias")
    for seed in (0, 4):
        first = race.TinyLM(race.SCHEMES[0], seed).state_dict()
        for scheme in race.SCHEMES[1:]:
            other = race.TinyLM(scheme, seed).state_dict()
            for name in shared:
                assert torch.equal(first[name], other[name]), (scheme, seed, name)
    assert not torch.equal(race.TinyLM("RoPE", 0).qkv.weight, race.TinyLM("RoPE", 1).qkv.weight)
    small, large = race.TinyLM("learned", 0), race.TinyLM("learned N(0,1)", 0)
    assert abs(small.learned.table.weight.std().item() - 0.02) < 0.004
    assert abs(large.learned.table.weight.std().item() - 1.0) < 0.1


@pytest.mark.parametrize("scheme", ["learned", "T5 bias", "RoPE", "ALiBi"])
def test_the_plain_loop_equals_the_batched_training(data, lecture, scheme):
    """The notebook's loop for seed 1 and train_batched for seeds 0 and 1 keep the same checkpoint of seed 1."""
    settings = race.Settings(steps=30, every=10)
    batched = race.train_batched(scheme, [0, 1], data, settings)
    model, best_step, history = lecture["train"](scheme, 1, steps=30, every=10)
    assert best_step == batched["best_step"][1]
    assert [round(v, 8) for _, v in history["validation"]] == [round(v[1], 8) for _, v in batched["curve"]]
    ours = lecture["held_out_loss"](model, data.test, 32, 1024)
    assert abs(ours - race.test_losses(batched, data, (32,))[32][1]) < 1e-8


def test_stored_bigram_baseline_reproduces(data):
    stored = race.load()
    assert race.bigram(data, stored["test_tokens"]) == pytest.approx(stored["bigram"], abs=1e-9)
    counts = collections.Counter(zip(data.train[:-1].tolist(), data.train[1:].tolist()))
    a, b = max(counts, key=counts.get)                                    # the most frequent pair is likely
    k = stored["bigram"]["k"]
    total = sum(v for (x, _), v in counts.items() if x == a) + k * data.vocab_size
    assert (counts[(a, b)] + k) / total > 0.1


@pytest.mark.slow
@pytest.mark.parametrize("scheme", race.SCHEMES)
def test_stored_race_reproduces(data, scheme):
    """Re-train one scheme from every seed with the stored settings: same checkpoints, same test losses."""
    stored = race.load()
    settings = race.Settings(**stored["settings"])
    with helpers.torch_threads(1):
        run = race.train_batched(scheme, stored["seeds"], data, settings)
    expected = stored["schemes"][scheme]
    assert run["best_step"] == expected["best_step"]
    for length, losses in race.test_losses(run, data, tuple(int(n) for n in expected["test"])).items():
        assert losses == pytest.approx(expected["test"][str(length)], abs=1e-4), length


def test_missing_results_file_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(race, "RESULTS", race.ROOT / "data" / "race" / "missing.json")
    with pytest.raises(FileNotFoundError, match="git checkout -- data/race"):
        race.load()
    with pytest.raises(ValueError, match="scheme must be one of"):
        race.TinyLM("rotary", 0)

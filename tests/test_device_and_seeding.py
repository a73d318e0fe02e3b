"""Device choice, seeding and tensor descriptions: right answers and clear errors."""
import pytest
import torch

from helpers.device import device_report, pick_device
from helpers.seeding import seed_everything
from helpers.tensors import describe, shape_str


def test_default_is_cpu_on_a_machine_without_gpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    device, reason = pick_device()
    assert device == torch.device("cpu") and "no CUDA" in reason
    assert device_report(device, reason).startswith("Device: cpu (")


def test_cuda_is_preferred_when_present(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "Test GPU")
    assert pick_device() == (torch.device("cuda"), "CUDA GPU found: Test GPU")


def test_environment_variable_overrides(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "CPU")
    assert pick_device() == (torch.device("cpu"), "chosen by COURSE_DEVICE=CPU")


@pytest.mark.parametrize("name, error, message", [
    ("tpu", ValueError, "Unknown device 'tpu'.*cpu, cuda, cuda:N, mps"),
    ("mps:1", ValueError, "Unknown device"),
    (3, TypeError, "must be a string"),
])
def test_bad_device_names_are_explained(name, error, message):
    with pytest.raises(error, match=message):
        pick_device(name)


def test_unavailable_accelerator_is_explained(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="no CUDA GPU.*Use 'cpu'"):
        pick_device("cuda")
    with pytest.raises(RuntimeError, match="no Apple MPS"):
        pick_device("mps")


def test_seeding_repeats_every_generator():
    import random

    import numpy as np
    seed_everything(7)
    first = (random.random(), np.random.rand(), torch.randn(3))
    seed_everything(7)
    second = (random.random(), np.random.rand(), torch.randn(3))
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])


@pytest.mark.parametrize("seed, error", [("0", TypeError), (1.5, TypeError), (True, TypeError), (-1, ValueError)])
def test_bad_seeds_are_refused(seed, error):
    with pytest.raises(error, match="seed"):
        seed_everything(seed)


def test_describe_names_every_dimension(capsys):
    describe(torch.zeros(8, 4, 256), "batch seq_len d_model", name="x")
    assert capsys.readouterr().out == "x: (batch=8, seq_len=4, d_model=256) float32 on cpu\n"


def test_describe_rejects_wrong_names_and_non_tensors():
    with pytest.raises(ValueError, match="3 dimensions .* 2 names"):
        shape_str(torch.zeros(1, 2, 3), ["batch", "seq_len"])
    with pytest.raises(TypeError, match="Expected a torch.Tensor, got list"):
        shape_str([1, 2], "n")

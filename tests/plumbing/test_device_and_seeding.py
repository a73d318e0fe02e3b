"""Device choice, thread counts, seeding and tensor descriptions give the right answers (their bad inputs:
tests/plumbing/test_bad_inputs_plumbing.py)."""
import pytest
import torch

from helpers.device import device_report, pick_device, torch_threads
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


def test_environment_variable_overrides_and_the_argument_overrides_it(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "CPU")
    assert pick_device() == (torch.device("cpu"), "chosen by COURSE_DEVICE=CPU")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert pick_device("cuda:1") == (torch.device("cuda:1"), "chosen by argument")
    with pytest.raises(ValueError, match="'cuda:2' does not exist: this machine has 2 CUDA GPU"):
        pick_device("cuda:2")


def test_unavailable_accelerator_is_explained(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="no CUDA GPU. Pass 'cpu'"):
        pick_device("cuda")
    with pytest.raises(RuntimeError, match="no Apple MPS support. Pass 'cpu'"):
        pick_device("mps")
    monkeypatch.setenv("COURSE_DEVICE", "cuda")   # chosen in the environment: the fix is there, then a restart
    with pytest.raises(RuntimeError, match=r"COURSE_DEVICE=cuda\) but .* Unset COURSE_DEVICE \(or set "
                                           r"COURSE_DEVICE=cpu\) and restart the kernel"):
        pick_device()


def test_seeding_repeats_every_generator():
    import random

    import numpy as np
    seed_everything(7)
    first = (random.random(), np.random.rand(), torch.randn(3))
    seed_everything(7)
    second = (random.random(), np.random.rand(), torch.randn(3))
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])


def test_describe_names_every_dimension(capsys):
    describe(torch.zeros(8, 4, 256), "batch seq_len d_model", name="x")
    assert capsys.readouterr().out == "x: (batch=8, seq_len=4, d_model=256) float32 on cpu\n"


def test_shape_str_takes_names_as_text_or_a_list():
    assert shape_str(torch.zeros(2, 3), "batch seq_len") == shape_str(torch.zeros(2, 3), ["batch", "seq_len"]) \
        == "(batch=2, seq_len=3)"


def test_torch_threads_sets_the_count_inside_and_restores_it_even_after_an_error():
    before = torch.get_num_threads()
    inside = 2 if before == 1 else 1  # differs from before, also in a one-thread pytest-xdist worker
    with pytest.raises(RuntimeError, match="inside"):
        with torch_threads(inside):
            assert torch.get_num_threads() == inside
            raise RuntimeError("inside")
    assert torch.get_num_threads() == before

"""The GPU-rules test mode (helpers/gpu_rules.py): it catches what MPS and CUDA refuse, passes what they accept."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from helpers.course import ROOT
from helpers.gpu_rules import SIMULATED_DEVICE as DEV
from helpers.gpu_rules import GpuRuleError, GpuRules


@pytest.fixture(params=["mps", "cuda"])
def rules(request):
    with GpuRules(request.param) as mode:
        yield mode


def test_planted_float64_on_mps_is_caught():
    with GpuRules("mps"):
        with pytest.raises(GpuRuleError, match="MPS has no float64"):
            torch.zeros(3, dtype=torch.float64, device=DEV)
        table = torch.randn(4, 2, dtype=torch.float64)
        with pytest.raises(GpuRuleError, match="MPS has no float64"):
            table.to(DEV)
        on_device = torch.randn(4, 2).to(DEV)
        with pytest.raises(GpuRuleError, match="MPS has no float64"):
            on_device.double()
        assert table.to("cpu").dtype == torch.float64  # explicit CPU float64 work stays allowed


def test_float64_is_fine_on_cuda():
    with GpuRules("cuda") as mode:
        assert mode.is_marked(torch.zeros(3, dtype=torch.float64, device=DEV))


def test_planted_cpu_device_mix_is_caught(rules):
    ids = torch.tensor([1, 2, 3])
    embedding = torch.nn.Embedding(10, 4).to(DEV)
    with pytest.raises(GpuRuleError, match="same device"):
        embedding(ids)
    with pytest.raises(GpuRuleError, match="same device"):
        torch.randn(3, 4).to(DEV) + torch.randn(3, 4)
    with pytest.raises(GpuRuleError, match="same device"):
        torch.cat([torch.ones(2).to(DEV), torch.ones(2)])
    with pytest.raises(GpuRuleError, match="same device"):
        torch.arange(5)[torch.tensor([0, 1]).to(DEV)]  # a device index into a CPU tensor


def test_numpy_of_a_device_tensor_is_refused(rules):
    on_device = torch.randn(3).to(DEV)
    with pytest.raises(GpuRuleError, match="numpy"):
        on_device.numpy()
    with pytest.raises(GpuRuleError, match="numpy"):
        np.asarray(on_device)
    assert on_device.cpu().numpy().shape == (3,)
    assert on_device.detach().to("cpu").numpy().shape == (3,)


def test_a_clean_program_passes(rules):
    """What real CUDA/MPS accept: modules moved with .to, 0-dim CPU scalars, CPU index tensors, x.device, .cpu()."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Embedding(10, 4), torch.nn.Linear(4, 2)).to(DEV)
    assert all(rules.is_marked(p) for p in model.parameters())
    ids = torch.tensor([[1, 2, 3]]).to(DEV)
    out = model(ids)
    positions = torch.arange(3, device=out.device)  # x.device names the simulated device
    assert rules.is_marked(positions) and out.device == DEV
    out = torch.where(out > 0, out, torch.tensor(0.0)) * torch.tensor(2.0) + 1.0
    picked = out[0, torch.tensor([0, 2])]  # CPU index tensor: PyTorch moves it
    mask = torch.tensor([True, False, True])
    out[0, mask] = 0.0
    out.sum().backward()
    torch.optim.AdamW(model.parameters()).step()
    assert rules.is_marked(picked) and rules.is_marked(model[1].weight.grad)
    back = out.detach().cpu()
    assert not rules.is_marked(back) and back.device == torch.device("cpu")
    assert isinstance(out.sum().item(), float) and len(out.tolist()) == 1


def test_moving_leaves_the_cpu_original_unmarked(rules):
    original = torch.ones(3)
    moved = original.to(DEV)
    assert rules.is_marked(moved) and not rules.is_marked(original)
    assert (original + 1).device == torch.device("cpu")  # still usable with other CPU tensors
    assert not rules.is_marked(original[None] * torch.ones(2, 3))
    for converted in (moved.to(DEV, torch.float16), moved.to(moved.device, torch.int64), moved.half(), moved.to(moved)):
        assert rules.is_marked(converted), converted.dtype        # a new storage, still on the device
        assert (converted * moved.to(converted.dtype)).device == DEV


def test_environment_variable_turns_it_on_in_a_new_process():
    """COURSE_DEVICE=simulate-mps through helpers.setup(), as an nbval kernel inherits it: the planted bug is caught."""
    program = ("import torch, helpers\n"
               "device = helpers.setup()\n"
               "print(device)\n"
               "x = torch.ones(2).to(device) * 2\n"
               "print(x.sum().item())\n"
               "torch.ones(2, dtype=torch.float64).to(device)\n")
    env = {**os.environ, "COURSE_DEVICE": "simulate-mps"}
    run = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0
    assert "Device: cpu (the CPU under MPS rules" in run.stdout and "4.0" in run.stdout
    assert "GpuRuleError" in run.stderr and "MPS has no float64" in run.stderr

"""Test-wide setup: no network for this process or any kernel it starts (notebooks included), no screen."""
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent
OFFLINE_DIR = ROOT / "tests" / "offline"

# Kernels and subprocesses inherit PYTHONPATH and import tests/offline/sitecustomize.py at start-up.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_DIR), str(ROOT),
                                                         os.environ.get("PYTHONPATH", "")]))
sys.path.insert(0, str(OFFLINE_DIR))
import sitecustomize  # noqa: E402,F401  (the same guard, in this process)

"""Exercise checkers, one module per lecture (`lecture00.py`, ...); `helpers.checks` loads them all."""

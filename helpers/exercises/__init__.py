"""Exercises: the checking machinery (`checking.py`) and one module of checkers per lecture (`lecture00.py`, ...)."""

"""Evaluation data and benchmark commands (not part of the installed package)."""

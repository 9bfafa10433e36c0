"""Benchmarks of the org-unit tree against hand-written SQL; run with ``python -m bench``."""

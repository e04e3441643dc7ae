"""Benchmarks: `python -m bench.lists` (see bench/README.md)."""

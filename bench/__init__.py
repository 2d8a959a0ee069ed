"""Benchmark suite: `python -m bench` (see docs/performance.md)."""

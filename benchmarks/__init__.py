"""Benchmarks of alliance-sim: ``python -m benchmarks.run_all`` (see benchmarks/README.md)."""

"""Benchmarks beyond accuracy: end-to-end speed and memory (bench_predict), robustness (fuzz)."""

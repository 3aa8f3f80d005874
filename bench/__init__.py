"""Benchmarks. Each prints its time next to a baseline measured in the same run, and the ratio:
the verdict never rests on a bare absolute time, which depends on the machine."""

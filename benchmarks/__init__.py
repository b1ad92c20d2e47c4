"""asv-compatible benchmarks of cellsim against plain PyBaMM (``python -m benchmarks.run``)."""

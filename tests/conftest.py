import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
# The CasADi core runs interpreted in the suite (compiling each model it builds would
# add minutes); tests/integration/test_casadi_compile.py compiles explicitly.
os.environ.setdefault("CELLSIM_COMPILE", "0")

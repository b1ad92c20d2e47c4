import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
# The CasADi core runs interpreted in the suite (compiling each model it builds would
# add minutes); tests/integration/test_casadi_compile.py compiles explicitly.
os.environ.setdefault("CELLSIM_COMPILE", "0")
# Built models go to a disk cache of the suite's own (shared with the processes the
# tests start: sweep workers, the command line), removed when the suite ends.
if "CELLSIM_CACHE_DIR" not in os.environ:
    import atexit
    import shutil
    import tempfile

    os.environ["CELLSIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="cellsim-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CELLSIM_CACHE_DIR"], ignore_errors=True)

import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

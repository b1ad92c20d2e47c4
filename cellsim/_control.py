"""One external circuit for every PyBaMM-based cell model in cellsim.

A built model carries a single algebraic equation for its terminal current that
covers every step kind, selected by input weights, so one discretised model (and
one solver set-up) serves a whole protocol and its state carries across steps:

    w_I (I - I_set) + w_V (V - V_set) + w_P (I V - P_set) = 0

with exactly one weight equal to 1. Step terminations are events whose thresholds
are inputs too. A chemistry passes :func:`control_residual` as PyBaMM's
``"operating mode"`` option and appends :func:`cutoff_events` to its model.
"""

from __future__ import annotations

import pybamm

CURRENT_CONTROL = "Current control"
VOLTAGE_CONTROL = "Voltage control"
POWER_CONTROL = "Power control"
CURRENT_SETPOINT = "Current setpoint [A]"
VOLTAGE_SETPOINT = "Voltage setpoint [V]"
POWER_SETPOINT = "Power setpoint [W]"
MINIMUM_VOLTAGE = "Minimum voltage cut-off [V]"
MAXIMUM_VOLTAGE = "Maximum voltage cut-off [V]"
MINIMUM_CURRENT = "Minimum current cut-off [A]"
CAPACITY_LIMIT = "Capacity cut-off [A.h]"
STEP_START_CAPACITY = "Step start discharge capacity [A.h]"
AMBIENT_TEMPERATURE = "Ambient temperature [K]"
INITIAL_TEMPERATURE = "Initial temperature [K]"
#: The algebraic state the external circuit's residual solves for: PyBaMM's name for the
#: current of an "operating mode" given as a function, which a chemistry's own model
#: keeps (the one state a voltage- or power-controlled model has beyond a
#: current-controlled one).
CURRENT_STATE = "Current variable [A]"

#: Names of the events :func:`cutoff_events` adds, keyed by the termination they stand for.
EVENT_NAMES = {
    "minimum voltage": "cellsim minimum voltage",
    "maximum voltage": "cellsim maximum voltage",
    "minimum current": "cellsim minimum current",
    "capacity": "cellsim capacity",
}

#: A threshold value that never triggers (used to switch an event off).
OFF = 1.0e6


def control_residual(variables: dict) -> pybamm.Symbol:
    """Algebraic residual of the external circuit (PyBaMM ``operating mode`` callable)."""
    current = variables["Current [A]"]
    voltage = variables["Voltage [V]"]
    w_i = pybamm.InputParameter(CURRENT_CONTROL)
    w_v = pybamm.InputParameter(VOLTAGE_CONTROL)
    w_p = pybamm.InputParameter(POWER_CONTROL)
    return (
        w_i * (current - pybamm.InputParameter(CURRENT_SETPOINT))
        + w_v * (voltage - pybamm.InputParameter(VOLTAGE_SETPOINT))
        + w_p * (current * voltage - pybamm.InputParameter(POWER_SETPOINT))
    )


def cutoff_events(variables: dict) -> list[pybamm.Event]:
    """Termination events whose thresholds are inputs; a threshold of ``OFF`` disables one."""
    voltage = variables["Voltage [V]"]
    current = variables["Current [A]"]
    capacity = variables["Discharge capacity [A.h]"]
    return [
        pybamm.Event(
            EVENT_NAMES["minimum voltage"], voltage - pybamm.InputParameter(MINIMUM_VOLTAGE)
        ),
        pybamm.Event(
            EVENT_NAMES["maximum voltage"], pybamm.InputParameter(MAXIMUM_VOLTAGE) - voltage
        ),
        pybamm.Event(
            EVENT_NAMES["minimum current"],
            pybamm.AbsoluteValue(current) - pybamm.InputParameter(MINIMUM_CURRENT),
        ),
        pybamm.Event(
            EVENT_NAMES["capacity"],
            pybamm.InputParameter(CAPACITY_LIMIT)
            - pybamm.AbsoluteValue(capacity - pybamm.InputParameter(STEP_START_CAPACITY)),
        ),
    ]

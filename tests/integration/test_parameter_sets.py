"""Every lithium-ion parameter set cellsim lists runs a 1C discharge sensibly.

For each set: a constant-current 1C discharge from ``initial_soc=1.0`` down to the
set's own "Lower voltage cut-off [V]" must

* run to that cut-off,
* deliver between 0.5 and 1.2 times the set's "Nominal cell capacity [A.h]" (or, where
  that label is not the window's charge, the charge PyBaMM's electrode-SOH gives), and
* give a terminal voltage that never rises: its total rise, the sum of its increases
  between outputs (which does not depend on how densely a solver outputs), at most
  1e-5 V (see ``ROUGH_SETS``),

and cellsim's CasADi core must end the same discharge at the cut-off with IDAKLU's
capacity. Every set runs with the SPM and with the DFN.
"""

from __future__ import annotations

import functools

import numpy as np
import pybamm
import pytest

import cellsim

LITHIUM_ION_SETS = cellsim.parameter_sets()["lithium_ion"]

#: Bounds on delivered / nominal capacity for a full 1C discharge.
MIN_CAPACITY_RATIO = 0.5
MAX_CAPACITY_RATIO = 1.2
#: How much the voltage may rise in all over a constant-current discharge, V.
VOLTAGE_RISE_TOLERANCE = 1e-5
#: How close the last voltage must be to the cut-off, V.
CUTOFF_TOLERANCE = 1e-3

MODELS = ("SPM", "DFN")

#: Sets whose "Nominal cell capacity [A.h]" is not the charge their voltage window holds,
#: with the window's charge from PyBaMM's electrode-SOH calculation (A.h): Marquis2019's
#: nominal value is the charge of its default (about 80 % full) state; Ramadass2004's 1 A.h
#: is a placeholder for a 1.8 A.h Sony 18650 (PyBaMM's docstring: "use with caution").
WINDOW_CAPACITY = {"Marquis2019": 0.873, "Ramadass2004": 1.775}

#: ORegan2022's particle diffusivities dip by one to two orders of magnitude over narrow
#: stoichiometry ranges; PyBaMM's default 20-point radial mesh resolves them in steps, so the
#: voltage shows millivolt bumps (plain PyBaMM shows the same). Allowed total rise there, V:
#: measured 245 mV (SPM) and 103 mV (DFN), on IDAKLU's steps, on its outputs every 0.5 s
#: and on the core's alike (within 2 %), where the largest rise between two outputs is
#: 3 to 15 mV as the outputs are dense or not.
ROUGH_SETS = {"ORegan2022": 0.3}


@functools.cache
def _limits(parameter_set: str) -> tuple[float, float]:
    """(lower voltage cut-off [V], nominal capacity [A.h]) of a PyBaMM parameter set."""
    values = pybamm.ParameterValues(parameter_set)
    return (
        float(values["Lower voltage cut-off [V]"]),
        float(values["Nominal cell capacity [A.h]"]),
    )


def test_lithium_ion_sets_are_listed():
    assert LITHIUM_ION_SETS, "cellsim.parameter_sets() lists no lithium-ion set"


@functools.cache
def _discharge(parameter_set: str, model: str, solver: str = "idaklu"):
    """A 1C discharge from full to the set's lower cut-off (the CasADi core interpreted:
    compiling every set would take minutes)."""
    lower, _ = _limits(parameter_set)
    options = {"compile": False} if solver == "casadi" else None
    return cellsim.simulate(
        cellsim.Cell(parameter_set, model=model),
        f"Discharge at 1C until {lower} V",
        initial_soc=1.0,
        solver=solver,
        solver_options=options,
    )


@pytest.mark.parametrize("solver", ["casadi", "idaklu"])
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("parameter_set", LITHIUM_ION_SETS)
def test_full_1c_discharge(parameter_set, model, solver):
    lower, nominal = _limits(parameter_set)
    case = f"{parameter_set} {model} ({solver}), 1C from initial_soc=1.0 to {lower:g} V"

    ds = _discharge(parameter_set, model, solver)

    voltage = ds.voltage.values
    capacity = float(ds.discharge_capacity.values[-1])
    assert voltage.size > 1, f"{case}: only {voltage.size} output point(s)"
    assert np.all(np.isfinite(voltage)), f"{case}: non-finite voltage in the result"

    assert abs(voltage[-1] - lower) < CUTOFF_TOLERANCE, (
        f"{case}: the discharge ended at {voltage[-1]:.4f} V (t = {float(ds.time[-1]):.0f} s), "
        f"not at the cut-off"
    )

    nominal = WINDOW_CAPACITY.get(parameter_set, nominal)
    ratio = capacity / nominal
    assert MIN_CAPACITY_RATIO <= ratio <= MAX_CAPACITY_RATIO, (
        f"{case}: delivered {capacity:.4g} A.h = {ratio:.3f} x the reference {nominal:.4g} A.h, "
        f"outside [{MIN_CAPACITY_RATIO}, {MAX_CAPACITY_RATIO}]"
    )

    rises = np.diff(voltage)
    worst = int(np.argmax(rises))
    total = float(np.sum(rises[rises > 0]))
    assert total <= ROUGH_SETS.get(parameter_set, VOLTAGE_RISE_TOLERANCE), (
        f"{case}: voltage rises by {total * 1e3:.4f} mV in all ({int(np.sum(rises > 0))} "
        f"rises, the largest {rises[worst] * 1e3:.4f} mV between t = "
        f"{float(ds.time[worst]):.1f} s and {float(ds.time[worst + 1]):.1f} s); a "
        f"constant-current discharge should not raise the voltage"
    )


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("parameter_set", LITHIUM_ION_SETS)
def test_casadi_core_agrees_with_idaklu(parameter_set, model):
    """The issue's rule for the two backends, on every set: cellsim's CasADi core ends
    the discharge at the same cut-off and delivers the capacity IDAKLU does within
    0.1 % (the issue's agreement with PyBaMM; measured within 2.2e-7 on most sets,
    ORegan2022's SPM 3.2e-5, MSMR_Example's 1.8e-4 and 3.0e-5, whose OCP is solved
    implicitly). Ecker2015's DFN found its consistent
    initial state only once the Newton solve accepted a converged step (its residual
    stalls at 3.6e-10)."""
    lower, _ = _limits(parameter_set)
    reference = _discharge(parameter_set, model)
    ds = _discharge(parameter_set, model, "casadi")
    assert abs(float(ds.voltage[-1]) - lower) < CUTOFF_TOLERANCE
    capacity = float(ds.discharge_capacity[-1])
    assert capacity == pytest.approx(float(reference.discharge_capacity[-1]), rel=1e-3)

"""Forward sensitivities of the CasADi core against central finite differences.

The finite differences (steps of 1e-3 or 1e-2 of each value either side, integrator at
rtol = atol = 1e-8) are accurate to ~1e-5 of the largest sensitivity on legs that end on
time: the tolerance there, 1e-3 of it, is what a wrong term in the sensitivity equations
(a missing direction, a wrong scale, a lost initial state) exceeds by orders. Across an
event the finite difference's own error is larger (the event is located to ~1e-3 s, the
moved end time is ~0.01-6 s at these steps): 2 %, or 0.1 s per 100 % change.
"""

import numpy as np
import pytest

import cellsim
from cellsim import Cell, ParameterError

TIGHT = {"solver": "casadi", "rtol": 1e-8, "atol": 1e-8}
NAMES = (
    "Negative particle diffusivity [m2.s-1]",
    "Positive particle diffusivity [m2.s-1]",
    "Contact resistance [Ohm]",
)
VALUES = dict(zip(NAMES, (3.3e-14, 4e-15, 0.0025), strict=True))


@pytest.fixture(scope="module")
def cell():
    return Cell("Chen2020", model="SPMe", options={"contact resistance": "true"})


def finite_difference(cell, protocol, name, step, **kwargs):
    runs = [
        cellsim.simulate(cell, protocol, inputs={**VALUES, name: VALUES[name] * (1 + s)}, **kwargs)
        for s in (step, -step)
    ]
    return runs, 2 * step * VALUES[name]


def test_voltage_sensitivities_on_timed_legs_match_finite_differences(cell):
    protocol = ["Discharge at 1C for 1200 s", "Rest for 600 s", "Charge at 0.5C for 600 s"]
    ds = cellsim.simulate(cell, protocol, inputs=VALUES, sensitivities=NAMES, period=60.0, **TIGHT)
    assert list(ds.input.values) == list(NAMES)
    assert ds.voltage_sensitivity.dims == ("time", "input")
    assert "per unit of the input" in ds.voltage_sensitivity.attrs["units"]
    for name in NAMES:
        (up, down), width = finite_difference(cell, protocol, name, 1e-3, period=60.0, **TIGHT)
        np.testing.assert_allclose(up.time.values, ds.time.values)
        fd = (up.voltage.values - down.voltage.values) / width
        exact = ds.voltage_sensitivity.sel(input=name).values
        scale = np.max(np.abs(exact))
        assert scale * VALUES[name] > 1e-3  # each moves the voltage by over 1 mV per 100 %
        assert np.max(np.abs(exact - fd)) <= 1e-3 * scale, name
    # the contact resistance's: -I at every output (it moves no state)
    rc = ds.voltage_sensitivity.sel(input="Contact resistance [Ohm]").values
    np.testing.assert_allclose(rc, -ds.current.values, rtol=1e-9, atol=1e-12)


def test_sensitivities_through_a_cut_off_and_a_voltage_hold(cell):
    """The end time of a step ended by its cut-off moves with the parameters, and the
    constant-voltage hold after it (its current an ODE state of the core) carries on."""
    protocol = ["Charge at 1C until 4.0 V", "Hold at 4.0 V for 900 s"]
    kwargs = {"initial_soc": 0.3, "period": 30.0, **TIGHT}
    ds = cellsim.simulate(cell, protocol, inputs=VALUES, sensitivities=NAMES, **kwargs)
    charge = ds.where(ds.step == 0, drop=True)
    hold = ds.where(ds.step == 1, drop=True)
    current = abs(float(charge.current[-1]))
    for name in NAMES:
        (up, down), width = finite_difference(cell, protocol, name, 1e-2, **kwargs)
        # the charge's end: d t_end = d Q_end / I (A.h -> s)
        ends = [float(r.time.where(r.step == 0, drop=True)[-1]) for r in (up, down)]
        fd_end = (ends[0] - ends[1]) / width
        exact_end = -3600.0 * float(charge.discharge_capacity_sensitivity.sel(input=name)[-1])
        # s per 100 % change; the finite difference's end times are each ~1e-3 s off
        per_relative = (exact_end / current * VALUES[name], fd_end * VALUES[name])
        assert per_relative[0] == pytest.approx(per_relative[1], rel=0.02, abs=0.1), name
        # the hold's current at fixed times since the hold began
        exact = hold.current_sensitivity.sel(input=name).values
        since = hold.time.values - hold.time.values[0]
        moved = []
        for run in (up, down):
            h = run.where(run.step == 1, drop=True)
            moved.append(np.interp(since, h.time.values - h.time.values[0], h.current.values))
        fd = (moved[0] - moved[1]) / width
        inner = slice(1, -1)  # the first and last outputs sit on the step changes
        scale = np.max(np.abs(exact[inner]))
        assert np.max(np.abs(exact[inner] - fd[inner])) <= 0.02 * scale, name


def test_sensitivities_need_the_casadi_core_and_inputs(cell):
    with pytest.raises(ParameterError, match="solver='casadi'"):
        cellsim.simulate(cell, "Rest for 10 s", inputs=VALUES, sensitivities=NAMES, solver="idaklu")
    with pytest.raises(ParameterError, match="not among the inputs"):
        cellsim.simulate(
            cell, "Rest for 10 s", sensitivities=["Electrode height [m]"], solver="casadi"
        )


def test_an_initial_state_moved_by_the_input_is_refused(cell):
    """At an initial SOC the state is set outside the model from the inputs' values: a
    sensitivity to an input that moves it would miss that, so it is refused."""
    name = "Negative electrode active material volume fraction"
    with pytest.raises(ParameterError, match=r"initial state at initial_soc=0\.5 depends on"):
        cellsim.simulate(
            cell,
            "Rest for 10 s",
            inputs={name: 0.75},
            sensitivities=[name],
            initial_soc=0.5,
            solver="casadi",
        )

"""Real solves: agreement with PyBaMM, the result schema, netCDF, physics, bad input."""

import numpy as np
import pybamm
import pytest
import xarray as xr

import cellsim
from cellsim import Cell, ProtocolError, SolverError
from cellsim.solvers._base import IntegrationError
from cellsim.testing import assert_result_schema

RTOL, ATOL = 1e-6, 1e-6


@pytest.fixture(params=["idaklu", "casadi"])
def solver(request):
    """Both stiff-core backends: each protocol behaviour must hold on either."""
    return request.param


@pytest.fixture(scope="module")
def dfn_discharge():
    return cellsim.simulate(Cell("Chen2020", model="DFN"), "Discharge at 1C until 2.5 V")


def test_dfn_1c_discharge_capacity_and_agreement_with_pybamm(dfn_discharge):
    """Chen2020 DFN at 1C delivers 4.8-5.1 A.h and matches PyBaMM's own solve."""
    ours = dfn_discharge
    capacity = float(ours["discharge_capacity"][-1])
    assert 4.8 <= capacity <= 5.1

    sim = pybamm.Simulation(
        pybamm.lithium_ion.DFN(),
        parameter_values=pybamm.ParameterValues("Chen2020"),
        solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL),
    )
    sol = sim.solve([0, 4000])
    ref_capacity = sol["Discharge capacity [A.h]"].entries[-1]
    # capacity: both end on the 2.5 V event; agree to a few solver tolerances
    assert abs(capacity - ref_capacity) <= 5 * (ATOL + RTOL * ref_capacity) * 10
    # voltage on our time grid, interpolated from PyBaMM's dense output
    t = ours["time"].values
    ref_v = np.interp(t, sol.t, sol["Voltage [V]"].entries)
    err = np.abs(ours["voltage"].values - ref_v) / (ATOL + RTOL * np.abs(ref_v))
    # interpolation between PyBaMM's output points adds error near the knee: 1 mV bound
    assert np.max(np.abs(ours["voltage"].values - ref_v)[t < 0.95 * t[-1]]) < 1e-3, err.max()


def test_result_schema_and_netcdf_round_trip(dfn_discharge, tmp_path):
    assert_result_schema(dfn_discharge)
    assert dfn_discharge.attrs["sign_convention"] == "current > 0 is discharge"
    path = tmp_path / "result.nc"
    dfn_discharge.to_netcdf(path)
    back = xr.load_dataset(path)
    xr.testing.assert_identical(back, dfn_discharge)
    assert Cell.from_json(back.attrs["cell"]) == Cell("Chen2020", model="DFN")


def test_cc_discharge_physics(dfn_discharge):
    ds = dfn_discharge
    v = ds["voltage"].values
    assert np.all(np.diff(v) <= 1e-6), "voltage must not rise under constant-current discharge"
    # charge conservation: discharge capacity is the time integral of the current
    q = ds["discharge_capacity"].values
    integral = (
        np.concatenate(
            [
                [0.0],
                np.cumsum(
                    0.5
                    * (ds["current"].values[1:] + ds["current"].values[:-1])
                    * np.diff(ds["time"].values)
                ),
            ]
        )
        / 3600
    )
    assert np.allclose(q, integral, rtol=1e-6, atol=1e-9)
    # the cut-off, located to the integrators' tolerance (rtol 1e-6 of 2.5 V)
    assert float(v[-1]) == pytest.approx(2.5, abs=5e-6)
    assert np.all(ds["ocv"].values > v)


def test_cycle_protocol_steps_and_cv_taper(solver):
    cell = Cell("Chen2020", model="SPM")
    protocol = cellsim.Protocol(
        [
            "Discharge at 1C until 3.0 V",
            "Rest for 10 minutes",
            "Charge at 0.5C until 4.2 V",
            "Hold at 4.2 V until C/50",
        ],
        cycles=2,
    )
    ds = cellsim.simulate(cell, protocol, initial_soc=1.0, solver=solver)
    assert set(np.unique(ds["cycle"].values)) == {1, 2}
    assert set(np.unique(ds["step"].values)) == {0, 1, 2, 3}
    hold = ds.where((ds.step == 3) & (ds.cycle == 1), drop=True)
    assert np.allclose(hold["voltage"].values, 4.2, atol=1e-5)
    assert float(hold["current"][-1]) == pytest.approx(-cell_capacity(cell) / 50, rel=1e-6)
    rest = ds.where(ds.step == 1, drop=True)
    assert np.all(rest["current"].values == 0)
    assert ds.attrs["safety_stops"] == "[]"
    # the state carries over: time and charge are continuous across steps
    assert np.all(np.diff(ds["time"].values) > 0)
    key = ds["cycle"].values * 10 + ds["step"].values
    starts = np.flatnonzero(np.diff(key)) + 1
    q = ds["discharge_capacity"].values
    assert np.all(np.abs(q[starts] - q[starts - 1]) < 1e-9)


def cell_capacity(cell):
    return float(pybamm.ParameterValues(cell.parameter_set)["Nominal cell capacity [A.h]"])


def test_power_and_capacity_steps(solver):
    cell = Cell("Chen2020", model="SPM")
    steps = ["Discharge at 10 W for 10 minutes", "Discharge at 1C until 0.5 A.h"]
    ds = cellsim.simulate(cell, steps, initial_soc=1.0, solver=solver)
    first = ds.where(ds.step == 0, drop=True)
    assert np.allclose(first["power"].values, 10.0, rtol=1e-6)
    second = ds.where(ds.step == 1, drop=True)
    q = second["discharge_capacity"].values
    assert q[-1] - q[0] == pytest.approx(0.5, rel=1e-6)


def test_current_profile_is_held_per_sample(solver):
    cell = Cell("Chen2020", model="SPM")
    profile = cellsim.CurrentProfile(time=[0, 60, 120, 180], values=[5.0, -2.0, 1.0, 0.0])
    ds = cellsim.simulate(cell, profile, initial_soc=0.8, solver=solver)
    q = float(ds["discharge_capacity"][-1])
    assert q == pytest.approx((5.0 - 2.0 + 1.0) * 60 / 3600, rel=1e-6)


def test_second_simulate_reuses_the_built_model():
    cell = Cell("Chen2020", model="SPM", overrides={"Electrode height [m]": 0.065})
    cellsim.simulate(cell, "Discharge at 1C for 1 minute")
    from cellsim._build import built_model

    built = built_model(cell)
    model = built.model("current")
    cellsim.simulate(cell, "Discharge at 2C for 1 minute")
    assert built_model(cell) is built
    assert built.model("current") is model


def test_varying_a_parameter_as_input_changes_the_result_without_rebuild():
    cell = Cell("Chen2020", model="SPM")
    name = "Electrode height [m]"
    small = cellsim.simulate(cell, "Discharge at 5 A until 3.0 V", inputs={name: 0.060})
    large = cellsim.simulate(cell, "Discharge at 5 A until 3.0 V", inputs={name: 0.070})
    assert float(large["discharge_capacity"][-1]) > float(small["discharge_capacity"][-1])


def test_cutoff_already_crossed_is_a_protocol_error_naming_the_step(solver):
    cell = Cell("Chen2020", model="SPM")
    steps = ["Discharge at 1C for 10 minutes", "Discharge at 1C until 4.1 V"]
    with pytest.raises(ProtocolError, match=r"step 1 \('Discharge at 1C until 4.1 V'\)"):
        cellsim.simulate(cell, steps, solver=solver)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"initial_soc": 1.5}, "initial_soc"),
        ({"rtol": 0.0}, "rtol"),
        ({"solver": "idaclu"}, "idaklu"),
        ({"inputs": {"Electrode heigth [m]": 0.06}}, "Electrode height"),
        ({"period": -1.0}, "period"),
    ],
)
def test_bad_simulate_arguments(kwargs, match):
    with pytest.raises(cellsim.CellsimError, match=match):
        cellsim.simulate(Cell("Chen2020", model="SPM"), "Rest for 1 minute", **kwargs)


@pytest.mark.parametrize("solver", ["casadi", "idaklu"])
def test_solver_failure_keeps_what_was_computed(monkeypatch, solver):
    """A failure in a later step raises SolverError with the earlier steps attached."""
    from cellsim.solvers import backend_class

    backend = backend_class(solver)
    real = backend.advance
    calls = {"n": 0}

    def failing(self, state, duration, inputs, period):
        calls["n"] += 1
        if calls["n"] == 3:
            raise IntegrationError("injected failure")
        return real(self, state, duration, inputs, period)

    monkeypatch.setattr(backend, "advance", failing)
    with pytest.raises(SolverError) as err:
        cellsim.simulate(
            Cell("Chen2020", model="SPM"),
            ["Discharge at 1C for 5 minutes", "Rest for 5 minutes", "Charge at 1C for 5 minutes"],
            solver=solver,
        )
    partial = err.value.partial
    assert "step 2" in str(err.value)
    assert set(np.unique(partial["step"].values)) == {0, 1}
    assert float(partial["time"][-1]) == pytest.approx(600.0)
    assert_result_schema(partial)

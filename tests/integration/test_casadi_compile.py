"""The CasADi core's compiled DAE: same answers as CasADi's virtual machine, and a
plain fallback where no C compiler runs.

The rest of the suite runs the core interpreted (``CELLSIM_COMPILE=0`` in conftest):
compiling each of its models would add minutes; these tests compile explicitly.
"""

import logging
import uuid

import casadi
import numpy as np
import pytest

import cellsim
from cellsim import Cell
from cellsim.solvers._casadi_core import _dae_function, compiled

CYCLE = cellsim.Protocol(
    ["Discharge at 1C until 3.0 V", "Charge at 0.5C until 4.1 V", "Hold at 4.1 V until C/20"],
    cycles=2,
)


def run(compile_dae: bool):
    return cellsim.simulate(
        Cell("Chen2020", model="SPM"),
        CYCLE,
        initial_soc=0.9,
        solver="casadi",
        solver_options={"compile": compile_dae},
    )


def test_compiled_and_interpreted_cycles_agree(tmp_path, monkeypatch):
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    monkeypatch.setenv("CELLSIM_CACHE_DIR", str(tmp_path / "built"))  # nothing built either
    cellsim.clear_cache()
    interpreted, machine_code = run(False), run(True)
    # Compiled: one library per control mode (current; voltage via the stiff current).
    assert len(list(tmp_path.glob("*.so"))) == 2
    ends = [d.groupby(d.cycle * 10 + d.step).last() for d in (interpreted, machine_code)]
    # Same equations and operations; only the Jacobian's rounding differs (it steers the
    # Newton iterations, not the solution), so the step ends agree far inside the
    # integrators' tolerance (rtol 1e-6): 1e-8 A.h of 5 A.h, 1e-7 V.
    np.testing.assert_allclose(
        ends[1].discharge_capacity.values, ends[0].discharge_capacity.values, atol=1e-8 * 5
    )
    np.testing.assert_allclose(ends[1].voltage.values, ends[0].voltage.values, atol=1e-7)
    assert float(machine_code.time[-1]) == pytest.approx(float(interpreted.time[-1]), abs=1e-3)


def test_compiled_sensitivities_agree_with_interpreted(tmp_path, monkeypatch):
    """A core built for sensitivities compiles the derivatives CasADi's sensitivity
    equations call (fwd1_/jac_fwd1_ of the DAE) into its library; its sensitivities
    are those of the interpreted core to within the integrators' tolerance."""
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    monkeypatch.setenv("CELLSIM_CACHE_DIR", str(tmp_path / "built"))
    cellsim.clear_cache()
    name = "Positive particle diffusivity [m2.s-1]"
    runs = [
        cellsim.simulate(
            Cell("Chen2020", model="SPM"),
            ["Discharge at 1C until 3.2 V", "Hold at 3.2 V for 10 minutes"],
            inputs={name: 4e-15},
            sensitivities=[name],
            solver="casadi",
            period=60.0,
            solver_options={"compile": compile_dae},
        )
        for compile_dae in (False, True)
    ]
    assert len(list(tmp_path.glob("*.so"))) == 2  # current and voltage control
    interpreted, machine_code = (r.voltage_sensitivity.sel(input=name).values for r in runs)
    scale = np.max(np.abs(interpreted))
    assert scale * 4e-15 > 1e-3  # the diffusivity moves the voltage
    np.testing.assert_allclose(machine_code, interpreted, atol=1e-4 * scale)


def _fresh_function():
    """A small SX function no earlier compile has cached (a unique constant)."""
    x = casadi.SX.sym("x", 2)
    scale = 1.0 + uuid.uuid4().int % 1000 / 1e4
    return casadi.Function("cellsim_dae", [x], [scale * x**2])


def test_compiled_function_is_machine_code_with_its_jacobian(tmp_path, monkeypatch):
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    f = _fresh_function()
    g = compiled(f)
    assert g.class_name() == "External"
    x = np.array([0.3, -2.0])
    np.testing.assert_array_equal(np.asarray(g(x)), np.asarray(f(x)))
    # the integrator asks the library for the Jacobian, compiled beside the function
    jac = g.jacobian()
    np.testing.assert_allclose(np.asarray(jac(x, 0)), np.asarray(f.jacobian()(x, 0)))


@pytest.mark.parametrize("plugin", ["cvodes", "idas"])
def test_an_integrator_of_a_compiled_dae_takes_its_newton_matrix_from_the_library(
    plugin, tmp_path, monkeypatch
):
    """Robertson's stiff kinetics, the third species algebraic for IDAS: the integrator
    of the compiled DAE calls the library's ``jacF`` (not CasADi's AD through the
    compiled Jacobian) and ends where the interpreted DAE's integrator does (both at
    rtol 1e-10: measured identical, CVODES and IDAS)."""
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    y = casadi.SX.sym("y", 3)
    k = casadi.SX.sym("k", 3)
    rates = casadi.vertcat(
        -k[0] * y[0] + k[1] * y[1] * y[2],
        k[0] * y[0] - k[1] * y[1] * y[2] - k[2] * y[1] ** 2,
        k[2] * y[1] ** 2,
    )
    t = casadi.SX.sym("t")
    if plugin == "cvodes":
        dae = {"t": t, "x": y, "p": k, "ode": rates}
    else:
        dae = {"t": t, "x": y[:2], "z": y[2], "p": k, "ode": rates[:2], "alg": casadi.sum1(y) - 1}
    interpreted = _dae_function(dae)
    machine_code = compiled(interpreted)
    options = {"abstol": 1e-12, "reltol": 1e-10}
    integrators = [
        casadi.integrator("robertson", plugin, f, 0.0, [1.0, 40.0], options)
        for f in (interpreted, machine_code)
    ]
    assert integrators[1].get_function("jacF").class_name() == "External"
    x0 = [1.0, 0.0] + [0.0] * (plugin == "cvodes")
    ends = [integrator(x0=x0, p=[0.04, 1e4, 3e7]) for integrator in integrators]
    for name in ("xf", "zf"):
        np.testing.assert_allclose(
            np.asarray(ends[1][name]), np.asarray(ends[0][name]), rtol=1e-8, atol=1e-12
        )
    assert float(ends[0]["xf"][0, -1]) == pytest.approx(0.7158, abs=1e-4)  # Robertson at t=40


def test_without_a_compiler_the_function_stays_interpreted(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PYBAMM_CASADI_AOT_CACHE", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine with no gcc on its path
    f = _fresh_function()
    with caplog.at_level(logging.WARNING):
        g = compiled(f)
    assert g.class_name() != "External"
    assert float(g(3.0)[0]) == pytest.approx(float(f(3.0)[0]))
    assert "Failed to compile" in caplog.text

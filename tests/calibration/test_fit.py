"""calibration.fit: recovery of known parameters, joint fits, failures, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import calibration
import cellsim
from calibration import CalibrationError
from calibration._fit_parameters import checked_parameters
from calibration._fit_problem import FAILURE_RESIDUAL, Problem
from calibration._replay import measured

CELL = cellsim.Cell("Chen2020", model="SPM", options={"contact resistance": "true"})
DIFFUSIVITY = "Positive particle diffusivity [m2.s-1]"
RESISTANCE = "Contact resistance [Ohm]"
TRUE = {DIFFUSIVITY: 8e-15, RESISTANCE: 0.012}
BOUNDS = {DIFFUSIVITY: (1e-16, 1e-13), RESISTANCE: (0.0, 0.05)}
START = {DIFFUSIVITY: 4e-15, RESISTANCE: 0.005}
NOISE = 0.002  # V, a cycler's voltage noise


def synthetic(rate: float, temperature: float, seed: int, soc: float = 0.8) -> xr.Dataset:
    """A short pulse and its relaxation from the true cell, sampled every 10 s, with noise."""
    protocol = cellsim.Protocol(
        ["Rest for 30 seconds", f"Discharge at {rate}C for 10 minutes", "Rest for 10 minutes"],
        temperature=temperature,
    )
    ds = cellsim.simulate(CELL.replace(overrides=TRUE), protocol, initial_soc=soc, period=10.0)
    keep = np.append(np.diff(ds.time.values) > 1e-6, True)
    noise = np.random.default_rng(seed).normal(0.0, NOISE, keep.sum())
    return xr.Dataset(
        {
            "current": ("time", ds.current.values[keep]),
            "voltage": ("time", ds.voltage.values[keep] + noise),
            "ambient_temperature": ("time", np.full(keep.sum(), temperature)),
        },
        coords={"time": ds.time.values[keep]},
    )


@pytest.fixture(scope="module")
def joint_fit():
    data = {"1C 25 degC": synthetic(1.0, 298.15, 1), "2C 35 degC": synthetic(2.0, 308.15, 2)}
    return calibration.fit(CELL, data, BOUNDS, initial=START, initial_soc=0.8, profile="all")


def test_known_parameters_recovered_within_their_standard_error(joint_fit):
    p = joint_fit.parameters
    for name, value in TRUE.items():
        best = float(p.best.sel(parameter=name))
        error = float(p.standard_error.sel(parameter=name))
        assert 0 < error < 0.1 * value  # two data sets pin both down to better than 10 %
        # the estimate is within 3 standard errors of the truth (fails by chance 0.3 %
        # of the time for a linear model; the seeds are fixed)
        assert abs(best - value) < 3 * error, (name, best, value, error)


def test_profile_interval_is_the_standard_error_where_the_cost_is_quadratic(joint_fit):
    """Both parameters are well determined (0.6 % and 0.4 %): the cost is quadratic over
    their intervals, so the profile interval must be best +- 1.96 standard errors (the
    same noise estimate, the same chi-square); and it covers the truth."""
    p = joint_fit.parameters
    assert p.attrs["profile_level"] == 0.95
    for name, value in TRUE.items():
        best = float(p.best.sel(parameter=name))
        half = 1.959964 * float(p.standard_error.sel(parameter=name))
        low = float(p.profile_lower.sel(parameter=name))
        high = float(p.profile_upper.sel(parameter=name))
        # the crossing is accepted within 5 % of the threshold (2.5 % of the half-width)
        assert low == pytest.approx(best - half, abs=0.05 * half), name
        assert high == pytest.approx(best + half, abs=0.05 * half), name
        assert low < value < high, (name, low, value, high)
    assert "profile interval" in joint_fit.table()


def test_joint_fit_result_schema(joint_fit):
    p = joint_fit.parameters
    assert list(p.parameter.values) == list(BOUNDS)
    assert list(p.dataset.values) == ["1C 25 degC", "2C 35 degC"]
    assert p.units.sel(parameter=DIFFUSIVITY).item() == "m2.s-1"
    assert p.rmse.attrs["units"] == "V"
    # each curve is fitted down to its noise (2 mV): within 20 % of it
    assert np.all(np.abs(p.rmse.values - NOISE) < 0.2 * NOISE)
    assert np.all(p.rmse_initial.values > 2 * NOISE)
    assert p.attrs["evaluations"] > 0
    assert p.attrs["wall_time"] > 0
    for name in BOUNDS:
        assert joint_fit.cell.overrides[name] == pytest.approx(float(p.best.sel(parameter=name)))
    assert len(joint_fit.residuals) == 2
    for ds, name in zip(joint_fit.residuals, p.dataset.values, strict=True):
        assert ds.attrs["dataset"] == name
        assert ds.residual.attrs["units"] == "V"
        # the RMSE is a time average: each sample weighs half the intervals either side,
        # but none either side of a current step (its voltage may be either side of it)
        dt = np.diff(ds.time.values)
        weight = np.append(dt, 0.0) + np.insert(dt, 0, 0.0)
        steps = np.flatnonzero(np.abs(np.diff(ds.current.values)) > 0.1) + 1
        assert steps.size == 2  # the pulse's start and end
        weight[steps] = weight[steps - 1] = 0.0
        np.testing.assert_allclose(ds.weight.values, weight / weight.sum())
        mean_square = np.sum(ds.weight.values * ds.residual.values**2)
        assert np.sqrt(mean_square) == pytest.approx(ds.attrs["rmse"])
    assert "RMSE" in joint_fit.table()
    assert np.all(p.at_bound.values == 0)  # both recovered inside their bounds


def test_a_best_value_at_its_bound_is_flagged_and_profiled_one_sided():
    """The true resistance (12 mOhm) lies above the bounds given: the fit ends at the
    upper bound, which the table marks and ``at_bound`` records. Its profile interval is
    open at that bound and closed below it where the fit's chi-square has risen by the
    95 % quantile (3.84) over its value at the bound."""
    data = synthetic(1.0, 298.15, 1)
    cell = CELL.replace(overrides={DIFFUSIVITY: TRUE[DIFFUSIVITY]})
    result = calibration.fit(
        cell,
        data,
        {RESISTANCE: (0.0, 0.008)},
        initial={RESISTANCE: 0.004},
        initial_soc=0.8,
        profile="at_bound",
    )
    p = result.parameters
    assert float(p.best.sel(parameter=RESISTANCE)) == pytest.approx(0.008, rel=1e-3)
    assert int(p.at_bound.sel(parameter=RESISTANCE)) == 1
    table = result.table()
    assert ">" in table
    assert "at its lower / upper bound" in table
    assert float(p.profile_upper.sel(parameter=RESISTANCE)) == 0.008
    low = float(p.profile_lower.sel(parameter=RESISTANCE))
    assert 0.0 < low < 0.008
    assert "0.008[" in table
    # the statistic at both ends: each sample weighted by the time it stands for (as
    # the fit weighs it), times the effective number of samples, over the noise variance
    # estimated at the optimum (calibration/_fit_profile.py)
    weights = measured(data, "data", initial_soc=0.8, need_voltage=True).weights
    residual = {}
    for end in (low, 0.008):
        replay = calibration.replay(
            cell.replace(overrides={RESISTANCE: end}), data, initial_soc=0.8
        )
        residual[end] = np.interp(data.time, replay.time, replay.voltage) - data.voltage.values
    optimum = residual[0.008][weights > 0]
    variance = np.sum(optimum**2) / (optimum.size - 1)
    mean_square = {end: np.sum(weights * r**2) for end, r in residual.items()}
    rise = (mean_square[low] - mean_square[0.008]) / np.sum(weights**2) / variance
    # the profile accepts its crossing within 5 % of the threshold
    assert rise == pytest.approx(3.841, rel=0.06)


def test_profile_names_what_it_can_profile():
    data = synthetic(1.0, 298.15, 5)
    with pytest.raises(CalibrationError, match=r"profile 'bounds' is not allowed.*'at_bound'"):
        calibration.fit(CELL, data, BOUNDS, initial_soc=0.8, profile="bounds")
    with pytest.raises(
        CalibrationError, match=r"profile names \['Ambient.*not fitted: allowed are \['Positive"
    ):
        calibration.fit(CELL, data, BOUNDS, initial_soc=0.8, profile=["Ambient temperature [K]"])


def test_plot_writes_a_figure(joint_fit, tmp_path):
    joint_fit.plot(tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 10_000


def test_a_failing_trial_is_a_high_cost_not_a_crash():
    """A contact resistance that drops the voltage below every cut-off at once."""
    data = measured(synthetic(1.0, 298.15, 3), "pulse", initial_soc=0.8, need_voltage=True)
    params = checked_parameters(CELL, {RESISTANCE: (0.0, 50.0)}, {RESISTANCE: 0.01})
    problem = Problem(CELL, [data], params)
    good = problem.cost(np.array([params[0].to_x(0.012)]))
    bad = problem.cost(np.array([params[0].to_x(40.0)]))
    assert problem.failures, "the 40 ohm trial should have failed"
    assert bad > 100 * good
    # every sample the model did not reach costs the failure residual
    raw = problem.raw_residuals({RESISTANCE: 40.0})[0]
    assert np.sum(raw == FAILURE_RESIDUAL) > 10


def test_global_optimiser_survives_failing_trials():
    data = synthetic(1.0, 298.15, 4)
    result = calibration.fit(
        CELL.replace(overrides={DIFFUSIVITY: TRUE[DIFFUSIVITY]}),
        data,
        {RESISTANCE: (0.0, 20.0)},
        method="differential_evolution",
        initial_soc=0.8,
        max_evaluations=8,
    )
    assert "failed" in result.parameters.attrs["stage_0"]
    failed = int(result.parameters.attrs["stage_0"].split(" failed")[0].split()[-1])
    assert failed > 0  # the population spans resistances the cell cannot follow
    best = float(result.parameters.best.sel(parameter=RESISTANCE))
    error = float(result.parameters.standard_error.sel(parameter=RESISTANCE))
    assert abs(best - TRUE[RESISTANCE]) < 3 * error


@pytest.mark.parametrize(
    ("parameters", "kwargs", "match"),
    [
        (
            {"Positive particle diffusivty [m2.s-1]": (1e-16, 1e-13)},
            {},
            r"unknown parameter 'Positive particle diffusivty.*did you mean "
            r"'Positive particle diffusivity \[m2.s-1\]'",
        ),
        (
            {RESISTANCE: (0.02, 0.05)},
            {},
            r"initial value of 'Contact resistance \[Ohm\]', 0, is outside its bounds "
            r"\(0.02, 0.05\)",
        ),
        ({RESISTANCE: (0.05, 0.0)}, {}, r"bounds of 'Contact resistance.*lower < upper"),
        ({RESISTANCE: "low"}, {}, r"bounds of 'Contact resistance.*two numbers"),
        (
            {"Positive electrode exchange-current density [A.m-2]": (1.0, 10.0)},
            {},
            r"is a function, not a number",
        ),
        ({RESISTANCE: (0.0, 0.05)}, {"method": "newton"}, r"method 'newton' is unknown"),
        ({RESISTANCE: (0.0, 0.05)}, {"initial": {DIFFUSIVITY: 1e-15}}, r"not among the fitted"),
    ],
)
def test_bad_parameters_name_what_is_wrong(parameters, kwargs, match):
    with pytest.raises(CalibrationError, match=match):
        calibration.fit(CELL, synthetic(1.0, 298.15, 5), parameters, initial_soc=0.8, **kwargs)


def test_data_too_short_to_identify_a_parameter():
    """Ten seconds of rest: the particle diffusivity leaves no trace in the voltage."""
    data = synthetic(1.0, 298.15, 6).isel(time=slice(0, 3))
    with pytest.raises(
        CalibrationError, match=r"do not identify 'Positive particle diffusivity.*too short"
    ):
        calibration.fit(CELL, data, {DIFFUSIVITY: (1e-16, 1e-13)}, initial_soc=0.8)


def test_data_without_voltage_or_with_mismatched_socs():
    data = synthetic(1.0, 298.15, 7)
    with pytest.raises(CalibrationError, match=r"data set 'data' has no 'voltage'"):
        calibration.fit(CELL, data.drop_vars("voltage"), BOUNDS, initial_soc=0.8)
    with pytest.raises(CalibrationError, match=r"initial_soc has 2 values for 1 data sets"):
        calibration.fit(CELL, [data], BOUNDS, initial_soc=[0.8, 0.8])
    with pytest.raises(CalibrationError, match=r"data must be an xarray.Dataset"):
        calibration.fit(CELL, "cell.csv", BOUNDS)


def test_result_datasets_round_trip_netcdf(joint_fit, tmp_path):
    """The parameter table and the residuals write to netCDF3 and read back equal."""
    for k, ds in enumerate([joint_fit.parameters, *joint_fit.residuals]):
        path = tmp_path / f"fit{k}.nc"
        ds.to_netcdf(path, engine="scipy")
        with xr.open_dataset(path, engine="scipy") as back:
            xr.testing.assert_identical(back.load(), ds)


def test_per_sample_weighting_fits_what_a_per_sample_rmse_sees():
    """A data set logged ten times as densely over the last minutes of its discharge (as
    cyclers log a knee) and a model that cannot fit the whole discharge (the contact
    resistance is fitted, the diffusivity held at half the truth, so the error grows
    through the discharge): weighting every sample alike gives the lower per-sample RMSE,
    weighting by time the lower time-averaged one. Least squares minimises the cost it
    is given, so each weighting must win its own reading."""
    data = synthetic(2.0, 298.15, 3)
    t = data.time.values
    end_of_discharge = 30.0 + 600.0
    dense = np.arange(end_of_discharge - 180.0, end_of_discharge - 1.0, 1.0)
    resampled = data.interp(time=np.union1d(t, dense))
    held_wrong = CELL.replace(overrides={DIFFUSIVITY: 0.5 * TRUE[DIFFUSIVITY]})
    bounds = {RESISTANCE: BOUNDS[RESISTANCE]}
    fits = {
        w: calibration.fit(held_wrong, resampled, bounds, initial_soc=0.8, weighting=w)
        for w in ("time", "samples")
    }
    by_time, by_sample = (fits[w].parameters for w in ("time", "samples"))
    assert by_time.attrs["weighting"] == "time"
    assert float(by_sample.best[0]) != pytest.approx(float(by_time.best[0]), rel=1e-3)
    assert float(by_sample.rmse_samples[0]) < float(by_time.rmse_samples[0])
    assert float(by_time.rmse[0]) < float(by_sample.rmse[0])
    with pytest.raises(CalibrationError, match="weighting 'area' is unknown"):
        calibration.fit(held_wrong, resampled, bounds, initial_soc=0.8, weighting="area")

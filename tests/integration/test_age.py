"""The lifecycle engine: per-cycle results, checkpoint and resume, bad input."""

import numpy as np
import pytest

import cellsim
from cellsim import Cell, ParameterError

CELL = Cell("OKane2022", model="SPM", options={"SEI": "solvent-diffusion limited"})
DUTY = ["Discharge at 1C until 3.0 V", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until C/20"]


@pytest.fixture(scope="module")
def six_cycles():
    return cellsim.age(CELL, DUTY, cycles=6, initial_soc=1.0, progress=False)


def test_per_cycle_result(six_cycles):
    ds = six_cycles
    assert list(ds.cycle.values) == [1, 2, 3, 4, 5, 6]
    for name, units in [("capacity", "A.h"), ("soh", "1"), ("lli", "percent"), ("time", "s")]:
        assert ds[name].attrs["units"] == units
    assert ds.soh.values[0] == 1.0
    # SEI growth consumes lithium every cycle: inventory lost grows, capacity fades
    assert np.all(np.diff(ds.lli.values) > 0)
    assert ds.capacity.values[-1] < ds.capacity.values[1]
    assert np.all((ds.energy_efficiency > 0.8) & (ds.energy_efficiency < 1.0))
    assert np.all(ds.resistance > 0)
    assert np.all(np.diff(ds.time.values) > 0)
    assert ds.attrs["method"] == "full"
    assert int(ds.simulated.sum()) == 6


def test_each_mechanism_is_recorded_per_cycle(six_cycles):
    """SEI is the only lithium sink of this cell: the capacity it has taken (A.h) grows
    in step with the lithium inventory lost (%), their ratio the cell's cyclable
    lithium / 100, the same every cycle; plating is off and takes nothing."""
    ds = six_cycles
    assert ds.sei_capacity_loss.attrs["units"] == "A.h"
    sei = ds.sei_capacity_loss.values
    assert np.all(np.diff(sei) > 0)
    ratio = np.diff(sei) / np.diff(ds.lli.values)
    np.testing.assert_allclose(ratio, ratio.mean(), rtol=1e-6)
    assert 3.0 < 100 * ratio.mean() < 12.0  # A.h: cyclable lithium of a 5 A.h LG M50
    np.testing.assert_array_equal(ds.plating_capacity_loss.values, 0.0)


def test_a_run_from_its_checkpoint_ends_identical(six_cycles, tmp_path):
    path = tmp_path / "run.ckpt"
    first = cellsim.age(CELL, DUTY, cycles=3, initial_soc=1.0, progress=False, checkpoint=path)
    assert path.exists()
    assert list(first.cycle.values) == [1, 2, 3]
    # the same checkpoint with a longer run is another run: refused, named
    with pytest.raises(ParameterError, match="cycles"):
        cellsim.age(CELL, DUTY, cycles=6, initial_soc=1.0, progress=False, checkpoint=path)
    # so is one with other solver options (compiled vs interpreted differ at ~1e-9)
    with pytest.raises(ParameterError, match="solver_options"):
        cellsim.age(
            CELL,
            DUTY,
            cycles=3,
            initial_soc=1.0,
            progress=False,
            checkpoint=path,
            solver_options={"compile": True},
        )
    # resuming a finished run's checkpoint gives the same result without solving again
    again = cellsim.age(CELL, DUTY, cycles=3, initial_soc=1.0, progress=False, checkpoint=path)
    np.testing.assert_array_equal(again.capacity.values, first.capacity.values)
    np.testing.assert_array_equal(first.capacity.values, six_cycles.capacity.values[:3])


def test_resume_after_a_kill_is_identical(six_cycles, tmp_path, monkeypatch):
    """Kill the run (an exception) in cycle 5 after a checkpoint at cycle 3; resume."""
    import cellsim._age as age_module

    path = tmp_path / "killed.ckpt"
    monkeypatch.setattr(age_module, "CHECKPOINT_EVERY", 0.0)  # save after every cycle
    real = age_module._one_cycle

    def killed(runner, run, number, position):
        if number == 5:
            raise KeyboardInterrupt
        return real(runner, run, number, position)

    monkeypatch.setattr(age_module, "_one_cycle", killed)
    with pytest.raises(KeyboardInterrupt):
        cellsim.age(CELL, DUTY, cycles=6, initial_soc=1.0, progress=False, checkpoint=path)
    monkeypatch.setattr(age_module, "_one_cycle", real)
    resumed = cellsim.age(CELL, DUTY, cycles=6, initial_soc=1.0, progress=False, checkpoint=path)
    np.testing.assert_array_equal(resumed.capacity.values, six_cycles.capacity.values)
    np.testing.assert_array_equal(resumed.lli.values, six_cycles.lli.values)


def test_a_solver_failure_in_cycle_n_returns_the_cycles_before_it(six_cycles, monkeypatch):
    """The issue's rule: an integrator failure in cycle 4 (the runner's SolverError,
    which names the cycle and step) ends the run with cycles 1-3 as an uninterrupted run
    has them and the failure in ``attrs["stopped"]``; in cycle 1 there is nothing to
    return, and the error is raised."""
    import cellsim._age as age_module
    from cellsim import SolverError

    real = age_module._one_cycle

    def failing_at(cycle):
        def one_cycle(runner, run, number, position):
            if number == cycle:
                raise SolverError(f"cycle {number}, step 0: the casadi solver failed: test")
            return real(runner, run, number, position)

        return one_cycle

    monkeypatch.setattr(age_module, "_one_cycle", failing_at(4))
    ds = cellsim.age(CELL, DUTY, cycles=6, initial_soc=1.0, progress=False)
    assert list(ds.cycle.values) == [1, 2, 3]
    np.testing.assert_array_equal(ds.capacity.values, six_cycles.capacity.values[:3])
    assert ds.attrs["stopped"] == "cycle 4, step 0: the casadi solver failed: test"
    monkeypatch.setattr(age_module, "_one_cycle", failing_at(1))
    with pytest.raises(SolverError, match="cycle 1, step 0"):
        cellsim.age(CELL, DUTY, cycles=6, initial_soc=1.0, progress=False)


def test_an_extrapolated_run_resumed_after_a_kill_is_identical(tmp_path, monkeypatch):
    """The checkpoint carries what the next jump needs from the last (its length, the
    controller's last error, the slopes Heun's own error is measured with): killed in
    the third jump's first cycle, before it has measured the second's, and resumed, the
    run ends identical (resumed without the controller's last error, it did not)."""
    import cellsim._age as age_module

    kwargs = {"cycles": 200, "initial_soc": 1.0, "progress": False, "method": "extrapolate"}
    whole = cellsim.age(CELL, DUTY, **kwargs)
    path = tmp_path / "killed.ckpt"
    monkeypatch.setattr(age_module, "CHECKPOINT_EVERY", 0.0)  # save after every step
    real, calls = age_module._one_cycle, []

    def killed(runner, run, number, position):
        calls.append(number)
        if len(calls) == 9:  # cycles 1, 2; jumps of 3 (kept, trial, relaxing) from 2, 9
            raise KeyboardInterrupt
        return real(runner, run, number, position)

    monkeypatch.setattr(age_module, "_one_cycle", killed)
    with pytest.raises(KeyboardInterrupt):
        cellsim.age(CELL, DUTY, checkpoint=path, **kwargs)
    monkeypatch.setattr(age_module, "_one_cycle", real)
    resumed = cellsim.age(CELL, DUTY, checkpoint=path, **kwargs)
    for name in ("capacity", "lli", "simulated", "time"):
        np.testing.assert_array_equal(resumed[name].values, whole[name].values)


def test_extrapolation_stays_within_the_allowance_of_the_full_run(monkeypatch):
    import cellsim._age as age_module

    landings = []
    jump_to = age_module._Run.jump_to

    def spy(run, cycle, position):
        landings.append(cycle)
        jump_to(run, cycle, position)

    monkeypatch.setattr(age_module._Run, "jump_to", spy)
    full = cellsim.age(CELL, DUTY, cycles=40, initial_soc=1.0, progress=False)
    fast = cellsim.age(CELL, DUTY, cycles=40, initial_soc=1.0, progress=False, method="extrapolate")
    # the cycle after a landing starts from extrapolated fast states: run, never recorded
    recorded = set(fast.cycle.values[fast.simulated.values == 1])
    assert landings
    assert not recorded & {n + 1 for n in landings}
    lost_full = full.capacity.values[0] - full.capacity.values
    lost_fast = fast.capacity.values[0] - fast.capacity.values
    allowed = np.maximum(0.05 * np.abs(lost_full), 5e-4 * full.capacity.values[0])
    assert np.all(np.abs(lost_fast - lost_full) <= allowed)
    # ... and it does jump: SEI growth slows as 1/sqrt(t), so after the first cycles
    # the jumps grow (6 of 40 cycles simulated, 12 integrated, when measured).
    assert fast.attrs["cycles_simulated"] <= 20
    assert fast.attrs["cycles_integrated"] >= fast.attrs["cycles_simulated"] + len(landings)
    assert fast.simulated.values[:3].all()
    assert fast.simulated.values[-1]


def test_the_extrapolation_tolerance_defaults_to_the_chemistry_s():
    """The lithium-ion default (0.5, docs/physics/ageing.md) is what a run without
    ``rtol=`` uses and records; ``rtol=`` overrides it."""
    from cellsim._chemistry import chemistry_for

    default = chemistry_for(CELL.parameter_set).extrapolation_rtol
    kwargs = {"cycles": 2, "initial_soc": 1.0, "progress": False, "method": "extrapolate"}
    assert cellsim.age(CELL, DUTY, **kwargs).attrs["extrapolation_rtol"] == default == 0.5
    assert cellsim.age(CELL, DUTY, rtol=0.1, **kwargs).attrs["extrapolation_rtol"] == 0.1
    assert chemistry_for("zinc_bromine_static").extrapolation_rtol < default


def test_cycles_between_kept_ones_are_interpolated_by_shape():
    """Exact at the simulated cycles, monotone where they are, and closer than a straight
    line to a fade like SEI's (a square root of the cycle number) between the cycles an
    extrapolated run of OKane2022's SPMe with SEI keeps (measured: 0.29x its largest
    error, 0.13x before the last, longest jump)."""
    from cellsim._age import _interpolate

    real = np.array([1, 2, 3, 10, 18, 34, 58, 97, 158, 253, 402, 636, 1000], dtype=float)
    cycle = np.arange(1, 1001)
    fade = 5.0 - 0.01 * np.sqrt(cycle)
    kept = fade[real.astype(int) - 1]
    out = _interpolate(cycle, real, kept)
    np.testing.assert_array_equal(out[real.astype(int) - 1], kept)
    assert np.all(np.diff(out) < 0)
    error, linear = np.abs(out - fade), np.abs(np.interp(cycle, real, kept) - fade)
    assert error.max() < 0.35 * linear.max()
    assert error[:636].max() < 0.2 * linear[:636].max()
    # a value that is not finite: a straight line
    kept[3] = np.nan
    np.testing.assert_array_equal(_interpolate(cycle, real, kept), np.interp(cycle, real, kept))


def test_a_jump_the_solver_cannot_follow_is_retried_shorter(monkeypatch):
    """A trial cycle from a predicted state that fails (a state beyond where the model
    holds) rejects the jump, like a large error: the run goes on, never stopped, and
    the failed cycle counts among those integrated."""
    import cellsim._age as age_module

    real, failed, calls = age_module._one_cycle, [], []

    class Failing:
        def cycle(self, *args):
            raise cellsim.SolverError("the trial cycle failed")

    def first_trial_fails(runner, run, number, position):
        calls.append(number)
        if run.done >= 3 and number > run.done + 2 and not failed:
            failed.append(number)
            return real(Failing(), run, number, position)
        return real(runner, run, number, position)

    monkeypatch.setattr(age_module, "_one_cycle", first_trial_fails)
    fast = cellsim.age(CELL, DUTY, cycles=40, initial_soc=1.0, progress=False, method="extrapolate")
    assert failed
    assert fast.attrs["stopped"] == ""
    assert list(fast.cycle.values) == list(range(1, 41))
    assert fast.attrs["cycles_simulated"] < 40
    assert fast.attrs["cycles_integrated"] == len(calls)


def test_a_landing_below_zero_is_tried_again_half_as_long(monkeypatch):
    """A landing that takes a state below zero where the jump's real cycles all have it
    above leaves the states' domain: the jump is tried again half as long (its trial
    cycle comes next; no relaxing cycle from the landing)."""
    import cellsim._age as age_module

    y = np.array([1.0, -0.1, -0.1, -0.1, 0.5])
    r, k, t = (np.array([1.0, 0.2, 0.0, 0.2, 0.5]) * f for f in (1.0, 0.9, 0.8))
    judged = np.array([True, True, True, False, True])
    assert age_module._leaves_domain(y, (r, k, t), judged)  # the second entry
    judged[1] = False  # the third was zero in a real cycle, the fourth is not judged
    assert not age_module._leaves_domain(y, (r, k, t), judged)

    real_cycle, real_check = age_module._one_cycle, age_module._leaves_domain
    calls, flagged = [], []

    def one_cycle(runner, run, number, position):
        calls.append((run.done, number))
        return real_cycle(runner, run, number, position)

    def first_landing_leaves(y, real, judged):
        if not flagged and calls[-1][0] >= 3:
            flagged.append(calls[-1])
            return True
        return real_check(y, real, judged)

    monkeypatch.setattr(age_module, "_one_cycle", one_cycle)
    monkeypatch.setattr(age_module, "_leaves_domain", first_landing_leaves)
    fast = cellsim.age(CELL, DUTY, cycles=60, initial_soc=1.0, progress=False, method="extrapolate")
    (done, trial), retry = flagged[0], calls[calls.index(flagged[0]) + 1]
    h = trial - done - 1
    assert retry == (done, done + max(2, int(h * age_module.OUT_OF_DOMAIN_FACTOR)) + 1)
    assert fast.attrs["stopped"] == ""
    assert list(fast.cycle.values) == list(range(1, 61))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cycles": 0}, "cycles"),
        ({"cycles": 2, "years": 1}, "exactly one"),
        ({"cycles": 2, "method": "fast"}, "method"),
        ({"cycles": 2, "rtol": 2.0}, "rtol"),
        ({"years": -1}, "years"),
    ],
)
def test_bad_age_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        cellsim.age(CELL, DUTY, progress=False, **kwargs)


def test_a_duty_the_cell_cannot_follow_is_a_protocol_error():
    with pytest.raises(cellsim.ProtocolError, match="step 1"):
        cellsim.age(CELL, ["Discharge at 1C until 3.0 V", "Discharge at 1C until 3.5 V"], cycles=2)


def test_duties_are_one_day_protocols():
    from cellsim import duties

    day = duties.peak_shaving(power=10.0, capacity=5.0, depth_of_discharge=0.8)
    assert day.cycles == 1
    ds = cellsim.simulate(CELL, day, initial_soc=0.5)
    discharge = ds.where(ds.step == 3, drop=True)  # after the recharge and a rest
    delivered = discharge.discharge_capacity[-1] - discharge.discharge_capacity[0]
    assert float(delivered) == pytest.approx(4.0, rel=1e-5)
    assert float(ds.time[-1]) == pytest.approx(86400.0, rel=0.2)
    with pytest.raises(ParameterError, match="depth_of_discharge"):
        duties.peak_shaving(power=10.0, capacity=5.0, depth_of_discharge=1.5)
    regulation = duties.frequency_regulation(power=5.0, hours=1.0)
    assert regulation.steps[0].values[-1] == 0.0


def test_years_count_cycles_by_the_duty_not_the_first_cycle():
    """From half full the first cycle (discharge to 3 V, recharge) is shorter than the
    duty's own; a year is counted by the second cycle's length."""
    ds = cellsim.age(CELL, DUTY, years=0.02, initial_soc=0.5, progress=False)
    first, length = ds.time.values[0], ds.time.values[1] - ds.time.values[0]
    assert first < 0.9 * length
    assert ds.cycle.size == int(np.ceil(0.02 * 365.25 * 86400 / length))


def test_a_first_step_beyond_its_cutoff_names_the_initial_state():
    with pytest.raises(cellsim.ProtocolError, match="initial state: give initial_soc="):
        cellsim.age(CELL, ["Charge at 1C until 4.0 V", *DUTY], cycles=2, progress=False)


def test_inputs_age_one_model_for_cells_that_differ():
    """A parameter passed as an input gives the run of the cell rebuilt with that value
    (its initial_soc state computed with it: a thinner positive electrode changes the
    stoichiometries of 60 % SOC), to the integrator's tolerance."""
    fraction = "Positive electrode active material volume fraction"
    cell = Cell("OKane2022", model="SPM", options={"SEI": "solvent-diffusion limited"})
    kwargs = {"cycles": 2, "initial_soc": 0.6, "progress": False}
    varied = cellsim.age(cell, DUTY, inputs={fraction: 0.6}, **kwargs)
    rebuilt = cellsim.age(cell.replace(overrides={fraction: 0.6}), DUTY, **kwargs)
    base = cellsim.age(cell, DUTY, **kwargs)
    # two models (a constant vs an input), two step sequences: agreement at the level of
    # the integrator's rtol 1e-6 (energies are trapezoids over its output points)
    for name in ("capacity", "energy_efficiency", "time"):
        np.testing.assert_allclose(varied[name].values, rebuilt[name].values, rtol=1e-5)
    # lli is a percentage of the lithium inventory: 1e-6 % is 1e-8 of it
    np.testing.assert_allclose(varied["lli"].values, rebuilt["lli"].values, rtol=0, atol=1e-6)
    assert varied["capacity"].values[1] < 0.99 * base["capacity"].values[1]  # it did vary

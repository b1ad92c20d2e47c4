"""calibration.load on real cycler files: formats, units, sign of current, bad input."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from shared_data import data_file

import calibration
from cellsim import DataFormatError

CYCLERS = "cycler_formats"


def coulombs(ds: xr.Dataset, mask: np.ndarray) -> float:
    """A.h passed (> 0 discharged) over consecutive samples that are both in ``mask``."""
    t, i = ds.time.values, ds.current.values
    pair = mask[1:] & mask[:-1]
    return float(np.sum(np.where(pair, 0.5 * (i[1:] + i[:-1]) * np.diff(t), 0.0)) / 3600.0)


def in_step(ds: xr.Dataset, step: int, cycle: int | None = None) -> np.ndarray:
    mask = ds.step.values == step
    if cycle is not None:
        mask &= ds.cycle.values == cycle
    assert mask.sum() >= 2, f"step {step} (cycle {cycle}) has fewer than two samples"
    return mask


def logged_charge(capacity: np.ndarray) -> float:
    """A.h a step's capacity counter logs: its moves in the step's direction, summed, so
    that a counter reset within the step (the BDF reference file has one) is skipped."""
    dq = np.diff(capacity)
    direction = np.sign(np.median(dq[dq != 0]))
    return float(np.sum(dq[dq * direction > 0]) * direction)


@dataclass(frozen=True)
class Case:
    """A real file, the format it must be detected as, and one step to check against the
    file's own capacity column."""

    file: str
    format: str
    read_raw: Callable[[Path], pd.DataFrame]
    step_column: str | None  # raw column with the step number (None: the loaded step)
    step: int
    cycle: int | None
    capacity: str  # raw capacity column
    scale: float  # capacity unit in A.h
    discharge: bool  # whether that step discharges
    temperature: bool


def _csv(**kwargs: object) -> Callable[[Path], pd.DataFrame]:
    return lambda path: pd.read_csv(path, **kwargs)


CASES = [
    Case(
        "battery_data_toolkit/arbin_example.csv",
        "arbin",
        _csv(),
        "Step_Index",
        12,
        1,
        "Discharge_Capacity",
        1.0,
        True,
        True,
    ),
    Case(
        "battery_data_toolkit/arbin_example.csv",
        "arbin",
        _csv(),
        "Step_Index",
        11,
        1,
        "Charge_Capacity",
        1.0,
        False,
        True,
    ),
    Case(
        "pyprobe/arbin/sample_data_arbin.csv",
        "arbin",
        _csv(encoding="utf-8-sig"),
        "Step Index",
        3,
        1,
        "Charge Capacity (Ah)",
        1.0,
        False,
        True,
    ),
    Case(
        "pyprobe/maccor/sample_data_maccor.csv",
        "maccor",
        _csv(skiprows=2),
        "Step",
        2,
        1,
        "Capacity",
        1.0,
        False,
        True,
    ),
    Case(
        "pyprobe/biologic/Sample_data_biologic_CA1.txt",
        "biologic",
        _csv(sep="\t", skiprows=102),
        "Ns",
        1,
        0,
        "(Q-Qo)/mA.h",
        1e-3,
        True,
        True,
    ),
    Case(
        "pyprobe/biologic/Sample_data_biologic_timestamped.txt",
        "biologic",
        _csv(sep="\t", skiprows=97),
        "Ns",
        1,
        0,
        "(Q-Qo)/mA.h",
        1e-3,
        False,
        True,
    ),
    Case(
        "pyprobe/novonix/sample_data_novonix.csv",
        "novonix",
        _csv(skiprows=20),
        "Step Number",
        1,
        1,
        "Capacity (Ah)",
        1.0,
        False,
        True,
    ),
    Case(
        "pyprobe/basytec/sample_data_basytec.txt",
        "basytec",
        _csv(sep="\t", skiprows=12),
        "Line",
        4,
        1,
        "Ah-Step",
        1.0,
        False,
        True,
    ),
    Case(
        "bdf_reference/SINTEF__G20M7-202512-Gru6mV__20251228__C30__25degC__Neware.bdf.csv",
        "bdf",
        _csv(),
        "step_count",
        5,
        None,
        "discharging_capacity_ah",
        1.0,
        True,
        False,
    ),
    Case(
        "bdf_reference/SINTEF__G20M7-202512-Gru6mV__20251228__C30__25degC__Neware.bdf.csv",
        "bdf",
        _csv(),
        "step_count",
        2,
        None,
        "charging_capacity_ah",
        1.0,
        False,
        False,
    ),
    Case(
        "battery_data_toolkit/batteryarchive_calce/"
        "CALCE_CX2-33_prism_LCO_25C_0-100_0.5-0.5C_d_timeseries.csv",
        "batteryarchive",
        _csv(),
        None,
        2,
        1,
        "Charge_Capacity (Ah)",
        1.0,
        False,
        False,
    ),
    Case(
        "battery_data_toolkit/batterydata_xcel/p492-13-raw.csv",
        "batterydata",
        _csv(),
        "Step",
        14,
        2,
        "Discharge_Capacity_Ah",
        1.0,
        True,
        True,
    ),
    Case(
        "battery_data_toolkit/batterydata_xcel/p492-13-raw.csv",
        "batterydata",
        _csv(),
        "Step",
        10,
        2,
        "Charge_Capacity_Ah",
        1.0,
        False,
        True,
    ),
]


def _load(path: Path) -> xr.Dataset:
    if path.name.endswith(".bdf.csv"):
        # the reference file's cycle_count is 2π on every row: not a count
        with pytest.warns(UserWarning, match="cycle_count.*non-integer"):
            return calibration.load(path)
    return calibration.load(path)


def check_schema(ds: xr.Dataset, path: Path, fmt: str) -> None:
    assert ds.attrs["source_file"] == str(path)
    assert ds.attrs["format"] == fmt
    assert "current > 0 is discharge" in ds.attrs["current_sign_in_source"] or (
        "zero throughout" in ds.attrs["current_sign_in_source"]
    )
    assert ds.attrs["sign_convention"] == "current > 0 is discharge"
    units = {"time": "s", "current": "A", "voltage": "V", "step": "1", "cycle": "1"}
    units |= {"temperature": "K", "ambient_temperature": "K"}
    assert list(ds.dims) == ["time"]
    for name, var in ds.variables.items():
        assert var.attrs["units"] == units[name], name
        assert var.attrs["long_name"], name
        assert var.dtype == (np.int32 if name in ("step", "cycle") else np.float64), name
    t = ds.time.values
    assert t[0] == 0.0
    assert np.all(np.diff(t) >= 0), "time goes back"
    for name in ("current", "voltage", "time"):
        assert np.all(np.isfinite(ds[name].values)), name


def check_sign_on_moving_steps(ds: xr.Dataset) -> int:
    """On every step with current, voltage falls under discharge (> 0) and rises under
    charge (< 0); returns how many steps were checked."""
    i, v = ds.current.values, ds.voltage.values
    label = ds.step.values.astype(np.int64) * 1_000_000 + ds.cycle.values
    edges = np.flatnonzero(np.diff(label)) + 1
    checked = 0
    for run in np.split(np.arange(i.size), edges):
        moving = run[np.abs(i[run]) > 0.01 * np.abs(i).max()]
        if moving.size < 3 or abs(v[moving[-1]] - v[moving[0]]) < 2e-3:
            continue
        falls = v[moving[-1]] < v[moving[0]]
        assert np.median(i[moving]) > 0 if falls else np.median(i[moving]) < 0
        checked += 1
    return checked


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.format}:{c.capacity}:{c.step}")
def test_cycler_sample_loads_with_units_sign_and_capacity(case: Case) -> None:
    path = data_file(f"{CYCLERS}/{case.file}")
    ds = _load(path)
    check_schema(ds, path, case.format)
    checked = check_sign_on_moving_steps(ds)
    assert ("temperature" in ds) == case.temperature
    if case.temperature:
        temperature = ds.temperature.values[np.isfinite(ds.temperature.values)]
        assert temperature.min() > 285
        assert temperature.max() < 310

    raw = case.read_raw(path)
    assert len(raw) == ds.sizes["time"]
    if case.step_column is not None:
        np.testing.assert_array_equal(ds.step.values, raw[case.step_column].to_numpy())
    mask = in_step(ds, case.step, case.cycle)
    assert checked > 0 or mask.sum() < 3  # a step of two samples shows no voltage trend
    expected = logged_charge(raw[case.capacity].to_numpy(dtype=float)[mask] * case.scale)
    counted = coulombs(ds, mask)
    assert counted > 0 if case.discharge else counted < 0
    assert abs(counted) == pytest.approx(expected, rel=0.02, abs=2e-6)


def test_detects_every_cycler_format_from_content() -> None:
    expected = {
        "battery_data_toolkit/arbin_example.csv": "arbin",
        "battery_data_toolkit/maccor_example.001": "maccor",
        "pyprobe/maccor/sample_data_maccor.csv": "maccor",
        "pyprobe/biologic/Sample_data_biologic_no_header.mpt": "biologic",
        "pyprobe/basytec/sample_data_basytec.txt": "basytec",
        "pyprobe/novonix/sample_data_novonix.csv": "novonix",
    }
    for relative, fmt in expected.items():
        ds = calibration.load(data_file(f"{CYCLERS}/{relative}"))
        assert ds.attrs["format"] == fmt, relative
    assert set(calibration.formats()) == {
        "bdf",
        "arbin",
        "maccor",
        "biologic",
        "novonix",
        "basytec",
        "batteryarchive",
        "batterydata",
        "pybamm",
    }


def test_maccor_raw_file_minutes_state_and_counts() -> None:
    """The raw .001 file logs time in minutes and a rest ('R') state: 10 s per sample."""
    path = data_file(f"{CYCLERS}/battery_data_toolkit/maccor_example.001")
    ds = calibration.load(path)
    check_schema(ds, path, "maccor")
    np.testing.assert_allclose(np.diff(ds.time.values), 10.0, atol=0.01)
    assert np.all(ds.current.values == 0)
    assert np.all(ds.cycle.values == 0)
    assert np.all(ds.step.values == 1)
    assert ds.voltage.values[0] == pytest.approx(3.30678264)


def test_biologic_no_header_and_timestamped_time() -> None:
    ds = calibration.load(
        data_file(f"{CYCLERS}/pyprobe/biologic/Sample_data_biologic_no_header.mpt")
    )
    assert ds.attrs["time_in_source_at_first_sample"] == pytest.approx(2.816723801174285e5)
    np.testing.assert_allclose(np.diff(ds.time.values)[:-1], 10.0, atol=1e-3)
    assert ds.time.values[-1] == pytest.approx(2.817925021e5 - 2.816723801174285e5)
    assert ds.temperature.values[0] == pytest.approx(24.443432 + 273.15)

    ds = calibration.load(
        data_file(f"{CYCLERS}/pyprobe/biologic/Sample_data_biologic_timestamped.txt")
    )
    assert "date-times" in ds.attrs["notes"]
    assert ds.time.values[1] == pytest.approx(6.464)  # 11:38:41.707 → 11:38:48.171
    assert ds.current.values[1] == pytest.approx(-0.44993811)  # 449.9 mA charge


def test_lgm50_rate_test_is_one_test_per_c_rate() -> None:
    """ratetest_25degC holds three tests, time restarting at each: load selects one."""
    path = data_file("lgm50_wmg/ratetest_25degC.csv.gz")
    with pytest.raises(DataFormatError, match=r"ratetest_25degC.*'time_s'.*line 1325.*c_rate"):
        calibration.load(path)
    for c_rate in (0.1, 0.5, 1.0):
        ds = calibration.load(path, select={"c_rate": c_rate})
        check_schema(ds, path, "pybamm")
        assert ds.attrs["selection"] == f"c_rate == {c_rate!r}"
        assert check_sign_on_moving_steps(ds) >= 2
        discharging = ds.current.values > 0.01
        # the CC discharge: 5 A.h nominal cell, so current ≈ c_rate x 5 A
        assert np.median(ds.current.values[discharging]) == pytest.approx(5 * c_rate, rel=0.01)
        delivered = coulombs(ds, discharging)
        assert delivered == pytest.approx(4.95 if c_rate == 0.1 else 4.8, abs=0.15)
        assert ds.ambient_temperature.values[0] == pytest.approx(298.15)
        assert ds.temperature.attrs["source_name"] == "cell_temp_mid_degC"
    ds = calibration.load(path, select={"c_rate": 0.1})
    assert coulombs(ds, ds.current.values > 0.01) == pytest.approx(4.9446, abs=0.01)


def test_lgm50t_rpt_pybamm_style_with_positive_charge() -> None:
    """rpt0: 'Current [A]' positive on charge; its C/10 discharge delivers 4.81 A.h."""
    path = data_file("lgm50t_rpt/rpt0_25degC.csv.gz")
    ds = calibration.load(path)
    check_schema(ds, path, "pybamm")
    assert "positive is charge" in ds.attrs["current_sign_in_source"]
    assert check_sign_on_moving_steps(ds) >= 3
    mask = in_step(ds, 5)
    assert np.median(ds.current.values[mask]) == pytest.approx(0.5, rel=1e-3)
    raw = pd.read_csv(path)
    capacity = raw["Capacity [Ah]"].to_numpy()[mask]
    assert coulombs(ds, mask) == pytest.approx(capacity[0] - capacity[-1], rel=1e-3)
    assert coulombs(ds, mask) == pytest.approx(4.81, abs=0.01)
    assert ds.temperature.values.mean() == pytest.approx(25 + 273.15, abs=2)


def test_pnnl_zinc_iodide_arbin_cycle_one_discharges_3_11_ah() -> None:
    path = data_file("zinc_iodide_pnnl/flowcell_1p5M_ZnI2_cycling.csv")
    ds = calibration.load(path)
    check_schema(ds, path, "arbin")
    assert check_sign_on_moving_steps(ds) >= 6
    assert ds.time.attrs["source_name"] == "Test_Time(s)"
    first = ds.cycle.values == 1
    discharging = first & (ds.current.values > 0)
    assert ds.current.values[discharging].mean() == pytest.approx(0.8, rel=1e-3)
    assert coulombs(ds, discharging) == pytest.approx(3.11, abs=0.01)
    charging = first & (ds.current.values < 0)
    efficiency = coulombs(ds, discharging) / -coulombs(ds, charging)
    assert efficiency == pytest.approx(0.967, abs=0.005)


def test_lgm50_pulse_file_with_program_time_one_pulse_per_selection() -> None:
    """pulse_25degC: time in 'prog_time_s', six cells in one file (time restarts at each),
    a 1.5C (7.5 A) pulse of 10 s at each of nine SOCs, each followed by 10 s of rest."""
    path = data_file("lgm50_wmg/pulse_25degC.csv.gz")
    with pytest.raises(DataFormatError, match=r"'prog_time_s'.*line 358.*'cell'"):
        calibration.load(path)
    ds = calibration.load(path, select={"cell": "Cell1", "soc_label": "SoC5"})
    check_schema(ds, path, "pybamm")
    assert ds.time.attrs["source_name"] == "prog_time_s"
    assert ds.temperature.attrs["source_name"] == "temp1_degC"
    assert check_sign_on_moving_steps(ds) >= 1
    pulse = ds.current.values > 0.01
    # negative in the file on discharge: 1.5C of the 5 A.h cell, positive here
    assert np.median(ds.current.values[pulse]) == pytest.approx(7.5, rel=0.01)
    t = ds.time.values[pulse]
    assert t[-1] - t[0] == pytest.approx(10.0, abs=0.5)  # logged every 0.1-0.2 s
    assert ds.time.values[-1] == pytest.approx(20.0, abs=0.5)
    # the voltage sags under the pulse (ohmic drop of the M50: ~20 mOhm x 7.5 A)
    assert ds.voltage.values[0] - ds.voltage.values[pulse].max() > 0.1
    whole = calibration.load(path, select={"cell": "Cell1"})
    assert np.count_nonzero(np.diff(whole.step.values) != 0) >= 2 * 9 - 1
    assert whole.ambient_temperature.values[0] == pytest.approx(298.15)


def sign_agreement(ds: xr.Dataset) -> float:
    """Share of the steps with current on which the voltage moves as the sign says
    (falls under discharge, rises under charge)."""
    i, v = ds.current.values, ds.voltage.values
    edges = np.flatnonzero(np.diff(ds.step.values.astype(np.int64))) + 1
    agree = []
    for run in np.split(np.arange(i.size), edges):
        moving = run[np.abs(i[run]) > 0.01 * np.abs(i).max()]
        if moving.size >= 3 and abs(v[moving[-1]] - v[moving[0]]) >= 2e-3:
            falls = v[moving[-1]] < v[moving[0]]
            agree.append((np.median(i[moving]) > 0) == falls)
    return float(np.mean(agree))


@pytest.mark.parametrize(
    ("relative", "select", "hours", "agreement"),
    [
        ("lgm50_wmg/ratetest_25degC.csv.gz", {"c_rate": 0.5}, (8.0, 10.0), 1.0),
        ("lgm50_wmg/pulse_25degC.csv.gz", {"cell": "Cell2"}, (49.0, 50.0), 1.0),
        ("lgm50t_rpt/rpt0_25degC.csv.gz", None, (20.0, 40.0), 1.0),
        ("lgm50lt_eis_drivecycle/DrivecycleMeasurement_80to20.csv.gz", None, (6.8, 6.9), 0.8),
        ("zinc_iodide_pnnl/flowcell_1p5M_ZnI2_cycling.csv", None, (10.0, 40.0), 1.0),
        ("zinc_iodide_pnnl/one_week_syn_data_2_deg.csv", None, (167.0, 168.5), 0.8),
    ],
)
def test_every_measured_time_series_in_the_shared_data_loads(
    relative: str,
    select: dict[str, object] | None,
    hours: tuple[float, float],
    agreement: float,
) -> None:
    """Every time series of current and voltage in ../shared/data reads, with its duration
    (the sources' figures: the drive cycle is 6.9 h, the synthetic Zn-I record a week)
    and its sign checked against the voltage on each step. Constant-current tests agree
    on every step; a drive cycle or a power-controlled record (the synthetic Zn-I system)
    has steps whose current falls in magnitude, where the voltage moves against the sign
    as the ohmic drop shrinks, so 80 % of steps must agree there."""
    path = data_file(relative)
    ds = calibration.load(path, select=select)
    assert ds.attrs["format"] in calibration.formats()
    assert sign_agreement(ds) >= agreement
    assert hours[0] <= ds.time.values[-1] / 3600 <= hours[1]
    assert np.all(np.diff(ds.time.values) >= 0)


def test_loaded_dataset_round_trips_netcdf(tmp_path: Path) -> None:
    ds = calibration.load(data_file(f"{CYCLERS}/pyprobe/novonix/sample_data_novonix.csv"))
    out = tmp_path / "novonix.nc"
    ds.to_netcdf(out, engine="scipy")
    with xr.open_dataset(out, engine="scipy") as back:
        xr.testing.assert_identical(back.load(), ds)


# ---------------------------------------------------------------- bad input


@pytest.fixture
def arbin_rows() -> pd.DataFrame:
    """Rows 300-599 of the real Arbin example: the end of a CV charge, a 4.4 A discharge."""
    path = data_file(f"{CYCLERS}/battery_data_toolkit/arbin_example.csv")
    return pd.read_csv(path, nrows=600).iloc[300:].reset_index(drop=True)


def write(tmp_path: Path, frame: pd.DataFrame, name: str = "cell.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_unknown_content_and_unknown_format_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n1,2\n")
    with pytest.raises(DataFormatError, match=r"notes\.csv: matches no supported format.*arbin"):
        calibration.load(path)
    with pytest.raises(DataFormatError, match=r"unknown format 'arbn'.*'arbin'.*'biologic'"):
        calibration.load(path, format="arbn")
    (tmp_path / "empty.csv").write_text("\n")
    with pytest.raises(DataFormatError, match="empty"):
        calibration.load(tmp_path / "empty.csv")
    with pytest.raises(DataFormatError, match="no such file"):
        calibration.load(tmp_path / "absent.csv")
    (tmp_path / "header.csv").write_text("Time [s],Current [A],Voltage [V]\n")
    with pytest.raises(DataFormatError, match=r"header\.csv: the file has a header but no data"):
        calibration.load(tmp_path / "header.csv")
    (tmp_path / "run.mpr").write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + bytes(100))
    with pytest.raises(DataFormatError, match=r"run\.mpr: a binary BioLogic \.mpr.*\.mpt"):
        calibration.load(tmp_path / "run.mpr")


def test_missing_and_mislabelled_columns(tmp_path: Path, arbin_rows: pd.DataFrame) -> None:
    path = write(tmp_path, arbin_rows.drop(columns="Voltage"))
    with pytest.raises(DataFormatError, match=r"cell\.csv: read as an Arbin export.*no voltage"):
        calibration.load(path, format="arbin")
    with pytest.raises(DataFormatError, match="no voltage column"):
        calibration.load(path)  # detected as Arbin by its other columns
    bad = arbin_rows.astype({"Current": object})
    bad.loc[7, "Current"] = "1.1 A"
    with pytest.raises(DataFormatError, match=r"cell\.csv: column 'Current', line 9: '1\.1 A'"):
        calibration.load(write(tmp_path, bad))
    biologic = data_file(f"{CYCLERS}/pyprobe/biologic/Sample_data_biologic_CA1.txt")
    with pytest.raises(
        DataFormatError, match=r"CA1\.txt: cannot split.*read as Arbin.*format='arbin'"
    ):
        calibration.load(biologic, format="arbin")


def test_units_from_the_header_are_converted(tmp_path: Path, arbin_rows: pd.DataFrame) -> None:
    reference = calibration.load(write(tmp_path, arbin_rows, "a.csv"))
    milli = arbin_rows.rename(
        columns={"Current": "Current(mA)", "Charge_Capacity": "Charge_Capacity(mAh)"}
    )
    milli["Current(mA)"] *= 1000
    milli["Charge_Capacity(mAh)"] *= 1000
    ds = calibration.load(write(tmp_path, milli, "ma.csv"))
    np.testing.assert_allclose(ds.current.values, reference.current.values)
    assert ds.current.attrs["source_name"] == "Current(mA)"
    assert reference.current.values.max() == pytest.approx(4.4, rel=1e-3)  # discharge


def test_units_that_do_not_fit(tmp_path: Path, arbin_rows: pd.DataFrame) -> None:
    watts = arbin_rows.rename(columns={"Current": "Current(W)"})
    with pytest.raises(DataFormatError, match=r"'Current\(W\)'.*unit 'W' is not a unit of current"):
        calibration.load(write(tmp_path, watts))
    # mA under a header that says nothing: the capacity column (A.h) disagrees 1000-fold
    milli = arbin_rows.copy()
    milli["Current"] *= 1000
    with pytest.raises(DataFormatError, match=r"column 'Current'.*coulomb counting.*1000"):
        calibration.load(write(tmp_path, milli))
    # ... and without a capacity column, values of 1100 "A" are implausible
    no_capacity = milli.drop(columns=["Charge_Capacity", "Discharge_Capacity"])
    with pytest.raises(DataFormatError, match=r"'Current', line \d+: .*no unit.*units="):
        calibration.load(write(tmp_path, no_capacity))
    ds = calibration.load(write(tmp_path, no_capacity), units={"Current": "mA"})
    assert ds.current.values.max() == pytest.approx(4.4, rel=1e-3)
    volts = arbin_rows.copy()
    volts["Voltage"] *= 1000
    with pytest.raises(
        DataFormatError, match=r"'Voltage', line \d+: 3\d\d\d.* V is no cell voltage"
    ):
        calibration.load(write(tmp_path, volts))
    kelvin = arbin_rows.copy()
    kelvin["Temperature"] += 273.15
    with pytest.raises(DataFormatError, match=r"'Temperature'.*no plausible cell temperature"):
        calibration.load(write(tmp_path, kelvin))


def test_nan_and_backward_time(tmp_path: Path, arbin_rows: pd.DataFrame) -> None:
    gap = arbin_rows.copy()
    gap.loc[4, "Test_Time"] = np.nan
    with pytest.raises(DataFormatError, match=r"cell\.csv: column 'Test_Time', line 6: no value"):
        calibration.load(write(tmp_path, gap))
    back = arbin_rows.copy()
    back.loc[10, "Test_Time"] = back.loc[9, "Test_Time"] - 1
    with pytest.raises(DataFormatError, match=r"'Test_Time', line 12: time goes back"):
        calibration.load(write(tmp_path, back))


def test_sign_that_contradicts_the_format_or_is_unsigned(
    tmp_path: Path, arbin_rows: pd.DataFrame
) -> None:
    path = data_file(f"{CYCLERS}/battery_data_toolkit/arbin_example.csv")
    full = pd.read_csv(path, nrows=1300)
    flipped = full.assign(Current=-full["Current"])
    with pytest.raises(DataFormatError, match=r"'Current', line \d+: Arbin logs charging.*lowers"):
        calibration.load(write(tmp_path, flipped))
    ds = calibration.load(write(tmp_path, flipped), positive_current="discharge")
    assert "caller said" in ds.attrs["current_sign_in_source"]
    unsigned = full.assign(Current=full["Current"].abs())
    with pytest.raises(DataFormatError, match=r"never negative.*magnitude"):
        calibration.load(write(tmp_path, unsigned))


def test_pybamm_table_whose_sign_cannot_be_read(tmp_path: Path) -> None:
    t = np.arange(20.0)
    flat = pd.DataFrame({"Time [s]": t, "Current [A]": 1.0, "Voltage [V]": 3.7})
    with pytest.raises(DataFormatError, match=r"cannot tell which sign.*positive_current="):
        calibration.load(write(tmp_path, flat))
    ds = calibration.load(write(tmp_path, flat), positive_current="discharge")
    assert np.all(ds.current.values == 1.0)
    with pytest.raises(DataFormatError, match="positive_current='both'"):
        calibration.load(write(tmp_path, flat), positive_current="both")  # type: ignore[arg-type]


def test_select_names_a_missing_column_or_value(tmp_path: Path) -> None:
    path = data_file("lgm50_wmg/ratetest_25degC.csv.gz")
    with pytest.raises(DataFormatError, match=r"select= names column 'rate'.*'c_rate'"):
        calibration.load(path, select={"rate": 0.1})
    with pytest.raises(DataFormatError, match=r"no row has 'c_rate' equal to 2.*0\.1, 0\.5, 1\.0"):
        calibration.load(path, select={"c_rate": 2})


def test_decimal_comma_biologic_export(tmp_path: Path) -> None:
    source = data_file(f"{CYCLERS}/pyprobe/biologic/Sample_data_biologic_CA1.txt")
    lines = source.read_text(encoding="utf-8").splitlines()
    body = [line.replace(".", ",") for line in lines[103:]]
    path = tmp_path / "comma.mpt"
    path.write_text("\n".join([*lines[:103], *body]) + "\n", encoding="cp1252", errors="replace")
    ds = calibration.load(path)
    reference = calibration.load(source)
    np.testing.assert_allclose(ds.current.values, reference.current.values)
    np.testing.assert_allclose(ds.voltage.values, reference.voltage.values)


def test_arbin_excel_workbook(tmp_path: Path, arbin_rows: pd.DataFrame) -> None:
    pytest.importorskip("openpyxl", reason="openpyxl (optional) reads and writes .xlsx")
    path = tmp_path / "arbin.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"Info": ["Arbin export"]}).to_excel(book, sheet_name="Global_Info")
        arbin_rows.iloc[:150].to_excel(book, sheet_name="Channel_1-006", index=False)
        arbin_rows.iloc[150:].to_excel(book, sheet_name="Channel_1-006_1", index=False)
    ds = calibration.load(path)
    reference = calibration.load(write(tmp_path, arbin_rows))
    assert ds.attrs["format"] == "arbin"
    np.testing.assert_allclose(ds.current.values, reference.current.values)
    bad = arbin_rows.copy().astype({"Voltage": object})
    bad.loc[160, "Voltage"] = "n/a"
    with pd.ExcelWriter(path) as book:
        bad.iloc[:150].to_excel(book, sheet_name="Channel_1-006", index=False)
        bad.iloc[150:].to_excel(book, sheet_name="Channel_1-006_1", index=False)
    with pytest.raises(DataFormatError, match=r"'Voltage', row 12 of sheet 'Channel_1-006_1'"):
        calibration.load(path)


def test_excel_without_openpyxl_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "arbin.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 64)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(
        DataFormatError, match=r"arbin\.xlsx: reading Excel workbooks needs.*openpyxl"
    ):
        calibration.load(path)

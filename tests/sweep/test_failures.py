"""A sample that fails is recorded with its error; the other samples are unaffected."""

from __future__ import annotations

import numpy as np

import cellsim

CELL = cellsim.Cell("Chen2020", model="SPM")


def test_a_cell_that_cannot_follow_the_duty_fails_alone():
    """The middle sample's electrode is so small that 1C drops it below the cut-off at
    once: cellsim.age raises in its first cycle; the sweep records that and goes on."""
    duty = ["Discharge at 1C until 3.2 V", "Charge at 1C until 4.1 V"]
    widths = {"Electrode width [m]": [1.5, 1e-3, 1.6]}
    ds = cellsim.sweep(CELL, duty, widths, kind="age", cycles=2)
    assert ds.attrs["vary"] == "inputs"  # one model for every cell
    assert ds["failed"].values.tolist() == [0, 1, 0]
    assert ds.attrs["samples_failed"] == 1
    error = str(ds["error"].values[1])
    assert error.startswith("ProtocolError:")
    assert "cannot follow this step" in error
    assert ds["error"].values[0] == ds["error"].values[2] == ""
    assert ds["cycles"].values.tolist() == [2, 0, 2]
    assert np.all(np.isnan(ds["capacity"].values[1]))
    assert np.all(ds["simulated"].values[1] == -1)
    for i in (0, 2):
        alone = cellsim.age(
            CELL.replace(overrides={"Electrode width [m]": widths["Electrode width [m]"][i]}),
            duty,
            cycles=2,
            progress=False,
        )
        # the same cell built with its own width: equal to the integrator's tolerance
        np.testing.assert_allclose(ds["capacity"].values[i], alone["capacity"].values, rtol=1e-6)
        np.testing.assert_allclose(ds["soh"].values[i], alone["soh"].values, rtol=1e-6)


def test_every_sample_failing_still_gives_the_full_schema():
    ds = cellsim.sweep(CELL, "Discharge at 1C until 3.5 V", {"Electrode width [m]": [1e-3]})
    assert ds["failed"].values.tolist() == [1]
    for name in ("capacity", "discharge_energy", "voltage_min", "duration"):
        assert ds[name].attrs["units"]
        assert np.isnan(ds[name].values[0])

"""The 1D (through-thickness) static zinc-bromine cell against the 0D model, its own
conservation laws and the relaxation anchor A12.

All runs use a coarse mesh (5 finite-volume cells per domain): the checks here are of
the physics, and a finer mesh changes none of the figures by more than their tolerance
(10 cells per domain move the C/20 voltage by 0.012 mV and the fitted relaxation time
by 0.6 %).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import curve_fit

import cellsim
from cellsim import ParameterError
from cellsim.testing import assert_result_schema
from chemistries.zinc_halogen._chemistry import parameter_values
from chemistries.zinc_halogen._pnnl import figures_of_merit

F = 96485.33212
COARSE = {"points per domain": 5}
NO_SIDE_REACTIONS = {"crossover": False, "hydrogen evolution": False}


def _pair(rate, options=NO_SIDE_REACTIONS):
    """0D and 1D runs of a charge and a discharge at ``rate`` from 30 % charged."""
    steps = [f"Charge at {rate} for 1 hour", f"Discharge at {rate} for 1 hour"]
    return [
        cellsim.simulate(
            cellsim.Cell("zinc_bromine_static", model=model, options=opts),
            steps,
            initial_soc=0.3,
            period=60.0,
        )
        for model, opts in (("0D", options), ("1D", {**options, **COARSE}))
    ]


def test_agrees_with_0d_at_low_current_and_departs_with_transport():
    """At C/20 (10 A m-2) the two models differ only by transport losses that vanish
    with the current: the 0D's Zn2+ film at the zinc (RT/2F) i/(2F k c) = 0.2 mV
    against the resolved salt gradient of about the same size, the felt's ohmic term
    (uniform reaction L/3 against resolved, < 0.1 mV) and the bromine that the 1D
    separator holds on its way to the zinc (0.2 mV of OCV). Hence 1 mV. At 0.5C the
    difference is ten times larger (it scales with the current): the agreement at
    C/20 is the transport losses vanishing, not two copies of one equation."""
    low_0d, low_1d = _pair("C/20")
    low = np.max(np.abs(low_1d.voltage.values - low_0d.voltage.values))
    assert low < 1e-3, low
    np.testing.assert_allclose(
        low_1d.discharge_capacity.values, low_0d.discharge_capacity.values, atol=1e-9
    )
    high_0d, high_1d = _pair("0.5C")
    high = np.max(np.abs(high_1d.voltage.values - high_0d.voltage.values))
    assert high > 5 * low


def test_result_schema_is_the_0d_one():
    cell = cellsim.Cell("zinc_bromine_static", model="1D", options=COARSE)
    ds = cellsim.simulate(cell, "Discharge at 0.5C for 10 minutes", initial_soc=0.5)
    reference = cellsim.simulate(
        cellsim.Cell("zinc_bromine_static"), "Discharge at 0.5C for 10 minutes", initial_soc=0.5
    )
    assert_result_schema(ds)
    assert set(ds.data_vars) == set(reference.data_vars)
    for name in ds.data_vars:
        assert ds[name].attrs["units"] == reference[name].attrs["units"], name
    assert np.all(np.diff(ds.voltage.values) <= 1e-9)  # constant-current discharge
    assert np.all(np.diff(ds.plated_zinc.values) < 0)


def _inventories(ds, values):
    """Zinc and halogen atoms in the cell, mol (felt and separator pores, zinc film)."""
    area = values["Electrode area [m2]"]
    v_pos = values["Positive electrolyte volume [m3]"]
    v_neg = values["Negative electrolyte volume [m3]"]
    zinc = (
        area * ds.plated_zinc.values
        + v_pos * ds.zinc_ion_positive.values
        + v_neg * ds.zinc_ion_negative.values
    )
    halogen = v_pos * (2 * ds.halogen_total.values + ds.halide_positive.values) + v_neg * (
        2 * ds.halogen_negative.values + ds.halide_negative.values
    )
    return zinc, halogen


@pytest.mark.parametrize("options", [NO_SIDE_REACTIONS, {}], ids=["side reactions off", "on"])
def test_conserves_zinc_and_halogen(options):
    """Finite volumes conserve exactly; what is left is the integrator's tolerance
    (rtol = atol = 1e-6 on scaled states: 1e-8 of the zinc). With side reactions on,
    crossover moves bromine from the felt through the separator onto the zinc and
    back into the salt, and the Zn2+ that hydrogen evolution corrodes is counted in
    the negative: still conserved."""
    values = parameter_values("zinc_bromine_static")
    ds = cellsim.simulate(
        cellsim.Cell("zinc_bromine_static", model="1D", options={**options, **COARSE}),
        ["Charge at 0.5C for 100 minutes", "Rest for 1 hour", "Discharge at 0.5C until 1.2 V"],
        initial_soc=0.0,
        period=120.0,
    )
    zinc, halogen = _inventories(ds, values)
    assert np.max(np.abs(zinc - zinc[0])) < 1e-8 * np.max(zinc)
    assert np.max(np.abs(halogen - halogen[0])) < 1e-8 * np.max(halogen)
    crossed = float(ds.crossover_current.max())
    assert (crossed > 0) if options == {} else (crossed == 0)


def test_charge_not_returned_is_still_stored_without_side_reactions():
    """Charge conservation with side reactions off: what a discharge to the cut-off
    does not return is still in the cell, as plated zinc and as oxidised bromine
    alike, to 1e-6 of the charge (the 0D criterion). Unlike 0D the coulombic
    efficiency is not 1 at the cut-off even to a deep one: with crossover off the
    bromine that diffused into the separator (0.4 % of the charge here) can only come
    back by diffusion, at ~0.4 A m-2, and at 0.5C the voltage collapses first."""
    values = parameter_values("zinc_bromine_static")
    ds = cellsim.simulate(
        cellsim.Cell("zinc_bromine_static", model="1D", options={**NO_SIDE_REACTIONS, **COARSE}),
        ["Charge at 0.5C for 100 minutes", "Rest for 10 minutes", "Discharge at 0.5C for 2 hours"],
        initial_soc=0.0,
    )
    charge, discharge, *_ = figures_of_merit(ds)
    as_charge = 2 * F / 3600
    zinc = float(ds.plated_zinc[-1]) * values["Electrode area [m2]"] * as_charge
    halogen = (
        float(ds.halogen_total[-1]) * values["Positive electrolyte volume [m3]"]
        + float(ds.halogen_negative[-1]) * values["Negative electrolyte volume [m3]"]
    ) * as_charge
    assert 1e-3 * charge < charge - discharge < 1e-2 * charge  # stranded in the separator
    assert abs(charge - discharge - zinc) < 1e-6 * charge
    assert abs(charge - discharge - halogen) < 1e-6 * charge


def test_self_discharge_is_the_diffusion_flux_through_the_separator():
    """At open circuit, once the separator's profile has formed (eps L^2 / P = 50 min),
    the crossover is the steady diffusion flux across the separator, P c_i / L_s, from
    the aqueous bromine c_i where the felt meets it, to the zinc (where it is ~0). The
    felt delivers that flux from its complexed store through its own thickness, so
    its average c_avg sits above c_i. Two bounds: a flat felt (c_i = c_avg: the 0D
    law, an upper bound) and, once the felt's profile has formed too (hours: the
    complexing agent buffers it), release spread through the felt, c_avg - c_i =
    flux x L_p / (3 D_eff), so crossover = 2F (P / L_s) c_avg / (1 + P L_p /
    (3 L_s D_eff)) (0.85 of the flat-felt value here). The slowest mode of the felt
    (lambda tan lambda = P L_p / (L_s D_eff)) gives 0.855: the series law to 1 %,
    checked to 3 % after 6 hours, the bounds from the first hour."""
    values = parameter_values("zinc_bromine_static")
    ds = cellsim.simulate(
        cellsim.Cell("zinc_bromine_static", model="1D", options=COARSE),
        "Rest for 10 hours",
        initial_soc=0.5,
        period=600.0,
    )
    permeance = (
        values["Separator halogen permeability [m2.s-1]"] / values["Separator thickness [m]"]
    )
    felt = (
        values["Halogen diffusivity [m2.s-1]"]
        * values["Positive electrode porosity"] ** values["Positive electrode Bruggeman exponent"]
        / values["Positive electrode thickness [m]"]
    )
    aqueous = ds.halogen_free.values + ds.trihalide.values  # felt average, mol m-3
    series = 2 * F * permeance * aqueous / (1 + permeance / (3 * felt))
    crossover = ds.crossover_current.values
    late = ds.time.values > 6 * 3600
    np.testing.assert_allclose(crossover[late], series[late], rtol=0.03)
    formed = ds.time.values > 3600
    lumped = 2 * F * permeance * aqueous  # the 0D law with the felt's average
    assert np.all(series[formed] < crossover[formed])
    assert np.all(crossover[formed] < lumped[formed])


def test_relaxation_time_after_an_interruption_anchor_a12():
    """Anchor A12: "static tau ~ L^2/D (1 mm -> ~770 s)". The spec's number is L^2/D
    itself: (1 mm)^2 / 1.3e-9 m2 s-1 = 769 s. The relaxation a cell shows is slower
    to start and then exponential with the slowest diffusion mode of the layer, which
    for a layer closed at both ends (no current, no crossover) is cos(pi x / L):
    tau_1 = L^2 / (pi^2 D) = 78 s. So this test fits tau to the voltage after a
    discharge is interrupted and compares it with L^2 / (pi^2 D) to 10 %, that is
    pi^2 tau with the spec's 770 s.

    The cell is made a uniform 1 mm diffusion layer with D = 1.3e-9 m2 s-1 for both
    the salt and the aqueous bromine: separator and felt 0.5 mm each with the same
    porosity, the separator's permeabilities eps D, Bruggeman exponent 1 in the felt
    (effective diffusivity D), no complexing agent (it would slow the bromine by
    1 + K_p), no crossover and no hydrogen evolution (sinks at the zinc).
    """
    d, eps, half = 1.3e-9, 0.6, 0.5e-3
    area = 0.01
    overrides = {
        "Separator thickness [m]": half,
        "Positive electrode thickness [m]": half,
        "Separator porosity": eps,
        "Positive electrode porosity": eps,
        "Positive electrolyte volume [m3]": area * half * eps,
        "Negative electrolyte volume [m3]": area * half * eps,
        "Positive electrode Bruggeman exponent": 1.0,
        "Halogen diffusivity [m2.s-1]": d,
        "Salt diffusivity [m2.s-1]": d,
        "Separator halogen permeability [m2.s-1]": eps * d,
        "Separator salt permeability [m2.s-1]": eps * d,
        "Complexing agent partition coefficient": 0.0,
        "Nominal cell capacity [A.h]": 0.2,
    }
    cell = cellsim.Cell(
        "zinc_bromine_static",
        model="1D",
        options={**NO_SIDE_REACTIONS, "points per domain": 10},
        overrides=overrides,
    )
    ds = cellsim.simulate(
        cell,
        ["Discharge at 0.05 A for 5 minutes", "Rest for 15 minutes"],
        initial_soc=0.5,
        period=5.0,
    )
    rest = ds.step.values == 1
    t = ds.time.values[rest] - ds.time.values[rest][0]
    v = ds.voltage.values[rest]
    tau_mode = (2 * half) ** 2 / (np.pi**2 * d)
    window = (t > 2 * tau_mode) & (t < 9 * tau_mode)  # the second mode is e^-8 gone

    def relaxation(time, v_end, amplitude, tau):
        return v_end + amplitude * np.exp(-time / tau)

    (_, amplitude, tau), _ = curve_fit(
        relaxation, t[window], v[window], p0=(v[-1], v[window][0] - v[-1], tau_mode)
    )
    assert abs(amplitude) > 1e-4  # V: a real relaxation, well above the solver's noise
    assert tau == pytest.approx(tau_mode, rel=0.1)
    assert np.pi**2 * tau == pytest.approx(770.0, rel=0.1)  # the spec's figure, L^2 / D


def test_flow_cell_has_no_1d_model():
    with pytest.raises(ParameterError, match=r"zinc_iodide_pnnl.*flow cell.*\('0D',\)"):
        cellsim.simulate(cellsim.Cell("zinc_iodide_pnnl", model="1D"), "Rest for 1 minute")


@pytest.mark.parametrize(
    ("model", "options", "field"),
    [
        ("1D", {"double layer": True}, "double layer"),
        ("1D", {"points per domain": 2}, "points per domain"),
        ("0D", {"points per domain": 5}, "points per domain"),
    ],
)
def test_bad_1d_options_name_the_field(model, options, field):
    with pytest.raises(ParameterError, match=field):
        cellsim.simulate(
            cellsim.Cell("zinc_bromine_static", model=model, options=options), "Rest for 1 minute"
        )


def test_inconsistent_pore_volume_is_named():
    with pytest.raises(ParameterError, match="Positive electrolyte volume"):
        cellsim.Cell(
            "zinc_bromine_static", model="1D", overrides={"Positive electrode porosity": 0.8}
        )


def test_ages_through_the_lifecycle_engine():
    """cellsim.age with its defaults (every cycle simulated) runs the 1D model and
    records each mechanism. The capacity falls over the cycles; from one cycle to the
    next it may rise by a few 1e-6 while the bromine profile in the separator settles
    (the first cycle starts from the delivered, discharged cell with none there)."""
    cell = cellsim.Cell(
        "zinc_bromine_static",
        model="1D",
        options={"degradation": ["dead zinc", "separator"], **COARSE},
    )
    duty = cellsim.Protocol(
        ["Charge at 0.5C for 1 hour", "Rest for 1 hour", "Discharge at 0.5C until 1.2 V"]
    )
    aged = cellsim.age(cell, duty, cycles=4, initial_soc=0.0, progress=False)
    capacity = aged.capacity.values
    assert capacity.size == 4
    assert np.all(np.diff(capacity) < 1e-5 * capacity[0])
    assert capacity[-1] < capacity[0]
    assert np.all(np.diff(aged.dead_zinc.values) > 0)
    assert np.all(np.diff(aged.separator_permeability.values) > 0)

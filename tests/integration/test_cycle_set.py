"""States each cycle sets afresh (reversibly plated lithium): a jump's landing takes
them from its trial cycle and returns what that moves to the negative particles, as
PyBaMM's own lithium accounting sees it."""

import numpy as np
import pybamm
import pytest

import cellsim
from cellsim._build import built_model
from cellsim.solvers._states import layout

PLATED = "Negative lithium plating concentration [mol.m-3]"
#: What the landing moves lithium between, in PyBaMM's accounting (mol).
LITHIUM = ("Total lithium in particles [mol]", "Loss of lithium to negative lithium plating [mol]")
CASES = {
    # x-averaged particle, active material fraction a number
    "SPMe": ("SPMe", {"lithium plating": "partially reversible"}),
    # a particle at each point, the fraction a state at each point (stress-driven LAM)
    "DFN+LAM": (
        "DFN",
        {
            "lithium plating": "reversible",
            "particle mechanics": "swelling only",
            "loss of active material": "stress-driven",
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_landing_conserves_lithium(case):
    model_name, options = CASES[case]
    built = built_model(cellsim.Cell("OKane2022", model=model_name, options=options))
    (state,) = built.cycle_set
    model = built.model("current")
    states = layout(model)
    assert state.averaged == (model_name != "DFN")
    assert isinstance(state.volume_fraction, str) == (model_name == "DFN")

    rng = np.random.default_rng(0)
    y = rng.uniform(0.3, 0.8, states.size)  # any state: the accounting is linear
    plated = states.entries(PLATED)
    trial = y.copy()
    trial[plated] += rng.uniform(-0.2, 0.2, plated.size)  # 200 mol/m3 of electrode
    settled = y.copy()
    state.settle(states, settled, trial)

    values = pybamm.ParameterValues("OKane2022")

    def lithium(v):
        amounts = []
        for name in LITHIUM:
            amount = model.get_processed_variable(name)
            inputs = {  # the initial concentrations cellsim sets by SOC
                p.name: values[p.name]
                for p in amount.pre_order()
                if isinstance(p, pybamm.InputParameter)
            }
            amounts.append(amount.evaluate(0.0, v[:, None], inputs=inputs).item())
        return amounts

    (particles, plating), (particles_after, plating_after) = lithium(y), lithium(settled)
    np.testing.assert_array_equal(settled[plated], trial[plated])
    assert abs(plating_after - plating) > 1e-3 * plating  # lithium did move
    # what the plated lithium gained, the particles lost (to round-off)
    assert particles_after + plating_after == pytest.approx(particles + plating, rel=1e-12)
    # and nothing else changed but the negative particles and the plated lithium
    moved = np.flatnonzero(settled != y)
    particle = states.entries(state.returns_to)
    assert set(moved) <= set(plated) | set(particle)


def test_only_reversible_plating_is_cycle_set():
    irreversible = cellsim.Cell(
        "OKane2022", model="SPM", options={"lithium plating": "irreversible"}
    )
    assert built_model(irreversible).cycle_set == ()
    none = cellsim.Cell("OKane2022", model="SPM", options={"SEI": "solvent-diffusion limited"})
    assert built_model(none).cycle_set == ()

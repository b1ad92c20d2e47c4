"""The initial state of a zinc-halogen cell at a state of charge."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cellsim import ParameterError
from chemistries.zinc_halogen import _speciation as sp

#: Parameters that hold the initial state (the model's initial conditions).
INITIAL_STATE = (
    "Initial active zinc [mol.m-2]",
    "Initial positive total oxidised halogen [mol.m-3]",
    "Initial positive halide [mol.m-3]",
    "Initial positive zinc ion concentration [mol.m-3]",
    "Initial negative zinc ion concentration [mol.m-3]",
    "Initial negative halide [mol.m-3]",
)

#: Smallest free halide left at the positive for a state to count as reachable, mol m-3.
MIN_FREE_HALIDE = 1.0


def initial_state(values: Mapping[str, float], soc: float) -> dict[str, float]:
    """Concentrations after charging ``soc`` x the nominal capacity from discharged.

    The charge passes with no side reactions: zinc plates and oxidised halogen forms
    in the positive electrolyte. With a separator that lets the salt through
    ("Separator salt permeability [m2.s-1]" > 0) the state is the one reached after
    a rest, with the Zn2+ (and halide) concentrations equal on both sides; with a
    membrane that does not, the current is carried through it by Zn2+ (fraction
    ``t+``) and halide (``1 - t+``) and the compartments keep what they got.

    Parameters
    ----------
    values : mapping
        Parameter values by name (a parameter set with any overrides).
    soc : float
        State of charge in [0, 1]: the charge passed over "Nominal cell capacity [A.h]".

    Returns
    -------
    dict
        The :data:`INITIAL_STATE` parameters.

    Raises
    ------
    ParameterError
        ``soc`` outside [0, 1], or a state beyond the zinc loading limit, the halide
        inventory of the positive or the Zn2+ of the negative electrolyte.
    """
    if isinstance(soc, bool) or not isinstance(soc, (int, float)) or not 0.0 <= soc <= 1.0:
        raise ParameterError(f"initial_soc must be a number in [0, 1], got {soc!r}")
    area = values["Electrode area [m2]"]
    v_pos = values["Positive electrolyte volume [m3]"]
    v_neg = values["Negative electrolyte volume [m3]"]
    t_plus = values["Cation transference number of the separator"]
    c_pos = values["Positive electrolyte salt concentration when discharged [mol.m-3]"]
    c_neg = values["Negative electrolyte salt concentration when discharged [mol.m-3]"]
    charge = soc * values["Nominal cell capacity [A.h]"]  # A.h
    q = charge * 3600 / sp.FARADAY  # mol of electrons
    if values["Separator salt permeability [m2.s-1]"] > 0:
        zinc_ion = (c_pos * v_pos + c_neg * v_neg - q / 2) / (v_pos + v_neg)
        zn_pos = zn_neg = zinc_ion
    else:
        zn_pos = c_pos - t_plus * q / (2 * v_pos)
        zn_neg = c_neg - (1 - t_plus) * q / (2 * v_neg)
    # Electroneutrality: every Zn2+ balances two halide anions (X- or X3-).
    state = {
        "Initial active zinc [mol.m-2]": q / (2 * area),
        "Initial positive total oxidised halogen [mol.m-3]": q / (2 * v_pos),
        "Initial positive halide [mol.m-3]": 2 * zn_pos,
        "Initial positive zinc ion concentration [mol.m-3]": zn_pos,
        "Initial negative zinc ion concentration [mol.m-3]": zn_neg,
        "Initial negative halide [mol.m-3]": 2 * zn_neg,
    }
    limit = values["Zinc areal capacity limit [A.h.m-2]"] * area
    if charge > limit * (1 + 1e-12):
        raise ParameterError(
            f"initial_soc={soc!r} needs {charge:.4g} A.h of plated zinc, beyond the zinc "
            f"loading limit of {limit:.4g} A.h ('Zinc areal capacity limit [A.h.m-2]' x "
            "'Electrode area [m2]')"
        )
    free = sp.speciate(
        values["Trihalide formation constant [m3.mol-1]"],
        values["Complexing agent partition coefficient"],
        state["Initial positive total oxidised halogen [mol.m-3]"],
        max(
            state["Initial positive halide [mol.m-3]"]
            + values["Supporting halide concentration [mol.m-3]"],
            0.0,
        ),
    )["X-"]
    if state["Initial positive halide [mol.m-3]"] < 0 or free < MIN_FREE_HALIDE:
        raise ParameterError(
            f"initial_soc={soc!r} ({charge:.4g} A.h) exceeds the halide inventory of the "
            f"positive electrolyte (free halide left {free:.3g} mol/m3): lower it or "
            "'Nominal cell capacity [A.h]'"
        )
    if state["Initial negative zinc ion concentration [mol.m-3]"] < MIN_FREE_HALIDE:
        raise ParameterError(
            f"initial_soc={soc!r} ({charge:.4g} A.h) exceeds the Zn2+ of the negative "
            "electrolyte: lower it or 'Nominal cell capacity [A.h]'"
        )
    return {k: float(np.float64(v)) for k, v in state.items()}

"""An independent NumPy statement of the open-circuit voltage, for the tests.

Written from the specification (sections 1.2 and 2), not from the model's code: the
tests compare the model's ``ocv`` output with this expression evaluated on the model's
own species concentrations.
"""

from __future__ import annotations

import numpy as np

F = 96485.33212
R = 8.314462618


def ocv(values, temperature, halogen, halide, zinc_ion, plated_zinc):
    """OCV of a zinc-halogen cell, V (free-halogen form, zinc activity = coverage).

    Parameters
    ----------
    values : mapping
        Parameter values of the cell (standard potentials at the reference temperature,
        their temperature coefficients, activity factor, offset, coverage reference).
    temperature : array, K
    halogen, halide : array, mol m-3
        Free aqueous X2 and free X- in the positive electrolyte.
    zinc_ion : array, mol m-3
        Zn2+ in the negative electrolyte.
    plated_zinc : array, mol m-2
    """
    t_ref = values["Reference temperature [K]"]
    e0_pos = values["Halogen standard potential [V]"] + values[
        "Halogen standard potential temperature coefficient [V.K-1]"
    ] * (temperature - t_ref)
    e0_neg = values["Zinc standard potential [V]"] + values[
        "Zinc standard potential temperature coefficient [V.K-1]"
    ] * (temperature - t_ref)
    c0 = values["Reference concentration [mol.m-3]"]
    beta = values["Nernst activity factor"]
    f2 = R * temperature / (2 * F)
    coverage = plated_zinc / (plated_zinc + values["Zinc coverage reference amount [mol.m-2]"])
    u_pos = e0_pos + beta * f2 * np.log((halogen / c0) / (halide / c0) ** 2)
    u_neg = e0_neg + beta * f2 * np.log(zinc_ion / c0) - f2 * np.log(coverage)
    return u_pos - u_neg + values["Open-circuit voltage offset [V]"]


def ocv_trihalide(values, temperature, trihalide, halide, zinc_ion, plated_zinc):
    """The same OCV from the trihalide form with E0(X3-/X-) = E0(X2/X-) - (RT/2F) ln K.

    Equal to :func:`ocv` at speciation equilibrium (anchor A2).
    """
    t_ref = values["Reference temperature [K]"]
    k3 = values["Trihalide formation constant [m3.mol-1]"] * np.exp(
        -values["Trihalide formation enthalpy [J.mol-1]"] / R * (1 / temperature - 1 / t_ref)
    )
    c0 = values["Reference concentration [mol.m-3]"]
    beta = values["Nernst activity factor"]
    f2 = R * temperature / (2 * F)
    e0_pos = values["Halogen standard potential [V]"] + values[
        "Halogen standard potential temperature coefficient [V.K-1]"
    ] * (temperature - t_ref)
    e0_x3 = e0_pos - beta * f2 * np.log(k3 * c0)
    e0_neg = values["Zinc standard potential [V]"] + values[
        "Zinc standard potential temperature coefficient [V.K-1]"
    ] * (temperature - t_ref)
    coverage = plated_zinc / (plated_zinc + values["Zinc coverage reference amount [mol.m-2]"])
    u_pos = e0_x3 + beta * f2 * np.log((trihalide / c0) / (halide / c0) ** 3)
    u_neg = e0_neg + beta * f2 * np.log(zinc_ion / c0) - f2 * np.log(coverage)
    return u_pos - u_neg + values["Open-circuit voltage offset [V]"]

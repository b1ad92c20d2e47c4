"""Polyhalide speciation and the Nernst potentials, as plain arithmetic.

Every function here uses only ``+ - * /``, ``**`` and the ``log`` passed in, so the
same code evaluates on floats, NumPy arrays and PyBaMM expression trees (the model
passes ``pybamm.log``, tests and the initial-state code pass ``numpy.log``).

Concentrations are in mol m-3 and equilibrium constants in m3 mol-1 throughout; the
reference concentration of the activities is a parameter (1 M = 1000 mol m-3).

References
----------
.. [1] D. A. Palmer, R. W. Ramette, R. E. Mesmer, "Triiodide ion formation equilibrium
   and activity coefficients in aqueous solution", J. Solution Chem. 13 (1984) 673.
.. [2] cellsim zinc-halogen specification, sections 1.2 and 2 (closed-form speciation,
   linear complexing-agent partition, Nernst forms).
"""

from __future__ import annotations

#: Faraday constant, C mol-1 (CODATA 2018, as PyBaMM's).
FARADAY = 96485.33212
#: Gas constant, J mol-1 K-1 (CODATA 2018, as PyBaMM's).
GAS_CONSTANT = 8.314462618


def trihalide(k3, halogen_total, halide_total):
    """Trihalide concentration of X2 + X- <=> X3- at equilibrium.

    Parameters
    ----------
    k3 : float or expression
        Formation constant [X3-]/([X2][X-]), m3 mol-1.
    halogen_total : float or expression
        Free X2 + X3-, mol m-3 (non-negative).
    halide_total : float or expression
        Free X- + X3-, mol m-3 (non-negative).

    Returns
    -------
    float or expression
        [X3-], mol m-3: the smaller root of ``k3 x^2 - b x + k3 X2T XT = 0`` with
        ``b = k3 (X2T + XT) + 1``, written without cancellation. The discriminant is
        expanded as ``k3^2 (X2T - XT)^2 + 2 k3 (X2T + XT) + 1`` (>= 1), so it never
        goes negative by rounding.
    """
    b = k3 * (halogen_total + halide_total) + 1
    disc = k3**2 * (halogen_total - halide_total) ** 2 + 2 * k3 * (halogen_total + halide_total) + 1
    return 2 * k3 * halogen_total * halide_total / (b + disc**0.5)


def speciate(k3, partition, halogen_total, halide_total):
    """Species of the positive electrolyte with a linear complexing-agent partition.

    Complexed halogen (per electrolyte volume) is ``partition * [X2]``; the
    trihalide equilibrium holds in the aqueous phase. Eliminating the complexed part
    leaves the one-equilibrium problem with ``k3 / (1 + partition)``.

    Parameters
    ----------
    k3 : float or expression
        Trihalide formation constant, m3 mol-1.
    partition : float or expression
        Complexed over free aqueous halogen (0: no complexing agent).
    halogen_total : float or expression
        All oxidised halogen, free + trihalide + complexed, mol m-3.
    halide_total : float or expression
        Free halide + trihalide (every halide anion), mol m-3.

    Returns
    -------
    dict
        ``"X2"`` free aqueous halogen, ``"X3-"`` trihalide, ``"X-"`` free halide,
        ``"complexed"``, ``"aqueous oxidised"`` (X2 + X3-), all mol m-3.
    """
    x3 = trihalide(k3 / (1 + partition), halogen_total, halide_total)
    x2 = (halogen_total - x3) / (1 + partition)
    return {
        "X2": x2,
        "X3-": x3,
        "X-": halide_total - x3,
        "complexed": partition * x2,
        "aqueous oxidised": x2 + x3,
    }


def halogen_potential(e0, factor, temperature, x2, halide, c_ref, log):
    """Halogen electrode potential from the free-halogen form, V vs SHE.

    ``U+ = E0(X2/X-) + factor (RT/2F) ln((X2/c_ref) / (X-/c_ref)^2)``.
    """
    f2 = GAS_CONSTANT * temperature / (2 * FARADAY)
    return e0 + factor * f2 * (log(x2 / c_ref) - 2 * log(halide / c_ref))


def trihalide_potential(e0, k3, factor, temperature, x3, halide, c_ref, log):
    """Halogen electrode potential from the trihalide form, V vs SHE.

    ``U+ = E0(X3-/X-) + factor (RT/2F) ln((X3-/c_ref) / (X-/c_ref)^3)`` with
    ``E0(X3-/X-) = E0(X2/X-) - factor (RT/2F) ln(k3 c_ref)``: equal to
    :func:`halogen_potential` whenever the species are at equilibrium (anchor A2).
    """
    f2 = GAS_CONSTANT * temperature / (2 * FARADAY)
    e0_x3 = e0 - factor * f2 * log(k3 * c_ref)
    return e0_x3 + factor * f2 * log((x3 / c_ref) / (halide / c_ref) ** 3)


def zinc_potential(e0, factor, temperature, zinc_ion, coverage, c_ref, log):
    """Zinc electrode potential, V vs SHE.

    ``U- = E0(Zn2+/Zn) + factor (RT/2F) ln(Zn2+/c_ref) - (RT/2F) ln(coverage)``: the
    zinc metal's activity is its coverage of the substrate (1 while zinc is present,
    -> 0 as it runs out), without the empirical activity factor.
    """
    f2 = GAS_CONSTANT * temperature / (2 * FARADAY)
    return e0 + factor * f2 * log(zinc_ion / c_ref) - f2 * log(coverage)

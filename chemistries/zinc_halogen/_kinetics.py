"""Electrode kinetics and guards of the zinc-halogen model, as PyBaMM expressions.

Both electrodes follow Butler-Volmer kinetics written on the electrode potential
relative to the standard potential, ``y = F (E - E0) / RT``, in units of the reference
exchange-current density. Written this way (rather than on the overpotential, which
diverges where a species runs out) the potential stays finite when plating starts on a
bare substrate or iodide is oxidised in an electrolyte that holds no iodine yet.

References
----------
.. [1] A. J. Bard, L. R. Faulkner, "Electrochemical methods", 2nd ed., Wiley 2001,
   section 3.3 (Butler-Volmer kinetics with concentration-dependent exchange current).
.. [2] cellsim zinc-halogen specification, section 3.3.
"""

from __future__ import annotations

import pybamm

from chemistries.zinc_halogen import _speciation as sp

#: Floor of the smooth positive part taken before a concentration enters a log, mol m-3
#: (and mol m-2 for zinc). Far below any physical value; it keeps logs finite beyond a
#: limiting current or when zinc runs out, where the voltage then drops by volts, far
#: below any cut-off.
FLOOR = 1e-15


def positive_part(x, floor=FLOOR):
    """Smooth, strictly positive ``max(x, 0)``: ``(x + sqrt(x^2 + 4 floor^2)) / 2``.

    Evaluated as ``floor exp(asinh(x / (2 floor)))``, the same function without the
    cancellation of the square-root form for ``x << -floor``.
    """
    return floor * pybamm.exp(pybamm.arcsinh(x / (2 * floor)))


def arrhenius(activation_energy, temperature, reference_temperature):
    """``exp(Ea/R (1/T_ref - 1/T))``: a rate at ``temperature`` over its reference."""
    return pybamm.exp(
        activation_energy / sp.GAS_CONSTANT * (1 / reference_temperature - 1 / temperature)
    )


def symmetric_potential(ln_red, ln_ox, r):
    """``y`` solving ``exp(ln_red - y) - exp(ln_ox + y) = r`` (alpha = 1/2) in closed form.

    ``exp(ln_red)`` and ``exp(ln_ox)`` are the reduction and oxidation rates at
    ``y = 0`` and ``r`` the net reduction current, all over the reference exchange
    current. Each sign of ``r`` takes the root without cancellation, so ``y`` is finite
    when either rate prefactor vanishes and the current flows the way that does not
    need it.
    """
    root = pybamm.AbsoluteValue(r) + (r**2 + 4 * pybamm.exp(ln_red + ln_ox)) ** 0.5
    reducing = r >= 0  # 1 or 0
    return reducing * (pybamm.log(2) + ln_red - pybamm.log(root)) + (1 - reducing) * (
        pybamm.log(root) - pybamm.log(2) - ln_ox
    )


def halogen_rate_logs(halogen, halide, k3_ref, alpha, beta):
    """Logs of the halogen electrode's reduction and oxidation rates at ``E = E0``.

    With ``i0 = i0_ref a_ox^(1-alpha) a_red^alpha`` (``a_ox = X2 + X3- = X2 (1 + K X-)``,
    ``a_red = X-``) and ``U = E0 + beta (RT/2F) ln(X2 / X-^2)``, the branches
    ``i0 exp(+-...F (U - E)/RT)`` are, over ``i0_ref``:

    * reduction: ``X2^(1-alpha+alpha beta) (1+K X-)^(1-alpha) X-^(alpha-2 alpha beta)``
      ``x exp(-2 alpha y)``;
    * oxidation: ``X2^((1-alpha)(1-beta)) (1+K X-)^(1-alpha) X-^(alpha+2(1-alpha) beta)``
      ``x exp(2 (1-alpha) y)``.

    Parameters
    ----------
    halogen, halide : expression
        Free X2 and free X- at the surface over the reference concentration (> 0).
    k3_ref : expression
        Trihalide formation constant times the reference concentration.
    alpha, beta : expression
        Transfer coefficient and Nernst activity factor.
    """
    bound = pybamm.log(1 + k3_ref * halide)  # ln(a_ox / X2)
    ln_x2, ln_x = pybamm.log(halogen), pybamm.log(halide)
    ln_red = (1 - alpha + alpha * beta) * ln_x2 + (1 - alpha) * bound
    ln_red += (alpha - 2 * alpha * beta) * ln_x
    ln_ox = (1 - alpha) * (1 - beta) * ln_x2 + (1 - alpha) * bound
    ln_ox += (alpha + 2 * (1 - alpha) * beta) * ln_x
    return ln_red, ln_ox


def halogen_residual(ln_red, ln_ox, alpha, y, r):
    """Butler-Volmer residual of the halogen electrode at potential ``y`` for current ``r``.

    ``asinh((reduction - oxidation)/2) - asinh(r/2)``: nearly linear in ``y`` far from
    equilibrium, so Newton's method converges from a rough guess.
    """
    a = ln_red - 2 * alpha * y
    b = ln_ox + 2 * (1 - alpha) * y
    net = pybamm.exp((a + b) / 2) * pybamm.sinh((a - b) / 2)  # (e^a - e^b) / 2
    return pybamm.arcsinh(net) - pybamm.arcsinh(r / 2)


#: Width of the nuclei's coalescence in nucleation progress. PNNL cycle 1 bounds it:
#: the voltage fell from its nucleation plateau to the growth value within 1.2 s of
#: charge at 0.8 A, 0.7 % of the zinc plated by then; the exchange current is within 2 %
#: of its coalesced value 0.12 % past the nucleation amount (0.2 s of that charge).
NUCLEATION_WIDTH = 5e-4
#: Nucleation progress of a coalesced deposit (where the plating stops adding to it).
COALESCED = 1 + 10 * NUCLEATION_WIDTH
#: Time constant, s, with which the nuclei vanish once the zinc is stripped (a bare
#: substrate must nucleate again); short next to a duty's rests.
NUCLEI_LIFETIME = 60.0
#: Zinc reaction rate over the nucleation amount, s-1, below which the nuclei of a
#: stripped substrate vanish (1/6000 of the PNNL cell's plating at 0.8 A).
RESET_RATE = 1e-6


def _step(x):
    """Smooth step from 0 to 1 over a few :data:`NUCLEATION_WIDTH` around ``x = 0``."""
    return (1 + pybamm.tanh(x / NUCLEATION_WIDTH)) / 2


def nucleation_log_factor(progress, nucleation_potential):
    """Log of the factor on the zinc plating rate while the deposit is in nuclei.

    ``-(F eta_nuc / RT) (1 - s)`` with ``s`` a smooth step from 0 to 1 as the
    nucleation progress passes 1 (the nuclei coalesce into a layer over the
    substrate). On the plating branch of the alpha = 1/2, n = 2 zinc reaction it adds
    ``eta_nuc`` to the plating overpotential in the Tafel regime; stripping zinc that
    is there needs no nucleation. At rest the nuclei's potential is ``eta_nuc / 2``
    below the bulk zinc's (small nuclei are less stable than bulk zinc, the
    Gibbs-Thomson effect that makes nucleation need an overpotential).

    Parameters
    ----------
    progress : expression
        Zinc plated since the substrate was bare over the nucleation amount.
    nucleation_potential : expression
        Nucleation overpotential over RT/F.

    References
    ----------
    .. [1] E. Budevski, G. Staikov, W. J. Lorenz, "Electrochemical phase formation and
       growth", VCH 1996, ch. 6 (nucleation overpotential on foreign substrates).
    """
    return -nucleation_potential * (1 - _step(progress - 1))


def nucleation_rate(progress, plating, zinc, zinc_over_reference):
    """Rate of the nucleation progress, s-1.

    Plating (``plating``: zinc plating rate over the nucleation amount, s-1, < 0 when
    stripping) advances it until the nuclei coalesce. Once the zinc is gone
    (``zinc_over_reference``: plated zinc over the coverage reference amount, -> 0) and
    the zinc reaction has stopped, it relaxes with :data:`NUCLEI_LIFETIME` to ``zinc``
    (the plated zinc over the nucleation amount, -> 0): a bare substrate must nucleate
    again. (Gating the reset on the reaction keeps it out of the last seconds of a
    discharge, where the stripping runs the zinc out.)
    """
    grows = positive_part(plating) * (1 - _step(progress - COALESCED))
    gone = pybamm.exp(-positive_part(zinc_over_reference) - (plating / RESET_RATE) ** 2)
    return grows - (progress - zinc) * gone / NUCLEI_LIFETIME

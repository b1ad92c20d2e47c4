"""A fittable, lithiation-dependent factor on the electrodes' exchange-current densities.

Every lithium-ion cell carries, for each electrode (``Negative`` / ``Positive``), four
numeric parameters that multiply the parameter set's own exchange-current density
``j0_set(c_e, c_s, c_max, T)`` (a number or a function of those four):

    j0 = j0_set(c_e, c_s, c_max, T) * s * 10 ** (-n * sigma((x - x_d) / w)),  x = c_s / c_max

    sigma(z) = (1 + tanh(z / 2)) / 2        (the logistic function)

==============================================================  =====  ============
parameter (``{Electrode} exchange-current density ...``)         symbol default
==============================================================  =====  ============
``... scale``                                                   s      1
``... drop [decades]``                                          n      0 (no drop)
``... drop stoichiometry``                                      x_d    0.1 / 0.9
``... drop width``                                              w      -0.02 / 0.02
==============================================================  =====  ============

``j0`` falls smoothly by ``n`` decades across a band of width about ``4 |w|`` centred at
``x_d`` of the particle surface's stoichiometry: towards full lithiation for ``w > 0``,
towards empty for ``w < 0``. With the defaults the factor is 1 and the model is **not
touched**: the exchange-current density is wrapped only when one of these parameters is
set away from its default or varied as an input, so every parameter set behaves exactly
as in PyBaMM. Being numbers, they can be overridden, swept and fitted as PyBaMM inputs
without a rebuild (``s`` fits a rate constant the set hides inside a function).

Why this form. The charge-transfer resistance of a layered-oxide positive measured by
impedance rises steeply as it approaches full lithiation (the end of discharge), by
more than the ``sqrt(x (1 - x))`` of the Butler-Volmer form that PyBaMM's sets use; the
logistic drop is the smallest smooth, bounded description of such a rise (its level,
position and sharpness), a phenomenological form, not a law taken from one paper. The
scale alone is the rate constant, which parameter sets take from a single fit.
"""

from __future__ import annotations

from collections.abc import Iterable

from chemistries.lithium_ion._factor import Factor

FACTOR = Factor("electrode exchange-current density", "A.m-2", "c_e, c_s_surf, c_s_max, T")
defaults, names, check = FACTOR.defaults, FACTOR.names, FACTOR.check


def apply(values, input_names: Iterable[str]) -> tuple[str, ...]:
    """Wrap the exchange-current densities of ``values`` (PyBaMM ParameterValues, in
    place) in the factor, for each electrode whose factor is not the default or is an
    input.

    Returns the wrapped parameter names. Raises ParameterError if a set's
    exchange-current density is neither a number nor a function of
    (c_e, c_s_surf, c_s_max, T).
    """
    return FACTOR.wrap(values, input_names, _factored)


def _factored(base, domain: str):
    """``base`` (number or function of (c_e, c_s_surf, c_s_max, T)) times the factor."""

    def exchange_current_density(c_e, c_s_surf, c_s_max, T):
        value = base(c_e, c_s_surf, c_s_max, T) if callable(base) else base
        return value * FACTOR.core(domain, c_s_surf / c_s_max)

    exchange_current_density.__name__ = (
        f"{domain.lower()}_exchange_current_density_with_cellsim_factor"
    )
    return exchange_current_density

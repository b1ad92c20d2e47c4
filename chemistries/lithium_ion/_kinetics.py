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

import numbers
from collections.abc import Iterable

from cellsim import ParameterError

DOMAINS = ("Negative", "Positive")

SCALE = "{} electrode exchange-current density scale"
DROP = "{} electrode exchange-current density drop [decades]"
DROP_STOICHIOMETRY = "{} electrode exchange-current density drop stoichiometry"
DROP_WIDTH = "{} electrode exchange-current density drop width"

#: Defaults per domain: the factor is exactly 1 (drop position and width then do nothing).
_DEFAULTS = {
    "Negative": {SCALE: 1.0, DROP: 0.0, DROP_STOICHIOMETRY: 0.1, DROP_WIDTH: -0.02},
    "Positive": {SCALE: 1.0, DROP: 0.0, DROP_STOICHIOMETRY: 0.9, DROP_WIDTH: 0.02},
}


def defaults() -> dict[str, float]:
    """``{full parameter name: default}`` for both electrodes."""
    return {
        template.format(domain): value
        for domain, table in _DEFAULTS.items()
        for template, value in table.items()
    }


def names(domain: str) -> tuple[str, ...]:
    """The factor's parameter names for ``domain`` ("Negative" or "Positive")."""
    return tuple(t.format(domain) for t in _DEFAULTS[domain])


def check(values) -> None:
    """Raise ParameterError for a scale that is not > 0 or a zero drop width."""
    for domain in DOMAINS:
        scale = values[SCALE.format(domain)]
        width = values[DROP_WIDTH.format(domain)]
        if isinstance(scale, numbers.Number) and not scale > 0:
            raise ParameterError(f"{SCALE.format(domain)!r} must be > 0, got {scale!r}")
        if isinstance(width, numbers.Number) and width == 0:
            raise ParameterError(
                f"{DROP_WIDTH.format(domain)!r} must not be 0 (its sign says which way the "
                "exchange-current density drops: > 0 towards full lithiation, < 0 towards "
                "empty)"
            )


def apply(values, input_names: Iterable[str]) -> tuple[str, ...]:
    """Wrap the exchange-current densities of ``values`` (PyBaMM ParameterValues, in
    place) in the factor, for each electrode whose factor is not the default or is an
    input.

    Returns the wrapped parameter names. Raises ParameterError if a set's
    exchange-current density is neither a number nor a function of
    (c_e, c_s_surf, c_s_max, T).
    """
    check(values)
    input_names = frozenset(input_names)
    wrapped = []
    for domain in DOMAINS:
        table = {t.format(domain): v for t, v in _DEFAULTS[domain].items()}
        if not any(n in input_names or values[n] != v for n, v in table.items()):
            continue
        suffix = f"{domain} electrode exchange-current density [A.m-2]"
        keys = [k for k in values.keys() if k == suffix or k.endswith(": " + suffix)]  # noqa: SIM118
        if not keys:
            raise ParameterError(
                f"{', '.join(sorted(table))} act on {suffix!r}, which this parameter set "
                "does not have"
            )
        for key in keys:
            base = values[key]
            if not (callable(base) or isinstance(base, numbers.Number)):
                raise ParameterError(
                    f"{key!r} is a {type(base).__name__}: the exchange-current factor needs "
                    "it as a number or a function of (c_e, c_s_surf, c_s_max, T)"
                )
            values[key] = _factored(base, domain)
            wrapped.append(key)
    return tuple(wrapped)


def _factored(base, domain: str):
    """``base`` (number or function of (c_e, c_s_surf, c_s_max, T)) times the factor."""
    import pybamm

    def exchange_current_density(c_e, c_s_surf, c_s_max, T):
        value = base(c_e, c_s_surf, c_s_max, T) if callable(base) else base
        scale = pybamm.Parameter(SCALE.format(domain))
        drop = pybamm.Parameter(DROP.format(domain))
        centre = pybamm.Parameter(DROP_STOICHIOMETRY.format(domain))
        width = pybamm.Parameter(DROP_WIDTH.format(domain))
        logistic = 0.5 * (1 + pybamm.tanh((c_s_surf / c_s_max - centre) / (2 * width)))
        return value * scale * 10 ** (-drop * logistic)

    exchange_current_density.__name__ = (
        f"{domain.lower()}_exchange_current_density_with_cellsim_factor"
    )
    return exchange_current_density

"""What the fittable factors on a lithium-ion parameter share (the particle diffusivity's,
:mod:`chemistries.lithium_ion._diffusivity`, and the exchange-current density's,
:mod:`chemistries.lithium_ion._kinetics`): per electrode, numeric parameters

    ``{Electrode} {quantity} scale``, ``... drop [decades]``,
    ``... drop stoichiometry``, ``... drop width`` (and any the factor adds)

whose defaults make the factor exactly 1, so the set's parameter is wrapped only when
one of them is set away from its default or varied as an input; and the factor's core,
``s * 10 ** (-n * sigma((x - x_d) / w))`` with ``sigma(z) = (1 + tanh(z / 2)) / 2``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cellsim import ParameterError

DOMAINS = ("Negative", "Positive")
REFERENCE_TEMPERATURE = "Reference temperature [K]"


def arrhenius(energy_name: str, T):
    """``exp(E / R (1 / T_ref - 1 / T))`` with ``E`` the parameter ``energy_name`` (J/mol)
    and ``T_ref`` the set's :data:`REFERENCE_TEMPERATURE` (a PyBaMM expression)."""
    import pybamm

    energy = pybamm.Parameter(energy_name)
    t_ref = pybamm.Parameter(REFERENCE_TEMPERATURE)
    return pybamm.exp(energy / pybamm.constants.R * (1 / t_ref - 1 / T))


def ensure_reference_temperature(values) -> None:
    """Give ``values`` (PyBaMM ParameterValues) a reference temperature of 298.15 K where
    the set has none, for :func:`arrhenius`."""
    if REFERENCE_TEMPERATURE not in values:
        values.update({REFERENCE_TEMPERATURE: 298.15}, check_already_exists=False)


@dataclass(frozen=True)
class Factor:
    """The parameters of a factor on ``{Electrode} {quantity} [{units}]``.

    ``extra`` adds templates (``"{} ..."``) with the same default on both electrodes;
    ``arguments`` names what the set's parameter, if a function, must take.
    """

    quantity: str
    units: str
    arguments: str
    extra: tuple[tuple[str, float], ...] = ()

    @property
    def scale(self) -> str:
        return "{} " + self.quantity + " scale"

    @property
    def drop(self) -> str:
        return "{} " + self.quantity + " drop [decades]"

    @property
    def drop_stoichiometry(self) -> str:
        return "{} " + self.quantity + " drop stoichiometry"

    @property
    def drop_width(self) -> str:
        return "{} " + self.quantity + " drop width"

    def table(self, domain: str) -> dict[str, float]:
        """``{full name: default}`` of ``domain``'s parameters: the factor is then 1
        (drop position and width do nothing while the drop is 0)."""
        centre, width = (0.1, -0.02) if domain == "Negative" else (0.9, 0.02)
        templates = {
            self.scale: 1.0,
            self.drop: 0.0,
            self.drop_stoichiometry: centre,
            self.drop_width: width,
            **dict(self.extra),
        }
        return {t.format(domain): v for t, v in templates.items()}

    def defaults(self) -> dict[str, float]:
        """``{full parameter name: default}`` for both electrodes."""
        return {k: v for domain in DOMAINS for k, v in self.table(domain).items()}

    def names(self, domain: str) -> tuple[str, ...]:
        """The factor's parameter names for ``domain`` ("Negative" or "Positive")."""
        return tuple(self.table(domain))

    def check(self, values) -> None:
        """Raise ParameterError for a scale that is not > 0 or a zero drop width."""
        for domain in DOMAINS:
            scale = values[self.scale.format(domain)]
            width = values[self.drop_width.format(domain)]
            if isinstance(scale, numbers.Number) and not scale > 0:
                raise ParameterError(f"{self.scale.format(domain)!r} must be > 0, got {scale!r}")
            if isinstance(width, numbers.Number) and width == 0:
                raise ParameterError(
                    f"{self.drop_width.format(domain)!r} must not be 0 (its sign says which "
                    f"way the {self.quantity} drops: > 0 towards full lithiation, < 0 "
                    "towards empty)"
                )

    def wrap(self, values, input_names: Iterable[str], factored: Callable) -> tuple[str, ...]:
        """Replace, in ``values`` (PyBaMM ParameterValues), the parameter of each electrode
        whose factor is not the default or is an input by ``factored(base, domain)``.

        Returns the wrapped names. Raises ParameterError if the set lacks the parameter
        or gives it as neither a number nor a function."""
        self.check(values)
        input_names = frozenset(input_names)
        wrapped = []
        for domain in DOMAINS:
            table = self.table(domain)
            if not any(n in input_names or values[n] != v for n, v in table.items()):
                continue
            suffix = f"{domain} {self.quantity} [{self.units}]"
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
                        f"{key!r} is a {type(base).__name__}: the {self.quantity} factor "
                        f"needs it as a number or a function of ({self.arguments})"
                    )
                values[key] = factored(base, domain)
                wrapped.append(key)
        return tuple(wrapped)

    def core(self, domain: str, stoichiometry):
        """``s * 10 ** (-n * sigma((x - x_d) / w))`` of ``domain`` at ``stoichiometry``
        (a PyBaMM expression, its parameters ``pybamm.Parameter``\\ s)."""
        import pybamm

        scale = pybamm.Parameter(self.scale.format(domain))
        drop = pybamm.Parameter(self.drop.format(domain))
        centre = pybamm.Parameter(self.drop_stoichiometry.format(domain))
        width = pybamm.Parameter(self.drop_width.format(domain))
        logistic = 0.5 * (1 + pybamm.tanh((stoichiometry - centre) / (2 * width)))
        return scale * 10 ** (-drop * logistic)

"""A fittable, lithiation- and temperature-dependent factor on the particle diffusivities.

Every lithium-ion cell carries, for each electrode (``Negative`` / ``Positive``), five
numeric parameters that multiply the parameter set's own particle diffusivity
``D_set(x, T)`` (a number or a function of stoichiometry ``x`` and temperature ``T``):

    D(x, T) = D_set(x, T) * s * 10 ** (-n * sigma((x - x_d) / w))
              * exp(E / R * (1 / T_ref - 1 / T))

    sigma(z) = (1 + tanh(z / 2)) / 2        (the logistic function)

========================================================  =======  =====================
parameter (``{Electrode} particle diffusivity ...``)       symbol   default
========================================================  =======  =====================
``... scale``                                             s        1
``... drop [decades]``                                    n        0 (no drop)
``... drop stoichiometry``                                x_d      0.9 / 0.1
``... drop width``                                        w        0.02 / -0.02
``... activation energy [J.mol-1]``                       E        0 (no Arrhenius)
========================================================  =======  =====================

``D`` falls smoothly by ``n`` decades across a band of width about ``4 |w|`` centred at
``x_d``: towards full lithiation (``x -> 1``) for ``w > 0``, towards empty for ``w < 0``.
``T_ref`` is the set's "Reference temperature [K]" (298.15 K where it has none). With the
defaults the factor is 1 and the model is **not touched**: the diffusivity is wrapped
only when one of these parameters is set away from its default or varied as an input,
so every parameter set behaves exactly as in PyBaMM. Being numbers, they can be
overridden, swept and fitted as PyBaMM inputs without a rebuild (``s`` fits a
diffusivity that the set gives as a function, which the diffusivity itself cannot).

Why this form. Layered oxides such as NMC811 diffuse lithium by a vacancy (divacancy)
mechanism, which slows sharply as the lattice fills (x -> 1) and vacancies vanish [1]_;
galvanostatic intermittent titration on the LG M50's NMC811 positive measures a
diffusivity falling by one to two decades towards full lithiation [2]_, [3]_ (PyBaMM's
``ORegan2022`` set carries that measurement as ``nmc_LGM50_diffusivity_ORegan2022``,
with an Arrhenius activation energy of 1449 R = 12.0 kJ/mol; its graphite, 2092 R =
17.4 kJ/mol). ``Chen2020`` takes one constant. The logistic drop is the smallest
smooth, bounded description of such a fall (its level, position and sharpness); it is
a phenomenological form, not a law taken from one of these papers.

References
----------
.. [1] A. Van der Ven, G. Ceder, "Lithium diffusion in layered Li_xCoO2",
   Electrochem. Solid-State Lett. 3 (2000) 301-304.
.. [2] C.-H. Chen, F. Brosa Planella, K. O'Regan, D. Gastol, W. D. Widanage, E. Kendrick,
   "Development of experimental techniques for parameterization of multi-scale
   lithium-ion battery models", J. Electrochem. Soc. 167 (2020) 080534.
.. [3] K. O'Regan, F. Brosa Planella, W. D. Widanage, E. Kendrick, "Thermal-
   electrochemical parameters of a high energy lithium-ion cylindrical battery",
   Electrochim. Acta 425 (2022) 140700.
"""

from __future__ import annotations

from collections.abc import Iterable

from chemistries.lithium_ion._factor import Factor, arrhenius, ensure_reference_temperature

ACTIVATION_ENERGY = "{} particle diffusivity activation energy [J.mol-1]"
FACTOR = Factor(
    "particle diffusivity",
    "m2.s-1",
    "stoichiometry, temperature",
    extra=((ACTIVATION_ENERGY, 0.0),),
)
defaults, names, check = FACTOR.defaults, FACTOR.names, FACTOR.check


def apply(values, input_names: Iterable[str]) -> tuple[str, ...]:
    """Wrap the particle diffusivities of ``values`` (PyBaMM ParameterValues, in place)
    in the factor, for each electrode whose factor is not the default or is an input.

    Returns the wrapped parameter names. Raises ParameterError if a set's diffusivity is
    neither a number nor a function of (stoichiometry, temperature).
    """
    wrapped = FACTOR.wrap(values, input_names, _factored)
    if wrapped:
        ensure_reference_temperature(values)
    return wrapped


def _factored(base, domain: str):
    """``base`` (number or function of (sto, T)) times the factor of ``domain``."""

    def diffusivity(sto, T):
        value = base(sto, T) if callable(base) else base
        return value * FACTOR.core(domain, sto) * arrhenius(ACTIVATION_ENERGY.format(domain), T)

    diffusivity.__name__ = f"{domain.lower()}_diffusivity_with_cellsim_factor"
    return diffusivity


def mesh_parameters(options: dict) -> frozenset[str]:
    """Names of the parameters that set the extent of a mesh domain (electrode and
    separator thicknesses, particle radii, ...) for a model with ``options``: PyBaMM
    meshes the geometry with their values, so they cannot be PyBaMM inputs."""
    import pybamm

    geometry = pybamm.battery_geometry(options=options)
    found: set[str] = set()
    stack = [geometry]
    while stack:
        node = stack.pop()
        for value in node.values():
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, pybamm.Symbol):
                for symbol in value.pre_order():
                    if isinstance(symbol, (pybamm.Parameter, pybamm.FunctionParameter)):
                        found.add(symbol.name)
    return frozenset(found)

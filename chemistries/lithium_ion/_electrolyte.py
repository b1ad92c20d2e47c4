"""An Arrhenius temperature dependence for the electrolyte's conductivity and diffusivity.

Every lithium-ion cell carries two numeric parameters,

========================================================  =======
parameter                                                 default
========================================================  =======
``Electrolyte conductivity activation energy [J.mol-1]``  0
``Electrolyte diffusivity activation energy [J.mol-1]``   0
========================================================  =======

that multiply the parameter set's own electrolyte conductivity and diffusivity (numbers
or functions of concentration ``c_e`` and temperature ``T``) by

    exp(E / R * (1 / T_ref - 1 / T))

with ``T_ref`` the set's "Reference temperature [K]" (298.15 K where it has none). At
0 the set's parameter is **not touched**: it is wrapped only when its energy is set
away from 0 or varied as an input.

Why. Some sets give the electrolyte at one temperature only: ``Chen2020`` takes Nyman
et al.'s LiPF6 in EC:EMC 3:7 measured at 25 °C [1]_, so its cell's electrolyte does not
respond to heat, while a real one conducts about 1.6 times better at 25 °C than at
0 °C. Landesfeind and Gasteiger measured the same electrolyte from -10 to 50 °C [2]_
(PyBaMM's ``ORegan2022`` set carries their fits, for EC:EMC 3:7 w:w): at 1 mol/L their conductivity
follows an Arrhenius law with about 12.5 kJ/mol and their diffusivity about 17.0 kJ/mol
over 0-45 °C (:data:`LANDESFEIND2019`, an Arrhenius fit of those functions at 0, 10,
25, 35 and 45 °C; 11-15 and 15-19 kJ/mol from 0.5 to 1.5 mol/L). A set whose functions
already depend on temperature needs none of this: the factor would multiply on top.

References
----------
.. [1] A. Nyman, M. Behm, G. Lindbergh, "Electrochemical characterisation and modelling
   of the mass transport phenomena in LiPF6-EC-EMC electrolyte", Electrochim. Acta 53
   (2008) 6356-6365.
.. [2] J. Landesfeind, H.A. Gasteiger, "Temperature and concentration dependence of the
   ionic transport properties of lithium-ion battery electrolytes", J. Electrochem. Soc.
   166 (2019) A3079-A3097.
"""

from __future__ import annotations

from collections.abc import Iterable

from chemistries.lithium_ion._factor import arrhenius, ensure_reference_temperature

CONDUCTIVITY = "Electrolyte conductivity [S.m-1]"
DIFFUSIVITY = "Electrolyte diffusivity [m2.s-1]"
#: The activation energy (J/mol) of each quantity's factor.
ENERGIES = {
    CONDUCTIVITY: "Electrolyte conductivity activation energy [J.mol-1]",
    DIFFUSIVITY: "Electrolyte diffusivity activation energy [J.mol-1]",
}
#: Arrhenius fits of Landesfeind and Gasteiger's LiPF6 in EC:EMC 3:7 at 1 mol/L,
#: 0-45 °C (J/mol): for a set such as ``Chen2020`` that gives this electrolyte at 25 °C.
LANDESFEIND2019 = {ENERGIES[CONDUCTIVITY]: 12.5e3, ENERGIES[DIFFUSIVITY]: 17.0e3}


def defaults() -> dict[str, float]:
    """``{parameter name: default}``: energies of 0, the set's electrolyte unchanged."""
    return dict.fromkeys(ENERGIES.values(), 0.0)


def apply(values, input_names: Iterable[str]) -> tuple[str, ...]:
    """Wrap the electrolyte conductivity and diffusivity of ``values`` (PyBaMM
    ParameterValues, in place) in their Arrhenius factor where its energy is not 0 or is
    an input. Returns the wrapped parameter names."""
    input_names = frozenset(input_names)
    wrapped = []
    for key, energy in ENERGIES.items():
        if energy in input_names or values[energy] != 0.0:
            values[key] = _factored(values[key], energy)
            wrapped.append(key)
    if wrapped:
        ensure_reference_temperature(values)
    return tuple(wrapped)


def _factored(base, energy_name: str):
    """``base`` (number or function of (c_e, T)) times its Arrhenius factor."""

    def electrolyte(c_e, T):
        value = base(c_e, T) if callable(base) else base
        return value * arrhenius(energy_name, T)

    electrolyte.__name__ = "electrolyte_with_cellsim_arrhenius"
    return electrolyte

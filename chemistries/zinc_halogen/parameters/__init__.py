"""Zinc-halogen parameter sets, by name.

Each module holds ``PARAMETERS`` (``name: (value, source)``) and
``get_parameter_values()``; :data:`PARAMETER_SETS` maps the registry name to it.
"""

from __future__ import annotations

from types import ModuleType

from chemistries.zinc_halogen.parameters import zinc_bromine_static, zinc_iodide_pnnl

PARAMETER_SETS: dict[str, ModuleType] = {
    "zinc_bromine_static": zinc_bromine_static,
    "zinc_iodide_pnnl": zinc_iodide_pnnl,
}


def sources(parameter_set: str) -> dict[str, str]:
    """The source (or estimate note) of every value of ``parameter_set``."""
    return {name: source for name, (_, source) in PARAMETER_SETS[parameter_set].PARAMETERS.items()}

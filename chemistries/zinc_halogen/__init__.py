"""Zinc-halogen cells (Zn-Br2, Zn-I2): a lumped PyBaMM model and parameter sets.

Registered with cellsim as the chemistry ``zinc_halogen`` (parameter sets
``zinc_bromine_static`` and ``zinc_iodide_pnnl``, model ``"0D"``).
"""

from chemistries.zinc_halogen._chemistry import ZincHalogen
from chemistries.zinc_halogen._model import ZincHalogen0D
from chemistries.zinc_halogen._options import Options

CHEMISTRY = ZincHalogen()

__all__ = ["CHEMISTRY", "Options", "ZincHalogen", "ZincHalogen0D"]

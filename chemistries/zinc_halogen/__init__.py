"""Zinc-halogen cells (Zn-Br2, Zn-I2): PyBaMM models and parameter sets.

Registered with cellsim as the chemistry ``zinc_halogen`` (parameter sets
``zinc_bromine_static`` and ``zinc_iodide_pnnl``; models ``"0D"``, lumped, and
``"1D"``, the static cell resolved through its thickness, for ``zinc_bromine_static``).
"""

from chemistries.zinc_halogen._chemistry import ZincHalogen
from chemistries.zinc_halogen._model import ZincHalogen0D
from chemistries.zinc_halogen._model_1d import ZincHalogen1D
from chemistries.zinc_halogen._options import Options

CHEMISTRY = ZincHalogen()

__all__ = ["CHEMISTRY", "Options", "ZincHalogen", "ZincHalogen0D", "ZincHalogen1D"]

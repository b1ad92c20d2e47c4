"""Measured properties of aqueous zinc bromide: conductivity and pH against concentration.

The table is Rajarathnam's (spec S4, S5), as compiled in the machine-energy Raman/GPR
data set: 2.0-4.0 M ZnBr2 at room temperature. Between its points the lookup is linear;
outside them it holds the end value (it does not extrapolate a maximum it cannot see).

References
----------
.. [1] G. P. Rajarathnam, "The zinc/bromine flow battery: fundamentals and novel
   materials for technology advancement", PhD thesis, University of Sydney (2016).
.. [2] cellsim zinc-halogen specification, section 3.5 and anchor A17.
"""

from __future__ import annotations

import numpy as np

#: ZnBr2 concentration, mol m-3 [G S4].
CONCENTRATION = np.array([2000.0, 2500.0, 3000.0, 3500.0, 4000.0])
#: Its conductivity, S m-1 (120.6 ... 108.7 mS cm-1) [G S4].
CONDUCTIVITY = np.array([12.06, 12.26, 11.88, 11.58, 10.87])
#: Its pH [G S4].
PH = np.array([3.60, 3.22, 2.91, 2.77, 2.36])


def conductivity(concentration):
    """Conductivity of aqueous ZnBr2, S m-1, at ``concentration`` (mol m-3; array or float).

    Linear between the table's points (exact at them), the end values outside 2-4 M.
    """
    return np.interp(concentration, CONCENTRATION, CONDUCTIVITY)


def ph(concentration):
    """pH of aqueous ZnBr2 at ``concentration`` (mol m-3), as :func:`conductivity`."""
    return np.interp(concentration, CONCENTRATION, PH)

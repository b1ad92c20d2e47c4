"""Degradation-rate estimates shared by the zinc-halogen parameter sets.

No public data fixes these for either cell (spec section 4); both sets use the same
estimates, each with its reasoning, until a fit to cycling data replaces them.
"""

from __future__ import annotations

#: ``name: (value, source)`` for the option ``"degradation"``.
DEGRADATION_ESTIMATES: dict[str, tuple[float, str]] = {
    "Dead zinc fraction of stripped zinc": (
        0.005,
        "[E spec D1: 0.2-5 % of the stripped zinc per cycle]",
    ),
    "Zinc isolation rate [s-1]": (
        1e-8,
        "[E] calendar isolation of plated zinc, well below the spec's upper bound "
        "1.5-5e-6 s-1 from thin deposits in zinc-ion cells (spec D1, S16)",
    ),
    "Dead zinc dissolution rate [s-1]": (
        1e-4,
        "[E] at 1 M aqueous halogen: halogen attacks isolated zinc (spec D1, S31)",
    ),
    "Initial dead zinc [mol.m-2]": (0.0, "[E] a new cell"),
    "Complexing agent loss rate [s-1]": (
        1e-7,
        "[E] at 1 M aqueous bromine (spec D4: no public rate constants)",
    ),
    "Initial complexing agent fraction": (1.0, "[E] a new cell"),
    "Separator permeability growth rate [s-1]": (2e-9, "[E] about 6 %/year (spec D6)"),
    "Separator conductivity loss rate [s-1]": (1e-9, "[E] about 3 %/year (spec D6)"),
    "Initial separator permeability factor": (1.0, "[E] a new cell"),
    "Initial separator conductivity factor": (1.0, "[E] a new cell"),
    "Zinc deposit porosity": (0.3, "[E spec D2: 0-0.5]"),
    "Zinc non-uniformity growth coefficient [m2.mol-1]": (
        0.5,
        "[E spec D2] growth of the tallest deposit's relative excess per mol m-2 plated "
        "at dendrite-risk indicator 1",
    ),
    "Zinc non-uniformity reset time [s]": (
        600.0,
        "[E] relaxation of the non-uniformity once the zinc is fully stripped (spec D1b)",
    ),
    "Initial zinc non-uniformity": (0.0, "[E] a new cell"),
    "Soft-short conductance at contact [S.m-2]": (
        100.0,
        "[E] 100 Ohm cm2 when the tallest deposit reaches the positive (PNNL cycles 2-3 "
        "show 113-174 Ohm cm2 equivalent shunts, spec D2)",
    ),
    "Soft-short length scale [m]": (1e-5, "[E spec D2: ~10 um]"),
}

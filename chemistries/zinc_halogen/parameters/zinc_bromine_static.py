"""Parameter set ``zinc_bromine_static``: a representative static (non-flow) Zn-Br2 cell.

A 10 cm x 10 cm cell of the Eos/Gelion/laboratory kind (spec 1.4 and 5.3): zinc plates
on a planar carbon-plastic collector, a 1 mm microporous separator, a 3 mm activated
graphite felt holding the bromine as a polybromide complex of a quaternary ammonium
complexing agent (MEP), 2 M ZnBr2 + 0.5 M MEPBr. 20 mAh cm-2 nominal, cycled at about
10 mA cm-2 (C/2). No public Zn-Br cycling time series exists (data README), so this set
is grounded in literature values and engineering estimates, not fitted.

Each entry is ``name: (value, source)`` with the specification's tags: ``[G ...]`` seen
in a source, ``[D ...]`` derived (calculation stated), ``[L ...]`` handbook value,
``[E ...]`` engineering estimate.

References
----------
.. [1] COMSOL, "Zinc-bromine flow battery" parameter list (spec S1).
.. [2] Handbook of Battery Materials, ch. 7 "Bromine-storage materials" (spec S6).
.. [3] G. P. Rajarathnam, PhD thesis, Univ. Sydney 2016; Raman/conductivity data set
   (spec S4, S5).
.. [4] D. Fernandez Pinto, static Zn-Br cell posts, chemisting.com (spec S24).
.. [5] cellsim zinc-halogen specification, sections 1, 3, 5.2 and 5.3.
"""

from __future__ import annotations

from chemistries.zinc_halogen.parameters._degradation_estimates import DEGRADATION_ESTIMATES

PARAMETERS: dict[str, tuple[float, str]] = {
    # -- geometry and design ------------------------------------------------------------
    "Electrode area [m2]": (0.01, "[E] 10 cm x 10 cm"),
    "Positive electrolyte volume [m3]": (
        2.7e-5,
        "[D] felt 3 mm [G ref 1] x 100 cm2 x porosity 0.9 [L graphite felt]",
    ),
    "Negative electrolyte volume [m3]": (
        6e-6,
        "[D] separator 1 mm x 100 cm2 x porosity 0.6 [E]",
    ),
    "Separator thickness [m]": (1e-3, "[G ref 4: 0.5-5 mm gaps; E 1 mm]"),
    "Separator ionic conductivity [S.m-1]": (
        5.60,
        "[D] 2 M ZnBr2 12.06 S/m [G ref 3] x 0.6^1.5 (Bruggeman)",
    ),
    "Other area-specific resistance [Ohm.m2]": (
        1.57e-4,
        "[D] felt (L/3)(1/kappa_eff + 1/sigma): 1 mm/(12.06 x 0.9^1.5) + 1 mm/(100 S/m) "
        "[G ref 1 felt conductivity] + contacts 0.5 Ohm cm2 [E]",
    ),
    "Ohmic activation energy [J.mol-1]": (18000.0, "[D spec 3.5 from ref 2 viscosities]"),
    "Cation transference number of the separator": (0.4, "[E spec 5.2: 0.3-0.5]"),
    "Separator salt permeability [m2.s-1]": (
        4.6e-10,
        "[E] D(ZnBr2) ~1e-9 m2/s x 0.6^1.5",
    ),
    "Separator halogen permeability [m2.s-1]": (
        2e-10,
        "[E spec 5.2: 1-5e-10 m2/s] D(Br2) 1.31e-9 m2/s [G ref 1] x porosity/tortuosity of "
        "a fine-pored separator (free Bruggeman 0.6^1.5 would give 6.1e-10). Checked "
        "against the spec (A11, A18, 3.6): it self-discharges 0.16-0.44 A.h/day (8-22 %) "
        "from 25-100 % charged, 0.08-0.19 mA/cm2 of crossover at 0.021-0.048 M aqueous "
        "bromine (A11's buffered law 2F P c_aq/L); the spec's own microporous estimate "
        "is 1.0 mA/cm2 (3.6 [D]: 3e-10 m2/s, 0.6 mm, 0.1 M), conventional static Zn-I2 "
        "cells lose > 10 % in 2 days [G S12] and static Zn-Br cells reach CE 81-95 % "
        "[G S24] (this cell: ~94 % at C/2): in line, not changed",
    ),
    "Crossover activation energy [J.mol-1]": (18000.0, "[D spec 3.10]"),
    "Zinc areal capacity limit [A.h.m-2]": (
        300.0,
        "[E] 30 mAh cm-2 (spec 5.2/5.3: 20-80 mAh cm-2; ref 4 ~23 mAh cm-2)",
    ),
    "Nominal cell capacity [A.h]": (2.0, "[E] 20 mAh cm-2 x 100 cm2 [G ref 1 case]"),
    "Lower voltage cut-off [V]": (1.2, "[E spec 3.11: 1.0-1.2 V]"),
    "Upper voltage cut-off [V]": (2.1, "[E spec 3.11: 2.0-2.1 V]"),
    "Initial state of charge": (0.0, "[E] assembled discharged (zinc-free)"),
    "Ambient temperature [K]": (298.15, "[E] 25 degC"),
    "Reference temperature [K]": (298.15, "[L] 25 degC, the standard potentials' reference"),
    # -- electrolyte and thermodynamics ----------------------------------------------------
    "Positive electrolyte salt concentration when discharged [mol.m-3]": (
        2000.0,
        "[G spec 5.2: 2-3 M ZnBr2]",
    ),
    "Negative electrolyte salt concentration when discharged [mol.m-3]": (
        2000.0,
        "[G spec 5.2] one electrolyte on both sides",
    ),
    "Supporting halide concentration [mol.m-3]": (
        500.0,
        "[G ref 2, 4: 0.25-1 M quaternary ammonium bromide] 0.5 M MEPBr",
    ),
    "Reference concentration [mol.m-3]": (1000.0, "[L] standard state 1 M"),
    "Halogen standard potential [V]": (1.0873, "[G spec S34] Br2(aq)/Br-"),
    "Halogen standard potential temperature coefficient [V.K-1]": (
        -4.99e-4,
        "[D spec 1.1]",
    ),
    "Zinc standard potential [V]": (-0.7618, "[L CRC, spec 1.1]"),
    "Zinc standard potential temperature coefficient [V.K-1]": (1.19e-4, "[D spec 1.1]"),
    "Trihalide formation constant [m3.mol-1]": (
        0.0161,
        "[L spec 1.2: 16.1 M-1 (Scaife & Tyrrell 1958)]",
    ),
    "Trihalide formation enthalpy [J.mol-1]": (-6000.0, "[L spec 1.2]"),
    "Complexing agent partition coefficient": (
        1000.0,
        "[E] linear partition of a strongly binding agent: the aqueous oxidised bromine "
        "(Br2 + Br3-) stays near 0.05 M, below the 0.3 M bound of ref 2 Fig. 7.3 (spec "
        "A18), up to full charge",
    ),
    "Nernst activity factor": (1.0, "[E] ideal Nernst (no calibration data)"),
    "Open-circuit voltage offset [V]": (0.0, "[E] ideal Nernst (no calibration data)"),
    # -- kinetics and mass transport --------------------------------------------------------
    "Positive electrode exchange-current density [A.m-2]": (
        12.0,
        "[D] 0.1 A/m2 true-area i0 of Br2/Br- on felt [G ref 1] x a L = 4(1-0.9)/10 um x "
        "3 mm = 120 [E fibre size]",
    ),
    "Negative electrode exchange-current density [A.m-2]": (
        10.0,
        "[G ref 1] Zn2+/Zn at 1 M, on a planar collector (roughness 1 [E])",
    ),
    "Positive electrode transfer coefficient": (0.5, "[E spec 3.3] symmetric (alpha = 0.5)"),
    "Kinetic activation energy [J.mol-1]": (30000.0, "[E spec 3.10: 25-35 kJ/mol]"),
    "Zinc coverage reference amount [mol.m-2]": (1e-3, "[E spec 3.3]"),
    "Zinc nucleation overpotential [V]": (
        0.0,
        "[E] not modelled: no Zn-Br data (PNNL's Zn-I felt shows 0.14 V until 0.18 mol/m2 "
        "of zinc has plated, zinc_iodide_pnnl)",
    ),
    "Zinc nucleation amount [mol.m-2]": (
        0.1796,
        "[E] PNNL's value (zinc_iodide_pnnl); inactive while the overpotential is 0",
    ),
    "Negative electrode double-layer capacitance [F.m-2]": (
        0.2,
        "[L Bard & Faulkner ch. 13: 10-40 uF/cm2] 20 uF/cm2 on the planar collector "
        "(roughness 1 [E])",
    ),
    "Positive electrode double-layer capacitance [F.m-2]": (
        24.0,
        "[D] 0.2 F/m2 [L] x fibre area a L = 4(1 - 0.9)/10 um x 3 mm = 120 m2/m2",
    ),
    "Rest voltage without zinc [V]": (
        0.6,
        "[E] a bare carbon collector's mixed potential: PNNL's zinc-free Zn-I cell rests "
        "at 0.57 V (zinc_iodide_pnnl)",
    ),
    "Positive electrode mass-transfer coefficient [m.s-1]": (
        3.1e-3,
        "[E] D(Br2) 1.31e-9 m2/s [G ref 1] / 50 um pore-scale film x a L 120: bromine "
        "stored inside the felt (spec 5.3)",
    ),
    "Negative electrode mass-transfer coefficient [m.s-1]": (
        1.43e-6,
        "[D] D(Zn2+) 7.15e-10 m2/s [G spec 5.1] / 0.5 mm (half the separator) [E]",
    ),
    # -- through-thickness (model "1D"; the 0D values above are their lumped forms) ------
    "Positive electrode thickness [m]": (3e-3, "[G ref 1] graphite felt 3 mm"),
    "Positive electrode porosity": (0.9, "[L] graphite felt"),
    "Separator porosity": (0.6, "[E] microporous separator"),
    "Positive electrode Bruggeman exponent": (1.5, "[L] Bruggeman"),
    "Electrolyte conductivity [S.m-1]": (12.06, "[G ref 3] 2 M ZnBr2"),
    "Positive electrode conductivity [S.m-1]": (100.0, "[G ref 1] felt, effective"),
    "Contact resistance [Ohm.m2]": (
        5e-5,
        "[E] 0.5 Ohm cm2, the contact part of 'Other area-specific resistance [Ohm.m2]'",
    ),
    "Halogen diffusivity [m2.s-1]": (1.31e-9, "[G ref 1] D(Br2 complex)"),
    "Salt diffusivity [m2.s-1]": (
        1e-9,
        "[E] D(ZnBr2) ~1e-9 m2/s, as in 'Separator salt permeability [m2.s-1]' = 1e-9 x 0.6^1.5",
    ),
    "Zinc surface halogen reaction rate constant [m.s-1]": (
        1e-4,
        "[E] fast (bromine attacks zinc at once, spec 3.9 'large k_chem'): 500x the "
        "separator's halogen transfer coefficient P/L = 2e-7 m/s, so crossover is "
        "diffusion-limited",
    ),
    # -- side reactions -----------------------------------------------------------------------
    "Hydrogen evolution exchange-current density [A.m-2]": (
        1e-6,
        "[G spec 3.6/S27 textbook H2 on Zn; E for ZnBr2]",
    ),
    "Hydrogen evolution transfer coefficient": (0.5, "[G S27; E]"),
    "Initial negative electrolyte pH": (3.6, "[G ref 3] 2 M ZnBr2"),
    "Negative electrolyte buffer capacity [mol.m-3]": (100.0, "[E]"),
    # -- thermal --------------------------------------------------------------------------------
    "Cell heat capacity [J.K-1]": (150.0, "[E] 33 mL electrolyte, felt, plates, housing"),
    "Cell cooling coefficient [W.K-1]": (0.05, "[E] natural convection, ~0.05 m2"),
    "Zinc molar mass [kg.mol-1]": (0.06538, "[L]"),
    "Zinc density [kg.m-3]": (7140.0, "[L]"),
    # -- degradation (option "degradation"; spec section 4) -------------------------------
    **DEGRADATION_ESTIMATES,
    "Electrode gap [m]": (1e-3, "[E] the separator: zinc collector to felt"),
}


def get_parameter_values() -> dict[str, float]:
    """The values of :data:`PARAMETERS`, by name (SI units, as in the names)."""
    return {name: value for name, (value, _) in PARAMETERS.items()}

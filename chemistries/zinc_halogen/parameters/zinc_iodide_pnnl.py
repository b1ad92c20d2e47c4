"""Parameter set ``zinc_iodide_pnnl``: the PNNL 1.5 M ZnI2 hybrid flow cell.

The cell of Li et al. (2015) whose cycling data and parameter sheet PNNL published
with EZBattery (``../shared/data/zinc_iodide_pnnl/``): 40 cm2 carbon-felt electrodes,
Nafion N115, 60 mL catholyte and 40 mL anolyte of 1.5 M ZnI2, cycled at 0.8 A.

Each entry is ``name: (value, source)``. Source tags follow the specification:
``[G ...]`` seen in a source (``sheet`` is ``pnnl_zni_parameters.csv``, row named),
``[D ...]`` derived here from grounded inputs (calculation stated), ``[L ...]``
handbook value, ``[E ...]`` engineering estimate, ``[F ...]`` fitted (see
:mod:`chemistries.zinc_halogen._fit_pnnl`, which reproduces the fit).

References
----------
.. [1] B. Li, Z. Nie, M. Vijayakumar, G. Li, J. Liu, V. Sprenkle, W. Wang,
   "Ambient-temperature zinc-iodine flow battery with high energy density",
   Nat. Commun. 6 (2015) 6303.
.. [2] PNNL EZBattery, ``Data/SDPF_ZIB_V5.xlsx`` and ``Data/Bin-1_5MZnI2-07242013.xls``
   (parameter sheet and Arbin data; copies in ``../shared/data/zinc_iodide_pnnl/``).
.. [3] D. A. Palmer, R. W. Ramette, R. E. Mesmer, J. Solution Chem. 13 (1984) 673.
.. [4] cellsim zinc-halogen specification, sections 1, 3 and 5.1.
"""

from __future__ import annotations

from chemistries.zinc_halogen.parameters._degradation_estimates import DEGRADATION_ESTIMATES

#: How the start-of-charge values below were obtained.
START_PROVENANCE = (
    "[D data] derived from the first 176 s of PNNL cycle 1 by "
    "chemistries.zinc_halogen._fit_pnnl.start_of_charge (used with the option 'double "
    "layer'); cycle 1 starts from a zinc-free felt, cycles 2-4 (zinc left, rest 1.19 V) "
    "show no nucleation plateau"
)

#: Derived from the start of cycle 1's charge (see :data:`START_PROVENANCE`).
START_OF_CHARGE = {
    "Positive electrode double-layer capacitance [F.m-2]": (
        50.89,
        START_PROVENANCE + "; [F] fitted to the 6 points of the rise (first 0.8 s): 9.6 uF/cm2 of "
        "the felt's fibre area a L = 4(1 - 0.67)/10 um x 4 mm = 528 m2/m2, within carbon's "
        "3-40 uF/cm2 [L Bard & Faulkner ch. 13]",
    ),
    "Negative electrode double-layer capacitance [F.m-2]": (
        411.4,
        START_PROVENANCE + "; [F] as the positive's: 78 uF/cm2 of fibre area, above a bare "
        "double layer (pseudo-capacitance of the felt's surface groups or zinc adatoms "
        "before nucleation, not separated here); starts from the rise's second slope, "
        "0.35 V/s at 0.8 A",
    ),
    "Zinc nucleation overpotential [V]": (
        0.1692,
        START_PROVENANCE + "; the model's mean voltage over 61.6-172.7 s equals the "
        "cycler's there, 1.398 V (energy over charge counter; the records, logged on "
        "voltage changes, over-sample spikes of +-70 mV)",
    ),
    "Zinc nucleation amount [mol.m-2]": (
        0.1784,
        START_PROVENANCE + "; the zinc the model has plated when 0.0385 A.h has passed, "
        "midway between the last plateau record and the first growth record: 0.96 "
        "mAh/cm2, about 12 monolayers over the fibre area",
    ),
}

#: How the fitted values below were obtained.
FIT_PROVENANCE = (
    "[F] fitted to PNNL cycle 1 (charge 0.8 A for 14,470 s, rest 30 s, discharge 0.8 A to "
    "0.5 V; flowcell_1p5M_ZnI2_cycling.csv) by scipy.optimize.least_squares on the voltage "
    "at the measured points outside the first 173 s of charge (zinc nucleation), plus the "
    "coulombic efficiency; reproduce with python -m chemistries.zinc_halogen._fit_pnnl"
)

#: Fitted to PNNL cycle 1 (see :data:`FIT_PROVENANCE`); what the sheet is silent on.
FITTED = {
    "Other area-specific resistance [Ohm.m2]": (
        1.421e-5,
        FIT_PROVENANCE + "; electrolyte, felts and contacts in series with the membrane "
        "(0.14 Ohm cm2 beside the membrane's 2.02)",
    ),
    "Separator halogen permeability [m2.s-1]": (
        4.448e-12,
        FIT_PROVENANCE + "; I3- through Nafion N115 (sheet's 1e-12 is marked 'not used'; "
        "spec prior 4.4e-12)",
    ),
    "Positive electrode transfer coefficient": (
        0.1584,
        FIT_PROVENANCE + "; the sheet's 0.5 is 'assumed'; sets the cathodic Tafel slope "
        "(2.3RT/(2 alpha F) = 187 mV/decade) that shapes the knee before the end of discharge",
    ),
    "Cation transference number of the separator": (
        0.6994,
        FIT_PROVENANCE + "; Nafion in 1.5 M ZnI2 lets some iodide through (1 would be "
        "perfect co-ion exclusion)",
    ),
}

PARAMETERS: dict[str, tuple[float, str]] = {
    # -- geometry and design ------------------------------------------------------------
    "Electrode area [m2]": (
        0.004,
        "[G sheet ElectrodeHeight 0.1 m x ElectrodeWidth 0.04 m]",
    ),
    "Positive electrolyte volume [m3]": (6e-5, "[G sheet CathodeTankVolume]"),
    "Negative electrolyte volume [m3]": (4e-5, "[G sheet AnodeTankVolume]"),
    "Separator thickness [m]": (1.27e-4, "[G sheet MembraneThickness, Nafion N115]"),
    "Separator ionic conductivity [S.m-1]": (
        0.6295,
        "[G sheet MembraneElectronicConductivity (PNNL-calibrated effective conductivity)]",
    ),
    "Ohmic activation energy [J.mol-1]": (
        18000.0,
        "[D spec 3.5: from 3 M ZnBr2 viscosity by the Walden rule; used for ZnI2 as an estimate]",
    ),
    "Separator salt permeability [m2.s-1]": (
        0.0,
        "[E] no salt diffusion through the membrane at rest; sheet CrossMembraneRate 0",
    ),
    "Crossover activation energy [J.mol-1]": (18000.0, "[D spec 3.10] (estimate for I3-)"),
    "Zinc areal capacity limit [A.h.m-2]": (
        1000.0,
        "[E] 100 mAh cm-2: above the 80.4 mAh cm-2 the PNNL cell plated in cycle 1, inside "
        "the 20-120 mAh cm-2 range of spec 5.2",
    ),
    "Nominal cell capacity [A.h]": (
        3.2162,
        "[D] 60 mL x 3 M iodide x 2/3 x F (I3- carrier: 2/3 of the iodide is electroactive)",
    ),
    "Lower voltage cut-off [V]": (0.5, "[G sheet CutOffVoltageDischarge]"),
    "Upper voltage cut-off [V]": (
        1.6,
        "[G spec 3.11: Zn-I 1.35-1.6 V] the sheet's 1.352 V is not what the experiment "
        "used: it charged by time to 1.373 V",
    ),
    "Initial state of charge": (0.0, "[G data] cycle 1 starts discharged (0.61 V)"),
    "Ambient temperature [K]": (298.15, "[G sheet Temperature 298 K]"),
    "Reference temperature [K]": (298.15, "[L] 25 degC, the standard potentials' reference"),
    # -- electrolyte and thermodynamics ----------------------------------------------------
    "Positive electrolyte salt concentration when discharged [mol.m-3]": (
        1500.0,
        "[G sheet CathodeReductant1InitialConcentrationInCathode 3000 mol m-3 iodide = 1.5 M ZnI2]",
    ),
    "Negative electrolyte salt concentration when discharged [mol.m-3]": (
        1500.0,
        "[G spec 5.1: 1.5 M ZnI2 on both sides] (the sheet's 400 mol m-3 anolyte Zn2+ "
        "is an EZBattery modelling choice; the paper's cell has ZnI2 on both sides)",
    ),
    "Supporting halide concentration [mol.m-3]": (0.0, "[G] no supporting salt [1]"),
    "Reference concentration [mol.m-3]": (1000.0, "[L] standard state 1 M"),
    "Halogen standard potential [V]": (
        0.62012,
        "[D] I2(aq)/I-: sheet CathodeStandardPotential 0.536 V (I3-/I-) + (RT/2F) ln 698 "
        "(spec A2: 0.6201 V)",
    ),
    "Halogen standard potential temperature coefficient [V.K-1]": (
        -2.003e-4,
        "[D] dE(I3-/I-)/dT -0.187 mV/K (spec 1.1) + d/dT[(RT/2F) ln K3] with dH -17.0 kJ/mol",
    ),
    "Zinc standard potential [V]": (-0.7626, "[G sheet AnodeStandardPotential]"),
    "Zinc standard potential temperature coefficient [V.K-1]": (
        1.19e-4,
        "[D spec 1.1] from NBS entropies, matches Bratsch 1989",
    ),
    "Trihalide formation constant [m3.mol-1]": (0.698, "[G ref 3] 698 M-1 at 25 degC"),
    "Trihalide formation enthalpy [J.mol-1]": (-17000.0, "[G ref 3]"),
    "Complexing agent partition coefficient": (0.0, "[G] no complexing agent"),
    "Nernst activity factor": (
        1.0,
        "[L] ideal Nernst law, kept: fitting it and the offset as well gave 0.87 and "
        "-19 mV (t+ 0.83) for 0.5 mV less RMSE; the cycle-1 data do not identify both",
    ),
    "Open-circuit voltage offset [V]": (0.0, "[L] ideal Nernst law (see above)"),
    # -- kinetics and mass transport --------------------------------------------------------
    "Positive electrode exchange-current density [A.m-2]": (
        2292.5,
        "[D] 2 F k c_ref a L at 1 M I3-/I-: sheet CathodeReactionRateConstant 2.25e-8 m/s, "
        "a = 4(1 - 0.67)/10 um (sheet porosity, fibre size), L = 4 mm (sheet)",
    ),
    "Negative electrode exchange-current density [A.m-2]": (
        509.4,
        "[D] as the positive with sheet AnodeReactionRateConstant 5e-9 m/s",
    ),
    "Kinetic activation energy [J.mol-1]": (30000.0, "[E spec 3.10: 25-35 kJ/mol]"),
    "Zinc coverage reference amount [mol.m-2]": (1e-3, "[E spec 3.3]"),
    "Rest voltage without zinc [V]": (
        0.565,
        "[D data] cycle 1's first record, 0.608 V at the start of the 0.8 A charge, less "
        "the ohmic drop 0.043 V (0.8 A x the set's area-specific resistance / 40 cm2)",
    ),
    "Positive electrode mass-transfer coefficient [m.s-1]": (
        7.149e-3,
        "[D] 1.6e-4 u^0.4 (Schmal 1986, spec 3.4) x a L; u = 20 mL/min (sheet "
        "CathodePumpRate) / (40 mm x 4 mm)",
    ),
    "Negative electrode mass-transfer coefficient [m.s-1]": (
        7.149e-3,
        "[D] as the positive with sheet AnodePumpRate (same flow)",
    ),
    # -- side reactions -----------------------------------------------------------------------
    "Hydrogen evolution exchange-current density [A.m-2]": (
        1e-6,
        "[G spec 3.6/S27 textbook H2 on Zn; E for ZnI2]",
    ),
    "Hydrogen evolution transfer coefficient": (0.5, "[G S27; E]"),
    "Initial negative electrolyte pH": (4.0, "[E] 1.5 M ZnI2 (2 M ZnBr2: pH 3.6, spec 3.5)"),
    "Negative electrolyte buffer capacity [mol.m-3]": (100.0, "[E]"),
    # -- thermal --------------------------------------------------------------------------------
    "Cell heat capacity [J.K-1]": (600.0, "[E] 100 mL electrolyte and cell hardware"),
    "Cell cooling coefficient [W.K-1]": (0.5, "[E] flow cell with external tanks"),
    "Zinc molar mass [kg.mol-1]": (0.06538, "[L]"),
    "Zinc density [kg.m-3]": (7140.0, "[L]"),
    # -- degradation (option "degradation"; spec section 4) -------------------------------
    **DEGRADATION_ESTIMATES,
    "Electrode gap [m]": (
        4e-3,
        "[E] the anode felt's thickness (sheet ElectrodeThickness) between the zinc's "
        "collector and the membrane",
    ),
    **FITTED,
    **START_OF_CHARGE,
}


def get_parameter_values() -> dict[str, float]:
    """The values of :data:`PARAMETERS`, by name (SI units, as in the names)."""
    return {name: value for name, (value, _) in PARAMETERS.items()}

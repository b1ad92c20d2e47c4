"""The lumped (0D) zinc-halogen cell as one readable PyBaMM model."""

from __future__ import annotations

from collections.abc import Callable

import pybamm

from chemistries.zinc_halogen import _speciation as sp
from chemistries.zinc_halogen._degradation import (
    add_ageing,
    ageing_states,
    short_current,
    tallest_deposit,
)
from chemistries.zinc_halogen._kinetics import (
    COALESCED,
    arrhenius,
    halogen_rate_logs,
    halogen_residual,
    nucleation_log_factor,
    nucleation_rate,
    positive_part,
    symmetric_potential,
)
from chemistries.zinc_halogen._options import Options

#: Concentration at which the backstop "exhausted" events fire, mol m-3.
EXHAUSTED = 1e-3
#: How far below zero (as a fraction of the loading limit) the zinc may go before the
#: backstop event fires; the voltage has collapsed by then (see ``positive_part``).
ZINC_MARGIN = 1e-6
#: Seconds of the current rate of change added to an inventory event's distance to its
#: limit when the state moves away from it (see the events in :class:`ZincHalogen0D`).
EVENT_LOOKAHEAD = 1.0

#: Names of the model's own termination events.
EVENTS = {
    "zinc loading": "Zinc areal capacity limit",
    "zinc exhausted": "Zinc exhausted",
    "halide exhausted": "Positive halide exhausted",
    "zinc ion exhausted": "Negative zinc ion exhausted",
}


class ZincHalogen0D(pybamm.BaseModel):
    """Lumped zinc-halogen cell (Zn-Br2 or Zn-I2; static or flow) with two electrolyte
    compartments separated by a separator or membrane.

    States: plated (active) zinc per electrode area; in the positive electrolyte the
    oxidised halogen (free X2 + X3- + complexed X2), the halide anions (free X- +
    X3-) and Zn2+; in the negative electrolyte Zn2+ and halide; evolved hydrogen; the
    discharge and throughput capacities; optionally the cell temperature. Algebraic:
    the halogen electrode's potential and, unless the current is given, the current
    itself. Current > 0 is discharge.

    Physics (cellsim zinc-halogen specification, section 3):

    * speciation X2 + X- <=> X3- in closed form, with a linear complexing-agent
      partition of X2 (Zn-Br);
    * Nernst potentials from the model's own concentrations, with an empirical
      activity factor and offset (1 and 0 are the ideal Nernst law); the zinc metal's
      activity is its coverage ``theta = n_Zn / (n_Zn + n_ref)``;
    * Butler-Volmer kinetics: at the zinc with alpha = 1/2 and an exchange current
      proportional to ``sqrt(theta c)``, inverted in closed form; at the halogen
      electrode with a transfer coefficient alpha and ``i0 ~ c_ox^(1-alpha)
      c_red^alpha``, solved as one algebraic state (exact Tafel asymptotes both ways);
    * film mass transport of the aqueous oxidised halogen and halide to the positive
      and of Zn2+ to the zinc (limiting currents appear as the surface concentrations
      reach zero); an area-specific resistance;
    * halogen crossover ``(P/L) c_aq theta`` that reacts at once with the zinc;
      Tafel hydrogen evolution on the zinc; salt back-diffusion across the separator;
    * zinc nucleation: on a bare substrate the plating needs a nucleation overpotential
      until the nuclei coalesce (a state counts the zinc plated since the substrate was
      last bare);
    * optionally double layers at both electrodes: the electrode potentials become
      states that the current charges, the reaction currents algebraic (the voltage
      then rises over about a second when a current starts from rest);
    * optionally one lumped temperature, and the degradation states of
      :mod:`chemistries.zinc_halogen._degradation` (dead zinc, complexing-agent loss,
      separator ageing).

    Parameters
    ----------
    options : Options, optional
        Which side reactions and losses to include.
    operating_mode : "current" or callable, optional
        ``"current"``: the current is the parameter "Current function [A]" (a
        function of time). A callable ``residual(variables)`` makes the current an
        algebraic state governed by ``residual == 0`` (as PyBaMM's "operating mode"
        option; cellsim passes :func:`cellsim._control.control_residual`).
    name : str, optional
        The model's name.

    Notes
    -----
    Choices where the specification leaves room (physically sound readings):

    * The zinc coverage enters the zinc electrode's equilibrium potential as the metal
      activity and its exchange current as ``sqrt(theta)``, so only the stripping
      branch needs zinc: plating on a bare substrate works, and the voltage collapses
      smoothly as zinc runs out on discharge (the spec scales ``i0`` alone).
    * The film model acts on the conserved totals (aqueous oxidised halogen, halide
      anions) with speciation re-established at the surface; the complexed halogen
      does not move. The concentration overpotentials are the Nernst differences
      between bulk and surface, which equal the spec's logarithmic expressions.
    * Hydrogen evolution uses the zinc electrode potential computed with the zinc
      current alone (one explicit pass): it is a small fraction of the current.
    * Halogen crossover is switched off by the zinc coverage as in the spec, so
      halogen that crosses reacts with plated zinc; with no zinc it is not tracked.

    References
    ----------
    .. [1] cellsim zinc-halogen specification (../shared/zinc_halogen_spec.md),
       sections 2-3.
    .. [2] B. Li et al., "Ambient-temperature zinc-iodine flow battery with high energy
       density", Nat. Commun. 6 (2015) 6303.
    """

    def __init__(
        self,
        options: Options | None = None,
        operating_mode: str | Callable = "current",
        name: str = "0D",
    ) -> None:
        super().__init__(name)
        self.options = options or Options()
        opts = self.options
        F, R = sp.FARADAY, sp.GAS_CONSTANT
        P = pybamm.Parameter

        ######################
        # Parameters
        ######################
        area = P("Electrode area [m2]")
        v_pos = P("Positive electrolyte volume [m3]")
        v_neg = P("Negative electrolyte volume [m3]")
        l_sep = P("Separator thickness [m]")
        t_plus = P("Cation transference number of the separator")
        c_ref = P("Reference concentration [mol.m-3]")
        t_ref = P("Reference temperature [K]")
        c_sup = P("Supporting halide concentration [mol.m-3]")
        c_scale = P("Positive electrolyte salt concentration when discharged [mol.m-3]")
        n_limit = P("Zinc areal capacity limit [A.h.m-2]") * 3600 / (2 * F)  # mol m-2
        n_ref = P("Zinc coverage reference amount [mol.m-2]")
        t_amb = P("Ambient temperature [K]")

        ######################
        # Variables
        ######################
        n_zn = pybamm.Variable("Active zinc [mol.m-2]", scale=n_limit)
        c_ox = pybamm.Variable("Positive total oxidised halogen [mol.m-3]", scale=c_scale)
        c_x_p = pybamm.Variable("Positive halide [mol.m-3]", scale=c_scale)
        c_zn_p = pybamm.Variable("Positive zinc ion concentration [mol.m-3]", scale=c_scale)
        c_zn_n = pybamm.Variable("Negative zinc ion concentration [mol.m-3]", scale=c_scale)
        c_x_n = pybamm.Variable("Negative halide [mol.m-3]", scale=c_scale)
        n_h2 = pybamm.Variable("Evolved hydrogen [mol.m-2]", scale=n_limit)
        q_dis = pybamm.Variable("Discharge capacity [A.h]")
        q_thr = pybamm.Variable("Throughput capacity [A.h]")
        ageing = ageing_states(opts.degradation, n_limit)
        if opts.thermal == "lumped":
            T = pybamm.Variable("Cell temperature [K]", scale=t_ref)
        else:
            T = t_amb

        current = cell_current(operating_mode)
        i = current / area  # A m-2, > 0 on discharge

        ######################
        # Temperature dependence
        ######################
        e0_pos, e0_neg, k3, partition, beta, offset, kinetic = temperature_terms(
            T, t_ref, ageing.agent
        )
        asr = (
            l_sep / (P("Separator ionic conductivity [S.m-1]") * ageing.conductivity)
            + P("Other area-specific resistance [Ohm.m2]")
        ) / arrhenius(P("Ohmic activation energy [J.mol-1]"), T, t_ref)
        RT_F = R * T / F

        ######################
        # Speciation and open-circuit voltage (bulk)
        ######################
        bulk = sp.speciate(k3, partition, positive_part(c_ox), positive_part(c_x_p + c_sup))
        theta = positive_part(n_zn) / (positive_part(n_zn) + n_ref)
        u_pos = sp.halogen_potential(
            e0_pos,
            beta,
            T,
            positive_part(bulk["X2"]),
            positive_part(bulk["X-"]),
            c_ref,
            pybamm.log,
        )
        u_neg = sp.zinc_potential(e0_neg, beta, T, positive_part(c_zn_n), theta, c_ref, pybamm.log)
        ocv = u_pos - u_neg + offset
        # The electrodes carry the terminal current and that of a soft short, if any.
        i_short = short_current(ageing, n_zn, ocv, P("Electrode gap [m]"))
        i_cell = i + i_short

        ######################
        # Side reactions: crossover and hydrogen evolution
        ######################
        if opts.crossover:
            crossover = (
                P("Separator halogen permeability [m2.s-1]")
                * ageing.permeability
                / l_sep
                * bulk["aqueous oxidised"]
                * theta
                * arrhenius(P("Crossover activation energy [J.mol-1]"), T, t_ref)
            )  # mol m-2 s-1
        else:
            crossover = pybamm.Scalar(0)
        salt = (
            P("Separator salt permeability [m2.s-1]") / l_sep * (c_zn_n - c_zn_p)
        )  # mol m-2 s-1, negative -> positive

        k_pos = P("Positive electrode mass-transfer coefficient [m.s-1]")
        k_neg = P("Negative electrode mass-transfer coefficient [m.s-1]")
        i0_neg_ref = P("Negative electrode exchange-current density [A.m-2]") * kinetic
        # Zinc plated on a bare substrate must nucleate until the nuclei coalesce: the
        # plating rate is cut by exp(-F eta_nuc / RT) while the nucleation progress
        # (zinc plated since the substrate was bare, over the nucleation amount) is
        # below 1. Stripping zinc that is there needs no nucleation.
        n_nuc = P("Zinc nucleation amount [mol.m-2]")
        nuclei = pybamm.Variable("Zinc nucleation progress")
        ln_nucleation = nucleation_log_factor(nuclei, P("Zinc nucleation overpotential [V]") / RT_F)

        def zinc_electrode(i_zn):
            """Zinc electrode potential (V vs SHE), its equilibrium value, overpotential.

            Butler-Volmer with alpha = 1/2: ``i_zn / i0_ref = theta e^y - a e^-y`` with
            ``a = (c_s / c_ref)^beta`` (i0 = i0_ref sqrt(theta a)), in closed form.
            """
            if opts.mass_transport:
                c_s = positive_part(c_zn_n + i_zn / (2 * F * k_neg))
            else:
                c_s = positive_part(c_zn_n)
            ln_a = beta * pybamm.log(c_s / c_ref)
            y = symmetric_potential(ln_a + ln_nucleation, pybamm.log(theta), -i_zn / i0_neg_ref)
            e = e0_neg + RT_F * y
            u_s = sp.zinc_potential(e0_neg, beta, T, c_s, theta, c_ref, pybamm.log)
            return e, u_s, e - u_s

        def hydrogen_evolution(e_n):
            """Cathodic hydrogen-evolution current density on the zinc at potential e_n."""
            return (
                P("Hydrogen evolution exchange-current density [A.m-2]")
                * theta
                * pybamm.exp(-P("Hydrogen evolution transfer coefficient") * (e_n - e_h) / RT_F)
            )

        ph = P("Initial negative electrolyte pH")
        if opts.hydrogen_evolution:
            ph = ph + 2 * area * n_h2 / v_neg / P("Negative electrolyte buffer capacity [mol.m-3]")
        e_h = -RT_F * pybamm.log(10) * ph
        if opts.double_layer:
            # The electrode potential is a state: the current into the electrode charges
            # its double layer unless the reactions carry it. The zinc's faradaic current
            # is the algebraic state that makes the Butler-Volmer potential equal it.
            e_neg = pybamm.Variable("Negative electrode potential [V]")
            # (scaled by the exchange current at the reference temperature: a scale
            # may not depend on a state such as the lumped temperature)
            i_zn = pybamm.Variable(
                "Zinc electrode reaction current density [A.m-2]",
                scale=P("Negative electrode exchange-current density [A.m-2]"),
            )
            e_zn, u_neg_s, eta_neg = zinc_electrode(i_zn)
            eta_neg = e_neg - u_neg_s
            self.algebraic[i_zn] = (e_zn - e_neg) / RT_F
            i_h = hydrogen_evolution(e_neg) if opts.hydrogen_evolution else pybamm.Scalar(0)
            self.rhs[e_neg] = (i_cell - i_zn + i_h) / P(
                "Negative electrode double-layer capacitance [F.m-2]"
            )
        else:
            # One explicit pass: hydrogen evolution at the potential the zinc alone sets.
            if opts.hydrogen_evolution:
                i_h = hydrogen_evolution(zinc_electrode(i_cell)[0])  # A m-2, cathodic
            else:
                i_h = pybamm.Scalar(0)
            i_zn = i_cell + i_h  # zinc oxidation current density
            e_neg, u_neg_s, eta_neg = zinc_electrode(i_zn)

        ######################
        # Positive electrode: mass transport and kinetics
        ######################
        def positive_surface(oxidised, halide, i_pos, k3_pos, partition):
            """Free X2 and X- at the surface, mol m-3, from the bulk totals.

            Film model on the conserved totals (aqueous oxidised halogen, halide
            anions), speciation re-established at the surface; complexed X2 stays put.
            """
            bulk_ = sp.speciate(k3_pos, partition, positive_part(oxidised), halide)
            aqueous = bulk_["aqueous oxidised"]
            anions = bulk_["X-"] + bulk_["X3-"]
            if opts.mass_transport:
                aqueous = aqueous - i_pos / (2 * F * k_pos)
                anions = anions + i_pos / (F * k_pos)
            surface_ = sp.speciate(k3_pos, 0, positive_part(aqueous), positive_part(anions))
            return positive_part(surface_["X2"]), positive_part(surface_["X-"])

        alpha = P("Positive electrode transfer coefficient")
        i0_pos_ref = P("Positive electrode exchange-current density [A.m-2]") * kinetic
        e_pos = pybamm.Variable("Positive electrode potential [V]")
        if opts.double_layer:
            # As at the zinc: the potential is a state, the reaction current algebraic.
            i_pos = pybamm.Variable(
                "Positive electrode reaction current density [A.m-2]",
                scale=P("Positive electrode exchange-current density [A.m-2]"),
            )
            reaction = i_pos
            self.rhs[e_pos] = (i_pos - i_cell) / P(
                "Positive electrode double-layer capacitance [F.m-2]"
            )
        else:
            i_pos = i_cell
            reaction = e_pos
        x2_s, halide_s = positive_surface(c_ox, positive_part(c_x_p + c_sup), i_pos, k3, partition)
        u_pos_s = sp.halogen_potential(e0_pos, beta, T, x2_s, halide_s, c_ref, pybamm.log)
        ln_red, ln_ox = halogen_rate_logs(x2_s / c_ref, halide_s / c_ref, k3 * c_ref, alpha, beta)
        # Butler-Volmer as an algebraic equation (alpha != 1/2 has no closed form): for
        # the potential, or with a double layer for the reaction current.
        self.algebraic[reaction] = halogen_residual(
            ln_red, ln_ox, alpha, (e_pos - e0_pos) / RT_F, i_pos / i0_pos_ref
        )
        # Its initial guess: the alpha = 1/2 closed form at the initial state and
        # current (0 when the current is itself algebraic).
        t_0 = P("Initial temperature [K]") if opts.thermal == "lumped" else t_amb
        k3_0 = P("Trihalide formation constant [m3.mol-1]") * pybamm.exp(
            -P("Trihalide formation enthalpy [J.mol-1]") / R * (1 / t_0 - 1 / t_ref)
        )
        i_0 = (
            pybamm.FunctionParameter("Current function [A]", {"Time [s]": pybamm.Scalar(0)}) / area
            if operating_mode == "current" and not opts.double_layer
            else pybamm.Scalar(0)
        )
        x2_0, halide_0 = positive_surface(
            P("Initial positive total oxidised halogen [mol.m-3]"),
            positive_part(P("Initial positive halide [mol.m-3]") + c_sup),
            i_0,
            k3_0,
            P("Complexing agent partition coefficient")
            * (
                P("Initial complexing agent fraction")
                if isinstance(ageing.agent, pybamm.Variable)
                else 1
            ),
        )
        ln_red_0, ln_ox_0 = halogen_rate_logs(
            x2_0 / c_ref, halide_0 / c_ref, k3_0 * c_ref, 0.5, beta
        )
        self.initial_conditions[e_pos] = (
            P("Halogen standard potential [V]")
            + P("Halogen standard potential temperature coefficient [V.K-1]") * (t_0 - t_ref)
            + R
            * t_0
            / F
            * symmetric_potential(
                ln_red_0, ln_ox_0, i_0 / (P("Positive electrode exchange-current density [A.m-2]"))
            )
        )
        if opts.double_layer:
            # At rest: the zinc electrode at its equilibrium potential while zinc covers
            # it; a bare substrate rests no lower than "Rest voltage without zinc [V]"
            # below the halogen electrode (a mixed potential, measured).
            self.initial_conditions[i_pos] = pybamm.Scalar(0)
            n_0 = P("Initial active zinc [mol.m-2]")
            theta_0 = positive_part(n_0) / (positive_part(n_0) + n_ref)
            e0_neg_0 = P("Zinc standard potential [V]") + P(
                "Zinc standard potential temperature coefficient [V.K-1]"
            ) * (t_0 - t_ref)
            zinc_ion_0 = P("Initial negative zinc ion concentration [mol.m-3]") / c_ref
            u_neg_0 = sp.zinc_potential(e0_neg_0, beta, t_0, zinc_ion_0, theta_0, 1, pybamm.log)
            e_neg_0 = pybamm.minimum(
                u_neg_0, self.initial_conditions[e_pos] - P("Rest voltage without zinc [V]")
            )
            self.initial_conditions[e_neg] = e_neg_0
            # The reaction current there (bulk concentrations), as the algebraic guess.
            y_0 = (e_neg_0 - e0_neg_0) * F / (R * t_0)
            ln_nucleation_0 = nucleation_log_factor(
                pybamm.minimum(n_0 / n_nuc, COALESCED),
                P("Zinc nucleation overpotential [V]") * F / (R * t_0),
            )
            self.initial_conditions[i_zn] = (
                P("Negative electrode exchange-current density [A.m-2]")
                * arrhenius(P("Kinetic activation energy [J.mol-1]"), t_0, t_ref)
                * (theta_0 * pybamm.exp(y_0) - zinc_ion_0**beta * pybamm.exp(ln_nucleation_0 - y_0))
            )
        eta_pos = u_pos_s - e_pos

        voltage = e_pos - e_neg + offset - i_cell * asr

        ######################
        # Balances (spec section 3.7)
        ######################
        i_lim_zn = 2 * F * k_neg * positive_part(c_zn_n)
        risk = pybamm.maximum(-i_zn, 0) / i_lim_zn  # dendrite-risk indicator
        dead = add_ageing(self, ageing, i_zn, n_zn, bulk["aqueous oxidised"], c_ref, risk, theta)
        # halogen reaching the zinc side: crossover onto active zinc, dissolution of dead
        halogen_loss = crossover + dead["dissolution"]
        self.rhs[n_zn] = -i_zn / (2 * F) - crossover - dead["isolation"]
        self.rhs[nuclei] = nucleation_rate(
            nuclei, -i_zn / (2 * F * n_nuc), n_zn / n_nuc, n_zn / n_ref
        )
        self.rhs[c_ox] = area / v_pos * (-i_pos / (2 * F) - halogen_loss)
        self.rhs[c_x_p] = area / v_pos * (t_plus * i_cell / F + 2 * salt)
        self.rhs[c_zn_p] = area / v_pos * (t_plus * i_cell / (2 * F) + salt)
        self.rhs[c_zn_n] = (
            area / v_neg * (i_zn / (2 * F) + halogen_loss - t_plus * i_cell / (2 * F) - salt)
        )
        self.rhs[c_x_n] = area / v_neg * ((1 - t_plus) * i_cell / F + 2 * halogen_loss - 2 * salt)
        self.rhs[n_h2] = i_h / (2 * F)
        self.rhs[q_dis] = current / 3600
        self.rhs[q_thr] = pybamm.AbsoluteValue(current) / 3600
        self.initial_conditions.update(
            {
                n_zn: P("Initial active zinc [mol.m-2]"),
                nuclei: pybamm.minimum(P("Initial active zinc [mol.m-2]") / n_nuc, COALESCED),
                c_ox: P("Initial positive total oxidised halogen [mol.m-3]"),
                c_x_p: P("Initial positive halide [mol.m-3]"),
                c_zn_p: P("Initial positive zinc ion concentration [mol.m-3]"),
                c_zn_n: P("Initial negative zinc ion concentration [mol.m-3]"),
                c_x_n: P("Initial negative halide [mol.m-3]"),
                n_h2: pybamm.Scalar(0),
                q_dis: pybamm.Scalar(0),
                q_thr: pybamm.Scalar(0),
            }
        )

        ######################
        # Thermal (spec section 3.10)
        ######################
        heat = heat_generation(
            current, voltage, ocv - offset - e0_pos + e0_neg, ocv, T, area * halogen_loss
        )
        if opts.thermal == "lumped":
            lumped_thermal(self, T, heat, t_amb)

        ######################
        # Variables
        ######################
        zinc_ah = n_zn * area * 2 * F / 3600
        self.variables = {
            "Time [s]": pybamm.t,
            "Current [A]": current,
            "Current variable [A]": current,
            "Current density [A.m-2]": i,
            "Voltage [V]": voltage,
            "Battery voltage [V]": voltage,
            "Power [W]": current * voltage,
            "Open-circuit voltage [V]": ocv,
            "Positive electrode open-circuit potential [V]": u_pos,
            "Negative electrode open-circuit potential [V]": u_neg,
            "Positive electrode potential [V]": e_pos,
            "Negative electrode potential [V]": e_neg,
            "Positive electrode reaction overpotential [V]": eta_pos,
            "Negative electrode reaction overpotential [V]": eta_neg,
            "Positive electrode concentration overpotential [V]": u_pos - u_pos_s,
            "Negative electrode concentration overpotential [V]": u_neg_s - u_neg,
            "Ohmic overpotential [V]": i_cell * asr,
            "Area-specific resistance [Ohm.m2]": asr,
            "Discharge capacity [A.h]": q_dis,
            "Throughput capacity [A.h]": q_thr,
            "Cell temperature [K]": T,
            "Ambient temperature [K]": t_amb,
            "Total heat generation [W]": heat,
            "Active zinc [mol.m-2]": n_zn,
            "Plated zinc [A.h]": zinc_ah,
            "Zinc deposit thickness [m]": n_zn
            * P("Zinc molar mass [kg.mol-1]")
            / P("Zinc density [kg.m-3]"),
            "Zinc coverage": theta,
            "Zinc nucleation progress": nuclei,
            "Positive total oxidised halogen [mol.m-3]": c_ox,
            "Positive free halogen [mol.m-3]": bulk["X2"],
            "Positive trihalide [mol.m-3]": bulk["X3-"],
            "Positive free halide [mol.m-3]": bulk["X-"],
            "Positive complexed halogen [mol.m-3]": bulk["complexed"],
            "Positive aqueous oxidised halogen [mol.m-3]": bulk["aqueous oxidised"],
            "Positive halide [mol.m-3]": c_x_p,
            "Positive zinc ion concentration [mol.m-3]": c_zn_p,
            "Negative zinc ion concentration [mol.m-3]": c_zn_n,
            "Negative halide [mol.m-3]": c_x_n,
            # halogen that crosses reacts with the zinc at once: none is on its way
            "Negative total oxidised halogen [mol.m-3]": pybamm.Scalar(0),
            "Evolved hydrogen [mol.m-2]": n_h2,
            "Negative electrolyte pH": ph,
            "Crossover current density [A.m-2]": 2 * F * crossover,
            "Hydrogen evolution current density [A.m-2]": i_h,
            "Zinc limiting current density [A.m-2]": i_lim_zn,
            "Dendrite risk indicator": risk,
            "State of charge": c_ox * v_pos * 2 * F / 3600 / P("Nominal cell capacity [A.h]"),
            "Charge imbalance [A.h]": (c_ox * v_pos - n_zn * area) * 2 * F / 3600,
            "Dead zinc [mol.m-2]": ageing.dead_zinc
            if ageing.dead_zinc is not None
            else pybamm.Scalar(0),
            "Dead zinc dissolution current density [A.m-2]": 2 * F * dead["dissolution"],
            "Complexing agent fraction": ageing.agent,
            "Separator permeability factor": ageing.permeability,
            "Separator conductivity factor": ageing.conductivity,
            "Zinc non-uniformity": ageing.non_uniformity
            if ageing.non_uniformity is not None
            else pybamm.Scalar(0),
            "Tallest zinc deposit [m]": tallest_deposit(ageing, n_zn),
            "Soft-short current density [A.m-2]": i_short,
        }

        ######################
        # Events: inventory limits (the voltage cut-offs are the caller's)
        ######################
        # Each limit only counts while the state moves towards it: the event function
        # is the distance to the limit plus EVENT_LOOKAHEAD times the rate away from it,
        # so a step that moves away (a discharge after a charge stopped on the zinc
        # loading) can start from the limit. The backstops are scaled to be 1 where the
        # species is gone (PyBaMM names the event closest to zero as the one that ended
        # a solve); in normal use the voltage collapses onto a cut-off before them.
        self.events += [
            *zinc_events(n_zn, self.rhs[n_zn], n_limit),
            pybamm.Event(
                EVENTS["halide exhausted"],
                (bulk["X-"] + EVENT_LOOKAHEAD * pybamm.maximum(self.rhs[c_x_p], 0)) / EXHAUSTED - 1,
            ),
            pybamm.Event(
                EVENTS["zinc ion exhausted"],
                (c_zn_n + EVENT_LOOKAHEAD * pybamm.maximum(self.rhs[c_zn_n], 0)) / EXHAUSTED - 1,
            ),
        ]

        if callable(operating_mode):
            self.algebraic[current] = operating_mode(self.variables)
            self.initial_conditions[current] = pybamm.Scalar(0)

    @property
    def default_quick_solver(self):  # pragma: no cover - PyBaMM interface
        return pybamm.IDAKLUSolver()


def cell_current(operating_mode) -> pybamm.Symbol:
    """The cell current, A (> 0 on discharge): the "Current function [A]" of
    ``operating_mode="current"``, or an algebraic variable for a callable (the external
    circuit's residual, set by the model once its variables exist)."""
    if operating_mode == "current":
        return pybamm.FunctionParameter("Current function [A]", {"Time [s]": pybamm.t})
    if callable(operating_mode):
        return pybamm.Variable("Current variable [A]")
    raise pybamm.OptionError(
        f"operating_mode must be 'current' or a callable, got {operating_mode!r}"
    )


def temperature_terms(T, t_ref, agent):
    """The temperature-dependent constants of both zinc models (spec section 3.10):
    ``(e0_pos, e0_neg, k3, partition, beta, offset, kinetic)`` - the standard potentials,
    V; the trihalide formation constant, m3 mol-1 (van 't Hoff); the complexing agent's
    partition coefficient scaled by the ``agent`` left; the Nernst activity factor; the
    open-circuit voltage offset, V; the kinetic Arrhenius factor."""
    P = pybamm.Parameter
    dt = T - t_ref
    e0_pos = (
        P("Halogen standard potential [V]")
        + P("Halogen standard potential temperature coefficient [V.K-1]") * dt
    )
    e0_neg = (
        P("Zinc standard potential [V]")
        + P("Zinc standard potential temperature coefficient [V.K-1]") * dt
    )
    k3 = P("Trihalide formation constant [m3.mol-1]") * pybamm.exp(
        -P("Trihalide formation enthalpy [J.mol-1]") / sp.GAS_CONSTANT * (1 / T - 1 / t_ref)
    )
    return (
        e0_pos,
        e0_neg,
        k3,
        P("Complexing agent partition coefficient") * agent,
        P("Nernst activity factor"),
        P("Open-circuit voltage offset [V]"),
        arrhenius(P("Kinetic activation energy [J.mol-1]"), T, t_ref),
    )


def heat_generation(current, voltage, nernst_term, ocv, T, halogen_loss) -> pybamm.Symbol:
    """Heat generated in the cell, W (spec section 3.10): irreversible ``I (OCV - V)``,
    reversible ``-I T dOCV/dT`` and the halogen lost at the zinc (crossover, dead zinc's
    dissolution; ``halogen_loss`` in mol s-1) reacting there. ``nernst_term`` is the OCV
    less its offset and standard potentials: its temperature derivative is itself / T."""
    P = pybamm.Parameter
    docv_dt = (
        P("Halogen standard potential temperature coefficient [V.K-1]")
        - P("Zinc standard potential temperature coefficient [V.K-1]")
        + nernst_term / T
    )
    return (
        current * (ocv - voltage)
        - current * T * docv_dt
        + 2 * sp.FARADAY * halogen_loss * (ocv - T * docv_dt)
    )


def lumped_thermal(model: pybamm.BaseModel, T, heat, t_amb) -> None:
    """The lumped cell temperature's equation and initial value in ``model``."""
    P = pybamm.Parameter
    model.rhs[T] = (heat - P("Cell cooling coefficient [W.K-1]") * (T - t_amb)) / P(
        "Cell heat capacity [J.K-1]"
    )
    model.initial_conditions[T] = P("Initial temperature [K]")


def zinc_events(n_zn, d_zinc, n_limit) -> list[pybamm.Event]:
    """The zinc loading and zinc exhausted backstops (see the 0D model's events), each
    counting only while the plated zinc ``n_zn`` (rate ``d_zinc``) moves towards it."""
    margin = ZINC_MARGIN * n_limit
    return [
        pybamm.Event(
            EVENTS["zinc loading"],
            (n_limit - n_zn + EVENT_LOOKAHEAD * pybamm.maximum(-d_zinc, 0)) / n_limit,
        ),
        pybamm.Event(
            EVENTS["zinc exhausted"],
            (n_zn + margin + EVENT_LOOKAHEAD * pybamm.maximum(d_zinc, 0)) / margin,
        ),
    ]

"""The static zinc-halogen cell resolved through its thickness, as one PyBaMM model."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
    nucleation_log_factor,
    nucleation_rate,
    positive_part,
    symmetric_potential,
)
from chemistries.zinc_halogen._model import (
    EVENT_LOOKAHEAD,
    EVENTS,
    EXHAUSTED,
    cell_current,
    heat_generation,
    lumped_thermal,
    temperature_terms,
    zinc_events,
)
from chemistries.zinc_halogen._options import Options


class ZincHalogen1D(pybamm.BaseModel):
    """Static zinc-halogen cell (Zn-Br2 with complexing agent) resolved across its
    thickness: zinc film | separator | porous positive electrode | collector.

    Domains (x from the zinc collector): ``"separator"`` ``0 < x < L_s`` and
    ``"positive electrode"`` (the graphite felt) ``L_s < x < L_s + L_p``. Zinc plates
    on the collector at ``x = 0``, a planar electrode and the boundary of the
    electrolyte. States: in the electrolyte (per pore volume) the zinc salt (its Zn2+
    concentration; the halide anions follow by electroneutrality) and the total
    oxidised halogen (free X2 + X3- + complexed X2); the electrolyte potential in both
    domains and the felt's solid potential (algebraic); the plated zinc, the zinc
    nucleation progress, the evolved hydrogen, the capacity counters and optionally the
    temperature and the degradation states (all as in the 0D model). Current > 0 is
    discharge.

    Physics (specification section 3.9):

    * diffusion of the aqueous oxidised halogen (X2 + X3-, one diffusivity: the free
      halogen and the trihalide differ by 15 %, spec 5.1) in the separator and the
      felt; speciation X2 + X- <=> X3- holds locally; in the felt a linear
      complexing-agent partition holds the bromine in an immobile polybromide phase
      (as in 0D: the phase is held by the felt, so the separator has none);
    * the zinc salt as a binary electrolyte with a constant cation transference
      number ``t+``: ``eps dc/dt = d/dx(D_eff dc/dx) + t+ j/(2F)`` in the felt (the
      positive reaction makes anions, ``t+`` of its current is carried by cations
      towards it), and a flux ``(1 - t+) i/(2F)`` of Zn2+ from the zinc;
    * the reaction distributed over the felt: Butler-Volmer at the local potential
      difference ``phi_s - phi_e`` and local concentrations, the same rate law and
      exchange current as 0D, spread uniformly over the felt's volume. Distributed,
      not at the felt's surface, because the felt stores the bromine (spec 5.3: a
      planar electrode would be limited to 2.5 mA cm-2) and because the reaction
      penetrates the whole felt: with the parameter set's values the
      kinetic-to-ohmic ratio ``nu^2 = L_p^2 a i0 (2F/RT) (1/kappa_eff + 1/sigma)`` is
      about 0.3 (uniform below 1);
    * ohmic conduction in the electrolyte (``kappa eps^b`` in the felt, the
      separator's effective conductivity in the separator) and in the felt's fibres,
      plus a contact resistance;
    * the zinc electrode as in 0D (Butler-Volmer in closed form, exchange current
      ``~ sqrt(theta c)``, nucleation on a bare substrate) at the Zn2+ concentration
      of the electrolyte next to it; Tafel hydrogen evolution on it;
    * self-discharge from diffusion: halogen reaching the zinc reacts there with a
      fast surface rate ``k_chem theta c_aq(0)`` (a Robin condition), so crossover is
      the halogen's diffusion flux through the separator, not the 0D's lumped law.

    Left out (say so before relying on them): the diffusion potential in the
    electrolyte current (``i_e = -kappa_eff dphi_e/dx``, no ``d ln c`` term; a few mV
    under a strong salt gradient), a concentration dependence of the transport
    properties, the sub-pore film inside the felt (the 0D positive mass-transfer
    limit is 30 kA m-2 for these values), double layers (the option "double layer" is
    0D only) and migration of the trihalide anion (it moves with the neutral X2 by
    diffusion only). The Zn2+ that hydrogen evolution corrodes from the zinc is
    balanced by the protons it consumes, not by halide: it is counted with the
    evolved hydrogen (and reported in the negative Zn2+) rather than in the salt.

    Parameters
    ----------
    options : Options, optional
        As for the 0D model; ``mass_transport`` and ``double_layer`` must be left at
        True and False (transport is resolved here).
    operating_mode : "current" or callable, optional
        As for :class:`~chemistries.zinc_halogen.ZincHalogen0D`.
    name : str, optional
        The model's name.

    References
    ----------
    .. [1] cellsim zinc-halogen specification (../shared/zinc_halogen_spec.md),
       sections 3.3-3.9.
    .. [2] J. Newman, K. E. Thomas-Alyea, "Electrochemical systems", 3rd ed., Wiley
       2004, ch. 22 (porous electrodes; the binary-salt balance).
    .. [3] PyBaMM ``lithium_ion.BasicDFN`` (the layout of this class).
    """

    def __init__(
        self,
        options: Options | None = None,
        operating_mode: str | Callable = "current",
        name: str = "1D",
    ) -> None:
        super().__init__(name)
        self.options = options or Options()
        opts = self.options
        if not opts.mass_transport or opts.double_layer:
            raise pybamm.OptionError(
                "the 1D model resolves mass transport and has no double layers: "
                "'mass transport' must be True and 'double layer' False"
            )
        F, R = sp.FARADAY, sp.GAS_CONSTANT
        P = pybamm.Parameter

        ######################
        # Parameters
        ######################
        area = P("Electrode area [m2]")
        l_sep = P("Separator thickness [m]")
        l_pos = P("Positive electrode thickness [m]")
        eps_sep = P("Separator porosity")
        eps_pos = P("Positive electrode porosity")
        bruggeman = P("Positive electrode Bruggeman exponent")
        v_neg = area * l_sep * eps_sep
        v_pos = area * l_pos * eps_pos
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
        salt_s = pybamm.Variable(
            "Separator zinc ion concentration [mol.m-3]", domain="separator", scale=c_scale
        )
        salt_p = pybamm.Variable(
            "Positive electrode zinc ion concentration [mol.m-3]",
            domain="positive electrode",
            scale=c_scale,
        )
        salt = pybamm.concatenation(salt_s, salt_p)
        ox_s = pybamm.Variable(
            "Separator total oxidised halogen [mol.m-3]", domain="separator", scale=c_scale
        )
        ox_p = pybamm.Variable(
            "Positive electrode total oxidised halogen [mol.m-3]",
            domain="positive electrode",
            scale=c_scale,
        )
        ox = pybamm.concatenation(ox_s, ox_p)
        phi_e_s = pybamm.Variable("Separator electrolyte potential [V]", domain="separator")
        phi_e_p = pybamm.Variable("Positive electrolyte potential [V]", domain="positive electrode")
        phi_e = pybamm.concatenation(phi_e_s, phi_e_p)
        phi_s = pybamm.Variable(
            "Positive electrode solid potential [V]", domain="positive electrode"
        )
        n_zn = pybamm.Variable("Active zinc [mol.m-2]", scale=n_limit)
        nuclei = pybamm.Variable("Zinc nucleation progress")
        n_h2 = pybamm.Variable("Evolved hydrogen [mol.m-2]", scale=n_limit)
        q_dis = pybamm.Variable("Discharge capacity [A.h]")
        q_thr = pybamm.Variable("Throughput capacity [A.h]")
        ageing = ageing_states(opts.degradation, n_limit)
        T = (
            pybamm.Variable("Cell temperature [K]", scale=t_ref)
            if opts.thermal == "lumped"
            else t_amb
        )

        current = cell_current(operating_mode)
        i = current / area  # A m-2, > 0 on discharge

        def both(separator, positive):
            """One quantity on both domains (a value in each)."""
            return pybamm.concatenation(
                pybamm.PrimaryBroadcast(separator, "separator"),
                pybamm.PrimaryBroadcast(positive, "positive electrode"),
            )

        ######################
        # Temperature dependence and transport properties
        ######################
        e0_pos, e0_neg, k3, partition, beta, offset, kinetic = temperature_terms(
            T, t_ref, ageing.agent
        )
        ohmic = arrhenius(P("Ohmic activation energy [J.mol-1]"), T, t_ref)
        diffusive = arrhenius(P("Crossover activation energy [J.mol-1]"), T, t_ref)
        tortuosity = eps_pos**bruggeman
        # effective diffusivities (flux per unit geometric area over the gradient of a
        # pore concentration): the separator's are the 0D model's permeabilities
        d_ox = diffusive * both(
            P("Separator halogen permeability [m2.s-1]") * ageing.permeability,
            P("Halogen diffusivity [m2.s-1]") * tortuosity,
        )
        d_salt = diffusive * both(
            P("Separator salt permeability [m2.s-1]"),
            P("Salt diffusivity [m2.s-1]") * tortuosity,
        )
        kappa = ohmic * both(
            P("Separator ionic conductivity [S.m-1]") * ageing.conductivity,
            P("Electrolyte conductivity [S.m-1]") * tortuosity,
        )
        sigma = P("Positive electrode conductivity [S.m-1]") * ohmic
        r_contact = P("Contact resistance [Ohm.m2]") / ohmic
        eps = both(eps_sep, eps_pos)
        RT_F = R * T / F

        ######################
        # Speciation
        ######################
        halide = positive_part(2 * salt + c_sup)  # X- + X3-, electroneutral with Zn2+
        local = sp.speciate(k3, both(0, partition), positive_part(ox), halide)
        aqueous = local["aqueous oxidised"]  # X2 + X3-, the mobile oxidised halogen
        felt = sp.speciate(k3, partition, positive_part(ox_p), positive_part(2 * salt_p + c_sup))
        ox_p_av, salt_p_av = pybamm.x_average(ox_p), pybamm.x_average(salt_p)
        ox_s_av, salt_s_av = pybamm.x_average(ox_s), pybamm.x_average(salt_s)
        bulk = sp.speciate(
            k3, partition, positive_part(ox_p_av), positive_part(2 * salt_p_av + c_sup)
        )
        felt_average = {k: pybamm.x_average(v) for k, v in felt.items()}

        ######################
        # Zinc electrode at x = 0 (as in 0D, at the Zn2+ next to it)
        ######################
        theta = positive_part(n_zn) / (positive_part(n_zn) + n_ref)
        c_zinc_surface = positive_part(pybamm.boundary_value(salt, "left"))
        i0_neg_ref = P("Negative electrode exchange-current density [A.m-2]") * kinetic
        n_nuc = P("Zinc nucleation amount [mol.m-2]")
        ln_nucleation = nucleation_log_factor(nuclei, P("Zinc nucleation overpotential [V]") / RT_F)

        def zinc_potential(i_zn):
            """Zinc electrode potential, V vs SHE, at oxidation current density i_zn."""
            ln_a = beta * pybamm.log(c_zinc_surface / c_ref)
            y = symmetric_potential(ln_a + ln_nucleation, pybamm.log(theta), -i_zn / i0_neg_ref)
            return e0_neg + RT_F * y

        ph = P("Initial negative electrolyte pH")
        if opts.hydrogen_evolution:
            ph = ph + 2 * area * n_h2 / v_neg / P("Negative electrolyte buffer capacity [mol.m-3]")
        e_h = -RT_F * pybamm.log(10) * ph
        u_neg_surface = sp.zinc_potential(e0_neg, beta, T, c_zinc_surface, theta, c_ref, pybamm.log)
        u_neg = sp.zinc_potential(
            e0_neg, beta, T, positive_part(salt_s_av), theta, c_ref, pybamm.log
        )
        u_pos = sp.halogen_potential(
            e0_pos, beta, T, positive_part(bulk["X2"]), positive_part(bulk["X-"]), c_ref, pybamm.log
        )
        ocv = u_pos - u_neg + offset
        i_short = short_current(ageing, n_zn, ocv, P("Electrode gap [m]"))
        i_cell = i + i_short
        if opts.hydrogen_evolution:
            # one explicit pass: hydrogen evolution at the potential the zinc alone sets
            i_h = (
                P("Hydrogen evolution exchange-current density [A.m-2]")
                * theta
                * pybamm.exp(
                    -P("Hydrogen evolution transfer coefficient")
                    * (zinc_potential(i_cell) - e_h)
                    / RT_F
                )
            )
        else:
            i_h = pybamm.Scalar(0)
        i_zn = i_cell + i_h  # zinc oxidation current density
        e_neg = zinc_potential(i_zn)
        eta_neg = e_neg - u_neg_surface

        ######################
        # Positive electrode: reaction distributed over the felt
        ######################
        alpha = P("Positive electrode transfer coefficient")
        i0_pos = P("Positive electrode exchange-current density [A.m-2]") * kinetic / l_pos  # A m-3
        ln_red, ln_ox = halogen_rate_logs(
            positive_part(felt["X2"]) / c_ref,
            positive_part(felt["X-"]) / c_ref,
            k3 * c_ref,
            alpha,
            beta,
        )
        y_pos = (phi_s - phi_e_p - e0_pos) / RT_F
        # reduction current per felt volume, A m-3 (> 0 on discharge)
        j_pos = i0_pos * (
            pybamm.exp(ln_red - 2 * alpha * y_pos) - pybamm.exp(ln_ox + 2 * (1 - alpha) * y_pos)
        )
        j = pybamm.concatenation(pybamm.PrimaryBroadcast(0, "separator"), j_pos)
        u_pos_local = sp.halogen_potential(
            e0_pos, beta, T, positive_part(felt["X2"]), positive_part(felt["X-"]), c_ref, pybamm.log
        )
        eta_pos = pybamm.x_average(u_pos_local - (phi_s - phi_e_p))

        ######################
        # Halogen reaching the zinc: crossover by diffusion (a Robin condition)
        ######################
        aqueous_at_zinc = pybamm.boundary_value(aqueous, "left")
        if opts.crossover:
            crossover = (
                P("Zinc surface halogen reaction rate constant [m.s-1]") * theta * aqueous_at_zinc
            )
        else:
            crossover = pybamm.Scalar(0)
        i_lim_zn = (
            2
            * F
            * P("Negative electrode mass-transfer coefficient [m.s-1]")
            * positive_part(salt_s_av)
        )
        risk = pybamm.maximum(-i_zn, 0) / i_lim_zn  # dendrite-risk indicator (as 0D)
        dead = add_ageing(self, ageing, i_zn, n_zn, aqueous_at_zinc, c_ref, risk, theta)
        halogen_loss = crossover + dead["dissolution"]  # mol m-2 s-1 into the zinc

        ######################
        # Electrolyte: oxidised halogen and zinc salt
        ######################
        length = l_sep + l_pos
        self.rhs[ox] = (pybamm.div(d_ox * pybamm.grad(aqueous)) - j / (2 * F)) / eps
        self.boundary_conditions[aqueous] = {
            "left": (halogen_loss / pybamm.boundary_value(d_ox, "left"), "Neumann"),
            "right": (pybamm.Scalar(0), "Neumann"),
        }
        self.rhs[salt] = (pybamm.div(d_salt * pybamm.grad(salt)) + t_plus * j / (2 * F)) / eps
        self.boundary_conditions[salt] = {
            "left": (
                -((1 - t_plus) * i_cell / (2 * F) + halogen_loss)
                / pybamm.boundary_value(d_salt, "left"),
                "Neumann",
            ),
            "right": (pybamm.Scalar(0), "Neumann"),
        }

        ######################
        # Currents: electrolyte (both domains) and felt fibres
        ######################
        i_e = -kappa * pybamm.grad(phi_e)
        self.algebraic[phi_e] = length**2 * (pybamm.div(i_e) + j)
        # the zinc electrode is the potential reference: phi_s = 0 on its collector
        self.boundary_conditions[phi_e] = {
            "left": (-e_neg, "Dirichlet"),
            "right": (pybamm.Scalar(0), "Neumann"),
        }
        i_s = -sigma * pybamm.grad(phi_s)
        self.algebraic[phi_s] = length**2 * (pybamm.div(i_s) - j_pos)
        self.boundary_conditions[phi_s] = {
            "left": (pybamm.Scalar(0), "Neumann"),
            "right": (-i_cell / sigma, "Neumann"),
        }
        voltage = pybamm.boundary_value(phi_s, "right") + offset - i_cell * r_contact

        ######################
        # Zinc, hydrogen, counters
        ######################
        self.rhs[n_zn] = -i_zn / (2 * F) - crossover - dead["isolation"]
        self.rhs[nuclei] = nucleation_rate(
            nuclei, -i_zn / (2 * F * n_nuc), n_zn / n_nuc, n_zn / n_ref
        )
        self.rhs[n_h2] = i_h / (2 * F)
        self.rhs[q_dis] = current / 3600
        self.rhs[q_thr] = pybamm.AbsoluteValue(current) / 3600

        ######################
        # Initial conditions (potentials: guesses for the consistent initial state)
        ######################
        initial = _initial_guess(operating_mode == "current", area, opts.thermal)
        self.initial_conditions.update(
            {
                salt: both(
                    P("Initial negative zinc ion concentration [mol.m-3]"),
                    P("Initial positive zinc ion concentration [mol.m-3]"),
                ),
                ox: both(0, P("Initial positive total oxidised halogen [mol.m-3]")),
                phi_e: both(-initial["negative"], -initial["negative"]),
                phi_s: pybamm.PrimaryBroadcast(
                    initial["positive"] - initial["negative"], "positive electrode"
                ),
                n_zn: P("Initial active zinc [mol.m-2]"),
                nuclei: pybamm.minimum(P("Initial active zinc [mol.m-2]") / n_nuc, COALESCED),
                n_h2: pybamm.Scalar(0),
                q_dis: pybamm.Scalar(0),
                q_thr: pybamm.Scalar(0),
            }
        )

        ######################
        # Thermal (spec section 3.10, as 0D)
        ######################
        heat = heat_generation(
            current, voltage, ocv - offset - e0_pos + e0_neg, ocv, T, area * halogen_loss
        )
        if opts.thermal == "lumped":
            lumped_thermal(self, T, heat, t_amb)

        ######################
        # Variables (the 0D model's, its compartments the felt and the separator)
        ######################
        oxidised = ox_p_av * v_pos + ox_s_av * v_neg  # mol in the cell
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
            "Negative electrode potential [V]": e_neg,
            "Positive electrode reaction overpotential [V]": eta_pos,
            "Negative electrode reaction overpotential [V]": eta_neg,
            "Negative electrode concentration overpotential [V]": u_neg_surface - u_neg,
            "Discharge capacity [A.h]": q_dis,
            "Throughput capacity [A.h]": q_thr,
            "Cell temperature [K]": T,
            "Ambient temperature [K]": t_amb,
            "Total heat generation [W]": heat,
            "Active zinc [mol.m-2]": n_zn,
            "Plated zinc [A.h]": n_zn * area * 2 * F / 3600,
            "Zinc deposit thickness [m]": n_zn
            * P("Zinc molar mass [kg.mol-1]")
            / P("Zinc density [kg.m-3]"),
            "Zinc coverage": theta,
            "Zinc nucleation progress": nuclei,
            "Positive total oxidised halogen [mol.m-3]": ox_p_av,
            "Positive free halogen [mol.m-3]": felt_average["X2"],
            "Positive trihalide [mol.m-3]": felt_average["X3-"],
            "Positive free halide [mol.m-3]": felt_average["X-"],
            "Positive complexed halogen [mol.m-3]": felt_average["complexed"],
            "Positive aqueous oxidised halogen [mol.m-3]": felt_average["aqueous oxidised"],
            "Positive halide [mol.m-3]": 2 * salt_p_av,
            "Positive zinc ion concentration [mol.m-3]": salt_p_av,
            # Zn2+ corroded by hydrogen evolution counts here (as in 0D), not as salt
            "Negative zinc ion concentration [mol.m-3]": salt_s_av + area * n_h2 / v_neg,
            "Negative halide [mol.m-3]": 2 * salt_s_av,
            "Negative total oxidised halogen [mol.m-3]": ox_s_av,
            "Evolved hydrogen [mol.m-2]": n_h2,
            "Negative electrolyte pH": ph,
            "Crossover current density [A.m-2]": 2 * F * crossover,
            "Hydrogen evolution current density [A.m-2]": i_h,
            "Zinc limiting current density [A.m-2]": i_lim_zn,
            "Dendrite risk indicator": risk,
            "State of charge": oxidised * 2 * F / 3600 / P("Nominal cell capacity [A.h]"),
            "Charge imbalance [A.h]": (oxidised - n_zn * area) * 2 * F / 3600,
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
            # profiles through the thickness
            "Zinc ion concentration [mol.m-3]": salt,
            "Total oxidised halogen [mol.m-3]": ox,
            "Aqueous oxidised halogen [mol.m-3]": aqueous,
            "Electrolyte potential [V]": phi_e,
            "Positive electrode solid potential [V]": phi_s,
            "Positive electrode reaction current density [A.m-3]": j_pos,
        }

        ######################
        # Events: inventory limits (the voltage cut-offs are the caller's); as in 0D,
        # each counts only while the state moves towards its limit
        ######################
        self.events += [
            *zinc_events(n_zn, self.rhs[n_zn], n_limit),
            pybamm.Event(
                EVENTS["halide exhausted"],
                (pybamm.min(felt["X-"]) + EVENT_LOOKAHEAD * pybamm.maximum(i_cell, 0) / (F * l_pos))
                / EXHAUSTED
                - 1,
            ),
            pybamm.Event(
                EVENTS["zinc ion exhausted"],
                (
                    pybamm.boundary_value(salt, "left")
                    + EVENT_LOOKAHEAD * pybamm.maximum(i_cell, 0) / (2 * F * l_sep)
                )
                / EXHAUSTED
                - 1,
            ),
        ]

        if callable(operating_mode):
            self.algebraic[current] = operating_mode(self.variables)
            self.initial_conditions[current] = pybamm.Scalar(0)

    @property
    def default_geometry(self):
        x_s, x_p = pybamm.standard_spatial_vars.x_s, pybamm.standard_spatial_vars.x_p
        l_s = pybamm.Parameter("Separator thickness [m]")
        l_p = pybamm.Parameter("Positive electrode thickness [m]")
        return pybamm.Geometry(
            {
                "separator": {x_s: {"min": pybamm.Scalar(0), "max": l_s}},
                "positive electrode": {x_p: {"min": l_s, "max": l_s + l_p}},
            }
        )

    @property
    def default_submesh_types(self):
        return {
            "separator": pybamm.Uniform1DSubMesh,
            "positive electrode": pybamm.Uniform1DSubMesh,
        }

    @property
    def default_spatial_methods(self):
        return {"separator": pybamm.FiniteVolume(), "positive electrode": pybamm.FiniteVolume()}

    @property
    def default_quick_solver(self):  # pragma: no cover - PyBaMM interface
        return pybamm.IDAKLUSolver()


def _initial_guess(current_given: bool, area, thermal: str) -> dict:
    """Electrode potentials (V vs SHE) at the initial state and current, in closed form.

    The alpha = 1/2 Butler-Volmer inversions of the 0D model with the reaction spread
    uniformly over the felt, at the initial concentrations: the start of the consistent
    initial-state solve of the potentials.
    """
    F, R = sp.FARADAY, sp.GAS_CONSTANT
    P = pybamm.Parameter
    t_ref = P("Reference temperature [K]")
    t_0 = P("Initial temperature [K]") if thermal == "lumped" else P("Ambient temperature [K]")
    c_ref = P("Reference concentration [mol.m-3]")
    beta = P("Nernst activity factor")
    i_0 = (
        pybamm.FunctionParameter("Current function [A]", {"Time [s]": pybamm.Scalar(0)}) / area
        if current_given
        else pybamm.Scalar(0)
    )
    k3_0 = P("Trihalide formation constant [m3.mol-1]") * pybamm.exp(
        -P("Trihalide formation enthalpy [J.mol-1]") / R * (1 / t_0 - 1 / t_ref)
    )
    species = sp.speciate(
        k3_0,
        P("Complexing agent partition coefficient"),
        P("Initial positive total oxidised halogen [mol.m-3]"),
        positive_part(
            2 * P("Initial positive zinc ion concentration [mol.m-3]")
            + P("Supporting halide concentration [mol.m-3]")
        ),
    )
    ln_red, ln_ox = halogen_rate_logs(
        positive_part(species["X2"]) / c_ref,
        positive_part(species["X-"]) / c_ref,
        k3_0 * c_ref,
        0.5,
        beta,
    )
    kinetic = arrhenius(P("Kinetic activation energy [J.mol-1]"), t_0, t_ref)
    positive = (
        P("Halogen standard potential [V]")
        + P("Halogen standard potential temperature coefficient [V.K-1]") * (t_0 - t_ref)
        + R
        * t_0
        / F
        * symmetric_potential(
            ln_red,
            ln_ox,
            i_0 / (P("Positive electrode exchange-current density [A.m-2]") * kinetic),
        )
    )
    n_0 = P("Initial active zinc [mol.m-2]")
    theta_0 = positive_part(n_0) / (
        positive_part(n_0) + P("Zinc coverage reference amount [mol.m-2]")
    )
    ln_a = beta * pybamm.log(P("Initial negative zinc ion concentration [mol.m-3]") / c_ref)
    ln_nucleation = nucleation_log_factor(
        pybamm.minimum(n_0 / P("Zinc nucleation amount [mol.m-2]"), COALESCED),
        P("Zinc nucleation overpotential [V]") * F / (R * t_0),
    )
    negative = (
        P("Zinc standard potential [V]")
        + P("Zinc standard potential temperature coefficient [V.K-1]") * (t_0 - t_ref)
        + R
        * t_0
        / F
        * symmetric_potential(
            ln_a + ln_nucleation,
            pybamm.log(theta_0),
            -i_0 / (P("Negative electrode exchange-current density [A.m-2]") * kinetic),
        )
    )
    return {"positive": positive, "negative": negative}


def discretise(model: ZincHalogen1D, parameter_values: pybamm.ParameterValues, points: int) -> None:
    """Set the parameters of ``model`` and discretise it in place (finite volumes).

    ``points`` cells in each domain, uniform; the geometry's lengths come from
    ``parameter_values`` (numbers, not inputs).
    """
    parameter_values.process_model(model)
    geometry = model.default_geometry
    parameter_values.process_geometry(geometry)
    x_s, x_p = pybamm.standard_spatial_vars.x_s, pybamm.standard_spatial_vars.x_p
    mesh = pybamm.Mesh(geometry, model.default_submesh_types, {x_s: points, x_p: points})
    pybamm.Discretisation(mesh, model.default_spatial_methods).process_model(model)


def check_geometry(values: Mapping[str, float]) -> None:
    """The 0D compartments' volumes must be the felt's and the separator's pore volumes.

    Raises
    ------
    cellsim.ParameterError
        Naming the volume that does not match thickness x area x porosity.
    """
    from cellsim import ParameterError

    area = values["Electrode area [m2]"]
    for volume, thickness, porosity in (
        (
            "Positive electrolyte volume [m3]",
            "Positive electrode thickness [m]",
            "Positive electrode porosity",
        ),
        ("Negative electrolyte volume [m3]", "Separator thickness [m]", "Separator porosity"),
    ):
        pores = area * values[thickness] * values[porosity]
        if abs(values[volume] - pores) > 1e-9 * pores:
            raise ParameterError(
                f"model '1D': {volume!r} = {values[volume]:.6g} must equal the pore volume "
                f"'Electrode area [m2]' x {thickness!r} x {porosity!r} = {pores:.6g} m3 "
                "(the initial state is computed per compartment volume)"
            )

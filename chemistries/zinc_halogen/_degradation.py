"""Degradation of a zinc-halogen cell: slow states the lifecycle engine carries over cycles.

Mechanisms (cellsim zinc-halogen specification, section 4), each switched on by name in
the option ``"degradation"``:

* ``"dead zinc"`` (D1): a fraction of the zinc stripped, and plated zinc at a slow
  calendar rate, loses electronic contact; halogen that reaches it dissolves it again
  (the "self-healing" of zinc-bromine cells). Dead zinc holds no charge the cell can
  deliver, and the halogen left without zinc is the charge imbalance that a full strip
  clears.
* ``"complexing agent loss"`` (D4): the bromine complexing agent is consumed at a rate
  proportional to the aqueous bromine, and the complexing partition with it.
* ``"separator"`` (D6): the separator's halogen permeability grows and its ionic
  conductivity falls, exponentially in time.
* ``"soft short"`` (D2): zinc plated near its limiting current grows unevenly; a
  non-uniformity ``sigma`` grows with the dendrite-risk indicator times the plating
  rate and relaxes once the zinc is fully stripped. The tallest deposit,
  ``h_mean (1 + sigma)``, approaching the electrode gap opens an electronic path in
  parallel with the cell, ``g = g0 exp((h_max - gap)/lambda)``, that discharges it
  internally (the soft-short signature of PNNL cycles 2-3, spec A15).

Each adds one dimensionless or areal state with its own rate parameter (estimates, to
be calibrated on long cycling with periodic strips, spec section 9).

Hydrogen evolution (D3; option ``"hydrogen evolution"``, on by default, not a
mechanism here) needs no state of its own but leaves a lasting imbalance: the
electrons (on charge) or the zinc (corroded at rest) it takes never reach the bromine,
and the hydrogen leaves the cell. The result variable ``charge_imbalance`` (stored
halogen minus plated zinc, as charge; recorded per cycle by ``cellsim.age``) grows by
exactly its charge. A maintenance strip (spec D1b) runs the zinc out and lets the
bromine dissolve dead zinc, which clears the dead-zinc share of the imbalance, but it
cannot reduce bromine that has no zinc left to react with: after a strip the excess
stays in the positive electrolyte, the cell restarts with its open-circuit voltage
above the fresh cell's and, strip after strip, the imbalance accumulates (about
0.3 % of the capacity a day for ``zinc_bromine_static`` at its pH 3.6). The
specification (3.7) says a full strip resets the imbalance; that holds for dead zinc
only. A real system has to rebalance the electrolyte to recover it, by returning
the hydrogen's reducing power to the bromine (recombining H2 and Br2 to HBr over a
catalyst) or by dosing a reductant or acid [E: general flow-battery practice, no
zinc-bromine source in the specification]. cellsim does not model rebalancing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pybamm

MECHANISMS = ("dead zinc", "complexing agent loss", "separator", "soft short")


@dataclass
class Ageing:
    """The degradation states of a model and the factors they put on its parameters.

    Attributes
    ----------
    dead_zinc : pybamm.Variable or None
        Electrically isolated zinc, mol m-2.
    agent : pybamm.Symbol
        Complexing agent left, as a fraction of the initial (1 when not modelled).
    permeability, conductivity : pybamm.Symbol
        Separator halogen permeability and ionic conductivity over their initial values.
    non_uniformity : pybamm.Variable or None
        Relative excess height of the tallest zinc deposit.
    """

    dead_zinc: pybamm.Variable | None
    agent: pybamm.Symbol
    permeability: pybamm.Symbol
    conductivity: pybamm.Symbol
    non_uniformity: pybamm.Variable | None


def ageing_states(mechanisms: tuple[str, ...], zinc_scale) -> Ageing:
    """The states of ``mechanisms`` (factors of 1 for the others)."""
    one = pybamm.Scalar(1)
    dead = (
        pybamm.Variable("Dead zinc [mol.m-2]", scale=zinc_scale)
        if "dead zinc" in mechanisms
        else None
    )
    agent = (
        pybamm.Variable("Complexing agent fraction")
        if "complexing agent loss" in mechanisms
        else one
    )
    if "separator" in mechanisms:
        permeability = pybamm.Variable("Separator permeability factor")
        conductivity = pybamm.Variable("Separator conductivity factor")
    else:
        permeability = conductivity = one
    sigma = pybamm.Variable("Zinc non-uniformity") if "soft short" in mechanisms else None
    return Ageing(dead, agent, permeability, conductivity, sigma)


def tallest_deposit(ageing: Ageing, n_zn):
    """Height of the tallest zinc deposit, m (the mean of a porous deposit if uniform)."""
    P = pybamm.Parameter
    mean = (
        pybamm.maximum(n_zn, 0)
        * P("Zinc molar mass [kg.mol-1]")
        / (P("Zinc density [kg.m-3]") * (1 - P("Zinc deposit porosity")))
    )
    if ageing.non_uniformity is None:
        return mean
    return mean * (1 + ageing.non_uniformity)


def short_current(ageing: Ageing, n_zn, ocv, gap):
    """Current density through a zinc soft short, A m-2 (0 without the mechanism).

    The short is an electronic conductance per area in parallel with the cell, driven by
    the open-circuit voltage (its resistance is far above the cell's).
    """
    if ageing.non_uniformity is None:
        return pybamm.Scalar(0)
    P = pybamm.Parameter
    reach = (tallest_deposit(ageing, n_zn) - gap) / P("Soft-short length scale [m]")
    return (
        P("Soft-short conductance at contact [S.m-2]") * pybamm.exp(pybamm.minimum(reach, 50)) * ocv
    )


def add_ageing(
    model, ageing: Ageing, zinc_current, n_zn, aqueous_halogen, c_ref, risk, coverage
) -> dict:
    """Add the degradation equations to ``model``; return the dead-zinc fluxes.

    Parameters
    ----------
    model : pybamm.BaseModel
        The model to extend (``rhs`` and ``initial_conditions``).
    ageing : Ageing
        From :func:`ageing_states`.
    zinc_current : pybamm.Symbol
        Zinc oxidation current density, A m-2 (> 0 stripping).
    n_zn : pybamm.Symbol
        Active zinc, mol m-2.
    aqueous_halogen : pybamm.Symbol
        Aqueous oxidised halogen at the positive, mol m-3.
    c_ref : pybamm.Symbol
        Reference concentration, mol m-3.
    risk, coverage : pybamm.Symbol
        Dendrite-risk indicator and zinc coverage (both dimensionless).

    Returns
    -------
    dict
        ``"isolation"`` (active -> dead zinc) and ``"dissolution"`` (dead zinc + X2 ->
        Zn2+ + 2 X-), both mol m-2 s-1 (zero without dead zinc).
    """
    P = pybamm.Parameter
    F = 96485.33212
    fluxes = {"isolation": pybamm.Scalar(0), "dissolution": pybamm.Scalar(0)}
    if ageing.dead_zinc is not None:
        dead = ageing.dead_zinc
        isolation = P("Dead zinc fraction of stripped zinc") * pybamm.maximum(zinc_current, 0) / (
            2 * F
        ) + P("Zinc isolation rate [s-1]") * pybamm.maximum(n_zn, 0)
        dissolution = (
            P("Dead zinc dissolution rate [s-1]")
            * aqueous_halogen
            / c_ref
            * pybamm.maximum(dead, 0)
        )
        model.rhs[dead] = isolation - dissolution
        model.initial_conditions[dead] = P("Initial dead zinc [mol.m-2]")
        fluxes = {"isolation": isolation, "dissolution": dissolution}
    if isinstance(ageing.agent, pybamm.Variable):
        model.rhs[ageing.agent] = (
            -P("Complexing agent loss rate [s-1]") * aqueous_halogen / c_ref * ageing.agent
        )
        model.initial_conditions[ageing.agent] = P("Initial complexing agent fraction")
    if isinstance(ageing.permeability, pybamm.Variable):
        model.rhs[ageing.permeability] = (
            P("Separator permeability growth rate [s-1]") * ageing.permeability
        )
        model.rhs[ageing.conductivity] = (
            -P("Separator conductivity loss rate [s-1]") * ageing.conductivity
        )
        model.initial_conditions[ageing.permeability] = P("Initial separator permeability factor")
        model.initial_conditions[ageing.conductivity] = P("Initial separator conductivity factor")
    if ageing.non_uniformity is not None:
        sigma = ageing.non_uniformity
        model.rhs[sigma] = P("Zinc non-uniformity growth coefficient [m2.mol-1]") * risk * (
            pybamm.maximum(-zinc_current, 0) / (2 * F)
        ) - (1 - coverage) * sigma / P("Zinc non-uniformity reset time [s]")
        model.initial_conditions[sigma] = P("Initial zinc non-uniformity")
    return fluxes

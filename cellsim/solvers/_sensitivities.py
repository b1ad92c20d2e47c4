"""Forward sensitivities on the CasADi core: how the states and outputs of a leg move
with chosen inputs (parameters varied without a rebuild).

A sensitivity ``S = d[x; z]/d theta`` (one column per input ``theta_j``) starts at the
initial state's own derivative, ``d initial / d p``, and is carried through every leg:

- within a leg, by CasADi's forward sensitivities of the leg's integrator
  (:meth:`Core.forward`: SUNDIALS integrates ``dS/dt = f_x S + f_z S_z + f_p``
  beside the states, with the same steps and error control);
- at a leg's start, where the algebraic states are solved again from the differential
  ones, by the implicit function theorem (CasADi's derivative of its root-finder);
- at an event that ends a leg at ``t*`` (a cut-off), by the event time's own
  sensitivity ``dt*/d theta = -(g_x S + g_p) / (dg/dt)``: the state there moves by
  ``S + xdot dt*/d theta`` (ODE cores only: a DAE core's algebraic rates at the event
  are not formed, and such a leg raises).

Outputs ``y(t, x, z, p)`` at fixed output times move by ``y_x S_x + y_z S_z + y_p P``
(the observer's Jacobian, :attr:`Core.observer_jacobian`). A voltage- or power-
controlled SPM or SPMe carries its current as a stiff ODE state whose relaxation gain is
fixed at each leg's start; the gain is held constant in the sensitivities (it moves the
current's tracking of its constraint, ~1e-7 V, not the solution).
"""

from __future__ import annotations

import numpy as np

from cellsim.solvers._base import IntegrationError
from cellsim.solvers._casadi_core import Core, Evaluator, Points, _reordered_dae, unit_grid


def selection(core: Core, names, p: np.ndarray) -> np.ndarray:
    """``dp/d theta`` for ``theta_j = p_j / |p_j|`` of the inputs named ``names`` at
    their values in ``p``: sensitivities per relative change (a diffusivity's, per
    m2/s, would be ~1e14 V and swamp the integrator's error control, which includes
    them); ``1`` where a value is 0."""
    P = np.zeros((len(core.input_names), len(names)))
    for j, name in enumerate(names):
        i = core.input_names.index(name)
        P[i, j] = abs(p[i]) if p[i] != 0.0 else 1.0
    return P


def initial(core: Core, p: np.ndarray, P: np.ndarray) -> np.ndarray:
    """``d[x0; z0]/d theta`` of the model's initial state (augmented ``x``)."""
    jac_x, jac_z = _jacobian(core, "initial", core.initial.function)(p, None, None)
    return np.vstack([jac_x, jac_z]) @ P if core.n_z else jac_x @ P


def consistent(core: Core, x, z, p, t: float, S: np.ndarray, P: np.ndarray) -> np.ndarray:
    """``S`` with its algebraic rows those of the consistent ``z`` solved from ``x``."""
    if not core.n_z:
        return S
    jac = _jacobian(core, "consistent", core.consistent.function)
    _, d_z = jac(z, np.concatenate([x, p, [t]]), None)
    n = x.size
    seeds = np.vstack([S[:n], P, np.zeros((1, P.shape[1]))])
    return np.vstack([S[:n], d_z @ seeds])


def chunk(core: Core, points: Points, x, z, p_full, S: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Sensitivities at a chunk's outputs (``points``, :func:`unit_grid`): shape
    (states, directions, outputs).

    ``p_full`` is the integrator's parameter vector (:meth:`Core.integrate`'s), ``S``
    the sensitivity of ``[x; z]`` at the chunk's start (augmented ``x``, its clock
    ``active`` reset there: its row is zeroed).
    """
    m = P.shape[1]
    n = core.n_x
    S = S.copy()
    S[n] = 0.0
    dp = np.vstack([P, np.zeros((p_full.size - P.shape[0], m))])
    forward = core.forward(points, m)
    n_points = unit_grid(points).size
    if core.reduced:  # the integrator's states are [x; z; active]
        x0 = np.concatenate([x[:-1], z, x[-1:]])
        d_x = forward(x0, None, p_full, np.vstack([S[:n], S[n + 1 :], S[n : n + 1]]), None, dp)[0]
        d_x = d_x.reshape(-1, m, n_points)
        return np.concatenate([d_x[:n], d_x[-1:], d_x[n:-1]])
    if not core.n_z:
        return forward(x, None, p_full, S[: n + 1], None, dp)[0].reshape(-1, m, n_points)
    d_x, d_z = forward(x, z, p_full, S[: n + 1], S[n + 1 :], dp)
    return np.concatenate([d_x.reshape(-1, m, n_points), d_z.reshape(-1, m, n_points)])


def outputs(core: Core, t, x, z, p, S: np.ndarray, P: np.ndarray, dt=None) -> np.ndarray:
    """Sensitivities of the events and outputs ``[g; y]`` at the columns ``t``, ``x``,
    ``z`` whose state sensitivities are ``S`` (states, directions, columns): shape
    (events + outputs, directions, columns). ``dt`` (directions, columns): the times'
    own sensitivities, for an output at an event."""
    jac = _observer_jacobian(core, np.size(t))(np.ravel(t), x, z, p)[0]
    n_rows, n_y = jac.shape[0], x.shape[0] + z.shape[0]
    jac = jac.reshape(n_rows, np.size(t), -1).transpose(1, 0, 2)  # (columns, rows, [t x z p])
    moved = jac[:, :, 1 : 1 + n_y] @ S.transpose(2, 0, 1) + jac[:, :, 1 + n_y :] @ P
    if dt is not None:
        moved += jac[:, :, :1] * dt.T[:, None, :]
    return moved.transpose(1, 2, 0)


def at_event(core: Core, event: int, t, x, z, p, S: np.ndarray, P: np.ndarray):
    """``(S, dt*/d theta)`` at an event met at ``t``: the state sensitivity moved by the
    event time's (see the module docstring)."""
    if core.n_z and not core.reduced:
        raise IntegrationError(
            "forward sensitivities through an event (a cut-off that ends a step) are "
            "supported for ODE models (an SPM or SPMe) only; end the step on time"
        )
    jac = _observer_jacobian(core, 1)(t, x, z, p)[0]
    n_y = x.size + z.size
    row = jac[event]
    rates = _rates(core, t, x, z, p)
    slope = float(row[0] + row[1 : 1 + n_y] @ rates)
    if slope == 0.0:
        raise IntegrationError(f"event {core.event_names[event]!r} met with zero slope")
    moved = row[1 : 1 + n_y] @ S + row[1 + n_y :] @ P
    dt = -moved / slope
    return S + np.outer(rates, dt), dt


def _rates(core: Core, t, x, z, p) -> np.ndarray:
    """``d[x; z]/dt`` at a state of an ODE core (a reduced core's current included)."""
    dae = _dae(core)
    tail = [t, 1.0, 0.0]  # the leg's clock from here, one second per unit, no guard
    if core.reduced:
        gain = core.gain(t, x, z, p)[0].ravel()
        rates = dae(0.0, np.concatenate([x[:-1], z, x[-1:]]), None, [*p, *tail, *gain])[0].ravel()
        n = core.n_x
        return np.concatenate([rates[:n], rates[-1:], rates[n:-1]])
    return dae(0.0, x, None, np.concatenate([p, tail]))[0].ravel()


def _dae(core: Core) -> Evaluator:
    if "rates" not in core._observers:
        dae = core.dae  # on the states in core.order: back to the model's
        if core.order is not None:
            dae = _reordered_dae(dae, tuple(np.argsort(core.order)))
        core._observers["rates"] = Evaluator(dae, outputs=1)
    return core._observers["rates"]


def _jacobian(core: Core, name: str, function) -> Evaluator:
    key = ("jacobian", name)
    if key not in core._observers:
        core._observers[key] = Evaluator(function.jacobian())
    return core._observers[key]


def _observer_jacobian(core: Core, n: int) -> Evaluator:
    key = ("observer jacobian", n)
    if key not in core._observers:
        f = core.observer_jacobian
        if n > 1:
            f = f.map(n, [False, False, False, True], [False])
        core._observers[key] = Evaluator(f)
    return core._observers[key]

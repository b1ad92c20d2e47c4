"""A discretised PyBaMM model as CasADi functions and integrators (the stiff core).

The model's right-hand side, algebraic equations, initial conditions, termination
events and output variables are converted once with PyBaMM's ``to_casadi`` and
expanded to CasADi SX (scalar) graphs, lookup tables left as calls
(:mod:`cellsim.solvers._lookups`). Integrators are CasADi's own SUNDIALS interfaces:
CVODES when the model is an ODE (a current-controlled SPM or SPMe), IDAS when it has
algebraic states.

With the guard on, the differential equations are switched off once any termination
event is met (``g <= 0``), so an integration that overruns a cut-off holds the state
where the event happened instead of driving the model past it, where it may not be
defined. One more differential state, ``active`` (d active/dt = 1 while no event is
met), records when that happened: the integrator's error control resolves the switch
like any other discontinuity in the right-hand side, and the caller refines it (see
:mod:`cellsim.solvers._casadi`). The integrators' differential states are therefore
``[x; active]``. The events are evaluated in a call only the guarded right-hand side
makes (:func:`_lowest_event`).

A model whose only algebraic state is its current (an SPM or SPMe under voltage or
power control, the external circuit's residual ``r(t, x, I) = 0`` of
:mod:`cellsim._control`) is integrated as an ODE by CVODES, the current driving the
residual to zero as a stiff relaxation:

    dI/dt = -lambda r / r_I(start of the leg),

so that ``dr/dt = r_x f - lambda (r_I / r_I0) r``: each leg starts consistent (``r =
0``) and ``r`` stays within ``|r_x f| / lambda`` of zero, the rate at which the cell's
own dynamics would move it at a fixed current over ``lambda = 1000 /s`` (at most ~1e-7 V
in a constant-voltage hold). ``r_I`` is the cell's differential resistance under voltage
control, 1 under current control and ``V + I dV/dI`` under power control (whose zero,
the most power the cell gives, is a duty it cannot follow). The Jacobian stays the
model's own plus one row, where exact index reduction (``dI/dt = -(r_x f + ...) / r_I``)
would bring the residual's second derivatives, 15x the cost of the rest.

The integrators' DAE, its Jacobian and the outputs are compiled to machine code
(:func:`compiled`, PyBaMM's ahead-of-time compiler, cached on disk per machine):
SUNDIALS then spends its time in its own linear algebra rather than in CasADi's virtual
machine (the issue's SPMe ageing cycle ~78 -> ~45 ms of CPU; a DFN cycle 1.5 -> 1.2 s).
Compiling costs seconds for an SPMe (15 s on a loaded 2-core machine at -O1) and
minutes for a DFN, once. ``solver_options={"compile": False}`` or ``CELLSIM_COMPILE=0``
keep the interpreter. Every function is called through an :class:`Evaluator` (numpy
memory, no ``DM`` conversions: with them, the same cycle cost 50 ms, 32 without).

Every integrator runs over a unit interval ``tau`` in [0, 1] with the start time ``t0``,
the horizon ``T`` (negative to integrate backwards) and the guard (1: stop at events,
0: integrate through them) as parameters after the model's (``t = t0 + T tau``), so one
integrator per grid of output points (:func:`unit_grid`) serves every leg of every
protocol.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from typing import Any

import casadi
import numpy as np

from cellsim.solvers._lookups import tabulate
from cellsim.solvers._states import Layout, layout

#: Rate, 1/s, at which the current drives the external circuit's residual to zero.
RESIDUAL_RATE = 1.0e3
#: Linear solvers of the integrators' Newton matrix, chosen per core by its sparsity
#: (:func:`linear_solver`; ``solver_options={"linear_solver": ...}`` overrides).
#: CasADi's default, a sparse QR, suits a sparse matrix with little fill (an SPMe, a
#: DFN). A residual row of a reduced core (the current as an ODE state) is dense, and a
#: dense row makes the QR's R dense (R'R = A'A): a sparse LU (CSparse, natural order, the
#: current last) fills only that row (the issue's SPMe+SEI hold at 4.2 V: 8.8 -> 6.8 ms,
#: the same steps; CSparse's natural order would fill a DFN's LU: a cycle 0.30 -> 1.5 s).
#: A matrix whose QR fills most of it (OKane2022's coupled SEI, plating, cracking and
#: LAM SPMe: 188 states, 18 % of the Jacobian non-zero, R 62 % full) factorises faster
#: dense: LAPACK's LU, single-threaded (its legs 232/464/182 -> 107/195/82 ms; sparse
#: QR 2-3x the dense LU's time per matrix) -- unless the core is an ODE (CVODES): its
#: integrators then see the states in the approximate-minimum-degree order of the
#: Newton matrix (:func:`fill_reducing_order`), in which CSparse's LU (natural order)
#: fills little. The coupled SPMe's 6,410 non-zeros fill to 6,834 in that order (to
#: 20,830 in the model's; the dense LU holds 35,344): a factorisation 0.18 ms against
#: the dense LU's 0.48-0.66 ms, and its cycles 212-259 ms against 316-421 ms (three
#: interleaved pairs of 10-cycle runs). An IDAS core's matrix is [x; z] in that order,
#: which a free ordering would mix, so it keeps the dense LU.
SPARSE_SOLVER, REDUCED_SOLVER, DENSE_SOLVER, ORDERED_SOLVER = "qr", "csparse", "lapacklu", "csparse"
#: The share of a dense LU's flops (2/3 n^3) above which the sparse QR's estimated flops
#: choose the dense LU. Measured either side of it: the SPMe+SEI hold at 0.045 (dense
#: LU 17 ms vs 11 ms sparse), the coupled SPMe at 0.72 (dense 2x faster).
DENSE_SHARE = 0.25
#: An integrator's outputs over tau in [0, 1] (see :func:`unit_grid`).
Points = int | tuple[float, ...]
#: C compiler flags for the DAE's machine code (-O1: a DFN's Jacobian compiles in
#: seconds, and -O2/-O3 gain little on straight-line generated code).
COMPILER_FLAGS = ("-O1", "-fPIC")


@dataclass
class Core:
    """The CasADi form of one discretised model, with integrators made on demand.

    Attributes
    ----------
    input_names : tuple of str
        Order of the parameter vector ``p``.
    n_x, n_z : int
        Differential and algebraic state counts.
    event_names : tuple of str
        Names of the termination events, in the order :attr:`observe` returns them.
    reduced : bool
        Whether the one algebraic state (the current) is integrated as an ODE state.
    output_names : tuple of str
        PyBaMM names of the outputs, in the order :attr:`observe` returns them.
    initial : Evaluator
        ``p -> [x0, z0]``: the model's initial state (``z0`` a guess).
    observer : casadi.Function
        ``(t, x, z, p) -> (g, y)``: the termination events ``g`` (an event has happened
        when its ``g <= 0``) and the output variables ``y`` (see :meth:`observe`).
    consistent : Evaluator or None
        ``(z_guess, [x; p; t]) -> [z]``, the model's algebraic states
        solving its algebraic equations (None if it has none).
    layout : Layout
        Where each of the model's states sits in ``[x; z]``.

    All the functions and integrators take the augmented states ``x = [x; active]``
    (see the module docstring); ``n_x`` counts the model's own.
    """

    input_names: tuple[str, ...]
    n_x: int
    n_z: int
    event_names: tuple[str, ...]
    output_names: tuple[str, ...]
    initial: Any
    observer: Any
    consistent: Any
    #: The integrators' DAE, a casadi.Function (compiled where possible), on the
    #: differential states in :attr:`order`.
    dae: Any
    options: dict
    layout: Layout
    plugin: str = "idas"
    gain: Any = None  # (t, x, z, p) -> 1 / r_I when the current is an ODE state
    #: ``(t, x, z, p) -> d[g; y]/d[t; x; z; p]``, the observer's Jacobian, when the core
    #: was built for forward sensitivities (its DAE then has the derivatives they need).
    observer_jacobian: Any = None
    #: The order the integrators (and :attr:`dae`) see the differential states in
    #: (they integrate ``x[order]``; see ``ORDERED_SOLVER``), or None for the model's
    #: own. :meth:`integrate` and :meth:`forward` take and return the model's order.
    order: tuple[int, ...] | None = None
    _integrators: dict = field(default_factory=dict, repr=False)
    _observers: dict = field(default_factory=dict, repr=False)

    @property
    def reduced(self) -> bool:
        return self.gain is not None

    @property
    def sensitive(self) -> bool:
        """Whether the core integrates forward sensitivities (see :meth:`forward`)."""
        return self.observer_jacobian is not None

    @property
    def compiled(self) -> bool:
        """Whether the DAE runs as machine code (a library of PyBaMM's compile cache)."""
        return self.dae.class_name() == "External"

    def to_record(self) -> dict:
        """The core as plain data, its CasADi functions serialised (a compiled one
        refers to its library in PyBaMM's compile cache): for :mod:`cellsim._disk_cache`."""
        functions = {
            "dae": self.dae,
            "observer": self.observer,
            "initial": self.initial.function,
            "consistent": None if self.consistent is None else self.consistent.function,
            "gain": None if self.gain is None else self.gain.function,
            "observer_jacobian": self.observer_jacobian,
        }
        fields = {
            name: getattr(self, name)
            for name in (
                "input_names",
                "n_x",
                "n_z",
                "event_names",
                "output_names",
                "options",
                "layout",
                "plugin",
                "order",
            )
        }
        serialised = {k: None if f is None else f.serialize() for k, f in functions.items()}
        return {"fields": fields, "functions": serialised}

    @classmethod
    def from_record(cls, record: dict) -> Core:
        """Inverse of :meth:`to_record`; raises if a function cannot be loaded (its
        compiled library removed from PyBaMM's cache)."""
        f = {
            k: None if v is None else casadi.Function.deserialize(v)
            for k, v in record["functions"].items()
        }
        return cls(
            **record["fields"],
            initial=Evaluator(f["initial"]),
            observer=f["observer"],
            consistent=None if f["consistent"] is None else Evaluator(f["consistent"]),
            dae=f["dae"],
            gain=None if f["gain"] is None else Evaluator(f["gain"]),
            observer_jacobian=f.get("observer_jacobian"),
        )

    def integrate(self, points: Points, x, z, p, t0: float, span: float, guard: float):
        """States ``(x, z)`` at the output times of ``points`` (:func:`unit_grid`) over
        ``[t0, t0 + span]``.

        ``guard`` 1 stops the dynamics at the first event met, 0 integrates through.
        """
        p = self.parameters(p, t0, span, guard, x, z)
        if self.reduced:  # the integrator's states are [x; z; active]
            x0 = np.concatenate([x[:-1], z, x[-1:]])
            xf = self.integrator(points)(x0, None, p)[0]
            n = self.n_x
            return np.vstack([xf[:n], xf[-1:]]), xf[n:-1]
        xf, zf = self.integrator(points)(x, z if self.n_z else None, p)[:2]
        return xf, zf

    def parameters(self, p, t0: float, span: float, guard: float, x, z) -> np.ndarray:
        """The integrators' parameter vector for a leg from ``(t0, x, z)`` over ``span``:
        the model's ``p``, then ``t0, span, guard`` (and a reduced core's gain)."""
        p = np.ravel(p)
        full = np.concatenate([p, [t0, span, guard]])
        if self.reduced:
            full = np.append(full, self.gain(t0, x, z, p)[0])
        return full

    def integrator(self, points: Points) -> Evaluator:
        """The integrator with the outputs of ``points`` (:func:`unit_grid`) over tau."""
        if points not in self._integrators:
            if len(self._integrators) >= 16:  # profiles with odd lengths: keep the newest
                self._integrators.pop(next(iter(self._integrators)))
            grid = unit_grid(points).tolist()
            if self.options.get("linear_solver") == DENSE_SOLVER:
                single_threaded_blas()
            kind = "" if isinstance(points, int) else "_graded"
            name = f"cellsim_{self.plugin}_{len(grid)}{kind}"
            integrator = casadi.integrator(name, self.plugin, self.dae, 0.0, grid, self.options)
            if self.order is not None:  # on x[order]: take and give the model's order
                integrator = _in_model_order(name, integrator, self.order)
            self._integrators[points] = Evaluator(integrator, outputs=2)
        return self._integrators[points]

    def forward(self, points: Points, directions: int) -> Evaluator:
        """The forward sensitivities of :meth:`integrator` in ``directions`` directions:
        CasADi integrates the model's sensitivity equations beside it (its
        ``Function.forward`` of a SUNDIALS integrator). Called with ``(x0, z0, p)`` and
        the seeds ``(dx0, dz0, dp)``, one column per direction; returns ``dxf, dzf``,
        ``directions`` blocks of one column per output each."""
        key = ("forward", points, directions)
        if key not in self._integrators:
            integrator = self.integrator(points).function
            forward = integrator.forward(directions)
            args = {
                name: casadi.MX.sym(name, integrator.sparsity_in(name))
                for name in ("x0", "z0", "p")
            }
            seeds = {
                f"fwd_{name}": casadi.MX.sym(
                    f"d{name}", integrator.size1_in(name), directions * integrator.size2_in(name)
                )
                for name in args
            }
            out = forward(**args, **seeds)
            function = casadi.Function(
                f"{integrator.name()}_fwd{directions}",
                [*args.values(), *seeds.values()],
                [out["fwd_xf"], out["fwd_zf"]],
            )
            self._integrators[key] = Evaluator(function)
        return self._integrators[key]

    def observe(self, t, x, z, p) -> tuple[np.ndarray, np.ndarray]:
        """Events ``g`` and outputs ``y`` at the columns of ``t``, ``x``, ``z`` (one
        column each per time): arrays of one column per time."""
        x = np.asarray(x, dtype=float)
        n = 1 if x.ndim == 1 else x.shape[1]
        if n not in self._observers:
            if len(self._observers) >= 16:
                self._observers.pop(next(iter(self._observers)))
            self._observers[n] = Evaluator(self.observer if n == 1 else self._mapped_observer(n))
        g, y = self._observers[n](np.ravel(t), x, z, p)
        return g, y

    def _mapped_observer(self, n: int):
        """:attr:`observer` over ``n`` columns of ``t``, ``x``, ``z`` (one ``p``)."""
        return self.observer.map(n, [False, False, False, True], [False, False])


def unit_grid(points: Points) -> np.ndarray:
    """The output times over tau in [0, 1] that ``points`` stands for: that many equally
    spaced (an int), or the times themselves (a tuple rising from 0 to 1)."""
    if isinstance(points, int):
        return np.linspace(0.0, 1.0, points)
    return np.asarray(points, dtype=float)


def _to_casadi(symbol, t, y, inputs, cache):
    return symbol.to_casadi(t, y, inputs=inputs, casadi_symbols=cache)


def build_core(
    model,
    output_names,
    rtol: float,
    atol: float,
    options: dict,
    compile: bool = True,
    sensitivities: bool = False,
) -> Core:
    """Convert the discretised PyBaMM ``model`` to a :class:`Core`.

    Parameters
    ----------
    model : pybamm.BaseModel
        Discretised (``pybamm.Simulation.built_model``).
    output_names : sequence of str
        PyBaMM names of the variables every leg reports.
    rtol, atol : float
        Integrator tolerances.
    options : dict
        Further CasADi integrator options (``max_num_steps``, ``linear_solver``, ...).
    compile : bool
        Compile the integrators' DAE and its Jacobian to machine code (see
        :func:`compiled`); False evaluates them in CasADi's virtual machine.
    sensitivities : bool
        Build for forward sensitivities: the observer's Jacobian, and (compiled) the
        DAE's derivatives that CasADi's sensitivity equations call (:func:`compiled`).
    """
    import pybamm

    n_x, n_z = model.len_rhs, model.len_alg
    names = tuple(sorted(p.name for p in model.input_parameters))
    t = casadi.MX.sym("t")
    xa = casadi.MX.sym("x", n_x + 1)  # [x; active]
    za = casadi.MX.sym("z", n_z)
    p = casadi.MX.sym("p", len(names))
    y = casadi.vertcat(xa[:n_x], za)
    inputs = dict(zip(names, casadi.vertsplit(p), strict=True)) if names else {}
    cache: dict = {}
    terminations = [e for e in model.events if e.event_type == pybamm.EventType.TERMINATION]
    processed = [model.get_processed_variable(n) for n in output_names]
    expressions = [model.concatenated_rhs, model.concatenated_algebraic]
    expressions += [model.concatenated_initial_conditions, *(e.expression for e in terminations)]
    tabulate([*expressions, *processed], t, y, inputs, cache)
    rhs = _to_casadi(model.concatenated_rhs, t, y, inputs, cache)
    alg = _to_casadi(model.concatenated_algebraic, t, y, inputs, cache)
    y0 = _to_casadi(model.concatenated_initial_conditions, t, y, inputs, cache)
    g = casadi.vertcat(*[_to_casadi(e.expression, t, y, inputs, cache) for e in terminations])
    out = casadi.vertcat(*[_to_casadi(v, t, y, inputs, cache) for v in processed])

    def function(name, args, results):
        f = casadi.Function(name, args, results)
        try:
            return f.expand()  # SX: scalar graphs, cheapest to evaluate
        except RuntimeError:  # something without an SX form
            return f

    guard_on = casadi.MX.sym("guard")
    lowest = casadi.MX(1.0)  # no termination events: never stop
    if g.numel():
        events = function("events", [t, xa, za, p], [casadi.mmin(g)])
        lowest = _lowest_event(events, [t, xa, za, p], guard_on)
    dae_f = function("dae", [t, xa, za, p, guard_on], [rhs, alg, lowest])
    initial = function(
        "initial", [p], [casadi.vertcat(y0[:n_x], 0.0), y0[n_x:] if n_z else casadi.MX(0, 1)]
    )
    observe = function("observe", [t, xa, za, p], [g, out])

    sym = casadi.SX if dae_f.is_a("SXFunction") else casadi.MX
    xs, zs, ps = sym.sym("x", n_x + 1), sym.sym("z", n_z), sym.sym("p", len(names))
    t0, horizon, tau = sym.sym("t0"), sym.sym("T"), sym.sym("tau")
    guard = sym.sym("guard")  # 1: stop at events; 0: integrate through them
    reduced = n_z == 1 and sym is casadi.SX  # the one algebraic state: the current
    gain = None
    if reduced:
        dae, gain = _reduced_dae(dae_f, n_x, len(names))
    else:
        r, a, lowest = dae_f(t0 + horizon * tau, xs, zs, ps, guard)
        running = lowest > 0
        dae = {
            "x": xs,
            "p": casadi.vertcat(ps, t0, horizon, guard),
            "t": tau,
            "ode": horizon
            * casadi.vertcat(casadi.if_else(running, r, casadi.DM.zeros(n_x)), running),
        }
        if n_z:
            dae.update(z=zs, alg=a)
    consistent = None
    if n_z:
        zm = sym.sym("zm", n_z)
        _, a_m, _ = dae_f(t0, xs, zm, ps, 0.0)
        residual = casadi.Function("residual", [zm, casadi.vertcat(xs, ps, t0)], [a_m])
        consistent = casadi.rootfinder(
            "consistent",
            "newton",
            residual,
            # converged at a residual of 1e-10 or, where rounding floors the residual
            # above that (Ecker2015's DFN stalls at 3.6e-10 from 0.15), at a step of 1e-9
            {"abstol": 1e-10, "abstolStep": 1e-9, "max_iter": 50, "error_on_fail": True},
        )
    dae = _dae_function(dae)
    plugin = "idas" if n_z and not reduced else "cvodes"
    solver, order = linear_solver(newton_sparsity(dae), reduced, ode=plugin == "cvodes")
    if order is not None:
        dae = _reordered_dae(dae, order)
    observer_jacobian = _observer_jacobian(observe) if sensitivities else None
    if compile and dae.is_a("SXFunction"):
        dae, observe, observer_jacobian = compiled(dae, observe, observer_jacobian)
    integrator_options = {
        "abstol": atol,
        "reltol": rtol,
        "max_num_steps": 100000,
        "show_eval_warnings": False,
        "linear_solver": solver,
        **options,
    }
    return Core(
        input_names=names,
        n_x=n_x,
        n_z=n_z,
        event_names=tuple(e.name for e in terminations),
        output_names=tuple(output_names),
        initial=Evaluator(initial),
        observer=observe,
        consistent=None if consistent is None else Evaluator(consistent),
        dae=dae,
        options=integrator_options,
        layout=layout(model),
        plugin=plugin,
        gain=None if gain is None else Evaluator(gain),
        observer_jacobian=observer_jacobian,
        order=order,
    )


def linear_solver(
    matrix: casadi.Sparsity, reduced: bool, ode: bool
) -> tuple[str, tuple[int, ...] | None]:
    """The CasADi linear solver for an integrator's Newton ``matrix`` (its sparsity; see
    ``SPARSE_SOLVER``), and the order the integrator sees the states in (None: the
    model's). Where a sparse QR would cost more than ``DENSE_SHARE`` of a dense LU's
    flops: CSparse's LU on the states in a fill-reducing order for an ``ode``, else the
    dense LU; otherwise a sparse LU for a reduced core, else QR."""
    n = matrix.size1()
    if n and qr_flops(matrix) > DENSE_SHARE * 2.0 / 3.0 * n**3:
        return (ORDERED_SOLVER, fill_reducing_order(matrix)) if ode else (DENSE_SOLVER, None)
    return (REDUCED_SOLVER if reduced else SPARSE_SOLVER), None


def newton_sparsity(dae) -> casadi.Sparsity:
    """The sparsity of the Newton matrix of an integrator of ``dae`` (CasADi's DAE
    signature): ``[f_x + I, f_z; g_x, g_z]``."""
    jac = dae.jacobian()
    names = [jac.name_out(i) for i in range(jac.n_out())]

    def block(name: str) -> casadi.Sparsity:
        return jac.sparsity_out(names.index(name))

    f_x = block("jac_ode_x") + casadi.Sparsity.diag(block("jac_ode_x").size1())
    if not dae.nnz_in(2):  # no algebraic states
        return f_x
    return casadi.vertcat(
        casadi.horzcat(f_x, block("jac_ode_z")),
        casadi.horzcat(block("jac_alg_x"), block("jac_alg_z")),
    )


def fill_reducing_order(matrix: casadi.Sparsity) -> tuple[int, ...]:
    """The approximate-minimum-degree order (CSparse's AMD, through CasADi) of an ODE
    integrator's Newton ``matrix``, symmetrised (``M + M'``): the states in it, its LU
    with diagonal pivots fills little."""
    return tuple(int(i) for i in (matrix + matrix.T).amd())


def _reordered_dae(dae, order: tuple[int, ...]):
    """``dae`` (CasADi's DAE signature) on the differential states ``x[order]``: its
    state input and its rates permuted."""
    to_model = np.argsort(order).tolist()
    sym = casadi.SX if dae.is_a("SXFunction") else casadi.MX
    args = [sym.sym(dae.name_in(i), dae.sparsity_in(i)) for i in range(dae.n_in())]
    x = dae.index_in("x")
    results = dae.call([a[to_model] if i == x else a for i, a in enumerate(args)])
    ode = dae.index_out("ode")
    results[ode] = results[ode][list(order)]
    return casadi.Function(f"{dae.name()}_ordered", args, results, dae.name_in(), dae.name_out())


def _in_model_order(name: str, ordered, order: tuple[int, ...]):
    """The integrator ``ordered`` (on ``x[order]``) as a function of ``(x0, z0, p)``
    to ``(xf, zf)`` on the model's own order."""
    x0, z0, p = (casadi.MX.sym(n, ordered.sparsity_in(n)) for n in ("x0", "z0", "p"))
    out = ordered(x0=x0[list(order)], z0=z0, p=p)
    xf = out["xf"][np.argsort(order).tolist(), :]
    return casadi.Function(name, [x0, z0, p], [xf, out["zf"]], ["x0", "z0", "p"], ["xf", "zf"])


def qr_flops(matrix: casadi.Sparsity) -> int:
    """Estimated flops of a sparse Householder QR of ``matrix`` (CasADi's, approximate
    minimum degree order): reflector k, of ``|V_k|`` entries, updates the ``|R_k|``
    columns of R's row k, 4 flops an entry."""
    v, r, _, _ = matrix.qr_sparse(True)
    reflector = np.diff(np.asarray(v.colind()))
    row = np.bincount(np.asarray(r.row(), dtype=int), minlength=r.size1())
    return int(4 * np.sum(reflector * row[: reflector.size]))


@functools.cache
def single_threaded_blas() -> None:
    """Run CasADi's bundled OpenBLAS (which its ``lapacklu`` calls) on one thread, once
    per process: the Newton matrices are a few hundred rows, where threads cost more
    than they give (the coupled SPMe's legs 1.2x faster). Leaves numpy's BLAS alone;
    does nothing where the library is not found."""
    import ctypes
    import glob
    import os

    for path in glob.glob(os.path.join(os.path.dirname(casadi.__file__), "*casadi-tp-openblas*")):
        try:
            ctypes.CDLL(path).openblas_set_num_threads(1)
            return
        except (OSError, AttributeError):
            continue


def _observer_jacobian(observe):
    """``(t, x, z, p) -> d[g; y]/d[t; x; z; p]`` (dense) of the observer ``observe``."""
    sym = casadi.SX if observe.is_a("SXFunction") else casadi.MX
    args = [sym.sym(observe.name_in(i), observe.sparsity_in(i)) for i in range(4)]
    g, y = observe(*args)
    jac = casadi.densify(casadi.jacobian(casadi.vertcat(g, y), casadi.vertcat(*args)))
    return casadi.Function("observe_jacobian", args, [jac])


def _dae_function(dae: dict):
    """The integrators' DAE dictionary as a Function with CasADi's DAE signature."""
    sym = type(dae["x"])
    empty = sym(0, 1)
    inputs = [dae["t"], dae["x"], dae.get("z", empty), dae["p"], empty]
    outputs = [dae["ode"], dae.get("alg", empty), empty, empty]
    return casadi.Function("cellsim_dae", inputs, outputs, casadi.dyn_in(), casadi.dyn_out())


class Evaluator:
    """A CasADi Function called with numpy arrays through a ``FunctionBuffer``.

    ``Function.__call__`` converts every argument to a ``DM`` and every result back
    (~50 us a call, more than the compiled model takes to evaluate); a buffer
    reads and writes numpy memory directly (~0.3 us). Called with the Function's
    inputs in order (``None`` for an empty one), it returns copies of its first
    ``outputs`` results as 2-D arrays. One buffer per thread. A Function with a
    sparse input or output is called the ordinary way.
    """

    def __init__(self, function, outputs: int | None = None) -> None:
        self.function = function
        self.n_out = function.n_out() if outputs is None else outputs
        self.shapes = [function.size_out(i) for i in range(self.n_out)]
        self.sizes = [function.nnz_in(i) for i in range(function.n_in())]
        self.dense = all(
            function.sparsity_in(i).is_dense() for i in range(function.n_in())
        ) and all(function.sparsity_out(i).is_dense() for i in range(self.n_out))
        self._local = threading.local()

    def __call__(self, *args) -> list[np.ndarray]:
        if not self.dense:
            empty = [casadi.DM(0, 1) if a is None else a for a in args]
            results = self.function(*empty)
            results = results if isinstance(results, (list, tuple)) else [results]
            return [np.asarray(r, dtype=float) for r in results[: self.n_out]]
        local = self._local
        if not hasattr(local, "run"):
            local.buffer, local.run = self.function.buffer()
            local.results = [np.zeros(r * c) for r, c in self.shapes]
            for i, result in enumerate(local.results):
                local.buffer.set_res(i, memoryview(result))
        keep = []  # the flattened arguments must live until the call returns
        for i, value in enumerate(args):
            if self.sizes[i] == 0:
                continue
            if value is None:  # every input is set at every call: none keeps a stale one
                value = np.zeros(self.sizes[i])
            flat = np.ascontiguousarray(np.asarray(value, dtype=float).ravel(order="F"))
            if flat.size != self.sizes[i]:
                raise ValueError(
                    f"{self.function.name()}: input {self.function.name_in(i)!r} has "
                    f"{flat.size} values, expected {self.sizes[i]}"
                )
            keep.append(flat)
            local.buffer.set_arg(i, memoryview(flat))
        local.run()
        return [
            result.reshape(c, r).T.copy()
            for result, (r, c) in zip(local.results, self.shapes, strict=True)
        ]


def compiled(dae, observer=None, observer_jacobian=None):
    """``dae`` and its Jacobian as machine code, or ``dae`` itself if that fails;
    with ``observer``, ``(dae, observer, observer_jacobian)`` compiled in the same library.

    With ``observer_jacobian`` (a core for forward sensitivities) the library also holds
    the derivatives CasADi's sensitivity equations call, by the names ``casadi.external``
    looks for: ``fwd1_cellsim_dae``, ``fwd1_jac_cellsim_dae`` (the Jacobian-times-vector
    of the sensitivity equations) and ``jac_fwd1_cellsim_dae`` (their Newton matrix);
    one direction serves any number, CasADi maps it. Compiling them about doubles the
    compile time (an SPMe: 16 -> 30 s on a loaded 2-core machine).

    PyBaMM's ahead-of-time compiler (:func:`pybamm.codegen.compilation.aot_compile`)
    generates C for both with CasADi's ``CodeGenerator``, builds one shared library
    with the system C compiler and loads it with ``casadi.external``, which finds the
    Jacobian (``jac_cellsim_dae``) there when asked for it. The library of an
    integrator's DAE also holds the Newton-matrix blocks the integrator asks its DAE
    for, under the name it asks by (:func:`_newton_jacobian`). Libraries are
    cached on disk keyed by a hash of the functions (``$PYBAMM_CASADI_AOT_CACHE``,
    default ``$TMPDIR/pybamm_casadi_aot``), so a model is compiled once per machine.
    Without a C compiler PyBaMM logs a warning and the functions stay interpreted.
    """
    from pybamm.codegen.compilation import aot_compile

    # one library: the integrator finds jacF, sensitivities the derivatives, by name
    jacobian = dae.jacobian()
    functions = [dae, jacobian]
    if dae.name_in() == casadi.dyn_in():  # an integrator's DAE
        functions.append(_newton_jacobian(dae, jacobian))
    if observer_jacobian is not None:
        forward = dae.forward(1)
        functions += [forward, jacobian.forward(1), forward.jacobian()]
    functions += [f for f in (observer, observer_jacobian) if f is not None]
    out = aot_compile(functions, flags=COMPILER_FLAGS)
    if observer is None:
        return out[0]
    if observer_jacobian is None:
        return out[0], out[-1], None
    return out[0], out[-2], out[-1]


def _newton_jacobian(dae, jacobian):
    """``jacF``, the blocks of the Newton matrix CasADi's SUNDIALS integrators ask their
    DAE for (``d[ode; alg]/d[x; z]``), as a call of ``dae``'s full ``jacobian``.

    An integrator builds it with its DAE's ``factory``, which for a compiled DAE takes
    the function of that name from the DAE's library; without it, CasADi derives it by
    forward AD through the call of the compiled Jacobian (the Jacobian times its
    colouring's seeds, then a scatter: in CasADi's virtual machine, 3-5x the compiled
    Jacobian's own time)."""
    args = {n: casadi.MX.sym(n, dae.sparsity_in(n)) for n in dae.name_in()}
    blocks = jacobian(**args)
    names = ["jac_ode_x", "jac_alg_x", "jac_ode_z", "jac_alg_z"]
    return casadi.Function(
        "jacF", list(args.values()), [blocks[n] for n in names], list(args), names
    )


def _lowest_event(events, args: list, guard):
    """The lowest of the termination events (``events`` of ``args``) where ``guard`` is
    1, and 1 where it is 0, as a call that evaluates them only when guarded (a
    ``Function.if_else``, kept as one call node in SX graphs): an unguarded chunk's
    right-hand side does not pay for the events (the voltage's kinetics). The switch
    on it is piecewise constant: its derivative is zero, and ``stop_diff`` says so, so
    the Jacobian keeps the model's own sparsity."""
    unguarded = casadi.Function("unguarded", args, [casadi.MX(1.0)])
    switch = casadi.Function.if_else("lowest_event", events, unguarded, {"never_inline": True})
    return casadi.stop_diff(switch(guard, *args)[0], 1)


def _reduced_dae(dae_f, n_x: int, n_p: int) -> tuple[dict, Any]:
    """The current of a model whose one algebraic state it is, as a stiff ODE state.

    States ``[x; I; active]``; parameters as the DAE's and, last, the gain ``1 / r_I``
    at the leg's start (from the returned ``gain`` function). See the module docstring.
    """
    x_all, z, p = casadi.SX.sym("x", n_x + 2), casadi.SX.sym("I"), casadi.SX.sym("p", n_p)
    t0, horizon, guard, tau = (casadi.SX.sym(n) for n in ("t0", "T", "guard", "tau"))
    inverse_slope = casadi.SX.sym("gain")
    x, current = casadi.vertcat(x_all[:n_x], x_all[n_x + 1]), x_all[n_x]
    f, a, lowest = dae_f(t0 + horizon * tau, x, current, p, guard)
    running = lowest > 0
    rates = casadi.vertcat(f, -RESIDUAL_RATE * inverse_slope * a)
    ode = casadi.vertcat(casadi.if_else(running, rates, casadi.SX.zeros(n_x + 1)), running)
    ts, xs = casadi.SX.sym("t"), casadi.SX.sym("x", n_x + 1)
    _, a_s, _ = dae_f(ts, xs, z, p, 0.0)
    gain = casadi.Function("gain", [ts, xs, z, p], [1.0 / casadi.jacobian(a_s, z)])
    dae = {
        "x": x_all,
        "p": casadi.vertcat(p, t0, horizon, guard, inverse_slope),
        "t": tau,
        "ode": horizon * ode,
    }
    return dae, gain

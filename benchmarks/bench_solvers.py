"""The solver matrix: every stiff-core backend and its main settings, on every model.

Each case is solved by :func:`cellsim.simulate` with ``rtol = atol = 1e-6`` and each
backend setting, and, for the lithium-ion cases, by PyBaMM itself (a built
:class:`pybamm.Simulation` with ``pybamm.IDAKLUSolver`` at the same tolerances,
re-solved, the seven variables a cellsim result carries read out, as
:mod:`benchmarks.bench_simulate` does). Cases:

- ``SPM``, ``SPMe``, ``DFN``: ``Chen2020``, a 1C discharge to 2.5 V;
- ``SPMe+SEI cycle``: one ageing cycle of ``OKane2022`` SPMe with solvent-diffusion
  limited SEI (1C discharge to 2.5 V, 0.3C charge to 4.2 V, hold at 4.2 V to C/100; PyBaMM
  solves it as a ``pybamm.Experiment``);
- ``ZnBr 0D``, ``ZnBr 1D``: ``zinc_bromine_static`` from empty, a 0.5C charge for an hour,
  an hour's rest, a 0.5C discharge to 1.2 V (PyBaMM has no such model: ratios to cellsim's
  IDAKLU only);
- ``ZnI 0D``: ``zinc_iodide_pnnl`` from empty, the PNNL cycle (0.8 A charge for
  14,470 s, 30 s rest, 0.8 A discharge to 0.5 V).

Backend settings (one ``time_*`` method each, interleaved in every round):

- ``time_idaklu``: ``solver="idaklu"``, PyBaMM's IDAKLU driven by cellsim;
- ``time_casadi``: ``solver="casadi"``, the DAE and its Jacobian compiled to machine code
  (the library cached on disk: warm here, the warm-up call compiles it if needed), the
  linear solver cellsim chooses from the Newton matrix's sparsity (sparse QR for these
  cases' current steps, a sparse LU for the SPM/SPMe's voltage-controlled legs);
- ``time_casadi_qr``: compiled, ``linear_solver="qr"``, CasADi's default, for every leg;
- ``time_casadi_interpreted``: ``solver_options={"compile": False}``, CasADi's virtual
  machine;
- ``time_casadi_csparse``: compiled, ``linear_solver="csparse"`` (sparse LU);
- ``time_casadi_gmres``: compiled, ``newton_scheme="gmres"`` (SUNDIALS' iterative
  Newton solver, unpreconditioned);
- ``time_casadi_lapacklu``: compiled, ``linear_solver="lapacklu"`` (dense LU), only on the
  small models (``DENSE``): on the others a dense factorisation is tens of times slower
  (measured: an SPMe cycle 7 s, a DFN discharge 10 s) and the case is recorded as skipped;
- ``time_pybamm_idaklu``: PyBaMM's own IDAKLU solve (lithium-ion cases).

Which SUNDIALS integrator the CasADi core uses follows from the model, not a setting:
CVODES when every leg is an ODE (SPM, SPMe and the zinc 0D models, their one algebraic
state, the current, integrated as a stiff ODE state), IDAS when algebraic states remain
(DFN, ``ZnBr 1D``); ``values()`` records it. ``SKIPPED`` lists settings not run, with
the reason. Ratios are to PyBaMM's solve and to cellsim's IDAKLU backend; each carries
the A.h delivered while discharging (the sum of the discharge capacity's increases) by
both sides, the agreement check.

``TimeCompile`` measures the one-off cost of compiling: each call in a fresh process with
an empty library cache (``PYBAMM_CASADI_AOT_CACHE``), the first ``simulate`` of a case
from nothing (model build, conversion to CasADi, compilation, solve) against the same
with the interpreter; the check ``compile cost`` is their difference, s.

``--quick`` (``CELLSIM_BENCH_QUICK=1``): no DFN (its compilation alone takes minutes on
a cold cache; ``bench_simulate`` has its IDAKLU solves) and no plain SPMe discharge (the
SPMe cycle stays), ``ZnBr 1D`` on a coarse mesh, and the cold compile of ``SPM`` only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pybamm

import cellsim
from benchmarks.bench_simulate import OUTPUTS
from chemistries.zinc_halogen import _pnnl

QUICK = os.environ.get("CELLSIM_BENCH_QUICK") == "1"
RTOL = ATOL = 1e-6
LITHIUM_DISCHARGE = "Discharge at 1C until 2.5 V"
AGEING_CYCLE = (
    "Discharge at 1C until 2.5 V",
    "Charge at 0.3C until 4.2 V",
    "Hold at 4.2 V until C/100",
)
ZINC_BROMINE_CYCLE = (
    "Charge at 0.5C for 1 hour",
    "Rest for 1 hour",
    "Discharge at 0.5C until 1.2 V",
)
T_END = 4320.0  # s; a PyBaMM discharge ends at its 2.5 V event before this
COARSE = {"points per domain": 5}  # the zinc 1D mesh in quick mode (as its tests use)


@dataclass(frozen=True)
class Case:
    """A cell and a protocol to solve.

    Attributes
    ----------
    parameter_set, model : str
        The :class:`cellsim.Cell`'s.
    protocol : tuple of str
        The steps.
    options : dict
        The cell's model options.
    initial_soc : float or None
        Where the protocol starts (None: the parameter set's own initial state).
    pybamm : bool
        Whether PyBaMM can solve the same model (the lithium-ion cases).
    """

    parameter_set: str
    model: str
    protocol: tuple[str, ...]
    options: dict = field(default_factory=dict)
    initial_soc: float | None = None
    pybamm: bool = False

    def cell(self) -> cellsim.Cell:
        return cellsim.Cell(self.parameter_set, model=self.model, options=self.options or None)

    def simulate(self, solver: str, solver_options: dict) -> Any:
        """The case by :func:`cellsim.simulate`."""
        return cellsim.simulate(
            self.cell(),
            list(self.protocol),
            initial_soc=self.initial_soc,
            solver=solver,
            solver_options=solver_options,
            rtol=RTOL,
            atol=ATOL,
        )

    def pybamm_simulation(self) -> pybamm.Simulation:
        """The same model, parameters and protocol as a plain PyBaMM Simulation."""
        model = getattr(pybamm.lithium_ion, self.model)(dict(self.options))
        experiment = None if len(self.protocol) == 1 else pybamm.Experiment([self.protocol])
        return pybamm.Simulation(
            model,
            parameter_values=pybamm.ParameterValues(self.parameter_set),
            experiment=experiment,
            solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL),
        )


CASES = {
    "SPM": Case("Chen2020", "SPM", (LITHIUM_DISCHARGE,), pybamm=True),
    "SPMe": Case("Chen2020", "SPMe", (LITHIUM_DISCHARGE,), pybamm=True),
    "DFN": Case("Chen2020", "DFN", (LITHIUM_DISCHARGE,), pybamm=True),
    "SPMe+SEI cycle": Case(
        "OKane2022",
        "SPMe",
        AGEING_CYCLE,
        options={"SEI": "solvent-diffusion limited"},
        pybamm=True,
    ),
    "ZnBr 0D": Case("zinc_bromine_static", "0D", ZINC_BROMINE_CYCLE, initial_soc=0.0),
    "ZnBr 1D": Case(
        "zinc_bromine_static",
        "1D",
        ZINC_BROMINE_CYCLE,
        options=COARSE if QUICK else {},
        initial_soc=0.0,
    ),
    "ZnI 0D": Case("zinc_iodide_pnnl", "0D", tuple(_pnnl.PROTOCOL), initial_soc=0.0),
}
MATRIX = [name for name in CASES if not (QUICK and name in ("DFN", "SPMe"))]
COLD = ["SPM"] if QUICK else list(CASES)
#: Cases small enough for a dense linear solver.
DENSE = ("SPM", "ZnBr 0D", "ZnI 0D")

#: method -> (backend, solver_options), for the cellsim settings.
SETTINGS = {
    "time_idaklu": ("idaklu", {}),
    "time_casadi": ("casadi", {"compile": True}),
    "time_casadi_interpreted": ("casadi", {"compile": False}),
    "time_casadi_qr": ("casadi", {"compile": True, "linear_solver": "qr"}),
    "time_casadi_csparse": ("casadi", {"compile": True, "linear_solver": "csparse"}),
    "time_casadi_gmres": ("casadi", {"compile": True, "newton_scheme": "gmres"}),
    "time_casadi_lapacklu": ("casadi", {"compile": True, "linear_solver": "lapacklu"}),
}
#: Settings not run, with the reason (measured on this machine, loaded, in one process).
SKIPPED = {
    'casadi linear_solver="ldl"': (
        "fails: CasADi refuses it at the first step, 'LDL factorization requires a "
        "symmetric matrix' (these Jacobians are not symmetric)"
    ),
    'casadi linear_solver="symbolicqr"': (
        "works but a DFN discharge took 13.5 s (88 s the first, symbolic, call): no "
        "setting for these models"
    ),
    'casadi linear_solver="mumps"': (
        "works (SPM as fast as qr, DFN 0.6 s: about 3x qr) but MUMPS prints a banner to "
        "stdout at every factorisation"
    ),
    'casadi linear_solver="ma27"': "not in this CasADi build (HSL)",
}

_LABELS = {
    "time_casadi": "casadi compiled",
    "time_casadi_interpreted": "casadi interpreted",
    "time_casadi_qr": "casadi qr",
    "time_casadi_csparse": "casadi csparse",
    "time_casadi_gmres": "casadi gmres",
    "time_casadi_lapacklu": "casadi lapacklu (dense)",
}
#: (label, numerator, denominator): ratios of medians measured in one run, per params.
RATIOS = [
    *(
        (f"{label} / cellsim idaklu", f"TimeSolvers.{method}", "TimeSolvers.time_idaklu")
        for method, label in _LABELS.items()
    ),
    *(
        (f"{label} / PyBaMM IDAKLU", f"TimeSolvers.{method}", "TimeSolvers.time_pybamm_idaklu")
        for method, label in {"time_idaklu": "cellsim idaklu", **_LABELS}.items()
    ),
    (
        "cold compile + solve / interpreted build + solve",
        "TimeCompile.time_compiled_cold",
        "TimeCompile.time_interpreted_cold",
    ),
]


def compile_cost(compiled: dict[str, Any], interpreted: dict[str, Any]) -> float:
    """Seconds the cold compilation added to the first solve of a case."""
    return compiled["seconds"] - interpreted["seconds"]


CHECKS = [
    (
        "compile cost, s (first solve, cold compiled - interpreted)",
        "TimeCompile.time_compiled_cold",
        "TimeCompile.time_interpreted_cold",
        compile_cost,
    )
]


def delivered(capacity: np.ndarray) -> float:
    """A.h delivered while discharging: the sum of the discharge capacity's increases."""
    return float(np.clip(np.diff(np.asarray(capacity, dtype=float)), 0.0, None).sum())


def integrators(cell: cellsim.Cell) -> list[str]:
    """The SUNDIALS integrators cellsim's CasADi core built for ``cell`` (a peek into its
    model cache: ``Core.plugin``)."""
    from cellsim._build import built_model
    from cellsim.solvers._casadi_core import Core

    cores = built_model(cell).cache.values()
    return sorted({core.plugin for core in cores if isinstance(core, Core)})


#: The built PyBaMM Simulation of each case, kept between rounds (as cellsim's model
#: cache keeps its built models): ``time_pybamm_idaklu`` times a re-solve either way.
_PYBAMM: dict[str, pybamm.Simulation] = {}


class TimeSolvers:
    """Each case with each backend setting (and PyBaMM), re-solved on a built model."""

    params: ClassVar[list[str]] = MATRIX
    param_names: ClassVar[list[str]] = ["case"]
    timeout = 1800

    def setup(self, case: str) -> None:
        self.case = CASES[case]
        self.capacity: np.ndarray | None = None
        self.plugins: list[str] = []

    def discharge_capacity(self) -> float:
        """A.h delivered while discharging in the last timed run: the agreement check."""
        return delivered(self.capacity)

    def values(self) -> dict[str, Any]:
        """The SUNDIALS integrators of the CasADi core (empty for the other backends)."""
        return {"integrators": self.plugins}

    def _cellsim(self, method: str) -> None:
        solver, options = SETTINGS[method]
        ds = self.case.simulate(solver, options)
        self.capacity = ds.discharge_capacity.values
        if solver == "casadi":
            self.plugins = integrators(self.case.cell())

    def time_idaklu(self, case: str) -> None:
        """``solver="idaklu"``: PyBaMM's IDAKLUSolver driven by cellsim."""
        self._cellsim("time_idaklu")

    def time_casadi(self, case: str) -> None:
        """``solver="casadi"``, compiled (warm library cache), the linear solver cellsim
        chooses (:func:`cellsim.solvers._casadi_core.linear_solver`)."""
        self._cellsim("time_casadi")

    def time_casadi_interpreted(self, case: str) -> None:
        """``solver="casadi"``, ``compile=False``: CasADi's virtual machine."""
        self._cellsim("time_casadi_interpreted")

    def time_casadi_qr(self, case: str) -> None:
        """``solver="casadi"``, compiled, ``linear_solver="qr"`` (CasADi's default)."""
        self._cellsim("time_casadi_qr")

    def time_casadi_csparse(self, case: str) -> None:
        """``solver="casadi"``, compiled, ``linear_solver="csparse"``."""
        self._cellsim("time_casadi_csparse")

    def time_casadi_gmres(self, case: str) -> None:
        """``solver="casadi"``, compiled, ``newton_scheme="gmres"``."""
        self._cellsim("time_casadi_gmres")

    def time_casadi_lapacklu(self, case: str) -> None:
        """``solver="casadi"``, compiled, ``linear_solver="lapacklu"`` (dense)."""
        if case not in DENSE:
            raise NotImplementedError(
                "dense LU on a model this size is tens of times slower (SPMe cycle 7 s, "
                "DFN 10 s): not a setting for it"
            )
        self._cellsim("time_casadi_lapacklu")

    def time_pybamm_idaklu(self, case: str) -> None:
        """PyBaMM's own solve (built on the first warm-up call and kept, as cellsim keeps
        its built models), seven outputs read."""
        if not self.case.pybamm:
            raise NotImplementedError("no PyBaMM model of this chemistry")
        if case not in _PYBAMM:
            _PYBAMM[case] = self.case.pybamm_simulation()
        t_eval = None if len(self.case.protocol) > 1 else [0.0, T_END]
        solution = _PYBAMM[case].solve(t_eval)
        outputs = {name: np.asarray(solution[name].entries) for name in OUTPUTS}
        self.capacity = outputs["Discharge capacity [A.h]"]


class TimeCompile:
    """The first solve of a case from nothing, compiled on an empty library cache
    against interpreted; each call in a fresh process."""

    params: ClassVar[list[str]] = COLD
    param_names: ClassVar[list[str]] = ["case"]
    repeat = 1
    warmup = False
    isolate = True
    timeout = 1800

    def setup(self, case: str) -> None:
        self.case = CASES[case]
        self.cache = tempfile.mkdtemp(prefix="cellsim_bench_aot_")
        os.environ["PYBAMM_CASADI_AOT_CACHE"] = self.cache
        os.environ["CELLSIM_CACHE_DIR"] = self.cache  # cellsim's built models: none either
        cellsim.clear_cache()
        self.seconds = float("nan")
        self.capacity: np.ndarray | None = None

    def teardown(self, case: str) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def values(self) -> dict[str, Any]:
        """The call's own time, s (for the compile-cost check)."""
        return {"seconds": self.seconds}

    def discharge_capacity(self) -> float:
        return delivered(self.capacity)

    def _first_solve(self, compile_dae: bool) -> None:
        start = time.perf_counter()
        ds = self.case.simulate("casadi", {"compile": compile_dae})
        self.seconds = time.perf_counter() - start
        self.capacity = ds.discharge_capacity.values

    def time_compiled_cold(self, case: str) -> None:
        """Build, convert, compile (empty cache) and solve."""
        self._first_solve(True)

    def time_interpreted_cold(self, case: str) -> None:
        """Build, convert and solve with the interpreter."""
        self._first_solve(False)

"""A fitting problem: data sets, a cell built once, and the residuals of trial values.

Simulator → residuals → cost, after PyBOP's problems and PINTS' ``ForwardModel``: the
cell is built once with the fitted parameters as PyBaMM inputs (:class:`Replayer`), each
trial replays every data set and sets the model's voltage beside the measured one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from calibration._fit_parameters import Parameter
from calibration._replay import Measured, Replayer, sensitivity_at, voltage_at
from cellsim import Cell, CellsimError

#: Residual of a sample the model did not reach (it failed or was cut off first), V:
#: a trial that makes the model fail costs this much, it does not stop the fit.
FAILURE_RESIDUAL = 1.0


def sample_weights(data: Measured, weighting: str = "time") -> np.ndarray:
    """Each sample's weight in its data set's mean squared error (summing to 1).

    ``"time"``: the time it stands for (:attr:`Measured.weights`), so the cost is a time
    average whatever the logging rate. ``"samples"``: every sample alike, so the cost is
    the per-sample mean square that a plain RMSE over the measured points reports (a
    cycler that logs the knee densely makes the knee count more). In both, the samples
    either side of a current step weigh nothing.
    """
    weights = data.weights
    if weighting == "samples":
        weights = (weights > 0).astype(float)
        weights /= weights.sum()
    return weights


class Problem:
    """Voltage residuals of ``data`` under trial values of ``parameters``.

    Parameters
    ----------
    cell : cellsim.Cell
        The cell whose parameters are fitted (its other values stay fixed).
    data : sequence of Measured
        Checked data sets, each with a voltage.
    parameters : sequence of Parameter
        What is fitted.
    fixed : mapping, optional
        Parameter values held as inputs but not fitted (earlier stages' results).
    weighting : {"time", "samples"}
        What each sample of a data set weighs (see :func:`sample_weights`).
    **options
        ``solver``, ``rtol``, ``atol``, ``current_tolerance`` for :class:`Replayer`.
    """

    def __init__(
        self,
        cell: Cell,
        data: Sequence[Measured],
        parameters: Sequence[Parameter],
        fixed: dict[str, float] | None = None,
        *,
        weighting: str = "time",
        **options,
    ) -> None:
        self.data = list(data)
        self.parameters = list(parameters)
        self.fixed = dict(fixed or {})
        names = {p.name for p in self.parameters} | set(self.fixed)
        self.replayer = Replayer(cell, names, **options)
        self.evaluations = 0
        self.failures: list[str] = []
        self.sizes = np.array([d.time.size for d in self.data])
        self.weights = [sample_weights(d, weighting) for d in self.data]
        self._scale = np.sqrt(np.concatenate(self.weights))
        #: Whether :meth:`jacobian` integrates forward sensitivities (a lithium-ion cell
        #: on the CasADi core, whose initial state the fit follows); else the optimiser
        #: takes finite differences.
        self.sensitive = self.replayer.options["solver"] == "casadi" and (
            self.replayer.states is not None
        )
        self._last: tuple[bytes, np.ndarray, np.ndarray] | None = None

    # -- values <-> optimiser scale ---------------------------------------------------------
    def values(self, x: np.ndarray) -> dict[str, float]:
        """Parameter values (with the fixed ones) at optimiser point ``x``."""
        return {
            **self.fixed,
            **{p.name: p.from_x(xi) for p, xi in zip(self.parameters, x, strict=True)},
        }

    def x0(self) -> np.ndarray:
        return np.array([p.to_x(p.initial) for p in self.parameters])

    # -- evaluation ---------------------------------------------------------------------------
    def model_voltages(self, values: dict[str, float]) -> list[np.ndarray]:
        """The model's voltage at each data set's sample times; NaN where it did not get."""
        self.evaluations += 1
        out = []
        # a sensitive problem runs every replay on its one core (compiled once)
        tracked = tuple(p.name for p in self.parameters) if self.sensitive else ()
        for data in self.data:
            result = self._replay(data, values, tracked)
            if result is None:
                out.append(np.full(data.time.size, np.nan))
            else:
                out.append(voltage_at(result, data.time))
        return out

    def _replay(self, data: Measured, values: dict[str, float], tracked: tuple[str, ...]):
        """A replay of ``data``; a failed one's part before the failure, or None."""
        try:
            return self.replayer.run(data, values, sensitivities=tracked)
        except CellsimError as err:
            self.failures.append(f"{data.name}: {err}"[:300])
            partial = getattr(err, "partial", None)
            return partial if partial is not None and partial.time.size > 1 else None

    def raw_residuals(self, values: dict[str, float]) -> list[np.ndarray]:
        """Model minus measured voltage per data set, V (``FAILURE_RESIDUAL`` where the
        model did not reach a sample)."""
        residuals = []
        for data, model in zip(self.data, self.model_voltages(values), strict=True):
            r = model - data.voltage
            r[~np.isfinite(r)] = FAILURE_RESIDUAL
            residuals.append(r)
        return residuals

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Residuals weighted by each sample's share of its data set's duration:
        ``sum(r**2)`` is the sum of the data sets' time-averaged squared errors, V^2, so
        each data set counts equally and a densely logged stretch no more than its time."""
        if self.sensitive:
            return self._with_jacobian(x)[0]
        return np.concatenate(self.raw_residuals(self.values(x))) * self._scale

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """d :meth:`residuals` / d ``x`` from the replays' forward sensitivities (the
        same replays as the residuals': an optimiser asking for both at one point runs
        them once)."""
        return self._with_jacobian(x)[1]

    def _with_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=float)
        if self._last is not None and self._last[0] == x.tobytes():
            return self._last[1], self._last[2]
        values = self.values(x)
        names = tuple(p.name for p in self.parameters)
        self.evaluations += 1
        residuals, jacobians = [], []
        for data in self.data:
            result = self._replay(data, values, names)
            r = np.full(data.time.size, np.nan)
            jac = np.zeros((data.time.size, len(names)))
            if result is not None:
                r = voltage_at(result, data.time) - data.voltage
            if result is not None and list(result.coords.get("input", [])) == list(names):
                jac = sensitivity_at(result, data.time)  # (a failed run's part has none)
            missed = ~np.isfinite(r) | ~np.all(np.isfinite(jac), axis=1)
            r[missed] = FAILURE_RESIDUAL
            jac[missed] = 0.0
            residuals.append(r)
            jacobians.append(jac)
        chain = np.array(
            [p.dvalue_dx(xi) for p, xi in zip(self.parameters, x, strict=True)], dtype=float
        )
        r = np.concatenate(residuals) * self._scale
        jac = np.concatenate(jacobians) * self._scale[:, None] * chain[None, :]
        self._last = (x.tobytes(), r, jac)
        return r, jac

    def cost(self, x: np.ndarray) -> float:
        r = self.residuals(x)
        return float(r @ r)

    def noise_variances(self, residuals: np.ndarray) -> np.ndarray:
        """Each data set's noise variance, V^2, estimated from weighted ``residuals`` (as
        :meth:`residuals` gives them, at the optimum): the sum of its counted samples'
        squared residuals over their number less the fitted parameters."""
        blocks = self.unweight(np.asarray(residuals, dtype=float)[:, None])
        n_par = len(self.parameters)
        return np.array(
            [
                float(r[:, 0] @ r[:, 0]) / max(int(np.count_nonzero(w)) - n_par, 1)
                for r, w in zip(blocks, self.weights, strict=True)
            ]
        )

    def unweight(self, jacobian: np.ndarray) -> list[np.ndarray]:
        """Split a Jacobian of :meth:`residuals` into the data sets' unweighted blocks
        (rows of samples that weigh nothing are zero)."""
        scale = self._scale[:, None]
        scaled = np.divide(jacobian, scale, out=np.zeros_like(jacobian), where=scale > 0)
        return np.split(scaled, np.cumsum(self.sizes)[:-1])

"""The result of an ageing fit: its parameters, residuals, predictions and figure.

This module builds every Dataset of the ageing fits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from calibration._aging_data import CONDITIONS, capacity_table
from calibration._aging_errors import CalibrationError
from calibration._aging_knee import knee_cycle
from calibration._aging_laws import FadeLaw
from calibration._aging_points import FitPoints


class Predictor(Protocol):
    """What a fit predicts with: capacity fraction of the initial at cycle counts."""

    conditions: tuple[str, ...]

    def fraction(
        self, cycles: NDArray[np.float64], conditions: dict[str, float]
    ) -> NDArray[np.float64]: ...


@dataclass(frozen=True, slots=True)
class LawPredictor:
    """A fitted fade law at its best parameters."""

    law: FadeLaw
    best: NDArray[np.float64]

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.law.reference)

    def fraction(
        self, cycles: NDArray[np.float64], conditions: dict[str, float]
    ) -> NDArray[np.float64]:
        values = {name: conditions.get(name, ref) for name, ref in self.law.reference}
        return self.law.fraction(self.best, cycles, values)


@dataclass(frozen=True, eq=False)
class AgingFit:
    """A fitted ageing model of one kind of cell under one protocol.

    Attributes
    ----------
    parameters : xarray.Dataset
        Over ``parameter``: ``best``, ``standard_error`` (from the Jacobian, independent
        residuals), ``standard_error_cell_robust`` (clustered by cell), ``initial``,
        ``lower``, ``upper``, ``units``, ``identified``; ``attrs`` say how the fit went.
    residuals : xarray.Dataset
        Over ``point``: ``cell``, ``cycle``, ``measured`` and ``fitted`` capacity as a
        fraction of the cell's first measurement, and ``residual`` (fitted - measured).
    cells : xarray.Dataset
        Over ``cell``: ``initial_capacity`` (A.h), ``knee_cycle`` (Bacon-Watts, NaN if
        none) and ``last_fitted_cycle`` of each fitted cell.
    initial_capacity : float
        Mean initial capacity of the fitted cells, A.h: what :meth:`predict` scales by.
    """

    parameters: xr.Dataset
    residuals: xr.Dataset
    cells: xr.Dataset
    initial_capacity: float
    predictor: Any = field(repr=False)

    @property
    def cell(self) -> Any:
        """The :class:`cellsim.Cell` with the fitted rate constants (engine route), else
        None."""
        return getattr(self.predictor, "cell", None)

    def predict(
        self, cycles: ArrayLike, *, initial_capacity: float | None = None, **conditions: float
    ) -> xr.Dataset:
        """The capacity the fit expects at ``cycles`` for a cell of the same kind.

        Parameters
        ----------
        cycles : array_like
            Cycle counts (>= 0).
        initial_capacity : float, optional
            The cell's capacity at cycle 0, A.h; default the fitted cells' mean.
        **conditions : float
            ``temperature`` (K), ``depth_of_discharge``, ``c_rate``, for a law fitted
            across those conditions; default the reference conditions.

        Returns
        -------
        xarray.Dataset
            Over ``cycle``: ``capacity`` (A.h) and ``capacity_fraction`` (of the initial).
        """
        n = np.atleast_1d(np.asarray(cycles, dtype=float))
        if n.ndim != 1 or not np.all(np.isfinite(n)) or (n < 0).any():
            raise CalibrationError(f"cycles must be finite counts >= 0, got {cycles!r}")
        for name in conditions:
            if name not in CONDITIONS:
                raise CalibrationError(
                    f"unknown condition {name!r}: allowed are {', '.join(CONDITIONS)}"
                )
            if name not in self.predictor.conditions:
                raise CalibrationError(
                    f"this fit has no dependence on {name} (its data had one {name} only, "
                    "or none): it predicts only under the protocol it was fitted to"
                )
        q0 = self.initial_capacity if initial_capacity is None else float(initial_capacity)
        if not q0 > 0:
            raise CalibrationError(f"initial_capacity must be > 0 A.h, got {initial_capacity!r}")
        fraction = np.asarray(self.predictor.fraction(n, conditions), dtype=np.float64)
        return xr.Dataset(
            {
                "capacity": (
                    "cycle",
                    q0 * fraction,
                    {"units": "A.h", "long_name": "expected capacity"},
                ),
                "capacity_fraction": (
                    "cycle",
                    fraction,
                    {"units": "1", "long_name": "expected capacity / initial capacity"},
                ),
            },
            coords={"cycle": ("cycle", n, {"units": "1", "long_name": "cycle count"})},
            attrs={
                "initial_capacity": q0,
                "route": self.parameters.attrs["route"],
                **{f"condition_{k}": float(v) for k, v in conditions.items()},
            },
        )

    def score(self, data: Any, *, until: str = "knee") -> xr.Dataset:
        """How well the fit predicts the cells of ``data`` (cells it was not fitted on).

        Each cell's prediction is scaled by its own first measured capacity (what a new
        cell's user knows) and compared with its measurements up to its Bacon-Watts knee
        (all of them for a cell without a knee, or with ``until="all"``).

        Parameters
        ----------
        data
            Capacity data, as :func:`calibration.fit_aging` takes.
        until : {"knee", "all"}

        Returns
        -------
        xarray.Dataset
            Over ``cell``: ``knee_cycle``, ``worst_error`` and ``rms_error`` (fractions
            of the cell's initial capacity) and ``worst_error_cycle``.
        """
        if until not in ("knee", "all"):
            raise CalibrationError(f"until must be 'knee' or 'all', got {until!r}")
        table = capacity_table(data)
        knees, worst, rms, where = [], [], [], []
        for cell in table.cells:
            m = table.cell == cell
            n, q = table.cycle[m], table.capacity[m] / table.capacity[m][0]
            knee = knee_cycle(n, q)
            upto = n <= knee if until == "knee" and np.isfinite(knee) else np.ones(n.size, bool)
            at = {  # the cell's own conditions, for a law fitted across conditions
                name: float(table.conditions[name][m][0])
                for name in self.predictor.conditions
                if name in table.conditions
            }
            predicted = self.predictor.fraction(n[upto], at) / self.predictor.fraction(n[:1], at)
            error = np.abs(predicted - q[upto])
            knees.append(knee)
            worst.append(float(error.max()))
            rms.append(float(np.sqrt(np.mean(error**2))))
            where.append(float(n[upto][int(np.argmax(error))]))
        fraction = "fraction of the cell's initial capacity"
        return xr.Dataset(
            {
                "knee_cycle": ("cell", np.asarray(knees), {"units": "1"}),
                "worst_error": (
                    "cell",
                    np.asarray(worst),
                    {"units": "1", "long_name": f"largest |predicted - measured|, {fraction}"},
                ),
                "worst_error_cycle": ("cell", np.asarray(where), {"units": "1"}),
                "rms_error": (
                    "cell",
                    np.asarray(rms),
                    {"units": "1", "long_name": f"RMS of predicted - measured, {fraction}"},
                ),
            },
            coords={"cell": ("cell", np.asarray(table.cells, dtype=str))},
            attrs={"until": until},
        )

    def plot(self, path: str | os.PathLike, data: Any = None, *, title: str = "") -> Path:
        """Measured against fitted (or predicted) capacity, saved to ``path``.

        Parameters
        ----------
        path : str or path
            Figure file (the suffix picks the format).
        data : optional
            Capacity data (as :func:`fit_aging` takes) to draw with the prediction for
            each cell (scaled by the cell's own first capacity); default the fitted
            points.
        title : str
            Figure title.
        """
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4.5))
        if data is None:
            res = self.residuals
            for k, cell in enumerate(dict.fromkeys(res["cell"].values.tolist())):
                m = res["cell"].values == cell
                ax.plot(
                    res["cycle"].values[m], res["measured"].values[m], "o", ms=3, color=f"C{k % 10}"
                )
            top = float(res["cycle"].max())
        else:
            table = capacity_table(data)
            for k, cell in enumerate(table.cells):
                m = table.cell == cell
                q = table.capacity[m] / table.capacity[m][0]
                ax.plot(table.cycle[m], q, "o", ms=3, color=f"C{k % 10}", label=cell)
                knee = knee_cycle(table.cycle[m], q)
                if np.isfinite(knee):
                    ax.axvline(knee, color=f"C{k % 10}", lw=0.5, ls=":")
            top = float(table.cycle.max())
        n = np.linspace(0.0, top, 300)
        ax.plot(n, self.predictor.fraction(n, {}), "k-", lw=2, label="fit")
        ax.set_xlabel("cycle")
        ax.set_ylabel("capacity / initial capacity")
        ax.set_title(title or f"ageing fit ({self.parameters.attrs['route']})")
        ax.grid(alpha=0.3)
        if data is not None and len(capacity_table(data).cells) <= 12:
            ax.legend(fontsize=7, ncol=2)
        fig.tight_layout()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


def parameters_dataset(
    names: list[str],
    units: list[str],
    long_names: list[str],
    best: NDArray[np.float64],
    standard_error: NDArray[np.float64],
    robust: NDArray[np.float64],
    initial: NDArray[np.float64],
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    identified: NDArray[np.bool_],
    attrs: dict[str, Any],
) -> xr.Dataset:
    """The ``parameters`` Dataset of a fit."""

    def var(values, units_, long_name):
        return (
            "parameter",
            np.asarray(values, dtype=np.float64),
            {"units": units_, "long_name": long_name},
        )

    return xr.Dataset(
        {
            "best": var(best, "various", "best-fit value (units per parameter in 'units')"),
            "standard_error": var(
                standard_error,
                "various",
                "standard error from the Jacobian (independent residuals)",
            ),
            "standard_error_cell_robust": var(
                robust, "various", "standard error from the Jacobian, clustered by cell"
            ),
            "initial": var(initial, "various", "starting value"),
            "lower": var(lower, "various", "lower bound"),
            "upper": var(upper, "various", "upper bound"),
            "identified": (
                "parameter",
                np.asarray(identified, dtype=np.int32),
                {"units": "1", "long_name": "1: the data determine it"},
            ),
            "units": ("parameter", np.asarray(units, dtype=str)),
            "long_name": ("parameter", np.asarray(long_names, dtype=str)),
        },
        coords={"parameter": ("parameter", np.asarray(names, dtype=str))},
        attrs=attrs,
    )


def residuals_dataset(points: FitPoints, fitted: NDArray[np.float64]) -> xr.Dataset:
    """The ``residuals`` Dataset: measured and fitted fraction at every fitted point."""
    fraction = {"units": "1"}
    return xr.Dataset(
        {
            "cell": ("point", points.cell.astype(str)),
            "cycle": ("point", points.cycle, {"units": "1", "long_name": "cycle count"}),
            "measured": (
                "point",
                points.fraction,
                {**fraction, "long_name": "capacity / the cell's first capacity"},
            ),
            "fitted": (
                "point",
                np.asarray(fitted, dtype=np.float64),
                {**fraction, "long_name": "fitted capacity / the cell's first capacity"},
            ),
            "residual": (
                "point",
                np.asarray(fitted, dtype=np.float64) - points.fraction,
                {**fraction, "long_name": "fitted - measured"},
            ),
        },
        coords={"point": ("point", np.arange(points.cell.size, dtype=np.int32))},
    )


def cells_dataset(points: FitPoints) -> xr.Dataset:
    """The ``cells`` Dataset: initial capacity, knee and last fitted cycle of each cell."""
    return xr.Dataset(
        {
            "initial_capacity": (
                "cell",
                points.initial_capacity,
                {"units": "A.h", "long_name": "first measured capacity"},
            ),
            "initial_cycle": (
                "cell",
                points.initial_cycle,
                {"units": "1", "long_name": "cycle of the first measurement"},
            ),
            "knee_cycle": (
                "cell",
                points.knee,
                {"units": "1", "long_name": "Bacon-Watts knee point (NaN: none)"},
            ),
            "last_fitted_cycle": (
                "cell",
                points.last_cycle,
                {"units": "1", "long_name": "last cycle the fit used"},
            ),
        },
        coords={"cell": ("cell", np.asarray(points.cells, dtype=str))},
    )

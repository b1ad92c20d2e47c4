"""What :func:`calibration.fit` returns: the parameter table, the fitted Cell, residuals.

The one module of the fit that builds Datasets.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from calibration._fit_parameters import Parameter
from calibration._replay import Measured
from cellsim import Cell
from cellsim._results import provenance

#: How close to a bound, as a share of the optimiser's range ([0, 1], logarithmic for
#: wide positive bounds), a best value counts as at it.
BOUND_SHARE = 1e-3


@dataclass(frozen=True)
class StageOutcome:
    """One stage of a fit: its parameters, best values, standard errors, data used."""

    name: str
    parameters: tuple[Parameter, ...]
    best: tuple[float, ...]
    standard_error: tuple[float, ...]
    correlation: np.ndarray
    profile: tuple[tuple[float, float], ...]
    data_names: tuple[str, ...]
    evaluations: int
    failures: int
    message: str


def parameter_dataset(
    stages: Sequence[StageOutcome],
    data: Sequence[Measured],
    rmse_initial: Sequence[float],
    rmse_best: Sequence[float],
    rmse_samples: Sequence[float],
    **attrs: object,
) -> xr.Dataset:
    """The fit's table: a Dataset over ``parameter`` (and ``dataset`` for the RMSEs)."""
    rows = [(s, k, p) for k, s in enumerate(stages) for p in s.parameters]
    names = [p.name for _, _, p in rows]
    best = np.array([s.best[s.parameters.index(p)] for s, _, p in rows])
    error = np.array([s.standard_error[s.parameters.index(p)] for s, _, p in rows])
    profile = np.array([s.profile[s.parameters.index(p)] for s, _, p in rows]).reshape(-1, 2)
    level = attrs.get("profile_level", np.nan)
    profile_note = (
        f"profile interval ({100 * level:g} %: the other parameters of its stage re-fitted "
        "at each trial value; a bound where the data do not close that side within the "
        "bounds; NaN where not asked for)"
    )
    correlation = np.full((len(rows), len(rows)), np.nan)
    offset = 0
    for s in stages:
        n = len(s.parameters)
        correlation[offset : offset + n, offset : offset + n] = s.correlation
        offset += n
    each = {"units": "the parameter's own (see variable units)"}
    side = np.array([bound_side(p, b) for (_, _, p), b in zip(rows, best, strict=True)])
    data_vars = {
        "initial": ("parameter", np.array([p.initial for *_, p in rows]), each),
        "best": ("parameter", best, each),
        "lower": ("parameter", np.array([p.lower for *_, p in rows]), each),
        "upper": ("parameter", np.array([p.upper for *_, p in rows]), each),
        "standard_error": (
            "parameter",
            error,
            {
                **each,
                "long_name": "standard error from the Jacobian at the optimum (linearised, "
                "given the earlier stages' values; NaN where not identified)",
            },
        ),
        "profile_lower": (
            "parameter",
            profile[:, 0],
            {**each, "long_name": "lower end of the " + profile_note},
        ),
        "profile_upper": (
            "parameter",
            profile[:, 1],
            {**each, "long_name": "upper end of the " + profile_note},
        ),
        "relative_error": (
            "parameter",
            error / np.abs(best),
            {"units": "1", "long_name": "standard error / |best|"},
        ),
        "at_bound": (
            "parameter",
            side,
            {
                "units": "1",
                "long_name": f"-1 / +1 where the best value lies within {BOUND_SHARE:g} of "
                "the search range of its lower / upper bound (the data may want it "
                "beyond: widen the bound or fix the parameter), 0 inside",
            },
        ),
        "units": ("parameter", np.array([p.units for *_, p in rows]), {"long_name": "units"}),
        "stage": (
            "parameter",
            np.array([k for _, k, _ in rows], dtype=np.int32),
            {"units": "1", "long_name": "index of the fit stage (0 first)"},
        ),
        "correlation": (
            ("parameter", "parameter_other"),
            correlation,
            {"units": "1", "long_name": "correlation of the estimates within a stage"},
        ),
        "rmse_initial": (
            "dataset",
            np.asarray(rmse_initial, dtype=float),
            {"units": "V", "long_name": "voltage RMSE with the initial values (time average)"},
        ),
        "rmse": (
            "dataset",
            np.asarray(rmse_best, dtype=float),
            {
                "units": "V",
                "long_name": "voltage RMSE with the fitted values, a time average (each "
                "sample weighted by the time it stands for, so as the fit weighs them)",
            },
        ),
        "rmse_samples": (
            "dataset",
            np.asarray(rmse_samples, dtype=float),
            {"units": "V", "long_name": "voltage RMSE with the fitted values, per sample"},
        ),
        "samples": (
            "dataset",
            np.array([d.time.size for d in data], dtype=np.int32),
            {"units": "1", "long_name": "samples compared"},
        ),
    }
    stage_attrs = {
        f"stage_{k}": f"{s.name}: {', '.join(p.name for p in s.parameters)} on "
        f"{', '.join(s.data_names)}; {s.evaluations} evaluations, {s.failures} failed; "
        f"{s.message}"
        for k, s in enumerate(stages)
    }
    return xr.Dataset(
        data_vars,
        coords={
            "parameter": ("parameter", np.array(names)),
            "parameter_other": ("parameter_other", np.array(names)),
            "dataset": ("dataset", np.array([d.name for d in data])),
        },
        attrs=provenance(**attrs, **stage_attrs),
    )


def bound_side(parameter: Parameter, best: float) -> int:
    """-1 / +1 if ``best`` is within BOUND_SHARE of the optimiser's range of the lower /
    upper bound of ``parameter``, else 0."""
    x = parameter.to_x(best)
    return -1 if x <= BOUND_SHARE else (1 if x >= 1.0 - BOUND_SHARE else 0)


def _interval(p: xr.Dataset, k: int) -> str:
    """Parameter ``k``'s profile interval as text, a side the bound ended open."""
    low, high = float(p.profile_lower.values[k]), float(p.profile_upper.values[k])
    left = "]" if np.isclose(low, float(p.lower.values[k]), rtol=1e-9, atol=0) else "["
    right = "[" if np.isclose(high, float(p.upper.values[k]), rtol=1e-9, atol=0) else "]"
    return f"{left}{low:.4g}, {high:.4g}{right}"


def residual_dataset(data: Measured, model: np.ndarray, **attrs: object) -> xr.Dataset:
    """Measured and model voltage of one data set over its ``time``."""
    residual = model - data.voltage
    reached = np.isfinite(model)
    weights = data.weights
    return xr.Dataset(
        {
            "voltage": ("time", data.voltage, {"units": "V", "long_name": "measured voltage"}),
            "voltage_model": (
                "time",
                model,
                {"units": "V", "long_name": "model voltage (NaN where the model did not get)"},
            ),
            "residual": ("time", residual, {"units": "V", "long_name": "model - measured"}),
            "current": (
                "time",
                data.current,
                {"units": "A", "long_name": "measured current (> 0 is discharge)"},
            ),
            "weight": (
                "time",
                weights,
                {
                    "units": "1",
                    "long_name": "share of the sample in the fit and the RMSE: the time it "
                    "stands for, none at a current step",
                },
            ),
        },
        coords={"time": ("time", data.time, {"units": "s", "long_name": "time from the start"})},
        attrs=provenance(
            dataset=data.name,
            rmse=float(
                np.sqrt(np.sum(weights[reached] * residual[reached] ** 2) / weights[reached].sum())
            )
            if reached.any()
            else np.nan,
            reached=float(reached.mean()),
            initial_state=data.start.describe() if data.start else "",
            data_time_offset=data.time_offset,
            **attrs,
        ),
    )


@dataclass(frozen=True, eq=False)
class FitResult:
    """A fit's outcome.

    Attributes
    ----------
    parameters : xarray.Dataset
        Over ``parameter``: ``initial``, ``best``, ``lower``, ``upper``,
        ``standard_error``, ``profile_lower`` / ``profile_upper`` (the profile interval
        where ``fit(..., profile=...)`` asked for it, else NaN), ``relative_error``,
        ``at_bound``, ``units``, ``stage``,
        ``correlation``;
        over ``dataset``: ``rmse_initial`` and ``rmse`` (V), ``samples``. Attributes:
        ``cost`` (sum of the data sets' mean squared errors as weighted, V^2),
        ``weighting``, ``evaluations``, ``wall_time`` (s), ``method``, ``gradients``, the
        stages, the fitted cell.
    cell : cellsim.Cell
        The input cell with the best values as overrides (and any option the recipe
        needed, e.g. contact resistance).
    residuals : tuple of xarray.Dataset
        One per data set, over its ``time``: ``voltage``, ``voltage_model``,
        ``residual``, ``current``.
    """

    parameters: xr.Dataset
    cell: Cell
    residuals: tuple[xr.Dataset, ...]

    def table(self) -> str:
        """The parameters and RMSEs as plain text (a best value at its lower / upper
        bound marked ``<`` / ``>``)."""
        p = self.parameters
        lines = [f"{'parameter':<58} {'initial':>10} {'best':>11} {'std err':>9} units"]
        marks = {-1: "<", 0: " ", 1: ">"}
        profiled = np.isfinite(p.profile_lower.values)
        if profiled.any():
            lines[0] = lines[0].replace(" units", f" {'profile interval':>23} units")
        for k in range(p.sizes["parameter"]):
            interval = ""
            if profiled.any():
                interval = f" {_interval(p, k) if profiled[k] else '':>23}"
            lines.append(
                f"{p.parameter.values[k]!s:<58} {p.initial.values[k]:>10.4g} "
                f"{marks[int(p.at_bound.values[k])]}{p.best.values[k]:>10.4g} "
                f"{p.standard_error.values[k]:>9.2g}{interval} {p.units.values[k]}"
            )
        if np.any(p.at_bound.values != 0):
            lines.append("(< / >: at its lower / upper bound; the data may want it beyond)")
        if profiled.any():
            lines.append(
                f"(profile interval, {100 * p.attrs['profile_level']:g} %; a bracket ] or [ "
                "where the bound ends it: the data do not close that side)"
            )
        lines.append(
            f"{'data set':<30} {'RMSE initial':>13} {'RMSE fitted':>12} {'(per sample)':>13}"
        )
        for k in range(p.sizes["dataset"]):
            lines.append(
                f"{p.dataset.values[k]!s:<30} {1e3 * p.rmse_initial.values[k]:>10.1f} mV "
                f"{1e3 * p.rmse.values[k]:>9.1f} mV {1e3 * p.rmse_samples.values[k]:>10.1f} mV"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def plot(self, path: str | os.PathLike | None = None):
        """Measured against model voltage, and the residual, per data set.

        Parameters
        ----------
        path : path-like, optional
            Where to save the figure (any format matplotlib writes).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        n = len(self.residuals)
        fig, axes = plt.subplots(
            2, n, figsize=(4.2 * n, 5.5), sharex="col", squeeze=False, height_ratios=(3, 1)
        )
        for k, ds in enumerate(self.residuals):
            hours = ds.time.values / 3600.0
            top, bottom = axes[0, k], axes[1, k]
            top.plot(hours, ds.voltage.values, color="k", lw=1.5, label="measured")
            top.plot(hours, ds.voltage_model.values, color="C3", lw=1.2, ls="--", label="model")
            top.set_title(f"{ds.attrs['dataset']}\nRMSE {1e3 * ds.attrs['rmse']:.1f} mV")
            bottom.plot(hours, 1e3 * ds.residual.values, color="C0", lw=1)
            bottom.axhline(0.0, color="0.5", lw=0.8)
            bottom.set_xlabel("time / h")
            if k == 0:
                top.set_ylabel("voltage / V")
                bottom.set_ylabel("model - data / mV")
                top.legend(loc="lower left")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=120)
        return fig

"""Run the asv-style benchmarks in ``benchmarks/bench_*.py`` in one process, without asv.

Usage::

    python -m benchmarks.run [--quick] [--out benchmarks/results] [--bench REGEX]

Every ``time_*`` method of every benchmark class runs for each combination of the
class's ``params``: a fresh instance, ``setup(*params)``, one warm-up call, then the
median of N timed calls (N = 7, ``--quick``: 3). A class with a ``discharge_capacity()``
method has it read after the timed calls, as an agreement check. Each bench module may
declare ``RATIOS = [(label, "Class.numerator", "Class.denominator"), ...]``: ratios of
medians of the same run and params. Writes ``results.json`` and ``results.md`` to
``--out`` and prints the Markdown.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import itertools
import json
import os
import platform
import re
import statistics
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGES = ("cellsim-battery", "pybamm", "casadi", "numpy", "pybammsolvers")
REPEATS, QUICK_REPEATS = 7, 3


@dataclass
class Result:
    """One benchmark at one combination of params."""

    name: str  # module.Class.method
    params: dict[str, Any]
    median_s: float | None = None
    repeats_s: list[float] = field(default_factory=list)
    discharge_capacity_Ah: float | None = None
    error: str | None = None


def machine() -> dict[str, Any]:
    """Platform, CPU count, Python and the versions of the packages that matter."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "packages": versions,
    }


def discover() -> list[tuple[Any, list[type]]]:
    """The bench modules (``bench_*.py`` beside this file) and their benchmark classes."""
    found = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(f"{__package__ or 'benchmarks'}.{path.stem}")
        classes = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and obj.__module__ == module.__name__
            and any(name.startswith("time_") for name in dir(obj))
        ]
        found.append((module, classes))
    return found


def param_grid(cls: type) -> list[dict[str, Any]]:
    """asv's params: one list (one parameter) or a list of lists (their product)."""
    params = getattr(cls, "params", None)
    if params is None:
        return [{}]
    names = list(getattr(cls, "param_names", []))
    if not (params and all(isinstance(p, (list, tuple)) for p in params)):
        params = [params]
    names += [f"param{i + 1}" for i in range(len(names), len(params))]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*params)]


def run_one(cls: type, method: str, params: dict[str, Any], repeats: int) -> Result:
    """Set up a fresh instance, warm up once, then time ``repeats`` calls of ``method``."""
    result = Result(f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}.{method}", params)
    args = tuple(params.values())
    bench = cls()
    try:
        if hasattr(bench, "setup"):
            bench.setup(*args)
        call = getattr(bench, method)
        call(*args)  # warm-up
        for _ in range(repeats):
            gc.collect()
            start = time.perf_counter()
            call(*args)
            result.repeats_s.append(time.perf_counter() - start)
        result.median_s = statistics.median(result.repeats_s)
        if hasattr(bench, "discharge_capacity"):
            result.discharge_capacity_Ah = float(bench.discharge_capacity())
    except Exception:
        result.error = traceback.format_exc()
    finally:
        if hasattr(bench, "teardown"):
            bench.teardown(*args)
    return result


def ratios(modules: list[Any], results: list[Result]) -> list[dict[str, Any]]:
    """Every ``RATIOS`` entry of ``modules``, for each params measured for both sides."""
    by_key = {(r.name, json.dumps(r.params)): r for r in results if r.median_s is not None}
    rows = []
    for module in modules:
        prefix = module.__name__.rsplit(".", 1)[-1]
        for label, numerator, denominator in getattr(module, "RATIOS", []):
            for r in results:
                if r.name != f"{prefix}.{numerator}" or r.median_s is None:
                    continue
                den = by_key.get((f"{prefix}.{denominator}", json.dumps(r.params)))
                if den is None:
                    continue
                rows.append(
                    {
                        "label": label,
                        "params": r.params,
                        "numerator": r.name,
                        "denominator": den.name,
                        "ratio": r.median_s / den.median_s,
                        "numerator_capacity_Ah": r.discharge_capacity_Ah,
                        "denominator_capacity_Ah": den.discharge_capacity_Ah,
                        "capacity_rel_diff": _rel_diff(
                            r.discharge_capacity_Ah, den.discharge_capacity_Ah
                        ),
                    }
                )
    return rows


def _rel_diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else abs(a - b) / abs(b)


def _seconds(value: float | None) -> str:
    if value is None:
        return "error"
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"


def _number(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{v}" if len(params) == 1 else f"{k}={v}" for k, v in params.items())


def markdown(report: dict[str, Any]) -> str:
    """Tables of medians (one per class, params as columns) and of ratios."""
    m = report["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines = [
        "# Benchmarks",
        "",
        f"{m['platform']}, {m['cpu_count']} CPUs, Python {m['python']}; {versions}.",
        f"Median of {report['repeats']} timed calls after one warm-up, in one process.",
    ]
    classes: dict[str, list[dict[str, Any]]] = {}
    for r in report["benchmarks"]:
        classes.setdefault(r["name"].rsplit(".", 1)[0], []).append(r)
    for cls, rows in classes.items():
        columns = list(dict.fromkeys(_params(r["params"]) for r in rows))
        methods = list(dict.fromkeys(r["name"].rsplit(".", 1)[1] for r in rows))
        cell = {(r["name"].rsplit(".", 1)[1], _params(r["params"])): r for r in rows}
        lines += ["", f"## {cls}: median time", "", "| benchmark | " + " | ".join(columns) + " |"]
        lines.append("|---|" + "---:|" * len(columns))
        for method in methods:
            values = [
                _seconds(cell[method, c]["median_s"]) if (method, c) in cell else ""
                for c in columns
            ]
            lines.append(f"| {method} | " + " | ".join(values) + " |")
    if report["ratios"]:
        lines += [
            "",
            "## Ratios of medians (same run; < 1: the numerator is faster)",
            "",
            "| params | ratio | value | capacity num. [A.h] | capacity den. [A.h] "
            "| capacity rel. diff |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for q in report["ratios"]:
            capacities = (
                _number(q["numerator_capacity_Ah"], ".6f"),
                _number(q["denominator_capacity_Ah"], ".6f"),
                _number(q["capacity_rel_diff"], ".1e"),
            )
            lines.append(
                f"| {_params(q['params'])} | {q['label']} | {q['ratio']:.2f} | "
                + " | ".join(capacities)
                + " |"
            )
    errors = [r["name"] for r in report["benchmarks"] if r["error"]]
    if errors:
        lines += ["", "Failed: " + ", ".join(errors)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, write ``results.json`` and ``results.md``, print the Markdown."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPEATS} repeats")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="output folder")
    parser.add_argument("--bench", default="", help="only benchmarks whose name matches")
    args = parser.parse_args(argv)
    repeats = QUICK_REPEATS if args.quick else REPEATS

    found = discover()
    results = []
    for _, classes in found:
        for cls in classes:
            methods = sorted(name for name in dir(cls) if name.startswith("time_"))
            for params in param_grid(cls):
                for method in methods:
                    name = f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}.{method}"
                    if not re.search(args.bench, name):
                        continue
                    print(f"{name} {_params(params)} ...", end=" ", file=sys.stderr, flush=True)
                    result = run_one(cls, method, params, repeats)
                    print(result.error or _seconds(result.median_s), file=sys.stderr)
                    results.append(result)

    report = {
        "machine": machine(),
        "repeats": repeats,
        "quick": args.quick,
        "benchmarks": [asdict(r) for r in results],
        "ratios": ratios([module for module, _ in found], results),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    (args.out / "results.md").write_text(text)
    print(text)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the asv-style benchmarks in ``benchmarks/bench_*.py`` in one process, without asv.

Usage::

    python -m benchmarks.run [--quick] [--out benchmarks/results] [--bench REGEX] [--rounds R]

Every ``time_*`` method of every benchmark class runs for each combination of the
class's ``params``: N timed calls (N = 7, ``--quick``: 3), summarised by their median
(and minimum). Like asv's rounds, the N calls are spread over R rounds (default R = N);
a round runs each method of one class and params in turn, each on a fresh instance after
``setup(*params)`` and one untimed warm-up call, so a change in machine load hits both
sides of a ratio alike (``--rounds 1``: one warm-up, then N calls in a row). A class
with a ``discharge_capacity()`` method has it read after the timed calls, as an
agreement check. Each bench module may declare ``RATIOS = [(label, "Class.numerator",
"Class.denominator"), ...]``: ratios of medians (and of minima) of the same run and
params. Long runs opt out of the defaults with class attributes: ``repeat`` caps the
timed calls, ``warmup = False`` skips the warm-up call, and ``isolate = True`` runs
every call in a fresh process, a new interpreter, whose peak resident memory is recorded
beside its time (what a user running that one job would see; ``--quick``: one such call,
and where the platform can, the process is forked from a server process that has
imported the bench modules and nothing else, so that a call does not pay the imports,
about 4 s each on two cores, which are not timed anyway; its peak memory then leaves
out library pages it never touched: 40-90 MB less than in a new interpreter). ``--quick``
also sets ``CELLSIM_BENCH_QUICK=1``, by which the bench modules pick small sizes; the
whole quick run is meant to take under five minutes on two cores. A class with a
``values()`` method has it read after each call (a dict of lists or numbers, e.g.
capacity per cycle); each bench module may declare ``CHECKS = [(label, "Class.a",
"Class.b", function), ...]`` comparing the values of two benchmarks of the same params:
``function(values_a, values_b) -> float``. A ``setup`` or ``time_*`` method that raises
``NotImplementedError`` marks that benchmark and params skipped, its message the reason
(asv's convention; not a failure), and a module's ``SKIPPED = {setting: reason}``
records what it does not run and why. A class's ``setup_cache()`` runs once before its
benchmarks and what it returns comes first in the arguments of ``setup``, the ``time_*``
methods and ``teardown`` (asv's; e.g. to fill a disk cache once, not in every fresh
process). Writes ``results.json``, ``results.md`` and one figure per bench module with
ratios (``ratios_<module>.png``: each ratio's median, log scale) to ``--out``, and
prints the Markdown.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import itertools
import json
import multiprocessing
import os
import platform
import re
import resource
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
#: Timed calls of a class that runs each call in a fresh process (``isolate``), --quick.
QUICK_ISOLATED_REPEATS = 1
#: Set to "1" by ``--quick``: bench modules read it to pick small sizes.
QUICK_ENV = "CELLSIM_BENCH_QUICK"
#: How an ``isolate`` class's fresh processes start in --quick: forked from a clean
#: server process that ``main`` has made import the bench modules (else, and in a full
#: run, a new interpreter: "spawn").
QUICK_START = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@dataclass
class Result:
    """One benchmark at one combination of params."""

    name: str  # module.Class.method
    params: dict[str, Any]
    median_s: float | None = None
    min_s: float | None = None
    repeats_s: list[float] = field(default_factory=list)
    discharge_capacity_Ah: float | None = None
    peak_rss_MB: float | None = None  # isolated classes: peak memory of the process
    values: dict[str, Any] | None = None
    error: str | None = None
    skipped: str | None = None  # why it was not run (NotImplementedError's message)


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


def run_round(
    cls: type,
    method: str,
    result: Result,
    calls: int,
    cached: tuple = (),
    start: str = "spawn",
) -> None:
    """A fresh instance, ``setup``, one warm-up call, then ``calls`` timed calls (each in
    a fresh process, started by the multiprocessing method ``start``, if the class says
    ``isolate``)."""
    if result.error or result.skipped:
        return
    if getattr(cls, "isolate", False):
        context = multiprocessing.get_context(start)
        with context.Pool(1, maxtasksperchild=1) as pool:
            for _ in range(calls):
                outcome = pool.apply(
                    _isolated, (cls.__module__, cls.__name__, method, result, cached)
                )
                if outcome.error or outcome.skipped:
                    result.error, result.skipped = outcome.error, outcome.skipped
                    return
                result.repeats_s += outcome.repeats_s
                result.peak_rss_MB = max(result.peak_rss_MB or 0.0, outcome.peak_rss_MB)
                result.discharge_capacity_Ah = outcome.discharge_capacity_Ah
                result.values = outcome.values
    else:
        _run_here(cls, method, result, calls, cached)


def _run_here(cls: type, method: str, result: Result, calls: int, cached: tuple = ()) -> None:
    # ``cached``: ``(what setup_cache returned,)`` or ``()``; as in asv, it comes first
    args = (*cached, *result.params.values())
    bench = cls()
    try:
        if hasattr(bench, "setup"):
            bench.setup(*args)
        call = getattr(bench, method)
        if getattr(cls, "warmup", True):
            call(*args)
        for _ in range(calls):
            gc.collect()
            start = time.perf_counter()
            call(*args)
            result.repeats_s.append(time.perf_counter() - start)
        if hasattr(bench, "discharge_capacity"):
            result.discharge_capacity_Ah = float(bench.discharge_capacity())
        if hasattr(bench, "values"):
            result.values = bench.values()
    except NotImplementedError as skip:
        result.skipped = str(skip) or "not implemented"
    except Exception:
        result.error = traceback.format_exc()
    finally:
        try:
            if hasattr(bench, "teardown"):
                bench.teardown(*args)
        except Exception:
            result.error = result.error or traceback.format_exc()


def _isolated(module: str, name: str, method: str, like: Result, cached: tuple = ()) -> Result:
    """One round of one timed call in this (fresh) process, with its peak memory."""
    cls = getattr(importlib.import_module(module), name)
    result = Result(like.name, like.params)
    _run_here(cls, method, result, 1, cached)
    result.peak_rss_MB = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return result


def run_class(
    cls: type, pattern: str, repeats: int, rounds: int, quick: bool = False
) -> list[Result]:
    """Every ``time_*`` method of ``cls`` matching ``pattern``, for each of its params.

    The ``repeats`` timed calls of one params are spread over ``rounds`` rounds; each
    round runs every method in turn, so a change of machine load between rounds hits
    the numerator and the denominator of a ratio alike. A class's ``setup_cache()``, if
    any, runs once (in this process, untimed) before the first benchmark; as in asv,
    what it returns is passed first to ``setup``, the ``time_*`` methods and
    ``teardown`` (it must pickle, for ``isolate``).
    """
    prefix = f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"
    methods = sorted(name for name in dir(cls) if name.startswith("time_"))
    results = []
    repeats = min(repeats, getattr(cls, "repeat", repeats))
    if quick and getattr(cls, "isolate", False):
        repeats = min(repeats, QUICK_ISOLATED_REPEATS)
    rounds = min(rounds, repeats)
    start_method = QUICK_START if quick else "spawn"
    cached, cache_error = None, None
    for params in param_grid(cls):
        todo = [
            (method, Result(f"{prefix}.{method}", params))
            for method in methods
            if re.search(pattern, f"{prefix}.{method} {_params(params)}")
        ]
        if todo and hasattr(cls, "setup_cache") and cached is None and not cache_error:
            print(f"{prefix}.setup_cache", file=sys.stderr)
            try:
                cached = (cls().setup_cache(),)
            except Exception:
                cache_error = traceback.format_exc()
        for _, result in todo:
            result.error = cache_error
        for i in range(rounds):
            calls = repeats // rounds + (i < repeats % rounds)
            for method, result in todo:
                print(f"{result.name} {_params(params)} round {i + 1}", file=sys.stderr)
                run_round(cls, method, result, calls, cached or (), start_method)
        for _, result in todo:
            if result.repeats_s and not result.error:
                result.median_s = statistics.median(result.repeats_s)
                result.min_s = min(result.repeats_s)
            results.append(result)
    return results


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
                        "ratio_of_minima": r.min_s / den.min_s,
                        "numerator_capacity_Ah": r.discharge_capacity_Ah,
                        "denominator_capacity_Ah": den.discharge_capacity_Ah,
                        "capacity_rel_diff": _rel_diff(
                            r.discharge_capacity_Ah, den.discharge_capacity_Ah
                        ),
                    }
                )
    return rows


def checks(modules: list[Any], results: list[Result]) -> list[dict[str, Any]]:
    """Every ``CHECKS`` entry of ``modules``: a comparison of two benchmarks' values."""
    by_key = {(r.name, json.dumps(r.params)): r for r in results if r.values is not None}
    rows = []
    for module in modules:
        prefix = module.__name__.rsplit(".", 1)[-1]
        for label, first, second, function in getattr(module, "CHECKS", []):
            for r in results:
                if r.name != f"{prefix}.{first}" or r.values is None:
                    continue
                other = by_key.get((f"{prefix}.{second}", json.dumps(r.params)))
                if other is not None:
                    value = float(function(r.values, other.values))
                    rows.append({"label": label, "params": r.params, "value": value})
    return rows


def _rel_diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else abs(a - b) / abs(b)


def _seconds(value: float | None) -> str:
    if value is None:
        return "error"
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"


def _cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return ""
    return "skipped" if result.get("skipped") else _seconds(result["median_s"])


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
        f"Median of {report['repeats']} timed calls in {report['rounds']} interleaved rounds "
        "(each: setup, one warm-up call, then the timed calls), in one process.",
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
            values = [_cell(cell.get((method, c))) for c in columns]
            lines.append(f"| {method} | " + " | ".join(values) + " |")
    by_module: dict[str, list[dict[str, Any]]] = {}
    for q in report["ratios"]:
        by_module.setdefault(q["numerator"].split(".", 1)[0], []).append(q)
    for module, rows in by_module.items():
        names = ", ".join(rows[0]["params"]) or "params"
        lines += [
            "",
            f"## {module}: ratios (same run; < 1: the numerator is faster)",
            "",
            f"| {names} | ratio | median | min | capacity num. [A.h] | capacity den. [A.h] "
            "| capacity rel. diff |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for q in rows:
            capacities = (
                _number(q["numerator_capacity_Ah"], ".6f"),
                _number(q["denominator_capacity_Ah"], ".6f"),
                _number(q["capacity_rel_diff"], ".1e"),
            )
            lines.append(
                f"| {_params(q['params'])} | {q['label']} | "
                + " | ".join((f"{q['ratio']:.2f}", f"{q['ratio_of_minima']:.2f}", *capacities))
                + " |"
            )
    memory = [r for r in report["benchmarks"] if r.get("peak_rss_MB") is not None]
    if memory:
        how = {
            "spawn": "each call in a fresh process, a new interpreter",
            "forkserver": "each call in a fresh process forked from a server that imported "
            "the bench modules: library pages it never touched are left out",
        }[report.get("isolated_start", "spawn")]
        lines += ["", f"## Peak memory ({how})", ""]
        lines += ["| benchmark | params | peak RSS [MB] |", "|---|---|---:|"]
        lines += [
            f"| {r['name']} | {_params(r['params'])} | {r['peak_rss_MB']:.0f} |" for r in memory
        ]
    if report.get("checks"):
        lines += ["", "## Checks (same run)", "", "| params | check | value |", "|---|---|---:|"]
        lines += [
            f"| {_params(q['params'])} | {q['label']} | {q['value']:.4g} |"
            for q in report["checks"]
        ]
    lines += _skipped_lines(report)
    if report.get("figures"):
        lines += ["", "Figures: " + ", ".join(f"`{name}`" for name in report["figures"]) + "."]
    errors = [r["name"] for r in report["benchmarks"] if r["error"]]
    if errors:
        lines += ["", "Failed: " + ", ".join(errors)]
    if report.get("wall_s"):
        lines += ["", "## Wall time (setup, warm-up and timed calls)", ""]
        lines += ["| class | wall time |", "|---|---:|"]
        lines += [f"| {name} | {_seconds(t)} |" for name, t in report["wall_s"].items()]
    return "\n".join(lines) + "\n"


def _skipped_lines(report: dict[str, Any]) -> list[str]:
    """Benchmarks skipped (by params, with the reason) and settings not run at all."""
    reasons: dict[tuple[str, str], list[str]] = {}
    for r in report["benchmarks"]:
        if r.get("skipped"):
            reasons.setdefault((r["name"], r["skipped"]), []).append(_params(r["params"]))
    rows = [
        f"| {name} ({', '.join(params)}) | {reason} |" for (name, reason), params in reasons.items()
    ]
    rows += [
        f"| {module}: {setting} | not run: {reason} |"
        for module, settings in report.get("not_run", {}).items()
        for setting, reason in settings.items()
    ]
    if not rows:
        return []
    return ["", "## Skipped", "", "| benchmark or setting | why |", "|---|---|", *rows]


def figures(report: dict[str, Any], out: Path) -> list[Path]:
    """One bar chart per bench module with ratios: ``ratios_<module>.png`` in ``out``.

    A bar per ratio and params from 1 to the ratio of medians on a log scale (green
    below 1: the numerator is faster; the ratio of minima as a tick), the line at 1
    where both sides take as long.
    """
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_module: dict[str, list[dict[str, Any]]] = {}
    for q in report["ratios"]:
        by_module.setdefault(q["numerator"].split(".", 1)[0], []).append(q)
    written = []
    for module, rows in by_module.items():
        labels = [
            f"{q['label']} [{_params(q['params'])}]" if q["params"] else q["label"] for q in rows
        ]
        fig, ax = plt.subplots(figsize=(9.0, 1.2 + 0.28 * len(rows)))
        y = range(len(rows))
        medians = [q["ratio"] for q in rows]
        colours = ["tab:green" if r < 1.0 else "tab:red" for r in medians]
        ax.barh(y, [r - 1.0 for r in medians], left=1.0, color=colours, label="median (green: < 1)")
        ax.plot([q["ratio_of_minima"] for q in rows], y, "|", color="black", ms=10, label="minimum")
        ax.axvline(1.0, color="grey", lw=1)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_yticks(list(y), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("time ratio, same run (< 1: the first named is faster)")
        quick = ", --quick" if report["quick"] else ""
        ax.set_title(f"{module}{quick}: {report['machine']['cpu_count']} CPUs", fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
        fig.tight_layout()
        path = out / f"ratios_{module}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, write ``results.json`` and ``results.md``, print the Markdown."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_REPEATS} repeats ({QUICK_ISOLATED_REPEATS} in a fresh process each), "
        "the bench modules' small sizes",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results", help="output folder")
    parser.add_argument("--bench", default="", help="only benchmarks whose name and params match")
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="rounds to spread the repeats over (default: one each)",
    )
    args = parser.parse_args(argv)
    repeats = QUICK_REPEATS if args.quick else REPEATS
    if args.quick:
        os.environ[QUICK_ENV] = "1"  # bench modules size their runs by it

    found = discover()
    if args.quick and QUICK_START == "forkserver":  # before the server's start (first use)
        multiprocessing.set_forkserver_preload([module.__name__ for module, _ in found])
    results, wall = [], {}
    started = time.perf_counter()
    for _, classes in found:
        for cls in classes:
            start = time.perf_counter()
            rounds = min(args.rounds or repeats, repeats)
            measured = run_class(cls, args.bench, repeats, rounds, args.quick)
            if measured:
                wall[f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"] = (
                    time.perf_counter() - start
                )
            results += measured
    wall["total"] = time.perf_counter() - started

    report = {
        "machine": machine(),
        "repeats": repeats,
        "rounds": min(args.rounds or repeats, repeats),
        "quick": args.quick,
        "isolated_start": QUICK_START if args.quick else "spawn",
        "benchmarks": [asdict(r) for r in results],
        "ratios": ratios([module for module, _ in found], results),
        "checks": checks([module for module, _ in found], results),
        "not_run": {
            module.__name__.rsplit(".", 1)[-1]: dict(module.SKIPPED)
            for module, _ in found
            if getattr(module, "SKIPPED", None)
        },
        "wall_s": wall,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    report["figures"] = [path.name for path in figures(report, args.out)]
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    (args.out / "results.md").write_text(text)
    print(text)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

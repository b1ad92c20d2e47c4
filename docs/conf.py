"""Sphinx configuration of the cellsim documentation.

Build (warnings are errors, as in CI)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Two pages are written here before the build, into ``docs/_generated/`` (not kept in
git): the benchmark results (``benchmarks/results/results.md`` if a run has written
it) and the list of examples (every ``examples/*.py``, each with its docstring).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GENERATED = DOCS / "_generated"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))  # the examples' docstrings, by automodule

import cellsim  # noqa: E402

project = "cellsim"
author = "the cellsim developers"
copyright = "2026, the cellsim developers"
version = release = cellsim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# benchmark_results.md is included by benchmarks.md, not a page of its own.
exclude_patterns = ["_build", ".gitignore", "_generated/benchmark_results.md"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# numpydoc renders the docstrings; the class pages list members through autodoc's
# :members: rather than numpydoc's autosummary tables (which need generated stubs).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc Parameters sections give the types

html_theme = "alabaster"
html_title = f"cellsim {release}"
html_static_path = ["_static"]
html_theme_options = {
    "description": "battery cell simulation, ageing, calibration and sweeps",
    "fixed_sidebar": True,
}


#: ``[label] text`` (numpydoc's References entries) that a docstring never cites.
_CITATION = re.compile(r"^(\s*)\.\. \[([^\]]+)\]\s+(.*)$")


def _unreferenced_citations_as_list(app, what, name, obj, options, lines) -> None:
    """Render a References entry that its docstring never cites (``[1]_``) as a plain
    list item, not as a citation.

    numpydoc allows a References section without citations in the text, and many of our
    docstrings (and examples) use one as a plain reading list; Sphinx warns "Citation
    [...] is not referenced" for each such entry, which ``-W`` makes an error. Only
    entries that are cited nowhere in their own docstring are changed, so a citation
    that is cited keeps its link and a missing one still fails the build. Runs before
    numpydoc (priority 400 < 500), which would otherwise rename the labels.
    """
    text = "\n".join(lines)
    out: list[str] = []
    item_indent: str | None = None
    for line in lines:
        match = _CITATION.match(line)
        if match and f"[{match.group(2)}]_" not in text:
            item_indent = match.group(1)
            out.append(f"{item_indent}- [{match.group(2)}] {match.group(3)}")
            continue
        indent = len(line) - len(line.lstrip())
        if item_indent is not None and line.strip() and indent > len(item_indent):
            out.append(f"{item_indent}  {line.strip()}")  # continuation of the item
            continue
        item_indent = None
        out.append(line)
    lines[:] = out


#: Markup in docstrings of files the documentation does not own, escaped here until
#: fixed at the source: {object name: [(text, replacement)]}.
_MARKUP_FIXES = {
    # "|current|" is read as an undefined substitution (a docutils error).
    "cellsim.CurrentCutoff": [("|current|", r"\|current\|")],
}


def _fix_markup(app, what, name, obj, options, lines) -> None:
    """Apply :data:`_MARKUP_FIXES` to the docstring of ``name``."""
    for text, replacement in _MARKUP_FIXES.get(name, []):
        lines[:] = [line.replace(text, replacement) for line in lines]


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _unreferenced_citations_as_list, priority=400)
    app.connect("autodoc-process-docstring", _fix_markup, priority=400)


def _benchmark_page() -> None:
    """``_generated/benchmark_results.md``: every Markdown file a benchmark run wrote to
    ``benchmarks/results/`` (``results.md``), one heading level down, or a note that
    there is none yet."""
    parts = []
    for results in sorted((ROOT / "benchmarks" / "results").glob("*.md")):
        text = results.read_text(encoding="utf-8")
        text = re.sub(r"^(#+) ", r"#\1 ", text, flags=re.M)  # "# Benchmarks" -> "## ..."
        text = text.replace("## Benchmarks\n", "## The last run\n", 1)
        parts.append(f"<!-- from benchmarks/results/{results.name} -->\n\n{text}")
    if not parts:
        parts.append(
            "## The last run\n\nNo results yet: `benchmarks/results/results.md` is written "
            "by a benchmark run (above).\n"
        )
    _write(GENERATED / "benchmark_results.md", "\n".join(parts))


def _examples_page() -> None:
    """``_generated/examples.rst``: every script in ``examples/`` (its docstring, how to
    run it, its figure if one is kept in ``_static/examples``)."""
    lines = [
        "Examples",
        "========",
        "",
        "Each script in ``examples/`` answers one question with real data and writes its",
        "figures to ``$CELLSIM_FIGURES`` (default ``./figures``); ``CELLSIM_EXAMPLE_QUICK=1``",
        "runs it at a small size (as the test suite does, ``tests/examples``). Run them from",
        "the project folder, with the measured data in ``../shared/data`` (or",
        "``$CELLSIM_DATA_DIR``)::",
        "",
        "    PYBAMM_DISABLE_TELEMETRY=true .venv/bin/python examples/<name>.py",
        "",
    ]
    for path in sorted((ROOT / "examples").glob("*.py")):
        name = path.stem
        lines += [
            f".. _example-{name}:",
            "",
            f"{name}.py",
            "-" * (len(name) + 3),
            "",
            f".. automodule:: {name}",
            "",
        ]
        for figure in sorted((DOCS / "_static" / "examples").glob(f"{name}*.png")):
            lines += [
                f".. figure:: /_static/examples/{figure.name}",
                "   :width: 100%",
                "",
                f"   ``{figure.name}`` from a full run of ``examples/{name}.py``.",
                "",
            ]
        lines += [
            ".. literalinclude:: " + os.path.relpath(path, GENERATED),
            "   :language: python",
            "   :caption: the script",
            "",
        ]
    _write(GENERATED / "examples.rst", "\n".join(lines))


def _write(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (so Sphinx sees no change)."""
    path.parent.mkdir(exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


_benchmark_page()
_examples_page()

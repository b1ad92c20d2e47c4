"""Every Python snippet of the documentation runs, as a user would type it.

The pages are discovered (every ``*.md`` under ``docs/`` outside ``_build`` and
``_generated``, and the README), so a page or snippet added later is run too. A page's
```` ```python ```` blocks run in order in one namespace (a later block uses the names an
earlier one made), with ``__name__ == "__main__"`` as in a script, from a temporary
working folder that has the shared data beside it (so a page's ``../shared/data/...``
resolves as it does from the project folder, and files a snippet writes land there);
``CELLSIM_FIGURES`` points into it and matplotlib draws off screen.

A block that is long at the size a user runs (ten years of ageing, a 16-cell sweep) runs
here at a smaller size, and its page says so in an HTML comment just above the block,
which the rendered page does not show::

    <!-- tests: "cycles=3652" -> "cycles=12" -->

Each quoted text must occur in the block (a page that changes fails here instead of
running at full size) and is replaced before the block runs; nothing is skipped. What a
page's text says about a snippet's numbers is checked in ``CHECKS``, after that block.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DATA = Path(os.environ.get("CELLSIM_DATA_DIR", ROOT.parent / "shared" / "data"))
#: The job pages the README and the getting-started page send a new user to.
JOB_PAGES = ("getting_started.md", "simulate.md", "age.md", "calibrate.md", "sweep.md")

#: A fenced Python block (MyST's ``{code-block} python`` too), with an optional
#: ``<!-- tests: ... -->`` comment on the lines just above it.
BLOCK = re.compile(
    r"(?:^<!--\s*tests:(?P<sizes>.*?)-->\s*\n)?"
    r"^```(?:\{code(?:-block)?\}\s*)?(?:python|py)\s*\n(?P<code>.*?)^```\s*$",
    re.M | re.S,
)
#: ``"old" -> "new"`` pairs of a tests comment.
REPLACE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*->\s*"((?:[^"\\]|\\.)*)"')


def pages() -> list[Path]:
    """The README and every documentation page with at least one Python block."""
    docs = (p for p in DOCS.rglob("*.md") if not p.relative_to(DOCS).parts[0].startswith("_"))
    found = [ROOT / "README.md", *sorted(docs)]
    return [p for p in found if BLOCK.search(p.read_text(encoding="utf-8"))]


def snippets(page: Path) -> list[str]:
    """The page's Python blocks, in order, each with its test sizes applied."""
    out = []
    for match in BLOCK.finditer(page.read_text(encoding="utf-8")):
        code = match["code"]
        for old, new in REPLACE.findall(match["sizes"] or ""):
            assert old in code, f"{page.name}: the tests comment's {old!r} is not in its block"
            code = code.replace(old, new)
        if match["sizes"] is not None:
            assert REPLACE.search(match["sizes"]), f"{page.name}: unreadable tests comment"
        out.append(code)
    return out


def _name(page: Path) -> str:
    return str(page.relative_to(DOCS)) if page.is_relative_to(DOCS) else page.name


def check_getting_started(ns: dict[str, Any]) -> None:
    """ "about 4.99 A.h" from a 1C DFN discharge of Chen2020, in A.h."""
    assert float(ns["ds"].discharge_capacity[-1]) == pytest.approx(4.99, abs=0.01)
    assert ns["ds"].discharge_capacity.attrs["units"] == "A.h"


def check_simulate_cell(ns: dict[str, Any]) -> None:
    """The cell round-trips (the page's ``# True``); Chen2020 is listed."""
    assert ns["cellsim"].Cell.from_dict(ns["wider"].to_dict()) == ns["wider"]
    assert "Chen2020" in ns["cellsim"].parameter_sets()["lithium_ion"]


def check_simulate_result(ns: dict[str, Any]) -> None:
    """The units and sign convention the page shows; the file written."""
    assert ns["ds"].voltage.attrs["units"] == "V"
    assert ns["ds"].attrs["sign_convention"] == "current > 0 is discharge"
    assert Path("discharge.nc").is_file()


def check_life(ns: dict[str, Any]) -> None:
    """``soh`` is "capacity over the first cycle's"; extrapolation simulated at most
    the cycles the result holds."""
    life = ns["life"]
    assert life.soh.values == pytest.approx(life.capacity.values / float(life.capacity[0]))
    assert 1 <= int(life.simulated.sum()) <= life.sizes["cycle"]


def check_calibrate(ns: dict[str, Any]) -> None:
    """Current in A, > 0 discharge (a discharge test); the format detected."""
    data = ns["data"]
    assert data.current.attrs["units"] == "A"
    assert data.attrs["format"] == "pybamm"
    assert float(data.current.max()) > 0.0


def check_sweep(ns: dict[str, Any]) -> None:
    """Every sample run, one SOH each."""
    ds = ns["ds"]
    assert int(ds["failed"].sum()) == 0
    assert ds.soh.isel(cycle=-1).sizes["sample"] == len(ns["samples"]["Electrode width [m]"])


#: (page, block number from 1) -> check of the namespace after that block.
CHECKS = {
    ("getting_started.md", 1): check_getting_started,
    ("simulate.md", 1): check_simulate_cell,
    ("simulate.md", 4): check_simulate_result,
    ("age.md", 1): check_life,
    ("age.md", 2): check_life,
    ("calibrate.md", 1): check_calibrate,
    ("sweep.md", 1): check_sweep,
}


def test_every_job_page_has_snippets_and_checks():
    """The extraction finds the job pages' snippets (a fence written another way would
    otherwise leave a page untested without a failure)."""
    found = {_name(p) for p in pages()}
    assert set(JOB_PAGES) <= found, set(JOB_PAGES) - found
    assert {page for page, _ in CHECKS} <= found


@pytest.mark.parametrize("page", pages(), ids=_name)
def test_page_snippets_run(page, tmp_path, monkeypatch):
    if not DATA.is_dir():
        pytest.skip(f"measured data not found: {DATA} (set CELLSIM_DATA_DIR to the data folder)")
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(DATA, target_is_directory=True)
    monkeypatch.chdir(project)
    monkeypatch.setenv("CELLSIM_FIGURES", str(project / "figures"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    blocks = snippets(page)
    for i, code in enumerate(blocks, start=1):
        exec(compile(code, f"{_name(page)}[python block {i}]", "exec"), namespace)
        if (_name(page), i) in CHECKS:
            CHECKS[_name(page), i](namespace)
    assert {i for p, i in CHECKS if p == _name(page)} <= set(range(1, len(blocks) + 1))
    import matplotlib.pyplot as plt

    plt.close("all")

"""Lookup tables (``pybamm.Interpolant``) as opaque calls inside the SX graphs.

CasADi evaluates a scalar (SX) graph far faster than a matrix-expression (MX) one, but
the lookup tables PyBaMM converts to (``casadi.interpolant``, ``Function.bspline``) are
MX-only, so a model with one (OKane2022's graphite OCP is a 248-point cubic spline)
could not be expanded to SX and ran as an MX graph of thousands of nodes, about 50x
slower. Written out in SX instead, a spline costs work in proportion to its knots (one
``if_else`` per interval) at every evaluation.

Here each table keeps PyBaMM's own CasADi form, wrapped in a function marked
``never_inline``: expanding the model to SX then leaves one call node per table, which
evaluates the table in O(log n) and differentiates through it for the Jacobians.
"""

from __future__ import annotations

import casadi


def tabulate(expressions, t, y, inputs, cache: dict) -> int:
    """Put every lookup table of ``expressions``, as a call, into ``cache``.

    ``cache`` is the symbol cache of PyBaMM's ``to_casadi``: expressions converted with
    it afterwards call the tables instead of inlining them. Returns how many there are.
    """
    import pybamm

    found: dict = {}
    for expression in expressions:
        for node in expression.pre_order():
            if isinstance(node, pybamm.Interpolant):
                found[node] = None
    # Innermost first: in pre-order a table's own children come after it.
    for node in reversed(list(found)):
        children = [c.to_casadi(t, y, inputs=inputs, casadi_symbols=cache) for c in node.children]
        cache[node] = _table(node, [c.numel() for c in children])(casadi.vertcat(*children))
    return len(found)


def _table(node, sizes: list[int]):
    """``node`` as a CasADi function of its children's values stacked in one vector."""
    import pybamm

    stacked = casadi.MX.sym("u", sum(sizes))
    children, start = [], 0
    for size in sizes:
        children.append(pybamm.StateVector(slice(start, start + size)))
        start += size
    value = node.create_copy(new_children=children).to_casadi(y=stacked)
    name = "".join(ch if ch.isalnum() else "_" for ch in node.name) or "table"
    return casadi.Function(name, [stacked], [value], {"never_inline": True})

"""Samples for :func:`cellsim.sweep`: parameter values per sample, drawn or on a grid.

A set of samples is a plain ``dict`` mapping a parameter's full name (with its units,
``"Electrode width [m]"``) to a 1-D float64 array, all arrays of one length: sample
``i`` is the ``i``-th value of each. Random draws are reproducible: the same ``seed``
gives the same values on every machine, and draws for different names are independent
even with one seed.

Examples
--------
>>> from cellsim import variation
>>> s = variation.combine(
...     variation.normal("Electrode width [m]", 1.58, 0.005, 4, seed=1),
...     variation.uniform("Contact resistance [Ohm]", 0.004, 0.006, 4, seed=1),
... )
>>> sorted(s), len(s["Electrode width [m]"])
(['Contact resistance [Ohm]', 'Electrode width [m]'], 4)
>>> g = variation.grid(
...     {"Electrode width [m]": [1.5, 1.6], "Contact resistance [Ohm]": [0, 1e-3, 2e-3]}
... )
>>> g["Electrode width [m]"].tolist()
[1.5, 1.5, 1.5, 1.6, 1.6, 1.6]
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cellsim._errors import ParameterError

Samples = dict[str, NDArray[np.float64]]


def normal(name: str, mean: float, std: float, n: int, seed: int) -> Samples:
    """``n`` draws of parameter ``name`` from a normal distribution.

    Parameters
    ----------
    name : str
        Full parameter name with units, as in the parameter set.
    mean, std : float
        Mean and standard deviation, in the parameter's units; ``std >= 0``.
    n : int
        Number of samples, >= 1.
    seed : int
        Seed, >= 0. The generator is seeded by ``seed`` and ``name`` together, so two
        parameters drawn with one seed are independent.

    Returns
    -------
    dict
        ``{name: array of n float64}``.
    """
    _name(name)
    mean, std = _number("mean", mean), _number("std", std)
    if std < 0:
        raise ParameterError(f"std of {name!r} must be >= 0, got {std!r}")
    return {name: _rng(name, seed).normal(mean, std, _count(n))}


def uniform(name: str, low: float, high: float, n: int, seed: int) -> Samples:
    """``n`` draws of parameter ``name`` uniform in ``[low, high)``.

    Parameters
    ----------
    name : str
        Full parameter name with units.
    low, high : float
        Bounds, in the parameter's units; ``low <= high``.
    n : int
        Number of samples, >= 1.
    seed : int
        Seed, >= 0 (combined with ``name``, as in :func:`normal`).

    Returns
    -------
    dict
        ``{name: array of n float64}``.
    """
    _name(name)
    low, high = _number("low", low), _number("high", high)
    if low > high:
        raise ParameterError(f"low must be <= high for {name!r}, got low={low!r} high={high!r}")
    return {name: _rng(name, seed).uniform(low, high, _count(n))}


def grid(axes: Mapping[str, Sequence[float] | ArrayLike]) -> Samples:
    """Every combination of the values of several parameters (a full factorial grid).

    Parameters
    ----------
    axes : mapping
        ``{name: values}``; the first name varies slowest.

    Returns
    -------
    dict
        ``{name: array}``, each of length the product of the axes' lengths.
    """
    if not isinstance(axes, Mapping) or not axes:
        raise ParameterError(f"grid axes must be a non-empty mapping name -> values, got {axes!r}")
    values = [_values(name, v) for name, v in axes.items()]
    mesh = np.meshgrid(*values, indexing="ij")
    return {name: m.ravel().copy() for name, m in zip(axes, mesh, strict=True)}


def combine(*parts: Mapping[str, ArrayLike]) -> Samples:
    """Put sets of samples of one length side by side (sample ``i`` takes each one's ``i``-th).

    Parameters
    ----------
    *parts : mapping
        Sets of samples (``{name: values}``), from :func:`normal`, :func:`uniform`,
        :func:`grid` or plain dicts.

    Returns
    -------
    dict
        Every name of every part.
    """
    out: Samples = {}
    for part in parts:
        if not isinstance(part, Mapping):
            raise ParameterError(f"combine takes mappings name -> values, got {part!r}")
        for name, v in part.items():
            if name in out:
                raise ParameterError(f"parameter {name!r} appears in more than one part")
            out[name] = _values(name, v)
    check_lengths(out)
    return out


def check_lengths(samples: Mapping[str, NDArray[np.float64]]) -> int:
    """The common length of ``samples``; a :class:`ParameterError` if they differ."""
    lengths = {name: len(v) for name, v in samples.items()}
    first = next(iter(lengths), None)
    for name, length in lengths.items():
        if length != lengths[first]:
            raise ParameterError(
                f"samples must all be of one length: {first!r} has {lengths[first]} values "
                f"but {name!r} has {length} (for every combination use cellsim.variation.grid)"
            )
    return lengths[first] if first is not None else 0


def _values(name: str, values) -> NDArray[np.float64]:
    """``values`` of parameter ``name`` as a 1-D float64 array of finite numbers."""
    _name(name)
    if isinstance(values, (str, bytes, Mapping)):
        raise ParameterError(f"values of {name!r} must be a sequence of numbers, got {values!r}")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"values of {name!r} must be numbers, got {values!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise ParameterError(
            f"values of {name!r} must be a non-empty 1-D sequence, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ParameterError(f"values of {name!r} must be finite, got {array.tolist()!r}")
    return array


def _name(name) -> None:
    if not isinstance(name, str) or not name:
        raise ParameterError(f"a parameter name must be a non-empty string, got {name!r}")


def _number(what: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ParameterError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ParameterError(f"{what} must be finite, got {value!r}")
    return float(value)


def _count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"n must be an integer >= 1, got {n!r}")
    return int(n)


def _rng(name: str, seed) -> np.random.Generator:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be an integer >= 0, got {seed!r}")
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])

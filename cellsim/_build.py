"""Built models, cached by Cell spec and the names of the parameters that vary: in
memory, and their plain data on disk for the next process (:mod:`cellsim._disk_cache`)."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

from cellsim import _disk_cache
from cellsim._cell import Cell
from cellsim._chemistry import BuiltModel, chemistry_for
from cellsim._errors import ParameterError

#: Parameters a protocol is read against (C-rates, cut-offs, ambient temperature): a
#: model built with one of them as an input would run its protocol with the base value.
PROTOCOL_PARAMETERS = (
    "Nominal cell capacity [A.h]",
    "Lower voltage cut-off [V]",
    "Upper voltage cut-off [V]",
    "Ambient temperature [K]",
)

#: How many built models stay in memory (a DFN is a few MB).
CACHE_SIZE = 16

_cache: OrderedDict[tuple[Cell, frozenset[str]], BuiltModel] = OrderedDict()
_lock = threading.Lock()


def built_model(cell: Cell, input_names: frozenset[str] = frozenset()) -> BuiltModel:
    """The discretised model of ``cell``, built on first use and then reused.

    Raises
    ------
    ParameterError
        An input that is one of :data:`PROTOCOL_PARAMETERS`.
    """
    key = (cell, frozenset(input_names))
    read = sorted(key[1].intersection(PROTOCOL_PARAMETERS))
    if read:
        raise ParameterError(
            f"inputs: {read} cannot be varied as inputs (the protocol's C-rates, cut-offs "
            "and temperature are read against them when the model is built); vary them as "
            "Cell overrides"
        )
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    chemistry = chemistry_for(cell.parameter_set)
    identity = _identity(cell, key[1], chemistry)
    record = None if identity is None else _disk_cache.load("built", identity)
    if record is not None:
        built = BuiltModel.from_record(record, functools.partial(chemistry.build, cell, key[1]))
    else:
        built = chemistry.build(cell, key[1])
        if identity is not None:
            _disk_cache.store("built", identity, built.record())
    built.identity = identity
    with _lock:
        _cache[key] = built
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def _identity(cell: Cell, input_names: frozenset[str], chemistry) -> str | None:
    """The disk cache's key of the model of ``cell`` with ``input_names`` as inputs, by
    the code of cellsim and of the chemistry's package (None: a Cell whose overrides
    are not plain data, which nothing on disk is kept for)."""
    try:
        spec = cell.to_json()
    except TypeError:
        return None
    package = type(chemistry).__module__.split(".")[0]
    return _disk_cache.key((package,), "built", spec, sorted(input_names))


def clear_cache() -> None:
    """Forget every built model held in memory (the disk cache of
    :mod:`cellsim._disk_cache` stays: remove its folder to clear it)."""
    with _lock:
        _cache.clear()

"""Built models, cached by Cell spec and the names of the parameters that vary."""

from __future__ import annotations

import threading
from collections import OrderedDict

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
    built = chemistry_for(cell.parameter_set).build(cell, key[1])
    with _lock:
        _cache[key] = built
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def clear_cache() -> None:
    """Forget every built model."""
    with _lock:
        _cache.clear()

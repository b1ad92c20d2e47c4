"""The Cell: a frozen, hashable, serialisable specification of a cell to simulate."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cellsim._errors import ParameterError


def _freeze(value: Any) -> Any:
    """Lists become tuples (recursively), so options from JSON compare equal."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return FrozenMapping(value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


class FrozenMapping(Mapping):
    """An immutable, hashable mapping with string keys, sorted for a stable order."""

    __slots__ = ("_items",)

    def __init__(self, data: Mapping | None = None) -> None:
        data = dict(data or {})
        for key in data:
            if not isinstance(key, str):
                raise ParameterError(f"keys must be strings, got {key!r}")
        self._items = tuple(sorted((k, _freeze(v)) for k, v in data.items()))

    def __getitem__(self, key: str) -> Any:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(frozen=True)
class Cell:
    """A cell to simulate: chemistry, parameter set, model fidelity, options, overrides.

    Parameters
    ----------
    parameter_set : str
        A name from :func:`cellsim.parameter_sets` (``"Chen2020"``), or ``"bpx:<path>"``
        for a Battery Parameter eXchange file (see :meth:`from_bpx`).
    model : str, optional
        Model fidelity: ``"SPM"``, ``"SPMe"`` or ``"DFN"`` for lithium-ion. Defaults to
        the chemistry's default (DFN for lithium-ion).
    options : mapping, optional
        Model options, passed through to PyBaMM for lithium-ion
        (``{"thermal": "lumped", "SEI": "solvent-diffusion limited"}``).
    overrides : mapping, optional
        Parameter values replacing the set's, by their full name with units
        (``{"Negative electrode thickness [m]": 9e-05}``); numbers only.

    Examples
    --------
    >>> import cellsim
    >>> cell = cellsim.Cell("Chen2020", model="SPM")
    >>> cell.chemistry
    'lithium_ion'
    >>> cellsim.Cell.from_dict(cell.to_dict()) == cell
    True
    """

    parameter_set: str = "Chen2020"
    model: str | None = None
    options: Mapping[str, Any] = field(default_factory=FrozenMapping)
    overrides: Mapping[str, float] = field(default_factory=FrozenMapping)

    def __post_init__(self) -> None:
        from cellsim._chemistry import chemistry_for

        if not isinstance(self.parameter_set, str):
            raise ParameterError(
                f"parameter_set must be a string, got {type(self.parameter_set).__name__}"
            )
        object.__setattr__(self, "options", FrozenMapping(self.options))
        overrides = FrozenMapping(self.overrides)
        for name, value in overrides.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParameterError(
                    f"override {name!r} must be a number, got {value!r} ({type(value).__name__})"
                )
            if not math.isfinite(value):
                raise ParameterError(f"override {name!r} must be finite, got {value!r}")
        object.__setattr__(self, "overrides", overrides)
        chem = chemistry_for(self.parameter_set)
        if self.model is None:
            object.__setattr__(self, "model", chem.default_model)
        chem.validate(self)

    @property
    def chemistry(self) -> str:
        """Name of the chemistry that owns the parameter set."""
        from cellsim._chemistry import chemistry_for

        return chemistry_for(self.parameter_set).name

    def replace(self, **changes: Any) -> Cell:
        """A copy with some fields changed (``overrides`` are merged, not replaced)."""
        spec = self.to_dict()
        if "overrides" in changes:
            spec["overrides"] = {**spec["overrides"], **changes.pop("overrides")}
        spec.update(changes)
        return Cell.from_dict(spec)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-serialisable dict; :meth:`from_dict` gives back an equal Cell."""
        return {
            "chemistry": self.chemistry,
            "parameter_set": self.parameter_set,
            "model": self.model,
            "options": _thaw(dict(self.options)),
            "overrides": dict(self.overrides),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Cell:
        """Inverse of :meth:`to_dict`."""
        allowed = {"chemistry", "parameter_set", "model", "options", "overrides"}
        extra = set(spec) - allowed
        if extra:
            raise ParameterError(
                f"unknown Cell field(s) {sorted(extra)}: allowed are {sorted(allowed)}"
            )
        cell = cls(
            parameter_set=spec.get("parameter_set", "Chen2020"),
            model=spec.get("model"),
            options=spec.get("options", {}),
            overrides=spec.get("overrides", {}),
        )
        if "chemistry" in spec and spec["chemistry"] != cell.chemistry:
            raise ParameterError(
                f"chemistry {spec['chemistry']!r} does not own parameter set "
                f"{cell.parameter_set!r} (its chemistry is {cell.chemistry!r})"
            )
        return cell

    @classmethod
    def from_json(cls, text: str) -> Cell:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_bpx(
        cls,
        path: str | os.PathLike,
        *,
        model: str | None = None,
        options: Mapping[str, Any] | None = None,
        overrides: Mapping[str, float] | None = None,
    ) -> Cell:
        """A lithium-ion Cell from a Battery Parameter eXchange (BPX) JSON file.

        The model defaults to the one the file's header names (``SPM``, ``SPMe`` or
        ``DFN``). The Cell refers to the file by its absolute path.
        """
        path = os.path.abspath(os.fspath(path))
        if not os.path.isfile(path):
            raise ParameterError(f"BPX file {path!r} does not exist")
        if model is None:
            try:
                with open(path, encoding="utf-8") as fh:
                    header = json.load(fh).get("Header", {})
            except (OSError, json.JSONDecodeError) as err:
                raise ParameterError(f"BPX file {path!r} is not valid JSON: {err}") from None
            model = header.get("Model")
        return cls(
            parameter_set=f"bpx:{path}",
            model=model,
            options=options or {},
            overrides=overrides or {},
        )

"""The contract between cellsim and a chemistry plug-in, and the registry that finds them.

Chemistries live outside ``cellsim`` (in the ``chemistries`` package or any other
distribution) and register under the entry-point group ``cellsim.chemistries``; the
entry point names an instance of a :class:`Chemistry` subclass.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import numpy as np

from cellsim import _disk_cache
from cellsim._errors import ParameterError, unknown

if TYPE_CHECKING:
    from cellsim._cell import Cell
    from cellsim.solvers._states import Layout

ENTRY_POINT_GROUP = "cellsim.chemistries"


@dataclass(frozen=True)
class OutputVariable:
    """A result variable: its cellsim name, the model's name for it, units and meaning."""

    name: str
    source_name: str
    units: str
    long_name: str


@dataclass(frozen=True)
class CycleSetState:
    """A state each cycle sets afresh, and where what it holds goes when it is set.

    Its value at a cycle's end hardly depends on its value at the cycle's start
    (lithium plated reversibly during a charge is stripped in the next discharge): an
    ageing run's extrapolation lands it at a real cycle's value instead of
    extrapolating it (see :func:`cellsim.age`), and moves the amount of the species it
    holds that this adds or takes into (or out of) the particles it came from, so the
    species is conserved.

    Attributes
    ----------
    name : str
        The state: a concentration per unit electrode volume, an entry per point of
        the electrode.
    returns_to : str
        A particle concentration (per unit particle volume) of the same electrode:
        a block of entries for each point of ``name``, or with ``averaged`` one block
        for the whole electrode (a single-particle model's x-averaged particle).
    volume_fraction : str or float
        The electrode's active material volume fraction: the name of a state (an
        entry per point, or one) or a number.
    averaged : bool
        Whether ``returns_to`` is one particle for the whole electrode.
    """

    name: str
    returns_to: str
    volume_fraction: str | float
    averaged: bool

    def settle(self, states: Layout, y: np.ndarray, trial: np.ndarray) -> None:
        """Set this state of the state vector ``y`` (laid out as ``states``) to its
        value in ``trial``, in place, and move the difference of what it holds into
        ``returns_to`` (spread evenly over each particle's entries)."""
        own, into = states.entries(self.name), states.entries(self.returns_to)
        if not (own.size and into.size):
            return
        scale, _ = states.scales[self.name]
        added = (trial[own] - y[own]) * scale  # mol per m3 of electrode, at each point
        if isinstance(self.volume_fraction, str):
            entries = states.entries(self.volume_fraction)
            scale_f, reference = states.scales[self.volume_fraction]
            fraction = reference + scale_f * y[entries]
        else:
            fraction = np.array([float(self.volume_fraction)])
        scale_p, _ = states.scales[self.returns_to]
        if not (np.all(np.isfinite(fraction)) and np.isfinite(scale * scale_p)):
            return  # an input sets them: left as extrapolated
        y[own] = trial[own]
        taken = added / fraction  # mol per m3 of particle
        if self.averaged:  # a uniform mesh: the x-average is the mean
            taken = np.array([taken.mean()])
        blocks = y[into].reshape(taken.size, -1) - taken[:, None] / scale_p
        y[into] = blocks.ravel()


@dataclass(eq=False)
class BuiltModel:
    """A discretised model ready for the stiff core, built once per Cell.

    Attributes
    ----------
    builders : dict
        ``{control: callable}`` building a discretised model on first use, for
        ``control`` ``"any"`` (every step kind, through the algebraic external circuit of
        :mod:`cellsim._control`) and optionally ``"current"`` (current steps only, with
        the current an explicit input: fewer unknowns, faster). Both have the same
        states but for the algebraic current, and take the inputs of
        :mod:`cellsim._control`, the SOC-dependent initial-state inputs and any
        parameter the caller asked to vary.
    outputs : tuple of OutputVariable
        What every result carries (``voltage``, ``current``, ``ocv``, ``temperature``,
        ``discharge_capacity`` at least).
    nominal_capacity : float
        A.h, for C-rates.
    voltage_limits : tuple of float
        (lower, upper) safety cut-offs of the cell, V.
    default_temperature : float
        K, ambient temperature when the protocol names none.
    initial_inputs : callable
        ``initial_inputs(initial_soc, inputs=None)`` gives the input values that set
        the initial state (``initial_soc=None``: the parameter set's own initial
        state), for the cell with the values ``inputs`` of its varied parameters.
    input_names : frozenset of str
        Parameters built as inputs at the caller's request.
    cycle_outputs : tuple of str
        Names of ``outputs`` an ageing run records at the end of every cycle, besides
        its own per-cycle variables: the state of each degradation mechanism (capacity
        lost to SEI, dead zinc, ...), so each mechanism's contribution shows.
    cycle_set : tuple of CycleSetState
        States each cycle sets afresh, which an ageing run's extrapolation does not
        extrapolate (reversibly plated lithium).
    cache : dict
        Backends store their per-model set-up here (one solver set-up per model).
    identity : str or None
        What the disk cache (:mod:`cellsim._disk_cache`) knows this model by (set by
        :func:`cellsim._build.built_model`; None: nothing of it is kept on disk).
    """

    builders: dict[str, Any]
    outputs: tuple[OutputVariable, ...]
    nominal_capacity: float
    voltage_limits: tuple[float, float]
    default_temperature: float
    initial_inputs: Any
    input_names: frozenset[str] = frozenset()
    cycle_outputs: tuple[str, ...] = ()
    cycle_set: tuple[CycleSetState, ...] = ()
    cache: dict = field(default_factory=dict)
    identity: str | None = None
    _models: dict = field(default_factory=dict, repr=False)

    def model(self, control: str) -> Any:
        """The discretised model for ``control`` (``"current"`` or ``"any"``).

        ``"current"`` falls back to ``"any"`` when the chemistry has no separate one.
        """
        if control not in self.builders:
            control = "any"
        if control not in self._models:
            self._models[control] = self.builders[control]()
        return self._models[control]

    def disk_key(self, *parts: Any) -> str | None:
        """The disk cache's key for something built from this model and ``parts``."""
        return None if self.identity is None else _disk_cache.key((), self.identity, *parts)

    def record(self) -> dict[str, Any]:
        """Everything but the PyBaMM models, as plain data (see :meth:`from_record`)."""
        return {
            "controls": tuple(self.builders),
            "outputs": self.outputs,
            "nominal_capacity": self.nominal_capacity,
            "voltage_limits": self.voltage_limits,
            "default_temperature": self.default_temperature,
            "initial": self.initial_inputs(None),
            "input_names": self.input_names,
            "cycle_outputs": self.cycle_outputs,
            "cycle_set": self.cycle_set,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], build) -> BuiltModel:
        """A built model from its :meth:`record`; ``build()`` (the chemistry's whole
        build, once) runs only when a PyBaMM model or an initial state at a given SOC
        is asked for. The chemistry's ``initial_inputs(None, inputs)`` must not depend
        on ``inputs`` (the parameter set's own initial state)."""
        whole = functools.cache(build)
        initial = dict(record["initial"])

        def initial_inputs(initial_soc: float | None, inputs=None) -> dict[str, float]:
            if initial_soc is None:
                return dict(initial)
            return whole().initial_inputs(initial_soc, inputs)

        return cls(
            builders={c: functools.partial(_model_of, whole, c) for c in record["controls"]},
            outputs=record["outputs"],
            nominal_capacity=record["nominal_capacity"],
            voltage_limits=record["voltage_limits"],
            default_temperature=record["default_temperature"],
            initial_inputs=initial_inputs,
            input_names=record["input_names"],
            cycle_outputs=record["cycle_outputs"],
            cycle_set=record["cycle_set"],
        )


def _model_of(build, control: str) -> Any:
    return build().model(control)


class Chemistry(abc.ABC):
    """A family of cell models and parameter sets.

    Contract for subclasses:

    1. ``name``: the chemistry's registry name (``"lithium_ion"``).
    2. :meth:`parameter_sets` lists the parameter set names it owns.
    3. :meth:`models` lists model names; ``default_model`` is one of them.
    4. :meth:`validate` raises :class:`ParameterError` for an invalid Cell, naming
       the field, the value and the valid choices.
    5. :meth:`build` returns a :class:`BuiltModel` whose model follows
       :mod:`cellsim._control`.
    6. ``extrapolation_rtol``: the default tolerance of ``cellsim.age(...,
       method="extrapolate")`` for its cells (a bound per jump on Euler's error relative
       to each state; see docs/physics/ageing.md): set by measuring what its
       degradation states need.
    """

    name: str
    default_model: str
    extrapolation_rtol: float = 3e-2

    @abc.abstractmethod
    def parameter_sets(self) -> tuple[str, ...]:
        """Names of the parameter sets of this chemistry."""

    @abc.abstractmethod
    def models(self) -> tuple[str, ...]:
        """Names of the models of this chemistry."""

    @abc.abstractmethod
    def validate(self, cell: Cell) -> None:
        """Raise :class:`ParameterError` unless ``cell`` can be built."""

    @abc.abstractmethod
    def build(self, cell: Cell, input_names: frozenset[str]) -> BuiltModel:
        """Build and discretise the model of ``cell`` with ``input_names`` as inputs."""

    def owns(self, parameter_set: str) -> bool:
        """Whether ``parameter_set`` belongs to this chemistry."""
        return parameter_set in self.parameter_sets()


@functools.cache
def chemistries() -> Mapping[str, Chemistry]:
    """Every registered chemistry, by name (loaded once from the entry points)."""
    found: dict[str, Chemistry] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        chem = ep.load()
        if not isinstance(chem, Chemistry):
            raise TypeError(f"entry point {ep.value!r} is not a cellsim Chemistry")
        found[chem.name] = chem
    return found


def chemistry_for(parameter_set: str) -> Chemistry:
    """The chemistry that owns ``parameter_set``."""
    for chem in chemistries().values():
        if chem.owns(parameter_set):
            return chem
    raise ParameterError(unknown("parameter set", parameter_set, all_parameter_sets()))


def all_parameter_sets() -> list[str]:
    return [name for chem in chemistries().values() for name in chem.parameter_sets()]


def parameter_sets() -> dict[str, list[str]]:
    """Available parameter sets by chemistry.

    Examples
    --------
    >>> import cellsim
    >>> "Chen2020" in cellsim.parameter_sets()["lithium_ion"]
    True
    """
    return {name: list(chem.parameter_sets()) for name, chem in sorted(chemistries().items())}

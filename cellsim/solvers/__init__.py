"""Stiff-core backends: each integrates a built model leg by leg."""

from cellsim._errors import ParameterError, unknown


def backend_class(name: str):
    """The backend class called ``name``."""
    from cellsim.solvers._casadi import CasadiBackend
    from cellsim.solvers._idaklu import IdakluBackend

    backends = {b.name: b for b in (CasadiBackend, IdakluBackend)}
    if name not in backends:
        raise ParameterError(unknown("solver", name, backends))
    return backends[name]

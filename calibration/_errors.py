"""The calibration package's own error, in cellsim's one hierarchy."""

from __future__ import annotations

from cellsim import CellsimError


class CalibrationError(CellsimError, ValueError):
    """A fit or replay that cannot be set up as asked.

    Raised for a data set too short or too flat to identify a parameter, an unknown
    parameter name (with the close valid ones), bounds that do not contain the initial
    value, a data set without the variables a fit needs, and the like. The message
    names what was wrong and where (parameter, data set, variable).
    """

"""The error an ageing fit raises when the data cannot determine what it is asked to fit.

The ageing fits raise the package's one ``CalibrationError`` (``calibration._errors``,
of the voltage fits). Until that module is in the tree, an identical class is defined
here, so the ageing fits never depend on files they do not own; once it is, this module
only re-exports it and ``except calibration.CalibrationError`` catches both.
"""

from __future__ import annotations

try:
    from calibration._errors import CalibrationError as CalibrationError
except ImportError:  # the voltage fits' module is not there yet
    from cellsim import CellsimError

    class CalibrationError(CellsimError, ValueError):
        """A fit that cannot be made: too few points for its parameters, parameters the
        data do not identify, bounds that make no sense."""

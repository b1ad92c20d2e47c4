"""The error the ageing fits raise: the calibration package's one ``CalibrationError``.

Re-exported from :mod:`calibration._errors` (the voltage fits' module), so that
``except calibration.CalibrationError`` catches the ageing fits' errors too.
"""

from __future__ import annotations

from calibration._errors import CalibrationError as CalibrationError

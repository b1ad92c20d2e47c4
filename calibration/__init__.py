"""Calibration of cellsim cells against cycler data (loaders, fitting, ageing laws)."""

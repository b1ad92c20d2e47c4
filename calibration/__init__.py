"""Calibration of cellsim cells against cycler data (loaders, fitting, ageing laws)."""

from calibration._aging import fit_aging as fit_aging
from calibration._load import formats as formats
from calibration._load import load as load

"""Calibration of cellsim cells against cycler data (loaders, fitting, ageing laws)."""

from calibration._aging import fit_aging as fit_aging
from calibration._balance import fit_balance as fit_balance
from calibration._balance import load_ocv as load_ocv
from calibration._balance import ocv_dataset as ocv_dataset
from calibration._errors import CalibrationError as CalibrationError
from calibration._fit import fit as fit
from calibration._fit_result import FitResult as FitResult
from calibration._load import formats as formats
from calibration._load import load as load
from calibration._pseudo_ocv import pseudo_ocv as pseudo_ocv
from calibration._replay import replay as replay

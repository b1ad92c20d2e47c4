"""cellsim: battery cell electrochemistry and degradation modelling.

Simulate lithium-ion (PyBaMM) and zinc-halogen cells under any protocol, project their
life, calibrate them to cycler data, and scale out on Dask. Every result is an
:class:`xarray.Dataset`; current > 0 is discharge; SI units in ``units`` attributes.
"""

from cellsim import variation as variation
from cellsim._age import age as age
from cellsim._build import clear_cache as clear_cache
from cellsim._cell import Cell as Cell
from cellsim._chemistry import Chemistry as Chemistry
from cellsim._chemistry import parameter_sets as parameter_sets
from cellsim._errors import CellsimError as CellsimError
from cellsim._errors import DataFormatError as DataFormatError
from cellsim._errors import ParameterError as ParameterError
from cellsim._errors import ProtocolError as ProtocolError
from cellsim._errors import SolverError as SolverError
from cellsim._simulate import simulate as simulate
from cellsim._sweep import sweep as sweep
from cellsim.protocol import CapacityCutoff as CapacityCutoff
from cellsim.protocol import CRate as CRate
from cellsim.protocol import Current as Current
from cellsim.protocol import CurrentCutoff as CurrentCutoff
from cellsim.protocol import CurrentProfile as CurrentProfile
from cellsim.protocol import Power as Power
from cellsim.protocol import PowerProfile as PowerProfile
from cellsim.protocol import Protocol as Protocol
from cellsim.protocol import Rest as Rest
from cellsim.protocol import Step as Step
from cellsim.protocol import Voltage as Voltage
from cellsim.protocol import VoltageCutoff as VoltageCutoff

__version__ = "0.1.0"

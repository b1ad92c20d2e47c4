"""Protocols: typed steps, their terminations, and string sugar."""

from cellsim.protocol._parse import parse_step as parse_step
from cellsim.protocol._protocol import Protocol as Protocol
from cellsim.protocol._steps import CapacityCutoff as CapacityCutoff
from cellsim.protocol._steps import CRate as CRate
from cellsim.protocol._steps import Current as Current
from cellsim.protocol._steps import CurrentCutoff as CurrentCutoff
from cellsim.protocol._steps import CurrentProfile as CurrentProfile
from cellsim.protocol._steps import Power as Power
from cellsim.protocol._steps import PowerProfile as PowerProfile
from cellsim.protocol._steps import Rest as Rest
from cellsim.protocol._steps import Step as Step
from cellsim.protocol._steps import Voltage as Voltage
from cellsim.protocol._steps import VoltageCutoff as VoltageCutoff

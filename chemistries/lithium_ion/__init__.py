"""Lithium-ion cells: PyBaMM's SPM, SPMe and DFN with PyBaMM's parameter sets."""

from chemistries.lithium_ion._chemistry import LithiumIon

CHEMISTRY = LithiumIon()

__all__ = ["CHEMISTRY", "LithiumIon"]

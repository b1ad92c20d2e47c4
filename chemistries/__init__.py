"""Chemistry plug-ins for cellsim: lithium-ion (PyBaMM) and, later, zinc-halogen.

Each sub-package exposes a :class:`cellsim.Chemistry` instance named ``CHEMISTRY``,
registered under the entry-point group ``cellsim.chemistries`` in ``pyproject.toml``.
"""

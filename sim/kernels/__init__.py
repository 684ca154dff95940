"""The compiled core: every numba kernel of alliance-sim lives in this package.

Nothing outside ``sim.kernels`` imports numba. Kernels take NumPy arrays and scalars
only (no objects, no globals except the integer layout constants of
:mod:`sim.kernels.layout`); JIT flags are defined once in :mod:`sim.kernels.jit`.
"""

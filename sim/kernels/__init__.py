"""The compiled core's infrastructure: array layout, JIT flags, random numbers, the month
loop and the ensemble driver.

The mechanisms' own kernels live beside their readable statements in
``sim.mechanisms``; they and this package are the only places that import numba.
Kernels take NumPy arrays and scalars only (no objects, no globals except the layout
constants of :mod:`sim.kernels.layout`); JIT flags are defined once in
:mod:`sim.kernels.jit`.
"""

"""Instrument response functions: the PSF map (containment radii) and the energy dispersion."""

from .edisp import EDispKernel, EDispKernelMap
from .psf import PSFMap

__all__ = ["EDispKernel", "EDispKernelMap", "PSFMap"]

"""Instrument response functions: the PSF map (containment radii) and the energy dispersion."""

from .edisp import EDispKernel, EDispKernelMap
from .edisp_map import EDispMap
from .psf import RAD_AXIS_DEFAULT, PSFMap
from .psf_kernel import PSFKernel
from .psf_reco import RecoPSFMap

__all__ = [
    "RAD_AXIS_DEFAULT",
    "EDispKernel",
    "EDispKernelMap",
    "EDispMap",
    "PSFKernel",
    "PSFMap",
    "RecoPSFMap",
]

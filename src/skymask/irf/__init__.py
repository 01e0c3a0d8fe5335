"""Instrument response functions: the PSF map and its containment radii."""

from .psf import PSFMap

__all__ = ["PSFMap"]

"""A stand-in for `skymask.datasets.MapDataset`: the duck-typed interface the estimator uses."""

from __future__ import annotations

from astropy.io import fits

from skymask.irf.edisp import EDispKernelMap
from skymask.maps.io_fits import map_from_hdulist

__all__ = ["REFERENCE_ARRAYS", "StandInDataset"]

REFERENCE_ARRAYS = [
    "counts",
    "npred",
    "npred_excess",
    "ts",
    "sqrt_ts",
    "norm",
    "norm_err",
]


class StandInDataset:
    """counts, exposure, edisp, mask_safe, mask_fit and npred() = background."""

    def __init__(
        self, counts, background, exposure=None, edisp=None, mask_safe=None, mask_fit=None
    ):
        self.counts = counts
        self.background = background
        self.exposure = exposure
        self.edisp = edisp
        self.mask_safe = mask_safe
        self.mask_fit = mask_fit

    @classmethod
    def read(cls, path):
        with fits.open(path) as hdulist:
            maps = {
                name.lower(): map_from_hdulist(hdulist, hdu=name)
                for name in ("COUNTS", "BACKGROUND", "EXPOSURE", "MASK_SAFE")
            }
            edisp = EDispKernelMap.from_hdulist(hdulist)
        return cls(edisp=edisp, **maps)

    def copy(self):
        """A new stand-in with copies of the maps (tests may change them)."""
        copies = {
            name: getattr(self, name).copy()
            for name in ("counts", "background", "exposure", "mask_safe")
        }
        return StandInDataset(edisp=self.edisp, **copies)

    def npred(self):
        return self.background

"""Resampling to and from pixelisations other than WCS, registered by their own packages.

`skymask.maps.transforms` resamples WCS maps; a package of another pixelisation (HEALPix:
`skymask.maps.hpx`) registers the functions that take over when either side is of its kind.
The registry lives here, in a module that imports nothing, so that the WCS code never imports
the packages built on it (no import cycle) and `import skymask.maps` stays light.
"""

from __future__ import annotations

#: Geometry flag attribute (``"is_hpx"``) -> object with ``resample(m, geom, weights,
#: preserve_counts, smooth)`` and ``reproject_to_geom(m, geom, preserve_counts,
#: precision_factor)``.
RESAMPLERS: dict = {}


def register_resampler(flag: str, resampler) -> None:
    """Let ``resampler`` handle maps or target geometries whose ``flag`` attribute is true."""
    RESAMPLERS[flag] = resampler


def resampler_for(*geoms):
    """The registered resampler for the first flag any of ``geoms`` has, or None (WCS)."""
    for flag, resampler in RESAMPLERS.items():
        if any(getattr(geom, flag, False) for geom in geoms):
            return resampler
    return None

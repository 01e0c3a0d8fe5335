"""ds9 shapes, as read by `_ds9`, to `regions` objects.

All sky positions of a frame are converted to one `SkyCoord` at once: building them one by one
costs most of the time for thousands of shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from regions import (
    CircleAnnulusPixelRegion,
    CircleAnnulusSkyRegion,
    CirclePixelRegion,
    CircleSkyRegion,
    EllipseAnnulusPixelRegion,
    EllipseAnnulusSkyRegion,
    EllipsePixelRegion,
    EllipseSkyRegion,
    PixCoord,
    PointPixelRegion,
    PointSkyRegion,
    PolygonPixelRegion,
    PolygonSkyRegion,
    RectangleAnnulusPixelRegion,
    RectangleAnnulusSkyRegion,
    RectanglePixelRegion,
    RectangleSkyRegion,
    RegionMeta,
)

__all__ = ["Ds9Shape", "build_regions"]


@dataclass
class Ds9Shape:
    """One ds9 shape: kind, frame (astropy name or "image"), include sign, place, values."""

    kind: str
    frame: str
    include: bool
    line: int
    command: str
    coords: list = field(default_factory=list)  # (lon, lat) deg or (x, y) 0-based pixels
    sizes: list = field(default_factory=list)  # deg or pixels
    angle: float = 0.0  # deg


def build_regions(shapes: list[Ds9Shape], where, error) -> list:
    """`regions` objects of the shapes.

    ``where(shape, exc)`` gives the message of a `regions` rule the reader did not check, raised
    as ``error``.
    """
    regions = []
    by_frame: dict = {}
    for shape in shapes:
        by_frame.setdefault(shape.frame, []).append(shape)
    centres = {}
    for frame, group in by_frame.items():
        if frame == "image":
            continue
        lon = np.array([c for shape in group for c in shape.coords[0::2]])
        lat = np.array([c for shape in group for c in shape.coords[1::2]])
        centres[frame] = SkyCoord(lon * u.deg, lat * u.deg, frame=frame)
    offsets = dict.fromkeys(by_frame, 0)
    for shape in shapes:
        n = len(shape.coords) // 2
        start = offsets[shape.frame]
        offsets[shape.frame] = start + n
        if shape.frame == "image":
            positions = PixCoord(np.array(shape.coords[0::2]), np.array(shape.coords[1::2]))
        elif shape.kind == "polygon":
            positions = centres[shape.frame][start : start + n]
        else:  # one position: a scalar SkyCoord straight away (slicing twice is slow)
            positions = [centres[shape.frame][start]]
        try:
            regions.extend(_objects(shape, positions))
        except ValueError as exc:  # a rule of `regions` the reader does not check
            raise error(where(shape, exc)) from None
    return regions


def _objects(shape: Ds9Shape, positions) -> list:
    pixel = shape.frame == "image"
    meta = {"include": 1 if shape.include else 0}
    unit = 1.0 if pixel else u.deg

    def scaled(value):
        return value * unit

    if shape.kind == "polygon":
        cls = PolygonPixelRegion if pixel else PolygonSkyRegion
        return [cls(positions, meta=RegionMeta(meta))]
    centre = positions[0]
    if shape.kind == "point":
        cls = PointPixelRegion if pixel else PointSkyRegion
        return [cls(centre, meta=RegionMeta(meta))]
    if shape.kind == "circle":
        cls = CirclePixelRegion if pixel else CircleSkyRegion
        return [cls(centre, scaled(shape.sizes[0]), meta=RegionMeta(meta))]
    if shape.kind == "annulus":
        cls = CircleAnnulusPixelRegion if pixel else CircleAnnulusSkyRegion
        return [
            cls(centre, scaled(inner), scaled(outer), meta=RegionMeta(meta))
            for inner, outer in pairwise(shape.sizes)
        ]
    angle = shape.angle * u.deg
    factor = 2.0 if shape.kind == "ellipse" else 1.0  # ds9 ellipses are given by semi-axes
    pairs = [
        (factor * a, factor * b) for a, b in zip(shape.sizes[0::2], shape.sizes[1::2], strict=True)
    ]
    if len(pairs) == 1:
        if shape.kind == "ellipse":
            cls = EllipsePixelRegion if pixel else EllipseSkyRegion
        else:
            cls = RectanglePixelRegion if pixel else RectangleSkyRegion
        (width, height) = pairs[0]
        return [cls(centre, scaled(width), scaled(height), angle, meta=RegionMeta(meta))]
    if shape.kind == "ellipse":
        cls = EllipseAnnulusPixelRegion if pixel else EllipseAnnulusSkyRegion
    else:
        cls = RectangleAnnulusPixelRegion if pixel else RectangleAnnulusSkyRegion
    return [
        cls(
            centre,
            inner_width=scaled(inner[0]),
            outer_width=scaled(outer[0]),
            inner_height=scaled(inner[1]),
            outer_height=scaled(outer[1]),
            angle=angle,
            meta=RegionMeta(meta),
        )
        for inner, outer in pairwise(pairs)
    ]

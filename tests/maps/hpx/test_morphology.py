"""HEALPix erosion and dilation by an angle against a brute-force test of every pixel pair."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_array_equal
from scipy.spatial import cKDTree

from skymask.maps import HpxGeom, HpxNDMap

cds_nested = pytest.importorskip("cdshealpix.nested")
cds_ring = pytest.importorskip("cdshealpix.ring")


def _unit(geom):
    nside = int(geom.nside[0])
    if geom.nest:
        lon, lat = cds_nested.healpix_to_lonlat(geom.ipix, int(np.log2(nside)))
    else:
        lon, lat = cds_ring.healpix_to_lonlat(geom.ipix, nside)
    lon, lat = lon.to_value(u.rad), lat.to_value(u.rad)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)


def _brute(geom, mask, radius_deg, erode):
    """Dilation: True where some True centre is within the radius (d <= r); erosion: True
    where no False centre (pixels outside a partial geometry included) is within it."""
    v = _unit(geom)
    if erode:
        full = HpxGeom(int(geom.nside[0]), nest=geom.nest, frame=geom.frame)
        w = _unit(full)
        inside = np.zeros(full.data_shape, bool)
        inside[geom.ipix[mask]] = True
        others = w[~inside]
    else:
        others = v[mask]
    if len(others) == 0:
        return np.full(len(v), erode), np.zeros(len(v), bool)
    # Nearest other-kind centre by chord length (a k-d tree: exact nearest neighbour).
    chord, _ = cKDTree(others).query(v, k=1)
    limit = 2 * np.sin(np.radians(radius_deg) / 2)
    near = chord <= limit
    tie = np.abs(chord - limit) < 1e-10  # rounding ties
    return (~near if erode else near), tie


@pytest.mark.parametrize(
    ("nside", "nest", "region", "radius"),
    [
        (32, True, None, 7.0),
        (64, False, None, 3.5),
        (64, True, "DISK(40,-30,25)", 4.0),
        (128, False, "DISK(300,60,12)", 1.3),
    ],
)
@pytest.mark.parametrize("erode", [False, True])
def test_erode_dilate_equal_brute_force(nside, nest, region, radius, erode):
    geom = HpxGeom(nside, nest=nest, frame="galactic", region=region)
    rng = np.random.default_rng(nside)
    mask = geom.region_mask(
        "\n".join(
            f"galactic;circle({lo},{la},{r})"
            for lo, la, r in zip(
                geom.center_skydir.l.deg + rng.uniform(-15, 15, 6),
                geom.center_skydir.b.deg + rng.uniform(-10, 10, 6),
                rng.uniform(1, 8, 6),
                strict=True,
            )
        )
    )
    mask.data[rng.integers(0, mask.data.size, 20)] ^= True  # isolated pixels and holes
    result = mask.binary_erode(radius * u.deg) if erode else mask.binary_dilate(radius * u.deg)
    assert isinstance(result, HpxNDMap) and result.is_mask
    expected, tie = _brute(geom, mask.data, radius, erode)
    assert_array_equal(result.data[~tie], expected[~tie])


def test_boundary_mask_is_the_eroded_footprint():
    geom = HpxGeom(64, nest=True, region="DISK(10,10,15)")
    mask = geom.boundary_mask("2 deg")
    expected, tie = _brute(geom, np.ones(geom.data_shape, bool), 2.0, True)
    assert_array_equal(mask.data[~tie], expected[~tie])
    assert 0 < (~mask.data).sum() < mask.data.size
    assert HpxGeom(16).boundary_mask(3).data.all()


def test_morphology_needs_a_mask():
    m = HpxNDMap(HpxGeom(8))
    with pytest.raises(TypeError, match="boolean mask"):
        m.binary_dilate("1 deg")

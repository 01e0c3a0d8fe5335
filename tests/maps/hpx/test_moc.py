"""Masks to MOCs and back, against mocpy's own answers (from_cones, contains_lonlat)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_array_equal

from skymask.maps import HpxGeom, Map, WcsGeom
from skymask.maps.moc import read_moc, write_moc

mocpy = pytest.importorskip("mocpy")


def _circles(rng, n, frame="icrs"):
    lon = rng.uniform(0, 360, n)
    lat = np.degrees(np.arcsin(rng.uniform(-0.9, 0.9, n)))
    r = rng.uniform(0.3, 3.0, n)
    text = "\n".join(f"{frame};circle({a},{b},{c})" for a, b, c in zip(lon, lat, r, strict=True))
    return lon, lat, r, text


@pytest.mark.parametrize("nest", [True, False])
def test_icrs_healpix_mask_round_trip_is_exact(nest, tmp_path):
    rng = np.random.default_rng(5)
    lon, lat, r, text = _circles(rng, 30)
    geom = HpxGeom(512, nest=nest, frame="icrs")
    mask = geom.region_mask(text)
    moc = mask.to_moc()
    assert moc.max_order == 9
    # mocpy's own answer at the pixel centres equals the mask.
    centres = geom.get_coord()
    inside = moc.contains_lonlat(centres.lon, centres.lat)
    assert_array_equal(inside, mask.data)
    back = Map.from_moc(moc, geom)
    assert back.is_mask
    assert_array_equal(back.data, mask.data)
    # mocpy's from_cones (cells overlapping the circles) contains every cell of ours.
    cones = mocpy.MOC.from_cones(lon * u.deg, lat * u.deg, radius=r * u.deg, max_depth=9,
                                 union_strategy="small_cones")  # fmt: skip
    assert (moc - cones).empty()
    # A coarser MOC keeps the parents: still covers every True pixel.
    coarse = mask.to_moc(max_depth=6)
    assert Map.from_moc(coarse, geom).data[mask.data].all()
    # FITS round trip (IVOA MOC 2.0).
    write_moc(moc, tmp_path / "mask.moc.fits")
    assert read_moc(tmp_path / "mask.moc.fits") == moc


def test_wcs_and_galactic_masks_give_conservative_mocs():
    rng = np.random.default_rng(7)
    centre = SkyCoord(0, 0, unit="deg", frame="galactic")
    wcs = WcsGeom.create(skydir=centre, npix=(120, 80), binsz=0.05, frame="galactic",
                         proj="TAN")  # fmt: skip
    mask = wcs.region_mask(
        "\n".join(
            f"galactic;circle({a},{b},{c})"
            for a, b, c in zip(
                rng.uniform(-2.5, 2.5, 8),
                rng.uniform(-1.5, 1.5, 8),
                rng.uniform(0.05, 0.4, 8),
                strict=True,
            )
        )
    )
    moc = mask.to_moc()
    back = Map.from_moc(moc, wcs)
    # Conservative: every excluded pixel comes back (a margin of about a pixel is added).
    assert back.data[mask.data].all()
    assert back.data.sum() < 2.0 * mask.data.sum()
    # Every corner of every True pixel is inside the MOC too (the whole pixel is covered).
    iy, ix = np.nonzero(mask.data)
    for dx, dy in ((-0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (0.5, -0.5)):
        corner = wcs.wcs.pixel_to_world(ix + dx * 0.999, iy + dy * 0.999)
        assert moc.contains_skycoords(corner).all()
    hpx = HpxGeom(256, nest=True, frame="galactic")
    gal = hpx.region_mask("galactic;circle(10,10,2)")
    gmoc = gal.to_moc(max_depth=10)
    assert Map.from_moc(gmoc, hpx).data[gal.data].all()


def test_to_moc_needs_a_mask():
    with pytest.raises(TypeError, match="boolean"):
        Map.create(nside=4, map_type="hpx").to_moc()

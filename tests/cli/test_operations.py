"""``skymask combine|erode|dilate|boundary|reproject`` against independent computations."""

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from scipy import ndimage

from skymask.maps import Map, WcsGeom

from .conftest import CRAB, assert_error, files_in


# ---------------------------------------------------------------------- combine
@pytest.mark.parametrize(
    ("operation", "combine"),
    [("and", np.logical_and), ("or", np.logical_or), ("xor", np.logical_xor)],
)
def test_combine(cli, tmp_path, random_masks, operation, combine):
    a, b, c = (Map.read(path).data for path in random_masks)
    out = tmp_path / "out.fits"
    assert cli("combine", operation, *random_masks, "-o", out).code == 0
    np.testing.assert_array_equal(Map.read(out).data, combine(combine(a, b), c))


def test_combine_not(cli, tmp_path, random_masks):
    out = tmp_path / "not.fits"
    assert cli("combine", "not", random_masks[0], "-o", out).code == 0
    result = Map.read(out)
    assert result.is_mask
    np.testing.assert_array_equal(result.data, ~Map.read(random_masks[0]).data)


def test_combine_image_with_cube_on_same_grid(cli, tmp_path, random_masks, small_geom):
    image = tmp_path / "image.fits"
    region = "galactic;circle(184.5,-5.8,1)"
    small_geom.to_image().region_mask(region).write(image)
    out = tmp_path / "out.fits"
    assert cli("combine", "and", random_masks[0], image, "-o", out).code == 0
    expected = Map.read(random_masks[0]).data & small_geom.to_image().region_mask(region).data
    np.testing.assert_array_equal(Map.read(out).data, expected)


def test_combine_mismatched_geometries(cli, tmp_path, random_masks):
    other = tmp_path / "other.fits"
    WcsGeom.create(npix=(10, 10), binsz=0.1).region_mask([]).write(other)
    result = cli("combine", "and", random_masks[0], other, "-o", tmp_path / "out.fits")
    assert_error(result, "skymask combine", "cannot combine", "other.fits", "geometries differ")
    assert "out.fits" not in files_in(tmp_path)


def test_combine_errors(cli, tmp_path, random_masks, small_geom):
    out = tmp_path / "out.fits"
    assert_error(cli("combine", "not", *random_masks[:2], "-o", out), "skymask combine", "one")
    assert_error(cli("combine", "or", random_masks[0], "-o", out), "skymask combine", "two")
    floats = tmp_path / "counts.fits"
    Map.from_geom(small_geom).write(floats)
    result = cli("combine", "and", random_masks[0], floats, "-o", out)
    assert_error(result, "skymask combine", "counts.fits holds a float32 map, not a mask")
    result = cli("combine", "nand", *random_masks, "-o", out)
    assert_error(result, "skymask combine", "invalid choice: 'nand'")
    assert "out.fits" not in files_in(tmp_path)


# ---------------------------------------------------------------------- erode, dilate
def _disk(radius_pixels: int) -> np.ndarray:
    y, x = np.mgrid[-radius_pixels : radius_pixels + 1, -radius_pixels : radius_pixels + 1]
    return x**2 + y**2 <= radius_pixels**2


def _planewise(function, data, structure):
    return np.stack([function(plane, structure=structure, border_value=0) for plane in data])


# A plain number is a pixel count, as in the library (binary_erode(3)) and in gammapy.
@pytest.mark.parametrize("width", ["0.3deg", "0.3 deg", "18arcmin", "3", "3pix", "3 pix"])
def test_erode_equals_scipy_with_disk(cli, tmp_path, random_masks, width):
    source = random_masks[0]
    # A smoother mask than noise, so that erosion keeps something.
    dilated = tmp_path / "dilated.fits"
    Map.read(source).binary_dilate(2).write(dilated)
    out = tmp_path / "eroded.fits"
    assert cli("erode", dilated, "--width", width, "-o", out).code == 0
    expected = _planewise(ndimage.binary_erosion, Map.read(dilated).data, _disk(3))
    assert expected.any()
    np.testing.assert_array_equal(Map.read(out).data, expected)


def test_dilate_equals_scipy_with_disk_and_box(cli, tmp_path, random_masks):
    data = Map.read(random_masks[1]).data & (np.random.default_rng(1).random((3, 30, 40)) < 0.05)
    source = tmp_path / "sparse.fits"
    Map.read(random_masks[1]).copy(data=data).write(source)
    out = tmp_path / "disk.fits"
    assert cli("dilate", source, "--width", "0.2deg", "-o", out).code == 0
    expected = _planewise(ndimage.binary_dilation, data, _disk(2))
    np.testing.assert_array_equal(Map.read(out).data, expected)
    out = tmp_path / "box.fits"
    assert cli("dilate", source, "--width", "0.2deg", "--kernel", "box", "-o", out).code == 0
    expected = _planewise(ndimage.binary_dilation, data, np.ones((5, 5), bool))
    np.testing.assert_array_equal(Map.read(out).data, expected)


def test_erode_errors(cli, tmp_path, random_masks, small_geom):
    out = tmp_path / "out.fits"
    result = cli("erode", random_masks[0], "--width", "0.3 kg", "-o", out)
    assert_error(result, "skymask erode", "argument --width: not a width: '0.3 kg'")
    result = cli("erode", random_masks[0], "--width", "-0.3 deg", "-o", out)
    assert_error(result, "skymask erode", "must not be negative")
    result = cli("dilate", tmp_path / "missing.fits", "--width", "0.3", "-o", out)
    assert_error(result, "skymask dilate", "no such file", "missing.fits")
    floats = tmp_path / "counts.fits"
    Map.from_geom(small_geom).write(floats)
    result = cli("dilate", floats, "--width", "0.3", "-o", out)
    assert_error(result, "skymask dilate", "not a mask")
    assert "out.fits" not in files_in(tmp_path)


# ---------------------------------------------------------------------- boundary
def test_boundary_matches_tutorial(cli, tmp_path, crab_dataset_file, reference):
    out = tmp_path / "boundary.fits"
    width = f"{float(np.load(reference / 'psf_r95.npy').max())!r}deg"
    assert cli("boundary", crab_dataset_file, "--width", width, "-o", out).code == 0
    np.testing.assert_array_equal(Map.read(out).data, np.load(reference / "boundary.npy"))


def test_boundary_per_axis_in_pixels(cli, tmp_path, random_masks):
    out = tmp_path / "boundary.fits"
    assert cli("boundary", random_masks[0], "--width", "2pix,0.5deg", "-o", out).code == 0
    mask = Map.read(out).data
    # Independent count: pixel centres at least the width (2 and 5 pixels) from the edges.
    ny, nx = mask.shape[-2:]
    keep = np.zeros((ny, nx), bool)
    for iy in range(ny):
        for ix in range(nx):
            keep[iy, ix] = min(ix + 0.5, nx - 0.5 - ix) >= 2 and min(iy + 0.5, ny - 0.5 - iy) >= 5
    np.testing.assert_array_equal(mask, np.broadcast_to(keep, mask.shape))


# ---------------------------------------------------------------------- reproject
def _nearest_lookup(source: Map, target: WcsGeom, fill: bool) -> np.ndarray:
    """Value of the source pixel containing each target pixel centre (astropy WCS only)."""
    ny, nx = target.data_shape_image
    y, x = np.mgrid[0:ny, 0:nx]
    lon, lat = target.wcs.wcs_pix2world(x, y, 0)
    centres = SkyCoord(lon, lat, unit="deg", frame=target.frame).transform_to(source.geom.frame)
    px, py = source.geom.wcs.world_to_pixel(centres)
    ix, iy = np.floor(px + 0.5).astype(int), np.floor(py + 0.5).astype(int)
    sx, sy = source.geom.npix
    inside = (ix >= 0) & (ix < sx) & (iy >= 0) & (iy < sy)
    values = source.data[np.clip(iy, 0, sy - 1), np.clip(ix, 0, sx - 1)]
    return np.where(inside, values, fill)


@pytest.mark.parametrize("fill", ["false", "true"])
def test_reproject_equals_nearest_pixel_lookup(cli, tmp_path, fill):
    source_geom = WcsGeom.create(skydir=CRAB, width=2, binsz=0.02, proj="TAN", frame="icrs")
    source = ~source_geom.region_mask("icrs;circle(83.633083, 22.0145, 0.3)")
    source_path = tmp_path / "fine.fits"
    source.write(source_path)
    target = WcsGeom.create(skydir=CRAB, npix=(40, 30), binsz=0.1, frame="galactic")
    like = tmp_path / "target.fits"
    Map.from_geom(target).write(like)
    out = tmp_path / "coarse.fits"
    result = cli("reproject", source_path, "--like", like, "--fill-value", fill, "-o", out)
    assert result.code == 0, result.err
    mask = Map.read(out)
    assert mask.is_mask and mask.geom == target
    expected = _nearest_lookup(source, target, fill == "true")
    np.testing.assert_array_equal(mask.data, expected)
    assert (~expected).sum() == (832 if fill == "false" else 32)


def test_reproject_needs_a_fill_value(cli, tmp_path, random_masks):
    out = tmp_path / "out.fits"
    result = cli("reproject", random_masks[0], "--like", random_masks[1], "-o", out)
    assert_error(result, "skymask reproject", "--fill-value")
    assert "out.fits" not in files_in(tmp_path)

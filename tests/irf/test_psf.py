"""PSFMap: reading the three layouts, containment and containment radii, writing."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from astropy.io import fits
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import brentq

from skymask.irf import PSFMap
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.testing import assert_map_equal

R68 = np.sqrt(-2 * np.log(1 - 0.68))  # 1.50959 sigma
R95 = np.sqrt(-2 * np.log(1 - 0.95))  # 2.44775 sigma
ENERGIES = [10.0, 100.0, 1000.0] * u.GeV
SIGMAS = [0.2, 0.1, 0.05] * u.deg


def gauss_containment(radius, sigma):
    """Containment of a 2-D Gaussian in the small-angle limit."""
    return 1 - np.exp(-0.5 * (radius / sigma).to_value("") ** 2)


def gauss_psf_map(
    sigmas=SIGMAS, energies=ENERGIES, rad_max=1.5 * u.deg, n_rad=3001, order=("rad", "energy_true")
):
    """PSFMap of Gaussians (one sigma per energy node) on one sky pixel, in sr^-1."""
    rad = MapAxis.from_nodes(np.linspace(0, rad_max.to_value("deg"), n_rad), name="rad", unit="deg")
    energy = MapAxis.from_nodes(energies, interp="log", name="energy_true")
    axes = {"rad": rad, "energy_true": energy}
    geom = WcsGeom.create(npix=1, binsz=2, axes=[axes[name] for name in order])
    r = rad.center.to_value("rad")
    sigma = sigmas.to_value("rad")[:, np.newaxis]
    psf = np.exp(-0.5 * (r / sigma) ** 2) / (2 * np.pi * sigma**2)  # (energy, rad)
    if order[0] == "energy_true":
        psf = psf.T
    return PSFMap(Map.from_geom(geom, data=psf[..., np.newaxis, np.newaxis], unit="sr-1"))


@pytest.fixture(scope="module")
def crab_psf(gammapy_data):
    return PSFMap.read(gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits")


@pytest.fixture(scope="module")
def gc_psf(gammapy_data):
    return PSFMap.read(gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz")


@pytest.fixture(scope="module")
def gtpsf_psf(gammapy_data):
    filename = gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc-psf-cube.fits.gz"
    return PSFMap.read(filename, format="gtpsf")


# ---------------------------------------------------------------------- the tutorial value
def test_crab_r95_matches_gammapy(crab_psf, crab_dataset_file, reference):
    energy_true = Map.read(crab_dataset_file, hdu="EXPOSURE").geom.axes["energy_true"].center
    assert_allclose(energy_true.to_value("GeV"), [16.99, 49.01, 141.4, 408.1, 1177.4], rtol=1e-3)
    psf_r95 = crab_psf.containment_radius(0.95, energy_true)
    assert isinstance(psf_r95, Angle)
    assert psf_r95.unit == u.deg
    assert psf_r95.shape == (5,)
    expected = np.load(reference / "psf_r95.npy")
    assert_allclose(psf_r95.deg, expected, rtol=5e-3)
    # Closer than that in fact: gammapy's nearest-grid lookup is the main difference.
    assert_allclose(psf_r95.deg, expected, rtol=1e-3)


def test_crab_containment_matches_gammapy(crab_psf):
    # gammapy 2.1: psf.containment([0.1, 0.2] deg, [[50], [100]] GeV), recorded in a scratch run.
    # gammapy's midpoint sums on upper edges read low by a few 1e-4 at small radii (see the
    # King-function test), so skymask is a little higher.
    expected = [[0.67854314, 0.83544674], [0.68202219, 0.84353677]]
    actual = crab_psf.containment([0.1, 0.2] * u.deg, [[50], [100]] * u.GeV)
    assert actual.unit == u.dimensionless_unscaled
    assert_allclose(actual.value, expected, rtol=1e-3)
    assert np.all(actual.value >= expected)


def test_crab_layout(crab_psf):
    assert crab_psf.psf_map.data.shape == (17, 300, 1, 2)
    assert crab_psf.psf_map.unit == u.Unit("sr-1")
    assert crab_psf.exposure_map.data.shape == (17, 1, 1, 2)
    assert crab_psf.exposure_map.unit == u.Unit("cm2 s")
    assert not crab_psf.has_single_spatial_bin
    assert crab_psf.rad_axis.unit == u.rad
    assert crab_psf.energy_axis_true.nbin == 17


def test_crab_position_has_no_effect(crab_psf):
    # Both sky pixels of the all-sky 2x1 Fermi map hold the same PSF.
    positions = SkyCoord([0, 83.63, 180, 300], [0, 22.01, -89, 60], unit="deg")
    radii = crab_psf.containment_radius(0.95, 100 * u.GeV, position=positions)
    assert radii.shape == (4,)
    assert_allclose(radii.deg, radii.deg[0], rtol=1e-12)


# ---------------------------------------------------------------------- analytic oracle
@pytest.mark.parametrize("order", [("rad", "energy_true"), ("energy_true", "rad")])
def test_gaussian_containment_and_radii_at_nodes(order):
    psf = gauss_psf_map(order=order)
    for energy, sigma in zip(ENERGIES, SIGMAS, strict=True):
        radius = np.linspace(0, 4, 41) * sigma
        assert_allclose(
            psf.containment(radius, energy).value, gauss_containment(radius, sigma), atol=1e-8
        )
        radii = psf.containment_radius([0.68, 0.95], energy)
        assert_allclose(radii.deg, [R68 * sigma.value, R95 * sigma.value], rtol=1e-8)


def test_error_falls_fast_with_the_rad_spacing():
    # Halving the node spacing divides the error by about 16 here (4 for the trapezoid rule).
    errors = []
    for n_rad in (301, 601, 1201):
        psf = gauss_psf_map(n_rad=n_rad)
        radius = np.linspace(0.1, 4, 40) * SIGMAS[2]
        actual = psf.containment(radius, ENERGIES[2]).value
        errors.append(np.max(np.abs(actual - gauss_containment(radius, SIGMAS[2]))))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all(ratios > 12)


@pytest.mark.parametrize(("sigma_deg", "gamma"), [(0.05, 1.6), (0.1, 2.0), (0.03, 3.0)])
def test_king_function_on_the_fermi_grid(sigma_deg, gamma):
    # The Fermi tables' radius grid (300 nodes r_i = 1.93925e-6 i^2 rad) with King-function
    # PSFs, whose containment is known: 1 - (1 + r^2 / (2 gamma sigma^2))^(1 - gamma).
    rad = MapAxis.from_nodes(1.93925e-6 * np.arange(300) ** 2, name="rad", unit="rad")
    energy = MapAxis.from_nodes([100], interp="log", name="energy_true", unit="GeV")
    geom = WcsGeom.create(npix=1, binsz=2, axes=[rad, energy])
    sigma = np.radians(sigma_deg)
    r = rad.center.value
    scaled = 1 + r**2 / (2 * gamma * sigma**2)
    psf = (1 - 1 / gamma) * scaled ** (-gamma) / (2 * np.pi * sigma**2)
    psf_map = PSFMap(Map.from_geom(geom, data=psf[None, :, None, None], unit="sr-1"))

    def containment(radius):
        return 1 - (1 + radius**2 / (2 * gamma * sigma**2)) ** (1 - gamma)

    radius = np.radians([0.05, 0.1, 0.2, 0.5])
    actual = psf_map.containment(radius * u.rad, 100 * u.GeV).value
    assert_allclose(actual, containment(radius), rtol=3e-5)
    for fraction in (0.68, 0.95):
        root = brentq(lambda x, f=fraction: containment(x) - f, 0, 1)
        radius = psf_map.containment_radius(fraction, 100 * u.GeV).to_value("rad")
        assert radius == pytest.approx(root, rel=2e-5)


def test_gaussian_log_energy_interpolation():
    psf = gauss_psf_map()
    energy = 30 * u.GeV  # between the 10 and 100 GeV nodes
    w = np.log(30 / 10) / np.log(100 / 10)

    def expected_containment(radius):
        return (1 - w) * gauss_containment(radius, SIGMAS[0]) + w * gauss_containment(
            radius, SIGMAS[1]
        )

    radius = np.linspace(0, 0.8, 33) * u.deg
    assert_allclose(psf.containment(radius, energy).value, expected_containment(radius), atol=1e-8)
    for fraction in (0.1, 0.5, 0.68, 0.95, 0.99):
        root = brentq(lambda r, f=fraction: expected_containment(r * u.deg) - f, 0, 1.5)
        assert psf.containment_radius(fraction, energy).deg == pytest.approx(root, rel=1e-8)


def test_first_rad_node_above_zero():
    # A table starting at 0.002 deg: the PSF is taken flat inside the first node.
    rad = MapAxis.from_nodes(np.linspace(0.002, 1, 2000), name="rad", unit="deg")
    energy = MapAxis.from_nodes([100], interp="log", name="energy_true", unit="GeV")
    geom = WcsGeom.create(npix=1, binsz=2, axes=[rad, energy])
    sigma = 0.1
    r = rad.center.to_value("deg")
    data = np.exp(-0.5 * (r / sigma) ** 2) / (2 * np.pi * sigma**2)  # per deg2 this time
    psf = PSFMap(Map.from_geom(geom, data=data[None, :, None, None], unit="deg-2"))
    assert psf.containment_radius(0.68, 1 * u.TeV).deg == pytest.approx(R68 * 0.1, rel=1e-8)
    assert psf.containment(0.001 * u.deg, 1 * u.TeV).value == pytest.approx(
        gauss_containment(0.001 * u.deg, 0.1 * u.deg), rel=1e-3
    )


def test_broadcasting_and_scalars():
    psf = gauss_psf_map()
    scalar = psf.containment_radius(0.68, 100 * u.GeV)
    assert isinstance(scalar, Angle) and scalar.shape == ()
    grid = psf.containment_radius([[0.68], [0.95]], ENERGIES)
    assert grid.shape == (2, 3)
    assert_allclose(grid.deg, np.outer([R68, R95], SIGMAS.value), rtol=1e-8)
    assert psf.containment("0.1 deg", "100 GeV").shape == ()
    assert psf.containment_radius(0.68, "0.1 TeV").deg == pytest.approx(scalar.deg)
    positions = SkyCoord([0, 0.5], [0, 0.5], unit="deg")
    assert psf.containment_radius([[0.68], [0.95]], 100 * u.GeV, positions).shape == (2, 2)


def test_radius_increases_with_fraction_and_inverts_containment():
    psf = gauss_psf_map()
    fraction = np.linspace(0.05, 0.999, 50)
    radii = psf.containment_radius(fraction, 50 * u.GeV)
    assert np.all(np.diff(radii.deg) > 0)
    assert_allclose(psf.containment(radii, 50 * u.GeV).value, fraction, rtol=1e-10)


# ---------------------------------------------------------------------- position
def two_pixel_psf(sigmas_deg=(0.1, 0.2)):
    """Two sky pixels (lon 0.5 and -0.5 deg at lat 0) with Gaussian PSFs of their own sigma."""
    rad = MapAxis.from_nodes(np.linspace(0, 1.5, 3001), name="rad", unit="deg")
    energy = MapAxis.from_nodes([100], interp="log", name="energy_true", unit="GeV")
    geom = WcsGeom.create(npix=(2, 1), binsz=1, frame="galactic", axes=[rad, energy])
    r = rad.center.to_value("rad")
    sigma = np.radians(sigmas_deg)[:, None]
    psf = np.exp(-0.5 * (r / sigma) ** 2) / (2 * np.pi * sigma**2)  # (x, rad)
    data = psf.T[None, :, None, :]
    return PSFMap(Map.from_geom(geom, data=data, unit="sr-1"))


def test_position_bilinear_between_pixel_centres():
    psf = two_pixel_psf()
    at = SkyCoord([0.5, -0.5, 0.0, 0.9], [0, 0, 0, 0], unit="deg", frame="galactic")
    radii = psf.containment_radius(0.68, 100 * u.GeV, position=at)
    assert_allclose(radii.deg[:2], [R68 * 0.1, R68 * 0.2], rtol=1e-8)
    # Midway: the mean of the two containment curves. Within half a pixel of the border: the
    # border pixel's PSF.
    root = brentq(
        lambda r: (
            0.5 * gauss_containment(r * u.deg, 0.1 * u.deg)
            + 0.5 * gauss_containment(r * u.deg, 0.2 * u.deg)
            - 0.68
        ),
        0,
        1,
    )
    assert radii.deg[2] == pytest.approx(root, rel=1e-8)
    assert radii.deg[3] == pytest.approx(R68 * 0.1, rel=1e-8)
    # The default position is the grid centre (lon 0).
    assert psf.containment_radius(0.68, 100 * u.GeV).deg == pytest.approx(root, rel=1e-8)
    # Another frame is converted.
    icrs = at[2].icrs
    assert psf.containment_radius(0.68, 100 * u.GeV, icrs).deg == pytest.approx(radii.deg[2])


def test_pixels_without_psf_are_left_out():
    psf = two_pixel_psf()
    psf.psf_map.data[..., 1] = 0.0  # no PSF in the pixel at lon -0.5
    at = SkyCoord([0.0, -0.5], [0, 0], unit="deg", frame="galactic")
    radii = psf.containment_radius(0.68, 100 * u.GeV, position=at)
    assert radii.deg[0] == pytest.approx(R68 * 0.1, rel=1e-8)
    assert np.isnan(radii.deg[1])
    psf.psf_map.data[..., 1] = np.nan
    assert np.isnan(psf.containment(0.1 * u.deg, 100 * u.GeV, at[1]).value)


def test_position_outside_the_sky_grid():
    psf = two_pixel_psf()
    outside = SkyCoord(5, 0, unit="deg", frame="galactic")
    with pytest.raises(ValueError, match="outside the PSF map's sky grid"):
        psf.containment_radius(0.68, 100 * u.GeV, position=outside)
    with pytest.raises(TypeError, match="position must be a SkyCoord"):
        psf.containment_radius(0.68, 100 * u.GeV, position=(0, 0))


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("fraction", "match"),
    [
        (0, r"\(0, 1\].*got \[0.0\]"),
        (-0.5, r"\(0, 1\]"),
        (1.2, r"got \[1.2\]"),
        (95, "not percentages"),
        (np.nan, r"\(0, 1\]"),
    ],
)
def test_fraction_errors(fraction, match):
    with pytest.raises(ValueError, match=match):
        gauss_psf_map().containment_radius(fraction, 100 * u.GeV)


def test_fraction_one_and_unreached_fractions():
    psf = gauss_psf_map(rad_max=0.3 * u.deg, n_rad=601)  # cuts the 0.2 deg Gaussian at 1.5 sigma
    total = gauss_containment(0.3 * u.deg, SIGMAS[0])
    assert psf.containment(2 * u.deg, 10 * u.GeV).value == pytest.approx(total, rel=1e-5)
    radii = psf.containment_radius([0.5, 0.99, 1.0], 10 * u.GeV)
    assert np.isfinite(radii.deg[0])
    assert np.isnan(radii.deg[1:]).all()


def test_energy_errors():
    psf = gauss_psf_map()
    with pytest.raises(TypeError, match="energy with a unit such as '10 GeV'"):
        psf.containment_radius(0.68, 100)
    with pytest.raises(u.UnitConversionError, match="energy_true must be an energy"):
        psf.containment_radius(0.68, 1 * u.deg)
    with pytest.raises(ValueError, match="outside the PSF table, which covers 10 GeV to 1000 GeV"):
        psf.containment_radius(0.68, [5, 50] * u.GeV)
    with pytest.raises(ValueError, match="outside the PSF table"):
        psf.containment(0.1 * u.deg, 2 * u.TeV)
    # float32 noise on a table edge is not "outside".
    edge = np.float32(0.01) * u.TeV
    assert np.isfinite(psf.containment_radius(0.68, edge).deg)


def test_single_energy_node_applies_everywhere():
    psf = gauss_psf_map(sigmas=[0.1] * u.deg, energies=[100] * u.GeV)
    assert_allclose(psf.containment_radius(0.68, [1, 1e6] * u.GeV).deg, R68 * 0.1, rtol=1e-8)


def test_rad_errors():
    psf = gauss_psf_map()
    with pytest.raises(TypeError, match="angle with a unit"):
        psf.containment(0.1, 100 * u.GeV)
    with pytest.raises(ValueError, match="non-negative"):
        psf.containment(-0.1 * u.deg, 100 * u.GeV)


def test_construction_errors():
    psf = gauss_psf_map()
    geom = psf.psf_map.geom
    with pytest.raises(TypeError, match="skymask Map"):
        PSFMap(np.zeros(3))
    reco = WcsGeom.create(
        npix=1, axes=[geom.axes["rad"], geom.axes["energy_true"].copy(name="energy")]
    )
    with pytest.raises(ValueError, match=r"'rad' and 'energy_true'.*reconstructed energy"):
        PSFMap(Map.from_geom(reco, unit="sr-1"))
    with pytest.raises(ValueError, match="needs the axes 'rad' and 'energy_true' first"):
        PSFMap(Map.from_geom(geom.drop("rad"), unit="sr-1"))
    with pytest.raises(u.UnitConversionError, match=r"set psf_map\.unit = 'sr-1'"):
        PSFMap(Map.from_geom(geom))
    with pytest.raises(u.UnitConversionError, match="convertible to sr-1"):
        PSFMap(Map.from_geom(geom, unit="cm2"))


def test_repr():
    text = repr(gauss_psf_map())
    assert "energy_true : 3 nodes, 10 GeV to 1000 GeV" in text
    assert "rad         : 3001 nodes, 0 deg to 1.5 deg" in text
    assert "single spatial bin" in text
    assert "exposure    : none" in text


def test_crab_repr(crab_psf):
    text = repr(crab_psf)
    assert "17 nodes, 10 GeV to 2000 GeV" in text
    assert "npix=(2, 1)" in text
    assert "cm2 s" in text


# ---------------------------------------------------------------------- normalisation
def test_normalize(crab_psf):
    energy = [20, 200] * u.GeV
    assert np.all(crab_psf.containment(10 * u.deg, energy).value > 1.001)
    normalized = crab_psf.normalize()
    assert_allclose(normalized.containment(10 * u.deg, energy).value, 1.0, rtol=1e-12)
    ratio = (
        normalized.containment_radius(0.95, energy).deg
        / crab_psf.containment_radius(0.95, energy).deg
    )
    assert np.all((ratio > 1.01) & (ratio < 1.02))
    assert_map_equal(normalized.exposure_map, crab_psf.exposure_map)


# ---------------------------------------------------------------------- region and gtpsf
def test_gc_region_map_and_gtpsf_describe_the_same_psf(gc_psf, gtpsf_psf):
    assert gc_psf.has_single_spatial_bin and gtpsf_psf.has_single_spatial_bin
    assert gc_psf.psf_map.data.shape == (11, 130, 1, 1)
    assert gtpsf_psf.psf_map.data.shape == (11, 300, 1, 1)
    # The region map holds the first 130 radii of the gtpsf table (this pins the row order).
    assert_allclose(
        gc_psf.rad_axis.center.to_value("deg"),
        gtpsf_psf.rad_axis.center.to_value("deg")[:130],
        atol=1e-6,
    )
    assert_allclose(gc_psf.psf_map.data[:, :, 0, 0], gtpsf_psf.psf_map.data[:, :130, 0, 0])
    assert_map_equal(
        gc_psf.exposure_map.copy(geom=gtpsf_psf.exposure_map.geom), gtpsf_psf.exposure_map
    )
    energy = np.geomspace(10, 500, 9) * u.GeV
    fraction = [[0.39], [0.68], [0.95]]
    region = gc_psf.containment_radius(fraction, energy)
    table = gtpsf_psf.containment_radius(fraction, energy)
    assert_allclose(region.deg, table.deg, rtol=1e-6)
    assert np.all(np.diff(region.deg, axis=0) > 0)
    assert np.all(np.diff(region.deg[2]) < 0)  # the PSF narrows with energy
    # The region table stops at 1.85 deg: it holds less of the PSF than the gtpsf table.
    at_end = gc_psf.containment(2 * u.deg, energy).value
    assert_allclose(at_end, gtpsf_psf.containment(1.849 * u.deg, energy).value, rtol=1e-6)
    assert np.all(gtpsf_psf.containment(9.9 * u.deg, energy).value > at_end)
    assert np.isnan(gc_psf.containment_radius(0.999, 10 * u.GeV).deg)
    assert np.isfinite(gtpsf_psf.containment_radius(0.999, 10 * u.GeV).deg)


def test_gtpsf_r95_matches_gammapy(gtpsf_psf):
    # gammapy 2.1: PSFMap.read(..., format="gtpsf").containment_radius(0.95, energy nodes).
    expected = [0.7075778, 0.6068111, 0.5467944, 0.5085278, 0.4738111, 0.4459389, 0.4243778,
                0.4040333, 0.3841778, 0.3616389, 0.3379611]  # fmt: skip
    radii = gtpsf_psf.containment_radius(0.95, gtpsf_psf.energy_axis_true.center)
    assert_allclose(radii.deg, expected, rtol=5e-3)


def test_region_position_has_no_effect(gc_psf):
    positions = SkyCoord([0, 120, 266.4], [0, -80, -28.9], unit="deg")
    radii = gc_psf.containment_radius(0.68, 30 * u.GeV, positions)
    assert_allclose(radii.deg, radii.deg[0], rtol=0)


def test_region_map_written_by_gammapy_21_reads(gc_psf, gammapy_data):
    # gammapy 2.1 writes region maps with one row per energy and a vector DATA column.
    filename = gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz"
    with fits.open(filename) as hdulist:
        bands = hdulist["PSF_BANDS"].copy()
        header = hdulist["PSF"].header
        data = gc_psf.psf_map.data[:, :, 0, 0]
        table = fits.BinTableHDU.from_columns(
            [
                fits.Column("CHANNEL", format="I", array=np.arange(11, dtype=np.int16)),
                fits.Column("DATA", format="130D", array=data, unit="sr-1"),
            ],
            name="PSF",
        )
        for key in ("AXCOLS1", "INTERP1", "AXCOLS2", "INTERP2"):
            table.header[key] = header[key]
    psf = PSFMap.from_hdulist(fits.HDUList([fits.PrimaryHDU(), table, bands]))
    assert_map_equal(psf.psf_map, gc_psf.psf_map)
    assert psf.exposure_map is None


# ---------------------------------------------------------------------- round trips
def _roundtrip(psf, format="gadf"):
    hdulist = fits.HDUList([fits.PrimaryHDU(), *psf.to_hdus(format=format)])
    return PSFMap.from_hdulist(hdulist, format=format)


def test_roundtrip_crab_image(crab_psf):
    hdulist = crab_psf.to_hdulist()
    assert [hdu.name for hdu in hdulist] == [
        "PRIMARY", "PSF", "PSF_BANDS", "PSF_EXPOSURE", "PSF_EXPOSURE_BANDS"
    ]  # fmt: skip
    assert hdulist["PSF"].is_image
    back = PSFMap.from_hdulist(hdulist)
    assert_map_equal(back.psf_map, crab_psf.psf_map)
    assert_map_equal(back.exposure_map, crab_psf.exposure_map)


@pytest.mark.parametrize("format", ["gadf", "gtpsf"])
def test_roundtrip_region_and_gtpsf(gc_psf, gtpsf_psf, format):
    for psf in (gc_psf, gtpsf_psf):
        hdus = psf.to_hdus(format=format)
        if format == "gadf":
            assert not hdus[0].is_image  # a region map stays a region table
        back = _roundtrip(psf, format)
        assert_map_equal(back.psf_map, psf.psf_map)
        if format == "gadf":
            assert_map_equal(back.exposure_map, psf.exposure_map)
        else:  # gtpsf has no rad range of its own for the exposure: that of the PSF is used
            assert back.exposure_map.unit == psf.exposure_map.unit
            assert_allclose(back.exposure_map.data, psf.exposure_map.data, rtol=0)
        assert back.has_single_spatial_bin


def test_write_and_read(tmp_path, gc_psf):
    filename = tmp_path / "psf.fits"
    gc_psf.write(filename)
    assert_map_equal(PSFMap.read(filename).psf_map, gc_psf.psf_map)
    with pytest.raises(FileExistsError):
        gc_psf.write(filename)


def test_gtpsf_needs_single_bin_and_exposure(crab_psf):
    with pytest.raises(ValueError, match="single spatial bin"):
        crab_psf.to_hdus(format="gtpsf")
    with pytest.raises(ValueError, match="no exposure map"):
        gauss_psf_map().to_hdus(format="gtpsf")
    with pytest.raises(ValueError, match="format must be one of"):
        gauss_psf_map().to_hdus(format="ogip")


@settings(max_examples=20, deadline=None)
@given(
    n_rad=st.integers(2, 6),
    n_energy=st.integers(1, 4),
    npix=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    energy_first=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_roundtrip_any_shape(n_rad, n_energy, npix, energy_first, dtype, seed):
    rad = MapAxis.from_nodes(np.linspace(0, 1, n_rad), name="rad", unit="deg")
    energy = MapAxis.from_energy_bounds(
        "10 GeV", "1 TeV", n_energy, name="energy_true", node_type="center"
    )
    axes = [energy, rad] if energy_first else [rad, energy]
    geom = WcsGeom.create(npix=npix, binsz=0.5, frame="galactic", axes=axes)
    data = np.random.default_rng(seed).uniform(size=geom.data_shape).astype(dtype)
    exposure = Map.from_geom(geom.squash("rad"), data=1e11, unit="cm2 s")
    psf = PSFMap(Map.from_geom(geom, data=data, unit="sr-1"), exposure)
    back = _roundtrip(psf)
    assert_map_equal(back.psf_map, psf.psf_map)
    assert_map_equal(back.exposure_map, psf.exposure_map)


# ---------------------------------------------------------------------- reading errors
def test_missing_file_and_hdus(tmp_path, crab_dataset_file):
    with pytest.raises(FileNotFoundError, match="no such PSF file"):
        PSFMap.read(tmp_path / "nope.fits")
    with pytest.raises(KeyError, match="no map HDU named 'PSFX'"):
        PSFMap.read(crab_dataset_file, hdu="PSFX")
    with pytest.raises(KeyError, match="THETA"):
        PSFMap.read(crab_dataset_file, format="gtpsf")
    with pytest.raises(ValueError, match="format must be one of"):
        PSFMap.read(crab_dataset_file, format="fits")
    with fits.open(crab_dataset_file) as hdulist:
        with pytest.raises(KeyError, match="exposure map HDU named 'EXPO'"):
            PSFMap.from_hdulist(hdulist, exposure_hdu="EXPO")
        psf = PSFMap.from_hdulist(hdulist, hdu="psf")
    assert psf.psf_map.data.shape == (17, 300, 1, 2)

"""PSF-aware (energy-dependent) region masks painted chunk by chunk: the in-memory cube."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

da = pytest.importorskip("dask.array")

from skymask.maps import EnergyDependentCircles, MapAxis, WcsGeom  # noqa: E402


class ShrinkingPSF:
    """A PSF whose containment radius falls with energy: 0.5 deg (E / 10 GeV) ** -0.4."""

    def containment_radius(self, fraction, energy_true, position=None):
        energy = u.Quantity(energy_true).to_value("GeV")
        shape = np.broadcast_shapes(np.shape(energy), np.shape(position))
        return Angle(np.broadcast_to(0.5 * (energy / 10.0) ** -0.4, shape), "deg")


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=st.data())
def test_chunked_psf_mask_equals_in_memory(data):
    nx, ny = data.draw(st.integers(5, 40)), data.draw(st.integers(5, 30))
    nbin = data.draw(st.integers(1, 5))
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=nbin)
    geom = WcsGeom.create(npix=(nx, ny), binsz=0.05, frame="galactic", skydir=(10, 0), axes=[axis])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    n = data.draw(st.integers(1, 6))
    centers = SkyCoord(
        10 + rng.uniform(-1.5, 1.5, n), rng.uniform(-1, 1, n), unit="deg", frame="galactic"
    )
    circles = EnergyDependentCircles(centers, rng.uniform(0.05, 0.3, n) * u.deg, ShrinkingPSF())
    inside = data.draw(st.booleans())
    chunks = (
        data.draw(st.integers(1, nbin)),
        data.draw(st.integers(1, ny)),
        data.draw(st.integers(1, nx)),
    )
    expected = geom.region_mask(circles, inside=inside)
    lazy = geom.region_mask(circles, inside=inside, chunks=chunks)
    assert lazy.is_chunked and lazy.data.dtype == bool
    assert lazy.data.chunks == da.zeros(geom.data_shape, chunks=chunks).chunks
    np.testing.assert_array_equal(lazy.compute().data, expected.data)
    # The planes differ (the radius shrinks with energy) and dilation keeps them apart.
    np.testing.assert_array_equal(
        lazy.binary_dilate("0.1 deg").compute().data, expected.binary_dilate("0.1 deg").data
    )


def test_chunked_psf_mask_needs_only_an_energy_axis():
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=2)
    time = MapAxis.from_edges([0, 1, 2], name="time", unit="h")
    geom = WcsGeom.create(npix=(8, 6), binsz=0.1, axes=[energy, time])
    circles = EnergyDependentCircles(SkyCoord(0, 0, unit="deg"), 0.2 * u.deg, ShrinkingPSF())
    with pytest.raises(ValueError, match="only non-spatial axis is the energy axis"):
        geom.region_mask(circles, chunks=4)

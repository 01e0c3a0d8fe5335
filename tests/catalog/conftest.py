"""Catalog test fixtures: a small FITS file in the 4FGL column layout, the tutorial geometry."""

from __future__ import annotations

import pytest

from skymask.maps import WcsGeom

from .fgl4_layout import CRAB, write_4fgl_file


@pytest.fixture
def fgl4_file(tmp_path):
    """A small 4FGL-layout catalog file (gzip-compressed, like gammapy-data's)."""
    return write_4fgl_file(tmp_path / "gll_psc_v35.fit.gz")


@pytest.fixture
def tutorial_geom():
    """The mask-maps tutorial geometry: 5 deg x 5 deg at 0.02 deg around the Crab."""
    return WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")

"""The extension-radius kernel (plain arrays) and the exclusion-circle sizes."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask.catalog import SpatialComponents
from skymask.catalog.exclusion import circle_radius_deg
from skymask.catalog.extension import extension_radius_deg, gaussian_containment_factor


@pytest.mark.parametrize(
    ("containment", "factor"),
    [(0.68, 1.5095921854516636), (0.95, 2.447746830680816), (1 - np.exp(-0.5), 1.0)],
)
def test_gaussian_containment_factor(containment, factor):
    assert_allclose(gaussian_containment_factor(containment), factor, rtol=1e-12)


def test_gaussian_containment_factor_against_sampling():
    """Monte-Carlo check: the fraction of 2-D Gaussian samples inside the radius."""
    rng = np.random.default_rng(1)
    r = np.hypot(*rng.normal(size=(2, 200_000)))
    for containment in (0.39, 0.68, 0.95):
        fraction = np.mean(r < gaussian_containment_factor(containment))
        assert abs(fraction - containment) < 0.005


@pytest.mark.parametrize("containment", [0, 1, -0.1, 1.5, np.nan])
def test_containment_must_be_a_fraction(containment):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        gaussian_containment_factor(containment)


def test_extension_radius_rules():
    kind = [["point", ""], ["disk", ""], ["shell", ""], ["ring", ""], ["template", ""]]
    size = [[0, np.nan], [0.4, np.nan], [0.5, np.nan], [0.6, np.nan], [0.7, np.nan]]
    offset = [[0, np.nan]] * 5
    assert_allclose(extension_radius_deg(kind, size, offset), [0, 0.4, 0.5, 0.6, 0.7])
    gauss = extension_radius_deg([["gaussian"]], [[0.2]], [[0.0]], containment=0.95)
    assert_allclose(gauss, [0.2 * 2.447746830680816])


def test_extension_radius_is_largest_over_components():
    components = SpatialComponents.single(["gaussian", "point"], [0.1, 0.0]).with_extra(
        [["disk"], ["gaussian"]], [[0.2], [0.1]], [[0.5], [0.3]]
    )
    assert components.kind.shape == (2, 2)
    radius = components.extension_radius_deg(containment=0.68)
    assert_allclose(radius, [0.5 + 0.2, 0.3 + 0.1 * 1.5095921854516636])
    assert list(components.morphology) == ["gaussian", "point"]
    assert_allclose(components.extension_deg, [0.1, 0.0])


def test_components_select_rows():
    components = SpatialComponents.single(["disk", "point", "shell"], [0.2, 0.0, 0.5])
    assert list(components[np.array([True, False, True])].morphology) == ["disk", "shell"]
    assert list(components[1:].morphology) == ["point", "shell"]
    assert list(components[np.array([2, 0])].morphology) == ["shell", "disk"]
    assert len(components[np.zeros(3, dtype=bool)]) == 0
    assert components[np.zeros(3, dtype=bool)].extension_radius_deg().shape == (0,)


def test_components_are_read_only():
    components = SpatialComponents.single(["disk"], [0.2])
    with pytest.raises(ValueError, match="read-only"):
        components.size_deg[0, 0] = 1.0


@pytest.mark.parametrize(
    ("kind", "size", "offset", "match"),
    [
        ([["disk"]], [[0.1, 0.2]], [[0.0]], "same shape"),
        ([["banana"]], [[0.1]], [[0.0]], "unknown component kinds"),
        ([[""]], [[0.1]], [[0.0]], "main component"),
    ],
)
def test_components_validate(kind, size, offset, match):
    with pytest.raises(ValueError, match=match):
        SpatialComponents(kind, size, offset)


def test_circle_radius_rule():
    assert_allclose(
        circle_radius_deg([0.0, 0.25, 0.5], radius_deg=0.3, margin_deg=0.0), [0.3, 0.3, 0.5]
    )
    assert_allclose(
        circle_radius_deg([0.0, 0.25, 0.5], radius_deg=0.3, margin_deg=0.1), [0.3, 0.35, 0.6]
    )

"""Spatial extension of catalog sources, and the radius that contains each source.

Every catalog describes its sources with one or more *components* (kernel layer: plain
arrays). A component has a kind, a size and an offset from the catalog position:

========== ===================================================================
kind       ``size`` is
========== ===================================================================
point      0 (a point-like source, including sources with only a size upper limit)
disk       the disk radius (the semi-major axis for elliptical disks)
gaussian   the Gaussian sigma (the semi-major sigma for elliptical Gaussians)
shell      the outer radius of the shell
ring       the outer radius of the ring (Fermi-LAT ``Ring`` templates)
template   the approximate radius the catalog gives for a map template
========== ===================================================================

**The extension radius** of a source is the radius around its catalog position that contains
the source: for each component, ``offset + r``, where ``r`` is the outer edge for disks,
shells, rings and templates (``r = size``), the radius containing the fraction
``containment`` of a two-dimensional Gaussian for Gaussians
(``r = sigma * sqrt(-2 ln(1 - containment))``, 2.448 sigma for the default 95 %), and 0 for
points; the source's extension radius is the largest over its components. Elliptical shapes
use their semi-major axis, so the circle covers the whole ellipse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEFAULT_CONTAINMENT",
    "KINDS",
    "SpatialComponents",
    "extension_radius_deg",
    "gaussian_containment_factor",
]

#: Fraction of a Gaussian source's flux that the extension radius contains by default.
DEFAULT_CONTAINMENT = 0.95

#: The component kinds, and whether ``size`` is an outer edge (True) or a Gaussian sigma.
KINDS = {
    "point": True,
    "disk": True,
    "gaussian": False,
    "shell": True,
    "ring": True,
    "template": True,
}


def gaussian_containment_factor(containment: float) -> float:
    """Radius containing ``containment`` of a 2-D Gaussian, in units of its sigma.

    Examples
    --------
    >>> round(gaussian_containment_factor(0.95), 4)
    2.4477
    >>> round(gaussian_containment_factor(1 - np.exp(-0.5)), 12)  # r39 is sigma
    1.0
    """
    containment = float(containment)
    if not 0 < containment < 1:
        raise ValueError(
            f"containment must be a fraction strictly between 0 and 1, got {containment!r}"
        )
    return float(np.sqrt(-2 * np.log1p(-containment)))


@dataclass(frozen=True, eq=False)
class SpatialComponents:
    """Per-source spatial components as plain arrays of shape ``(n_sources, n_components)``.

    Column 0 is the source's main model (its kind and size are what ``catalog.morphology``
    and ``catalog.extension`` report). Unused slots have kind ``""`` and are ignored.

    Parameters
    ----------
    kind : ndarray of str
        Component kinds (see `KINDS`), ``""`` for an unused slot.
    size_deg : ndarray of float
        Component sizes in degrees (0 for points, NaN for unused slots).
    offset_deg : ndarray of float
        Angular distance of each component centre from the catalog position, in degrees.

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.catalog import SpatialComponents
    >>> components = SpatialComponents(
    ...     kind=np.array([["point"], ["disk"]]), size_deg=np.array([[0.0], [0.5]]),
    ...     offset_deg=np.zeros((2, 1)),
    ... )
    >>> len(components), components.morphology.tolist()
    (2, ['point', 'disk'])
    """

    kind: np.ndarray
    size_deg: np.ndarray
    offset_deg: np.ndarray

    def __post_init__(self):
        # Copies: the arrays are made read-only without touching the caller's.
        kind = np.atleast_2d(np.array(self.kind, dtype=str))
        size = np.atleast_2d(np.array(self.size_deg, dtype=float))
        offset = np.atleast_2d(np.array(self.offset_deg, dtype=float))
        if not kind.shape == size.shape == offset.shape:
            raise ValueError(
                "kind, size_deg and offset_deg must have the same shape, got "
                f"{kind.shape}, {size.shape} and {offset.shape}"
            )
        unknown = set(np.unique(kind).tolist()) - set(KINDS) - {""}
        if unknown:
            raise ValueError(f"unknown component kinds {sorted(unknown)}; known: {list(KINDS)}")
        if kind.shape[1] and np.any(kind[:, 0] == ""):
            raise ValueError("every source needs a main component (column 0)")
        for name, value in (("kind", kind), ("size_deg", size), ("offset_deg", offset)):
            value.flags.writeable = False
            object.__setattr__(self, name, value)

    @classmethod
    def single(cls, kind, size_deg) -> SpatialComponents:
        """One component per source, centred on the catalog position.

        Parameters
        ----------
        kind : array-like of str
            One kind per source (see `KINDS`).
        size_deg : array-like of float
            One size per source, in degrees.

        Returns
        -------
        `SpatialComponents`
            Components of shape ``(n_sources, 1)``.

        Examples
        --------
        >>> from skymask.catalog import SpatialComponents
        >>> SpatialComponents.single(["point", "gaussian"], [0, 0.2]).extension_deg
        array([0. , 0.2])
        """
        kind = np.asarray(kind, dtype=str).reshape(-1, 1)
        size = np.asarray(size_deg, dtype=float).reshape(-1, 1)
        return cls(kind, size, np.zeros(size.shape))

    def with_extra(self, kind, size_deg, offset_deg) -> SpatialComponents:
        """These components plus further columns (arrays of shape (n_sources, k)).

        Parameters
        ----------
        kind : array-like of str
            Kinds of the extra components, shape ``(n_sources,)`` or ``(n_sources, k)``.
        size_deg, offset_deg : array-like of float
            Their sizes and offsets from the catalog position, in degrees.

        Returns
        -------
        `SpatialComponents`
            A new object with ``k`` more columns.

        Examples
        --------
        >>> from skymask.catalog import SpatialComponents
        >>> main = SpatialComponents.single(["point"], [0])
        >>> both = main.with_extra(["disk"], [0.5], [1.0])
        >>> both.kind.tolist(), both.extension_radius_deg().tolist()
        ([['point', 'disk']], [1.5])
        """
        kind, size, offset = (
            value if value.ndim == 2 else value.reshape(len(self), 1)
            for value in (
                np.asarray(kind, dtype=str),
                np.asarray(size_deg, dtype=float),
                np.asarray(offset_deg, dtype=float),
            )
        )
        return SpatialComponents(
            np.concatenate([self.kind, kind], axis=1).astype(str),
            np.concatenate([self.size_deg, size], axis=1),
            np.concatenate([self.offset_deg, offset], axis=1),
        )

    def __len__(self) -> int:
        return self.kind.shape[0]

    def __getitem__(self, index) -> SpatialComponents:
        """Select sources (rows) with anything numpy accepts as a first index."""
        return SpatialComponents(
            self.kind[index].reshape(-1, self.kind.shape[1]),
            self.size_deg[index].reshape(-1, self.kind.shape[1]),
            self.offset_deg[index].reshape(-1, self.kind.shape[1]),
        )

    @property
    def morphology(self) -> np.ndarray:
        """Kind of each source's main component.

        Examples
        --------
        >>> from skymask.catalog import SpatialComponents
        >>> SpatialComponents.single(["point", "shell"], [0, 0.3]).morphology.tolist()
        ['point', 'shell']
        """
        return self.kind[:, 0]

    @property
    def extension_deg(self) -> np.ndarray:
        """Size of each source's main component in degrees (0 for point sources).

        Examples
        --------
        >>> from skymask.catalog import SpatialComponents
        >>> SpatialComponents.single(["point", "shell"], [0, 0.3]).extension_deg
        array([0. , 0.3])
        """
        return np.where(self.kind[:, 0] == "point", 0.0, self.size_deg[:, 0])

    def extension_radius_deg(self, containment: float = DEFAULT_CONTAINMENT) -> np.ndarray:
        """The radius containing each source, in degrees (see the module docstring).

        Parameters
        ----------
        containment : float
            Fraction of a Gaussian component to contain, in (0, 1).

        Returns
        -------
        `numpy.ndarray`
            One radius per source.

        Examples
        --------
        >>> from skymask.catalog import SpatialComponents
        >>> components = SpatialComponents.single(["disk", "gaussian"], [0.3, 0.1])
        >>> components.extension_radius_deg(0.95).round(4)
        array([0.3   , 0.2448])
        """
        return extension_radius_deg(self.kind, self.size_deg, self.offset_deg, containment)


def extension_radius_deg(kind, size_deg, offset_deg, containment=DEFAULT_CONTAINMENT):
    """Largest ``offset + component radius`` per row, in degrees.

    Parameters
    ----------
    kind, size_deg, offset_deg : array_like, shape (n_sources, n_components)
        As in `SpatialComponents`.
    containment : float
        Fraction of a Gaussian component's flux inside its radius.

    Returns
    -------
    ndarray, shape (n_sources,)

    Examples
    --------
    >>> kind = np.array([["point", ""], ["disk", ""], ["gaussian", "gaussian"]])
    >>> size = np.array([[0.0, np.nan], [0.5, np.nan], [0.1, 0.2]])
    >>> offset = np.array([[0.0, np.nan], [0.0, np.nan], [0.0, 0.3]])
    >>> extension_radius_deg(kind, size, offset, containment=0.95).round(4).tolist()
    [0.0, 0.5, 0.7895]
    """
    kind = np.atleast_2d(np.asarray(kind, dtype=str))
    size = np.atleast_2d(np.asarray(size_deg, dtype=float))
    offset = np.atleast_2d(np.asarray(offset_deg, dtype=float))
    factor = gaussian_containment_factor(containment)
    radius = np.where(kind == "gaussian", size * factor, size)
    radius = np.where(kind == "point", 0.0, radius)
    total = np.where(kind == "", -np.inf, offset + np.nan_to_num(radius, nan=0.0))
    if total.shape[1] == 0:
        return np.zeros(total.shape[0])
    return np.max(total, axis=1)

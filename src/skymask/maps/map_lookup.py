"""The lookup methods of `~skymask.maps.Map` (gammapy's names), delegating to `.lookup`."""

from __future__ import annotations

from . import lookup

__all__ = ["LookupMixin"]


class LookupMixin:
    """``get_by_*``, ``set_by_*``, ``fill_by_*``, ``interp_by_*`` and ``get_image_by_*``.

    Positions are index tuples ``(ix, iy, axis indices...)``, pixel tuples (rounded to the
    nearest index), or coordinates (a tuple ``(lon, lat, ...)`` or ``(skycoord, ...)``, a
    dict, a `~skymask.maps.MapCoord`, a `~astropy.coordinates.SkyCoord` for images). A
    position outside the map is skipped by ``set``/``fill`` and gives the fill value in
    ``get``. See `skymask.maps.lookup` for the shared rules.
    """

    # ------------------------------------------------------------------ get
    def get_by_idx(self, idx, fill_value=None):
        """Values at integer indices ``(ix, iy, axis indices...)``.

        Parameters
        ----------
        idx : tuple of array-like
            One index array per map axis (broadcast together); float arrays are rounded.
        fill_value : scalar, optional
            Value for positions outside the map (index -1 or out of range). Default: NaN for
            float maps, False for masks, 0 for integer maps (the map's dtype is kept, X37).
            Given, the result has ``numpy.result_type(dtype, fill_value)``.

        Returns
        -------
        ndarray
            Scalar indices give shape (1,), as in gammapy.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 2), binsz=1)
        >>> m.data[:] = [[0, 1, 2], [3, 4, 5]]
        >>> m.get_by_idx(([2, 0, 5], [1, 0, 0])).tolist()
        [5.0, 0.0, nan]
        """
        return lookup.get_by_idx(self, idx, fill_value=fill_value)

    def get_by_pix(self, pix, fill_value=None):
        """Values at pixel coordinates ``(x, y, axis pixels...)``, rounded to the nearest pixel.

        Pixel ``i`` spans ``[i - 0.5, i + 0.5)``.

        Parameters
        ----------
        pix : tuple of array-like
            One pixel-coordinate array per map axis (broadcast together); for HEALPix maps the
            global pixel index comes first, ``(ipix, axis pixels...)``.
        fill_value : scalar, optional
            Value for positions outside the map; see `get_by_idx` (default NaN, False for masks,
            0 for integer maps).

        Returns
        -------
        ndarray
            Scalar coordinates give shape (1,).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 2), binsz=1)
        >>> m.data[:] = [[0, 1, 2], [3, 4, 5]]
        >>> m.get_by_pix(([1.4, 1.5, -0.6], [0.2, 0.6, 0.0])).tolist()
        [1.0, 5.0, nan]
        """
        # Through self.get_by_idx: other pixelisations (HEALPix) index differently.
        return self.get_by_idx(lookup.pix_to_idx(pix), fill_value=fill_value)

    def get_by_coord(self, coords, fill_value=None):
        """Values at world coordinates (the pixel containing each position).

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            ``(lon, lat, x_0, ...)`` (plain numbers are degrees and axis units),
            ``(skycoord, x_0, ...)``, or a dict by axis name. Positions in another frame are
            converted. Non-spatial coordinates select the bin whose half-open range
            ``[lo, hi)`` contains them.
        fill_value : scalar, optional
            See `get_by_idx` (default: NaN, False for masks, 0 for integer maps; X37).

        Returns
        -------
        ndarray

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=5, binsz=1)
        >>> m.data[2, 2] = 7
        >>> m.get_by_coord((0, 0)).tolist(), m.get_by_coord(([0, 10], [0, 0])).tolist()
        ([7.0], [7.0, nan])
        """
        return self.get_by_idx(self.geom.coord_to_idx(coords), fill_value=fill_value)

    # ------------------------------------------------------------------ set
    def set_by_idx(self, idx, vals):
        """Set the pixels at integer indices ``(ix, iy, axis indices...)`` to ``vals``.

        Parameters
        ----------
        idx : tuple of array-like
            One index array per map axis; float arrays are rounded. Positions outside the map
            are skipped (gammapy writes index -1 into the last pixel; X70).
        vals : array-like or `~astropy.units.Quantity`
            Broadcast against the positions. A Quantity is converted to the map's unit (a map
            without unit takes its numbers, as in gammapy). Where a position repeats, the
            last value wins.

        Raises
        ------
        ValueError
            On a boolean map, for values other than booleans or exact 0/1 (numpy would make
            NaN and 0.5 True; X70): the map stays a mask.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> mask = Map.create(npix=(3, 1), binsz=1, dtype=bool)
        >>> mask.set_by_idx(([0, 2, 7], [0, 0, 0]), True)
        >>> mask.data.tolist()
        [[True, False, True]]
        """
        lookup.set_by_idx(self, idx, vals)

    def set_by_pix(self, pix, vals):
        """Set the pixels containing pixel coordinates ``(x, y, axis pixels...)``.

        Coordinates are rounded to the nearest pixel; see `set_by_idx`.

        Parameters
        ----------
        pix : tuple of array-like
            One pixel-coordinate array per map axis; positions outside the map are skipped.
        vals : array-like or `~astropy.units.Quantity`
            Broadcast against the positions; see `set_by_idx` (units, masks).

        Raises
        ------
        ValueError
            On a boolean map, for values other than booleans or exact 0/1.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 1), binsz=1)
        >>> m.set_by_pix(([0.4, 1.6], [0.0, 0.0]), [1, 2])
        >>> m.data.tolist()
        [[1.0, 0.0, 2.0]]
        """
        lookup.set_by_idx(self, lookup.pix_to_idx(pix), vals)

    def set_by_coord(self, coords, vals):
        """Set the pixels containing world coordinates.

        Positions outside the map are skipped; see `set_by_idx` for ``vals`` and masks.

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Positions (and non-spatial coordinates); see `get_by_coord`.
        vals : array-like or `~astropy.units.Quantity`
            Broadcast against the positions.

        Raises
        ------
        ValueError
            On a boolean map, for values other than booleans or exact 0/1.

        Examples
        --------
        (50, 0) is outside the 3 x 3 deg map and skipped:

        >>> from skymask.maps import Map
        >>> m = Map.create(npix=3, binsz=1)
        >>> m.set_by_coord(([0, 50], [0, 0]), 4.0)
        >>> float(m.data.sum()), float(m.data[1, 1])
        (4.0, 4.0)
        """
        lookup.set_by_idx(self, self.geom.coord_to_idx(coords), vals)

    # ------------------------------------------------------------------ fill
    def fill_by_idx(self, idx, weights=None):
        """Add ``weights`` (default 1) at integer indices, accumulating repeated positions.

        Parameters
        ----------
        idx : tuple of array-like
            One index array per map axis; float arrays are rounded; positions outside the map
            are skipped.
        weights : array-like or `~astropy.units.Quantity`, optional
            Broadcast against the positions; a Quantity is converted to the map's unit.

        Notes
        -----
        Repeated positions add up (``numpy.add.at``). The weights of a pixel are summed
        first and cast to the map's dtype once, as in gammapy: an integer map receives the
        truncated sum. A boolean map stays a mask: a pixel becomes True where its summed
        weight is non-zero (every hit without weights), True pixels stay True; NaN weights
        are refused there.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 1), binsz=1)
        >>> m.fill_by_idx(([0, 0, 2, 9], [0, 0, 0, 0]), weights=[1.0, 2.0, 0.5, 9.0])
        >>> m.data.tolist()
        [[3.0, 0.0, 0.5]]
        """
        lookup.fill_by_idx(self, idx, weights=weights)

    def fill_by_pix(self, pix, weights=None):
        """`fill_by_idx` at pixel coordinates rounded to the nearest pixel.

        Parameters
        ----------
        pix : tuple of array-like
            One pixel-coordinate array per map axis; positions outside the map are skipped.
        weights : array-like or `~astropy.units.Quantity`, optional
            Added at each position (default 1); see `fill_by_idx`.

        Examples
        --------
        0.2 and -0.2 both round to pixel 0:

        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 1), binsz=1, dtype=int)
        >>> m.fill_by_pix(([0.2, -0.2, 1.7], [0.0, 0.0, 0.0]))
        >>> m.data.tolist()
        [[2, 0, 1]]
        """
        lookup.fill_by_idx(self, lookup.pix_to_idx(pix), weights=weights)

    def fill_by_coord(self, coords, weights=None):
        """`fill_by_idx` at world coordinates.

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Positions (and non-spatial coordinates); see `get_by_coord`. Positions outside the
            map are skipped.
        weights : array-like or `~astropy.units.Quantity`, optional
            Added at each position (default 1); see `fill_by_idx`.

        Examples
        --------
        Two events at (0, 0), the centre pixel, and one at (1, 0), the pixel to its left (lon
        increases to the left):

        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import Map
        >>> counts = Map.create(npix=3, binsz=1, dtype=int)
        >>> counts.fill_by_coord(SkyCoord([0, 0, 1], [0, 0, 0], unit="deg"))
        >>> counts.data.tolist()
        [[0, 0, 0], [1, 2, 0], [0, 0, 0]]
        """
        lookup.fill_by_idx(self, self.geom.coord_to_idx(coords), weights=weights)

    # ------------------------------------------------------------------ interpolation
    def interp_by_pix(self, pix, method="linear", fill_value=None, values_scale="lin"):
        """Interpolate at pixel coordinates ``(x, y, axis pixels...)``.

        Parameters
        ----------
        pix : tuple of array-like
            One pixel-coordinate array per map axis, broadcast together.
        method : {"linear", "nearest"}
            Multi-linear between pixel centres, extrapolating linearly beyond the outermost
            ones; or the nearest pixel (clipped to the map; ties go to the lower pixel).
            Axes of one bin are constant. As gammapy (scipy's RegularGridInterpolator).
        fill_value : scalar, optional
            None (default) extrapolates, as gammapy. Given, positions outside the map
            (beyond the outer pixel edges) and non-finite results get it.
        values_scale : {"lin", "log", "sqrt"}
            Interpolate the log or the square root of the values (linear method).

        Returns
        -------
        ndarray
            Linear: float64; non-finite map values count as 0, as in gammapy. Nearest: the
            map's dtype, NaN pixel values kept (gammapy reads them as 0; X71). Positions
            with non-finite coordinates (outside the projection) give ``fill_value``, or
            without it NaN (False for masks, 0 for integer maps).

        Notes
        -----
        Boolean maps: ``"nearest"`` returns booleans (a mask lookup); ``"linear"`` returns,
        as gammapy, the float interpolation of True = 1 and False = 0 (the weighted fraction
        of True neighbours, in [0, 1]); compare it with a threshold to get a mask.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 1), binsz=1)
        >>> m.data[:] = [[0.0, 10.0, 20.0]]
        >>> m.interp_by_pix(([0.25, 2.5, 5.0], [0, 0, 0])).tolist()
        [2.5, 25.0, 50.0]
        >>> m.interp_by_pix(([0.25, 2.5, 5.0], [0, 0, 0]), fill_value=-1).tolist()
        [2.5, -1.0, -1.0]
        """
        return lookup.interp_by_pix(
            self, pix, method=method, fill_value=fill_value, values_scale=values_scale
        )

    def interp_by_coord(self, coords, method="linear", fill_value=None, values_scale="lin"):
        """Interpolate at world coordinates (see `get_by_coord` for ``coords``).

        The coordinates become pixel coordinates through the geometry (non-spatial axes in
        their interpolation scale, e.g. log energy), then `interp_by_pix` applies.

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            ``(lon, lat, x_0, ...)`` (plain numbers are degrees and axis units),
            ``(skycoord, x_0, ...)``, or a dict by axis name. Positions in another frame are
            converted.
        method : {"linear", "nearest"}
            Multi-linear between pixel centres, or the nearest pixel (see `interp_by_pix`).
        fill_value : scalar, optional
            None (default) extrapolates, as gammapy. Given, positions outside the map and
            non-finite results get it.
        values_scale : {"lin", "log", "sqrt"}
            Interpolate the log or the square root of the values (linear method).

        Returns
        -------
        ndarray
            The interpolated values, one per position (see `interp_by_pix` for the dtype).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 3), binsz=0.1)
        >>> m.data[:] = np.arange(9).reshape(3, 3)
        >>> round(float(m.interp_by_coord({"lon": 0.07, "lat": 0.03})[0]), 6)
        4.2
        >>> m.interp_by_coord({"lon": 0.07, "lat": 0.03}, method="nearest").tolist()
        [3.0]
        """
        return lookup.interp_by_pix(
            self,
            self.geom.coord_to_pix(coords),
            method=method,
            fill_value=fill_value,
            values_scale=values_scale,
        )

    # ------------------------------------------------------------------ image planes
    def get_image_by_idx(self, idx):
        """The image plane at non-spatial indices ``(i_0, ..., i_n)`` (a view of the data).

        Parameters
        ----------
        idx : tuple of int
            One index per non-spatial axis, in axis order.

        Returns
        -------
        `~skymask.maps.Map`
            An image on the geometry without non-spatial axes.

        Raises
        ------
        ValueError
            Without exactly one index per non-spatial axis.
        IndexError
            For an index out of range (negative indices count from the end).

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=2, binsz=1, axes=[axis])
        >>> m.data[1] = 5
        >>> image = m.get_image_by_idx((1,))
        >>> image.geom.is_image, image.data.tolist()
        (True, [[5.0, 5.0], [5.0, 5.0]])
        """
        return lookup.get_image_by_idx(self, idx)

    def get_image_by_pix(self, pix):
        """The image plane at non-spatial pixel coordinates (rounded to the nearest bin).

        Parameters
        ----------
        pix : tuple of float
            One pixel coordinate per non-spatial axis, in axis order (bin ``i`` spans
            ``[i - 0.5, i + 0.5)``).

        Returns
        -------
        `~skymask.maps.Map`
            An image on the geometry without non-spatial axes.

        Raises
        ------
        ValueError
            Without exactly one coordinate per non-spatial axis.
        IndexError
            For a coordinate outside the axis.

        Examples
        --------
        Pixel 0.7 rounds to the second bin:

        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=2, binsz=1, axes=[axis])
        >>> m.data[1] = 5
        >>> float(m.get_image_by_pix((0.7,)).data.sum())
        20.0
        """
        return lookup.get_image_by_pix(self, pix)

    def get_image_by_coord(self, coords):
        """The image plane containing the non-spatial coordinates.

        Parameters
        ----------
        coords : tuple or dict
            ``(x_0, ..., x_n)`` in axis order, or a dict by axis name; Quantities, strings
            such as ``"500 GeV"`` or numbers in the axis unit. Coordinates beyond an axis
            select its first or last bin, as gammapy.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=2, binsz=1, axes=[axis])
        >>> m.data[1] = 5
        >>> float(m.get_image_by_coord({"energy": "5 TeV"}).data.sum())
        20.0
        """
        return lookup.get_image_by_coord(self, coords)

"""Cutouts and WCS tiles of HEALPix maps: the methods `HpxNDMap` inherits from
`HpxNDMapTransforms` (gammapy 2.1's ``HpxNDMap.cutout``, ``to_wcs_tiles``, ``from_wcs_tiles``).

The geometry side is ``skymask.maps.hpx.geom_transforms``; here the data follow it.
"""

from __future__ import annotations

import numpy as np

from ...utils.units import describe

__all__ = ["HpxNDMapTransforms"]

_CUTOUT_MODES = ("trim", "partial", "strict")


class HpxNDMapTransforms:
    """Cutouts and WCS tiles of `~skymask.maps.HpxNDMap` (a mixin: every method is an
    `HpxNDMap` method).

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> from skymask.maps import Map
    >>> m = Map.create(nside=32, map_type="hpx", frame="galactic", dtype=bool)
    >>> m.cutout(SkyCoord(0, 0, unit="deg", frame="galactic"), "10 deg").data.shape
    (28,)
    """

    def cutout(self, position, width, mode="trim", odd_npix=False, min_npix=1):
        """The map on the disk of diameter ``width`` around ``position`` (data copied).

        The geometry is `~skymask.maps.HpxGeom.cutout`: every pixel whose centre lies within
        ``width / 2`` of ``position``. Pixels of the disk that are not in a partial-sky map are
        0 (False for a mask); gammapy 2.1 gives them the value of the map's last pixel (X171).
        A mask stays a mask.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord` or (lon, lat)
            Centre of the cutout; a pair is in the map's frame (plain numbers are degrees).
        width : angle
            Diameter of the disk; plain numbers are degrees.
        mode : {"trim", "partial", "strict"}
            "strict" refuses a disk that reaches outside a partial-sky map; "trim" and
            "partial" fill those pixels (HEALPix cutouts are never trimmed).
        odd_npix : bool
            Not used on HEALPix (the WCS cutout option, accepted for code written for both).
        min_npix : int
            Not used on HEALPix (as ``odd_npix``).

        Returns
        -------
        HpxNDMap

        Raises
        ------
        TypeError
            ``position`` is neither a SkyCoord nor a (lon, lat) pair.
        ValueError
            A bad ``mode`` or ``width``; ``mode="strict"`` and the disk reaches outside the map.

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=8, map_type="hpx", frame="galactic")
        >>> m.data = np.arange(768.0)
        >>> cut = m.cutout(SkyCoord(0, 0, unit="deg", frame="galactic"), width="30 deg")
        >>> cut.data[:4].tolist()
        [268.0, 269.0, 270.0, 271.0]
        """
        if mode not in _CUTOUT_MODES:
            raise ValueError(f"mode must be one of {_CUTOUT_MODES}, got {mode!r}")
        if not isinstance(odd_npix, (bool, np.bool_)):
            raise TypeError(f"odd_npix must be True or False, got {describe(odd_npix)}")
        geom = self.geom.cutout(position, width)
        if self.geom.is_allsky:  # every pixel of the disk is in the map, at its own index
            return self.__class__(geom, data=self.data[..., geom.ipix], unit=self.unit,
                                  meta=dict(self.meta))  # fmt: skip
        local = self.geom._pix_local(geom.ipix)
        outside = local < 0
        if outside.any() and mode == "strict":
            raise ValueError(
                f"the cutout disk holds {int(outside.sum())} pixels outside this partial-sky "
                "map; use mode='partial' (they are 0, False for a mask) or a smaller width"
            )
        data = self.data[..., np.where(outside, 0, local)]
        if outside.any():
            data[..., outside] = 0
        return self.__class__(geom, data=data, unit=self.unit, meta=dict(self.meta))

    def to_wcs_tiles(self, nside_tiles=4, margin="0 deg", method="nearest", oversampling_factor=1):
        """The map on the TAN tiles of `~skymask.maps.HpxGeom.to_wcs_tiles` (all-sky maps).

        Each tile pixel takes the value of the HEALPix pixel holding its centre
        (`~skymask.maps.Map.interp_to_geom`, nearest pixel). A mask gives boolean tiles.

        Parameters
        ----------
        nside_tiles : int
            nside of the tiling, below the map's.
        margin : angle
            Added to the width of every tile; plain numbers are degrees.
        method : {"nearest"}
            Only the nearest pixel on HEALPix (X113).
        oversampling_factor : int
            Tile pixels this many times smaller than the HEALPix pixel size.

        Returns
        -------
        list of `~skymask.maps.WcsNDMap`
            ``12 * nside_tiles**2`` tiles, in the order of the coarse pixels.

        Raises
        ------
        ValueError
            A partial-sky map; a bad ``nside_tiles``; ``method`` other than "nearest".

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=8, map_type="hpx", frame="galactic", dtype=bool)
        >>> m.data[:] = True
        >>> tiles = m.to_wcs_tiles(nside_tiles=4)
        >>> len(tiles), tiles[0].is_mask, bool(tiles[32].data.all())
        (192, True, True)
        """
        if isinstance(oversampling_factor, (bool, np.bool_)) or not isinstance(
            oversampling_factor, (int, np.integer)
        ) or oversampling_factor < 1:  # fmt: skip
            raise ValueError(
                f"oversampling_factor must be a positive integer, got {oversampling_factor!r}"
            )
        tiles = []
        for geom in self.geom.to_wcs_tiles(nside_tiles=nside_tiles, margin=margin):
            if oversampling_factor > 1:
                geom = geom.upsample(int(oversampling_factor))
            tiles.append(self.interp_to_geom(geom, fill_value=_fill(self), method=method))
        return tiles

    @classmethod
    def from_wcs_tiles(cls, wcs_tiles, nest=True):
        """All-sky HEALPix map from the WCS tiles of `to_wcs_tiles` (one per coarse pixel).

        The nside is the one whose pixel size is the tiles' (`~skymask.maps.HpxGeom.create`
        with ``binsz``); the tiling's nside comes from the number of tiles. Each HEALPix pixel
        takes the value of the tile of its coarse pixel (the tile whose centre lies in it) at
        its centre, by the tile's `~skymask.maps.Map.interp_by_coord` (nearest pixel for
        masks, which give a mask).

        Parameters
        ----------
        wcs_tiles : list of `~skymask.maps.WcsNDMap`
            ``12 * n**2`` tiles on TAN geometries of one pixel size, frame and axes.
        nest : bool
            Ordering of the result (and of the tiling).

        Returns
        -------
        HpxNDMap

        Raises
        ------
        TypeError
            Not a list of WCS maps.
        ValueError
            A number of tiles that is not ``12 n**2`` (``n`` a power of 2 for nested); two
            tile centres in one coarse pixel.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, HpxNDMap, Map
        >>> geoms = HpxGeom.create(nside=8).to_wcs_tiles(nside_tiles=4)
        >>> m = HpxNDMap.from_wcs_tiles([Map.from_geom(g, data=1.0) for g in geoms])
        >>> int(m.geom.nside[0]), round(float(m.data.min()), 9)
        (8, 1.0)
        """
        from ..map import WcsNDMap
        from .geom import HpxGeom

        if not isinstance(wcs_tiles, (list, tuple)) or not wcs_tiles:
            raise TypeError(f"wcs_tiles must be a non-empty list of WCS maps, got "
                            f"{describe(wcs_tiles)}")  # fmt: skip
        for tile in wcs_tiles:
            if not isinstance(tile, WcsNDMap):
                raise TypeError(f"wcs_tiles must hold WCS maps, got {describe(tile)}")
        nside_tiles = float(np.sqrt(len(wcs_tiles) / 12))
        if not nside_tiles.is_integer():
            raise ValueError(
                f"need 12 * n**2 tiles (one per pixel of a HEALPix tiling), got {len(wcs_tiles)}"
            )
        first = wcs_tiles[0]
        geom = HpxGeom.create(
            binsz=first.geom.pixel_scales[0], frame=first.geom.frame, nest=nest,
            axes=first.geom.axes,
        )  # fmt: skip
        tiling = HpxGeom(int(nside_tiles), nest=nest, frame=geom.frame)
        # Interpolated values are floats (masks stay masks: nearest pixel).
        dtype = bool if first.is_mask else np.result_type(first.data.dtype, np.float32)
        out = cls.from_geom(geom, unit=first.unit, dtype=dtype)
        coord = geom.get_coord()
        lon, lat = coord.lon.to_value("deg"), coord.lat.to_value("deg")
        # Coarse pixel of every fine pixel (the first plane holds every sky pixel once).
        plane = (0,) * (lon.ndim - 1)
        owner = tiling.coord_to_idx((lon[plane], lat[plane]))[0]
        seen = np.zeros(len(wcs_tiles), dtype=bool)
        for tile in wcs_tiles:
            centre = tile.geom.center_skydir
            index = int(tiling.coord_to_idx(centre)[0][0])
            if seen[index]:
                raise ValueError(f"two tiles are centred in coarse pixel {index}: give each "
                                 "coarse pixel one tile (HpxGeom.to_wcs_tiles)")  # fmt: skip
            seen[index] = True
            inside = owner == index
            values = {key: coord[key][..., inside] for key in coord.axis_names}
            method = "nearest" if tile.is_mask else "linear"
            out.data[..., inside] = tile.interp_by_coord(values, method=method)
        return out

    def upsample(self, factor, order=0, preserve_counts=True, axis_name=None):
        """Every pixel split into its ``factor**2`` sub-pixels (`~skymask.maps.HpxGeom.upsample`).

        The sub-pixels repeat the pixel's value, divided by ``factor**2`` when
        ``preserve_counts`` (HEALPix pixels have equal areas, so sums are kept exactly). A mask
        is repeated and stays a mask. With ``axis_name`` the bins of that axis are split
        instead (`~skymask.maps.Map.upsample`).

        Parameters
        ----------
        factor : int
            Power of 2.
        order : int
            Only 0 (nearest) on the sphere, as gammapy.
        preserve_counts : bool
            Divide by ``factor**2`` (numeric maps; the result is floating point).
        axis_name : str, optional
            Up-sample this non-spatial axis instead of the sky.

        Returns
        -------
        HpxNDMap

        Raises
        ------
        ValueError
            ``order`` other than 0; a bad ``factor`` (see `~skymask.maps.HpxGeom.upsample`).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=1, map_type="hpx", dtype=bool)
        >>> m.data[3] = True
        >>> up = m.upsample(2)
        >>> up.is_mask, up.data.nonzero()[0].tolist()
        (True, [12, 13, 14, 15])
        """
        if axis_name is not None:
            return super().upsample(factor, order=order, preserve_counts=preserve_counts,
                                    axis_name=axis_name)  # fmt: skip
        if order != 0:
            raise ValueError(
                f"HEALPix maps upsample by repeating values only: order must be 0, got {order!r}"
            )
        geom = self.geom.upsample(factor)
        parent = _parent_local(self.geom, geom, int(factor))
        data = self.data[..., parent]
        if preserve_counts and not self.is_mask:
            data = data / np.asarray(int(factor) ** 2, np.result_type(data.dtype, np.float32))
        return self.__class__(geom, data=data, unit=self.unit, meta=dict(self.meta))

    def downsample(self, factor, preserve_counts=True, axis_name=None, weights=None, func=None):
        """Pixels merged into their parents at the nside divided by ``factor``.

        The rules of `~skymask.maps.Map.downsample` per parent pixel (its sub-pixels in this
        map): ``func=None`` sums (``preserve_counts``) or averages numeric maps and takes "any"
        for a mask, which stays a mask; "all" too; NaN counts as 0 in sums. The mean is over
        the sub-pixels present (weighted by ``weights``): on the edge of a partial-sky map
        gammapy divides by ``factor**2`` whatever the number present (X173).

        Parameters
        ----------
        factor : int
            Power of 2 dividing the nside.
        preserve_counts : bool
            With ``func=None``: sum (True) or mean (False).
        axis_name : str, optional
            Merge bins of this non-spatial axis instead (`~skymask.maps.Map.downsample`).
        weights : `~skymask.maps.Map` or ndarray, optional
            Multiplied into the data before the sum; the mean divides by their sum.
        func : {None, "sum", "mean", "any", "all"}
            The reduction.

        Returns
        -------
        HpxNDMap

        Raises
        ------
        ValueError
            A bad ``factor`` (see `~skymask.maps.HpxGeom.downsample`) or ``func``.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=2, map_type="hpx")
        >>> m.data = np.arange(48.0)
        >>> m.downsample(2).data[:2].tolist()
        [6.0, 22.0]
        >>> (m > 46).downsample(2).data.nonzero()[0].tolist()
        [11]
        """
        from ..transforms import _reduction

        if axis_name is not None:
            return super().downsample(factor, preserve_counts=preserve_counts,
                                      axis_name=axis_name, weights=weights, func=func)  # fmt: skip
        geom = self.geom.downsample(factor)
        name = _reduction(self, func, preserve_counts)
        block = int(factor) ** 2
        order, key = _nested_parents(self.geom, int(factor))
        data = self.data if order is None else self.data[..., order]
        n_parents = int(geom.npix.flat[0])
        complete = key.size == block * n_parents
        starts = None if complete else np.flatnonzero(np.diff(key, prepend=-1))
        # Where each group (parents in nested order) goes in the coarse geometry's data.
        group_keys = key[::block] if complete else key[starts]
        positions = _coarse_local(geom, group_keys)

        def group(ufunc, array):
            # Sub-pixels of one parent are consecutive: whole blocks reshape, others reduceat.
            if complete:
                shaped = array.reshape(*array.shape[:-1], -1, block)
                return ufunc.reduce(shaped, axis=-1)
            return ufunc.reduceat(array, starts, axis=-1)

        if name in ("any", "all"):
            values = data if data.dtype == bool else data != 0
            out = group(np.logical_or if name == "any" else np.logical_and, values)
            return self.__class__(geom, data=_place(out, positions), unit=self.unit,
                                  meta=dict(self.meta))  # fmt: skip
        values = data.astype(np.int64) if data.dtype == bool else data
        w = None
        if weights is not None:
            w = np.broadcast_to(getattr(weights, "data", weights), self.data.shape)
            w = w if order is None else w[..., order]
            values = values * w
        if values.dtype.kind == "f":
            values = np.where(np.isnan(values), 0, values)
        total = group(np.add, values)
        if name == "mean":
            if w is None and complete:
                count = float(block)
            elif w is None:
                count = np.diff(np.append(starts, key.size)).astype(float)
            else:
                count = group(np.add, np.nan_to_num(np.asarray(w, float)))
            with np.errstate(invalid="ignore", divide="ignore"):
                total = np.where(count > 0, total / np.where(count > 0, count, 1), 0.0)
        if not self.is_mask:
            total = total.astype(np.result_type(self.data.dtype, total.dtype)
                                 if name == "mean" else self.data.dtype)  # fmt: skip
        return self.__class__(geom, data=_place(total, positions), unit=self.unit,
                              meta=dict(self.meta))  # fmt: skip

    def to_nside(self, nside, preserve_counts=True):
        """The map up- or down-sampled to ``nside`` (gammapy 2.1's ``HpxNDMap.to_nside``).

        A larger nside is `upsample` by ``nside / self.geom.nside``, a smaller one `downsample`
        by the inverse ratio, the same nside a copy. A mask stays a mask: up-sampled sub-pixels
        repeat their parent's value, a down-sampled pixel is True where any of its sub-pixels
        is ("any"), whatever ``preserve_counts``.

        Parameters
        ----------
        nside : int
            The new nside; its ratio to the map's nside must be a power of 2.
        preserve_counts : bool
            Keep the sum over each pixel (integral quantities such as counts: up-sampling
            divides, down-sampling sums) rather than the value (means).

        Returns
        -------
        HpxNDMap

        Raises
        ------
        TypeError
            ``nside`` not an integer.
        ValueError
            ``nside`` not positive or its ratio to the map's nside not a power of 2.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=2, map_type="hpx")
        >>> m.data = np.ones(48)
        >>> m.to_nside(1).data[:3].tolist(), m.to_nside(4).data[:2].tolist()
        ([4.0, 4.0, 4.0], [0.25, 0.25])
        >>> mask = Map.create(nside=1, map_type="hpx", dtype=bool)
        >>> mask.data[3] = True
        >>> up = mask.to_nside(2)
        >>> up.is_mask, up.data.nonzero()[0].tolist()
        (True, [12, 13, 14, 15])
        """
        current = int(np.asarray(self.geom.nside).flat[0])
        if not isinstance(nside, (int, np.integer)) or isinstance(nside, bool):
            raise TypeError(
                f"nside must be an integer (e.g. {current * 2} or {max(current // 2, 1)}), "
                f"got {nside!r} of type {type(nside).__name__}"
            )
        valid = nside > 0
        if valid:
            big, small = max(int(nside), current), min(int(nside), current)
            valid = big % small == 0 and (big // small) & (big // small - 1) == 0
        if not valid:
            raise ValueError(
                f"nside must be a positive integer whose ratio to the map's nside {current} is a "
                f"power of 2 (e.g. {current * 2} or {max(current // 2, 1)}), got {nside!r}"
            )
        if nside > current:
            return self.upsample(int(nside) // current, preserve_counts=preserve_counts)
        if nside < current:
            return self.downsample(current // int(nside), preserve_counts=preserve_counts)
        return self.copy()

    def pad(self, pad_width, axis_name=None, mode="constant", cval=0, method="linear"):
        """The partial-sky map grown by ``pad_width`` rings of neighbouring pixels.

        The geometry is `~skymask.maps.HpxGeom.pad`; the new pixels are ``cval`` (a mask takes
        True/False and stays a mask). With ``axis_name`` the axis is padded instead, with the
        modes of `~skymask.maps.Map.pad`.

        Parameters
        ----------
        pad_width : int
            Steps of neighbouring pixels; with ``axis_name``, bins per side or ``(low, high)``.
        axis_name : str, optional
            Pad this non-spatial axis instead of the sky.
        mode : {"constant"}
            Only "constant" on the sky (gammapy's rule); along an axis the modes of
            `~skymask.maps.Map.pad`.
        cval : number or bool
            Value of the new pixels.
        method : {"linear", "nearest"}
            For ``mode="interp"`` along an axis only.

        Returns
        -------
        HpxNDMap

        Raises
        ------
        ValueError
            An all-sky map; another ``mode`` on the sky; a bad ``cval`` for a mask.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=16, map_type="hpx", region="DISK(110,75,10)", dtype=bool)
        >>> m.data[:] = True
        >>> padded = m.pad(1)
        >>> padded.is_mask, int(padded.data.sum()), padded.data.size
        (True, 25, 53)
        """
        from ..transforms import _check_cval

        if axis_name is not None:
            return super().pad(pad_width, axis_name=axis_name, mode=mode, cval=cval,
                               method=method)  # fmt: skip
        if mode != "constant":
            raise ValueError(
                f"HEALPix maps pad the sky with mode='constant' only (gammapy's rule), got {mode!r}"
            )
        cval = _check_cval(self, cval)
        geom = self.geom.pad(pad_width)
        local = self.geom._pix_local(geom.ipix)
        data = np.full(geom.data_shape, cval, dtype=np.result_type(self.data.dtype, cval)
                       if not self.is_mask else bool)  # fmt: skip
        data[..., local >= 0] = self.data[..., local[local >= 0]]
        return self.__class__(geom, data=data, unit=self.unit, meta=dict(self.meta))

    def crop(self, crop_width):
        """The partial-sky map shrunk by ``crop_width`` rings of border pixels
        (`~skymask.maps.HpxGeom.crop`); the data of the pixels kept are copied.

        Parameters
        ----------
        crop_width : int
            Steps of border pixels.

        Returns
        -------
        HpxNDMap

        Raises
        ------
        ValueError
            An all-sky map; a negative ``crop_width``.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=16, map_type="hpx", region="DISK(110,75,10)", dtype=bool)
        >>> cropped = m.crop(1)
        >>> cropped.is_mask, cropped.data.shape
        (True, (6,))
        """
        geom = self.geom.crop(crop_width)
        data = self.data[..., self.geom._pix_local(geom.ipix)]
        return self.__class__(geom, data=data, unit=self.unit, meta=dict(self.meta))


def _nested_parents(fine, factor: int):
    """``(order, key)``: data positions of ``fine`` sorted by nested index (None: already
    sorted) and the nested index of each one's parent at nside / ``factor``, non-decreasing."""
    from .pixels import pix_to_ring, ring_to_pix

    shift = 2 * (int(factor).bit_length() - 1)
    if fine.nest:
        return None, fine.ipix >> shift
    if fine.is_allsky:
        # Ring index of every nested pixel: the data in nested order, without a sort.
        n = int(fine.npix.flat[0])
        return pix_to_ring(fine._nside, True, np.arange(n, dtype=np.int64)), (
            np.arange(n, dtype=np.int64) >> shift
        )
    nested = ring_to_pix(fine._nside, True, fine.ipix)
    order = np.argsort(nested, kind="stable")
    return order, nested[order] >> shift


def _coarse_local(coarse, nested) -> np.ndarray:
    """Local indices in ``coarse`` of pixels given by nested index."""
    from .pixels import pix_to_ring

    pix = nested if coarse.nest else pix_to_ring(coarse._nside, True, nested)
    return coarse._pix_local(pix)


def _place(grouped, positions) -> np.ndarray:
    if np.array_equal(positions, np.arange(positions.size)):
        return grouped
    out = np.empty_like(grouped)
    out[..., positions] = grouped
    return out


def _parent_local(coarse, fine, factor: int) -> np.ndarray:
    """Local index in ``coarse`` of the parent of every pixel of ``fine`` (nside ``factor``
    times the coarse one). Parents are found in the nested scheme (``nested // factor**2``);
    ring indices are converted once per pixel, never back."""
    from ...kernels.healpix import npix_of
    from .pixels import ring_to_pix

    nested = fine.ipix if fine.nest else ring_to_pix(fine._nside, True, fine.ipix)
    parent_nested = nested // factor**2
    if coarse.nest and coarse.is_allsky:
        return parent_nested
    coarse_nested = coarse.ipix if coarse.nest else ring_to_pix(coarse._nside, True, coarse.ipix)
    lookup = np.full(npix_of(coarse._nside), -1, dtype=np.int64)
    lookup[coarse_nested] = np.arange(coarse_nested.size)
    parent = lookup[parent_nested]
    if np.any(parent < 0):  # pragma: no cover - the geometries are built to nest
        raise ValueError("internal error: a sub-pixel has no parent in the coarse geometry")
    return parent


def _fill(m):
    return False if m.is_mask else (np.nan if m.data.dtype.kind == "f" else 0)

"""`HpxNDMap.convolve_wcs` and `HpxNDMap.convolve_full`: HEALPix maps convolved with a WCS
kernel (a PSF kernel or a kernel map), gammapy 2.1's two methods.

- ``convolve_wcs`` (gammapy's "wcs-tan"): the map is put on a TAN grid with the kernel's pixel
  size (each WCS pixel takes an equal share of the HEALPix pixel holding its centre, so sums
  are kept), convolved there (`skymask.maps.Map.convolve`), and each HEALPix pixel takes the
  sum of the WCS pixels whose centres it holds (X199; gammapy takes the count times one of
  them). Partial-sky geometries only, as gammapy.
- ``convolve_full``: on the sphere, in direct space (X200; gammapy goes through healpy's
  spherical harmonics, band-limited at ``3 nside - 1``). The kernel's radial profile (its
  central row, from the centre outwards, against the angle from its centre; gammapy's
  profile) is interpolated linearly at the angle between pixel centres and is 0 beyond the
  row's end. Every non-zero pixel spreads its value over the pixel centres within that
  radius, with weights normalised to sum 1, so the sum over the whole sky is kept exactly.
  Pixels outside a partial-sky geometry count as 0 and what falls outside is lost (gammapy
  embeds the map in an all-sky map of zeros). On a dense all-sky map the symmetries of the
  HEALPix grid share the stencils: in the equatorial band one stencil per ring serves the
  whole ring (every ring there has ``4 nside`` pixels: a turn by one pixel maps the band onto
  itself), and elsewhere the stencils of one eighth of the sky serve all of it (quarter turns
  about the pole and the mirror through the equator). At nside 256 with a 1 deg PSF that is
  ~0.3 s for two planes, about 2/3 of gammapy's time; a sparse map (gammapy's test) takes
  1/60 of it.

Bool rule: both give float64 values (a mask gives the fractions), as `Map.convolve` gives
floats for a mask; threshold the result for a mask.
"""

from __future__ import annotations

import numpy as np

from ...kernels.healpix import (
    _ring_table,
    concat_ranges,
    cones_ring,
    npix_of,
    ring_centres,
    ring_length,
    ring_of_index,
    ring_start,
)
from ...utils.units import describe
from .pixels import pix_to_ring

__all__ = ["HpxNDMapConvolution", "convolve_full", "convolve_wcs", "kernel_map_of"]

# Candidate pairs handled at once (about 50 bytes each): arrays of 2 MB, which the allocator
# reuses from chunk to chunk. With 4M pairs (32 MB arrays) every temporary was fresh pages
# from the system, a third of a dense all-sky convolution at nside 256.
MAX_PAIRS = 1 << 18


def kernel_map_of(kernel):
    """The kernel's WCS map: ``kernel.psf_kernel_map`` (a PSF kernel) or a WCS map itself."""
    kernel_map = getattr(kernel, "psf_kernel_map", kernel)
    geom = getattr(kernel_map, "geom", None)
    if geom is None or not hasattr(geom, "wcs") or not hasattr(kernel_map, "data"):
        raise TypeError(
            "kernel must be a PSF kernel (skymask.irf.PSFKernel) or a WCS kernel map, got "
            f"{describe(kernel)}: a HEALPix convolution needs the kernel's pixel size"
        )
    return kernel_map


def _target_geom(m, kernel_map):
    """The result's geometry: the map's, or an image map with the kernel's axes added."""
    planes = kernel_map.data.shape[:-2]
    if not planes:
        return m.geom
    if m.geom.is_image:
        return m.geom.to_cube(list(kernel_map.geom.axes))
    if planes != m.geom.data_shape[:-1]:
        raise ValueError(
            f"the kernel has planes {planes}, the map {m.geom.data_shape[:-1]}: give one "
            "kernel plane per map plane, or a 2-D kernel"
        )
    return m.geom


def _planes(m, target) -> np.ndarray:
    """The map's data as float planes (n_planes, n_pixels) on the target's planes."""
    n = int(np.ravel(m.geom.npix)[0])
    data = np.asarray(m.data, dtype=float).reshape(-1, n)
    n_planes = int(np.prod(target.data_shape[:-1], dtype=np.int64))
    return np.broadcast_to(data, (n_planes, n)) if data.shape[0] != n_planes else data


def _hpx_size_deg(nside: int) -> float:
    return float(np.degrees(np.sqrt(4 * np.pi / npix_of(nside))))


def convolve_wcs(m, kernel, **kwargs):
    """See `skymask.maps.HpxNDMap.convolve_wcs`."""
    from ..map import WcsNDMap

    kernel_map = kernel_map_of(kernel)
    geom = m.geom
    if geom.is_allsky:
        raise ValueError(
            "convolve_wcs projects the map on one TAN grid, which cannot hold the whole sky: "
            "use convolve_full (convolution_method='') for all-sky maps"
        )
    nside = int(np.ravel(geom.nside)[0])
    wcs_size = float(np.max(kernel_map.geom.to_image().pixel_scales.deg))
    hpx_size = _hpx_size_deg(nside)
    if wcs_size > 0.5 * hpx_size:
        raise ValueError(
            f"the kernel pixel size {wcs_size:g} deg must be at most half the HEALPix pixel "
            f"size {hpx_size:g} deg (nside {nside}): make the kernel on a finer grid"
        )
    target = _target_geom(m, kernel_map)
    image = geom.to_wcs_geom(proj="TAN").to_image().to_binsz(wcs_size)
    # The local HEALPix pixel of every WCS pixel centre (-1 outside the geometry).
    local = geom.to_image().coord_to_idx(image.get_coord())[0]  # same frame: no SkyCoord
    local = np.asarray(geom.global_to_local(local)).ravel()
    inside = local >= 0
    n = int(np.ravel(geom.npix)[0])
    counts = np.bincount(local[inside], minlength=n)
    planes = _planes(m, target)
    wcs_planes = np.zeros((planes.shape[0], local.size))
    wcs_planes[:, inside] = planes[:, local[inside]] / counts[local[inside]]
    wcs_geom = image.to_cube(list(target.axes)) if target.axes else image
    wcs_map = WcsNDMap(wcs_geom, data=wcs_planes.reshape(wcs_geom.data_shape))
    convolved = wcs_map.convolve(kernel_map, **kwargs).data.reshape(planes.shape[0], -1)
    out = _back_to_hpx(geom, image, local, convolved)
    return m.__class__(target, data=out.reshape(target.data_shape), unit=m.unit,
                       meta=dict(m.meta))  # fmt: skip


def _tan_solid_angles(image) -> np.ndarray:
    """Solid angles (sr) of the pixels of a TAN grid: ``dx dy / (1 + x**2 + y**2)**1.5`` at
    the pixel centres, ``x, y`` the plane coordinates in radians (the gnomonic Jacobian; the
    ratios between pixels inside one HEALPix pixel are all that is used)."""
    wcs = image.wcs.wcs
    ny, nx = image.data_shape
    dx, dy = np.radians(np.abs(wcs.cdelt[:2]))
    x = (np.arange(nx) + 1 - wcs.crpix[0]) * dx
    y = (np.arange(ny) + 1 - wcs.crpix[1]) * dy
    return dx * dy / (1 + x[None, :] ** 2 + y[:, None] ** 2) ** 1.5


def _back_to_hpx(geom, image, local, convolved) -> np.ndarray:
    """HEALPix values from WCS planes: the mean surface brightness of the WCS pixels whose
    centres each HEALPix pixel holds, times its solid angle, scaled so that each plane keeps
    the sum of its WCS pixels inside the geometry.

    A plain sum would carry the aliasing of the two grids: the number of WCS centres per
    HEALPix pixel varies (14 to 24 for a mean of 21 at nside 256 and 0.05 deg), and so would
    the values of a smooth map. A pixel holding no WCS centre takes the WCS pixel holding its
    own centre.
    """
    n = int(np.ravel(geom.npix)[0])
    inside = local >= 0
    omega_wcs = _tan_solid_angles(image).ravel()
    area = np.bincount(local[inside], weights=omega_wcs[inside], minlength=n)
    omega_hpx = 4 * np.pi / npix_of(int(np.ravel(geom.nside)[0]))
    empty = np.flatnonzero(area == 0)
    nearest = None
    if empty.size:
        centres = geom.to_image().get_coord().skycoord[empty]
        ix, iy = image.coord_to_idx(centres)
        ny, nx = image.data_shape
        ok = (ix >= 0) & (iy >= 0) & (ix < nx) & (iy < ny)
        nearest = (empty[ok], np.ravel_multi_index((iy[ok], ix[ok]), (ny, nx)))
    out = np.zeros((convolved.shape[0], n))
    for k in range(convolved.shape[0]):
        sums = np.bincount(local[inside], weights=convolved[k, inside], minlength=n)
        out[k] = np.divide(sums, area, out=np.zeros(n), where=area > 0) * omega_hpx
        if nearest is not None:
            out[k, nearest[0]] = convolved[k, nearest[1]] / omega_wcs[nearest[1]] * omega_hpx
        total, got = convolved[k, inside].sum(), out[k].sum()
        if got != 0:
            out[k] *= total / got
    return out


def radial_profiles(kernel_map) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's central row from the centre outwards: angles (radians, shape (n,)) and
    values (shape (n_planes, n))."""
    image = kernel_map.geom.to_image()
    ny, nx = image.data_shape
    row = ny // 2
    angles = image.separation(image.center_skydir).to_value("rad")[row, nx // 2 :]
    values = np.asarray(kernel_map.data, dtype=float).reshape(-1, ny, nx)[:, row, nx // 2 :]
    return angles, values


def _stencils(nside, src_ring, angles, profiles):
    """Per chunk of source pixels (ring indices): ``(sel, ipix, cone, ring, weights)``, the
    pixels within the profile's radius of each source with their rings, and per plane the
    profile at their angle, normalised to sum 1 per source."""
    # The cones reach the first zero sample after the last non-zero one: np.interp gives 0 at
    # and beyond it, so pixels further out would only add zero weights (a PSF kernel cut at
    # max_radius is zero over the outer part of its map).
    nonzero = np.flatnonzero(np.any(profiles != 0, axis=0))
    reach = min(int(nonzero[-1]) + 1, angles.size - 1) if nonzero.size else 0
    radius = float(angles[reach]) if angles[reach] > 0 else float(angles[: reach + 1].max())
    per_cone = max(1.0, 2 * np.pi * (1 - np.cos(radius)) * npix_of(nside) / (4 * np.pi))
    step = max(1, int(MAX_PAIRS // (per_cone + 16)))
    lon, lat = ring_centres(nside, src_ring)
    for start in range(0, src_ring.size, step):
        sel = slice(start, min(src_ring.size, start + step))
        size = lon[sel].size
        # radius + a hair: the profile's last sample is included. The candidate windows (no
        # centre test): the distances are computed here anyway, and the profile is 0 beyond
        # the radius, so the pairs outside get weight 0 and are dropped below.
        ipix, cone, ring = cones_ring(
            nside, lon[sel], lat[sel], np.full(size, radius * (1 + 1e-9)), with_ring=True,
            exact=False,
        )  # fmt: skip
        # The centres from the rings' table: the arithmetic of ring_centres, bitwise.
        # (_ring_table is indexed by ring number - 1; cos(lat) = sin(theta).)
        _, sin_theta, phi0, count, start, plat = (t[ring - 1] for t in _ring_table(nside))
        plon = phi0 + (ipix - start) * (2 * np.pi / count)
        clon, clat = lon[sel][cone], lat[sel][cone]
        # haversine: accurate for small angles
        hav = np.sin((plat - clat) / 2) ** 2 + sin_theta * np.cos(clat) * np.sin(
            (plon - clon) / 2) ** 2  # fmt: skip
        d = 2 * np.arcsin(np.sqrt(np.clip(hav, 0, 1)))
        raw = [np.interp(d, angles, profile, right=0.0) for profile in profiles]
        nonzero = raw[0] != 0
        for w in raw[1:]:
            nonzero |= w != 0
        used = np.flatnonzero(nonzero)
        ipix, cone, ring = ipix[used], cone[used], ring[used]
        weights = []
        for w in raw:
            w = w[used]
            norm = np.bincount(cone, weights=w, minlength=size)
            weights.append(w * np.divide(1.0, norm, out=np.zeros(size), where=norm > 0)[cone])
        yield sel, ipix, cone, ring, weights


class _Turns:
    """The images of ring indices under the symmetries of HEALPix: quarter turns about the
    pole (every ring has a multiple of 4 pixels) and the mirror through the equator (ring
    ``r`` <-> ``4 nside - r``, same position in the ring)."""

    def __init__(self, nside, ipix, ring=None):
        self.nside = nside
        self.ring = ring_of_index(nside, ipix) if ring is None else ring
        _, _, _, count, start, _ = _ring_table(nside)  # indexed by ring number - 1
        self.count = count[self.ring - 1]
        self.start = start[self.ring - 1]
        self.j = ipix - self.start
        self.mirror_start = start[4 * nside - self.ring - 1]

    def image(self, q, mirror):
        start = self.mirror_start if mirror else self.start
        return start + (self.j + q * (self.count // 4)) % self.count


def _band_convolve(nside, angles, profiles, full, out_full, pick) -> int:
    """Adds to ``out_full`` the spread of the sources in the rings of the equatorial band
    whose cones stay in the band; returns the first such ring (``2 nside + 1`` when none).

    Every ring of the band (rings ``nside`` to ``3 nside``) has ``4 nside`` pixels at the
    same longitudes up to a half step alternating with the ring, so a turn about the pole by
    one pixel maps the band onto itself: the stencil of a ring's first pixel, as (ring offset,
    pixel offset, weights), serves every pixel of the ring. The spread is then one
    multiply-add of whole rings per (ring offset, pixel offset), in the same weights and
    with the same normalisation per source as the pixel-by-pixel stencils (`_stencils`), in
    another order of the sums. At nside 256 and a 1 deg kernel this is 2/3 of the sky in 45
    such steps, where the pixel-by-pixel path spends ~200 ns per (source, target) pair.
    """
    count = 4 * nside
    rings = np.arange(nside, 3 * nside + 1)  # row = ring - nside
    parts = [
        (sel.start + cone, ipix, ring, weights)
        for sel, ipix, cone, ring, weights in _stencils(
            nside, ring_start(nside, rings), angles, profiles
        )
    ]
    cone, ipix, ring = (np.concatenate([part[i] for part in parts]) for i in range(3))
    weights = [np.concatenate([part[3][k] for part in parts]) for k in range(len(parts[0][3]))]
    invariant = np.ones(rings.size, dtype=bool)
    invariant[cone[(ring < nside) | (ring > 3 * nside)]] = False
    invariant &= invariant[::-1]  # a ring and its mirror image through the equator
    # the run of invariant rows about the equator's (row nside): rows lo to 2 nside - lo
    if not invariant[nside]:
        return 2 * nside + 1
    lo = nside - int(np.argmin(invariant[nside::-1])) + 1 if not invariant.all() else 0
    keep = (cone >= lo) & (cone <= 2 * nside - lo)
    src_row, dst_row = cone[keep], ring[keep] - nside
    shift = ipix[keep] - ring_start(nside, ring[keep])  # in [0, count)
    key, inverse = np.unique((dst_row - src_row) * count + shift, return_inverse=True)
    weights = [w[keep] for w in weights]
    # The pairs by key, source rows increasing within a key (they are in the stencils).
    order = np.argsort(inverse, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(inverse, minlength=key.size))]
    n_planes = full.shape[0]
    band = slice(int(ring_start(nside, nside)), int(ring_start(nside, 3 * nside)) + count)
    source = full[:, band].reshape(n_planes, rings.size, count)
    target = out_full[:, band].reshape(n_planes, rings.size, count)
    if not np.shares_memory(target, out_full):  # a view of out_full, written in place
        raise AssertionError("the band of the output is not a view")
    for i, offset in enumerate(key):
        d_row, j = divmod(int(offset), count)
        pairs = order[bounds[i] : bounds[i + 1]]
        rows = src_row[pairs]
        # Runs of consecutive source rows only: a row without this offset in its stencil
        # gets no product (0 * a NaN or inf source would reach beyond the kernel).
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        for run in np.split(np.arange(rows.size), breaks):
            first, stop = int(rows[run[0]]), int(rows[run[-1]]) + 1
            out_rows = slice(first + d_row, stop + d_row)
            for k in range(n_planes):
                # pixel p of a source row adds to pixel p + j of its target row
                w = weights[pick(k)][pairs[run], None]
                target[k, out_rows, j:] += w * source[k, first:stop, : count - j]
                if j:
                    target[k, out_rows, :j] += w * source[k, first:stop, count - j :]
    return nside + lo


def convolve_full(m, kernel):
    """See `skymask.maps.HpxNDMap.convolve_full`."""
    kernel_map = kernel_map_of(kernel)
    geom = m.geom
    target = _target_geom(m, kernel_map)
    nside = int(np.ravel(geom.nside)[0])
    angles, profiles = radial_profiles(kernel_map)
    planes = _planes(m, target)
    n_planes, n = planes.shape
    pick = (lambda k: k) if profiles.shape[0] > 1 else (lambda k: 0)
    ring_of_local = pix_to_ring(nside, geom.nest, geom.ipix)
    sources = np.flatnonzero(np.any(planes != 0, axis=0))
    if geom.is_allsky and sources.size > n // 8:
        # Dense all-sky map. The rings of the equatorial band whose cones stay in the band:
        # one stencil per ring, turned along it (_band_convolve). The other sources: the
        # stencils of those in one quarter of the northern half (the equator included when
        # the band leaves it out), turned 4 times and mirrored through the equator.
        full = np.zeros((n_planes, n))
        full[:, ring_of_local] = planes
        out_full = np.zeros((n_planes, n))
        first_band = _band_convolve(nside, angles, profiles, full, out_full, pick)
        rings = np.arange(1, min(first_band, 2 * nside + 1))
        part = concat_ranges(ring_start(nside, rings), ring_length(nside, rings) // 4)
        seen = np.zeros(n, dtype=bool)
        target_of = np.empty(n, dtype=np.intp)
        for sel, ipix, cone, _, weights in _stencils(nside, part, angles, profiles):
            # The images of the sources and of the (distinct) targets, not of every pair:
            # each pair then costs a gather, a product and a bincount into the targets.
            seen[ipix] = True
            targets = np.flatnonzero(seen)
            seen[targets] = False
            target_of[targets] = np.arange(targets.size)
            pair_target = target_of[ipix]
            src_turns = _Turns(nside, part[sel])
            dst_turns = _Turns(nside, targets)
            equator = src_turns.ring == 2 * nside  # the equator has no mirror image
            for q in range(4):
                for mirror in (False, True):
                    src = src_turns.image(q, mirror)
                    dst = dst_turns.image(q, mirror)
                    for k in range(n_planes):
                        values = full[k, src]
                        if mirror:
                            values[equator] = 0.0
                        out_full[k, dst] += np.bincount(
                            pair_target, weights=weights[pick(k)] * values[cone],
                            minlength=targets.size,
                        )  # fmt: skip
        out = out_full[:, ring_of_local]
    else:
        # Local pixels by ring index, to drop what lands outside a partial geometry.
        order = np.argsort(ring_of_local, kind="stable")
        sorted_ring = ring_of_local[order]
        out = np.zeros(planes.shape)
        stencils = _stencils(nside, ring_of_local[sources], angles, profiles)
        for sel, ipix, cone, _, weights in stencils:
            pos = np.minimum(np.searchsorted(sorted_ring, ipix), n - 1)
            kept = sorted_ring[pos] == ipix
            dest = order[pos[kept]]
            for k in range(n_planes):
                values = planes[k, sources[sel]][cone]
                out[k] += np.bincount(dest, weights=(weights[pick(k)] * values)[kept],
                                      minlength=n)  # fmt: skip
    return m.__class__(target, data=out.reshape(target.data_shape), unit=m.unit,
                       meta=dict(m.meta))  # fmt: skip


class HpxNDMapConvolution:
    """Convolution of `~skymask.maps.HpxNDMap` with WCS kernels (a mixin: every method is an
    `HpxNDMap` method).

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.irf import PSFKernel
    >>> from skymask.maps import HpxNDMap, WcsGeom
    >>> m = HpxNDMap.create(nside=64)
    >>> m.set_by_coord((0, 0), 1)
    >>> kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5), 1 * u.deg)
    >>> round(float(m.convolve(kernel, convolution_method="").data.sum()), 12)
    1.0
    """

    def convolve(self, kernel, convolution_method="wcs-tan", **kwargs):
        """Each image plane convolved with a WCS kernel (gammapy 2.1's dispatch).

        Parameters
        ----------
        kernel : `~skymask.irf.PSFKernel` or `~skymask.maps.WcsNDMap`
            The kernel (a PSF kernel or a kernel map). A 2-D kernel applies to every plane; a
            kernel with planes needs one per map plane, or adds its axes to an image map.
        convolution_method : {"wcs-tan", ""}
            "wcs-tan": `convolve_wcs` (through a TAN projection); "": `convolve_full` (on the
            sphere).
        **kwargs : dict
            Passed to `convolve_wcs` (and on to `~skymask.maps.Map.convolve`).

        Returns
        -------
        HpxNDMap
            float64 values; a mask gives float fractions, as `~skymask.maps.Map.convolve`.

        Raises
        ------
        ValueError
            For another ``convolution_method``.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import HpxGeom, HpxNDMap, WcsGeom
        >>> m = HpxNDMap.from_geom(HpxGeom.create(nside=64, region="DISK(0,0,10)"))
        >>> m.set_by_coord((0, 0), 1)
        >>> kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5), 0.5 * u.deg)
        >>> round(float(m.convolve(kernel).data.sum()), 6)
        1.0
        """
        if convolution_method == "wcs-tan":
            return self.convolve_wcs(kernel, **kwargs)
        if convolution_method == "":
            if kwargs:
                raise TypeError(
                    f"convolution_method='' (convolve_full) takes no options, got {sorted(kwargs)}"
                )
            return self.convolve_full(kernel)
        raise ValueError(
            "convolution_method must be 'wcs-tan' (through a TAN projection) or '' (on the "
            f"sphere), got {convolution_method!r}"
        )

    def convolve_wcs(self, kernel, **kwargs):
        """Each image plane convolved on a TAN projection with the kernel's pixel size.

        Every WCS pixel takes an equal share of the HEALPix pixel holding its centre (sums
        kept), the WCS map is convolved (`~skymask.maps.Map.convolve`), and each HEALPix
        pixel takes the sum of the WCS pixels whose centres it holds (X199). See
        ``skymask.maps.hpx.convolve``.

        Parameters
        ----------
        kernel : `~skymask.irf.PSFKernel` or `~skymask.maps.WcsNDMap`
            The kernel; its pixels must be at most half the HEALPix pixel size.
        **kwargs : dict
            Passed to `~skymask.maps.Map.convolve` (``method``, ``mode``).

        Returns
        -------
        HpxNDMap
            float64 values (a mask gives float fractions); an image map convolved with a
            kernel with planes gets the kernel's axes.

        Raises
        ------
        ValueError
            For an all-sky geometry (use `convolve_full`), a kernel with pixels larger than
            half the HEALPix pixel size, or kernel planes that do not match the map's.
        TypeError
            For a kernel that is neither a PSF kernel nor a WCS map.

        Examples
        --------
        A delta at (0, 0) convolved with a Gaussian of 0.5 deg keeps its sum:

        >>> import astropy.units as u
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import HpxGeom, HpxNDMap, WcsGeom
        >>> m = HpxNDMap.from_geom(HpxGeom.create(nside=64, region="DISK(0,0,10)"))
        >>> m.set_by_coord((0, 0), 1)
        >>> kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5), 0.5 * u.deg)
        >>> out = m.convolve_wcs(kernel)
        >>> round(float(out.data.sum()), 6), out.data.dtype
        (1.0, dtype('float64'))
        """
        return convolve_wcs(self, kernel, **kwargs)

    def convolve_full(self, kernel):
        """Each image plane convolved on the sphere with the kernel's radial profile.

        Direct space (X200; gammapy: healpy's spherical harmonics): every non-zero pixel
        spreads its value over the pixel centres within the profile's radius, weights the
        profile at the angle between the centres, normalised to sum 1 (the all-sky sum is
        kept exactly). Pixels outside a partial-sky geometry count as 0. See
        ``skymask.maps.hpx.convolve``.

        Parameters
        ----------
        kernel : `~skymask.irf.PSFKernel` or `~skymask.maps.WcsNDMap`
            The kernel, assumed radially symmetric: its central row from the centre outwards
            is the profile.

        Returns
        -------
        HpxNDMap
            float64 values (a mask gives float fractions); an image map convolved with a
            kernel with planes gets the kernel's axes.

        Raises
        ------
        ValueError
            For kernel planes that do not match the map's.
        TypeError
            For a kernel that is neither a PSF kernel nor a WCS map.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import HpxNDMap, WcsGeom
        >>> m = HpxNDMap.create(nside=64, dtype=bool)
        >>> m.set_by_coord((0, 0), True)
        >>> kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5), 1 * u.deg)
        >>> out = m.convolve_full(kernel)
        >>> round(float(out.data.sum()), 12), out.data.dtype
        (1.0, dtype('float64'))
        """
        return convolve_full(self, kernel)

"""Which HEALPix library should skymask use? astropy-healpix, cdshealpix and healpy, measured.

Issue 16 asks for the HEALPix library to be chosen by measurement: cone and polygon queries at
pixel centres, neighbours and all-sky maps at nside 4096 must be fast, and the library must
install from wheels on Linux and macOS. This script measures, on this machine:

- ``centres``: lon/lat of every pixel centre of an all-sky map (nside 1024 and 4096, ring and
  nested), time and peak memory beyond the input index array;
- ``lonlat2pix``: lon/lat -> pixel index for 1e6 and 1e7 random points (nside 4096);
- ``cone``: the pixels whose CENTRE lies within r (0.05, 0.3, 5 deg) of random cone centres at
  nside 1024 and 4096, for each way a library offers (its own query, and its query followed by
  an exact centre test), compared with a brute-force test of every pixel centre in the band of
  rings the cone touches (missing and extra pixels are counted);
- ``circles``: 1000 circles of radius 0.05-0.3 deg on an all-sky nside 1024 boolean map with
  each library's exact method (total time, peak memory, agreement with brute force);
- ``polygon``: great-circle polygons (a convex quadrilateral and a concave L shape) at pixel
  centres, and whether the answer is exact;
- ``neighbours``: the 8 neighbours of every pixel at nside 1024 (ring and nested);
- ``convert``: ring -> nested and nested -> ring of every pixel at nside 4096;
- ``import``: the import time of each library (cold, and after numpy + astropy.coordinates);
- ``moc``: mocpy (optional extra for MOCs): a MOC from a boolean nside 1024 map and back.

``numpy`` is a fourth candidate where the HEALPix formulas are short: ring-ordered pixel
centres and a ring-interval cone query (the algorithm healpy's ``query_disc`` uses), written
here on plain arrays. Its centres are also the brute-force reference: for every case the
libraries' centres are compared with them, and the cone and polygon oracles use them.

Every measurement runs in a fresh child process (one library imported at a time); timings are
best and median of ``--repeat`` runs, peak memory is the rise of the process's resident set
(VmHWM reset through /proc/self/clear_refs) over the resident set before the call. A library
that cannot be imported is skipped with a note. ``--wheels`` asks pip (against the configured
index) which wheel each package would install for Python 3.10-3.13 on manylinux x86_64/aarch64,
macOS arm64/x86_64 and Windows; it downloads those wheels into a temporary directory.

Run::

    .venv/bin/pip install astropy-healpix cdshealpix healpy mocpy
    .venv/bin/python benchmarks/bench_healpix_libraries.py --json healpix.json
    .venv/bin/python benchmarks/bench_healpix_libraries.py --quick          # nside <= 1024
    .venv/bin/python benchmarks/bench_healpix_libraries.py --only cone circles
    .venv/bin/python benchmarks/bench_healpix_libraries.py --wheels --json wheels.json

Timings are noisy when other processes share the 2 cores; compare the medians.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()
LIBRARIES = ("healpy", "astropy_healpix", "cdshealpix", "numpy")
MODULE = {"healpy": "healpy", "astropy_healpix": "astropy_healpix", "cdshealpix": "cdshealpix"}
DIST = {"healpy": "healpy", "astropy_healpix": "astropy-healpix", "cdshealpix": "cdshealpix"}

# ---------------------------------------------------------------------------------------------
# HEALPix ring scheme on plain arrays (Gorski et al. 2005, eqs. 4-9): the reference centres
# ---------------------------------------------------------------------------------------------


def ring_start(nside: int, ring: np.ndarray) -> np.ndarray:
    """First ring-scheme index of each ring (1 .. 4 nside - 1)."""
    ring = np.asarray(ring, dtype=np.int64)
    npix = 12 * nside * nside
    north = 2 * ring * (ring - 1)
    equator = 2 * nside * (nside - 1) + (ring - nside) * 4 * nside
    south_ring = 4 * nside - ring
    south = npix - 2 * south_ring * (south_ring + 1)
    return np.where(ring < nside, north, np.where(ring <= 3 * nside, equator, south))


def ring_length(nside: int, ring: np.ndarray) -> np.ndarray:
    ring = np.asarray(ring, dtype=np.int64)
    return 4 * np.minimum(np.minimum(ring, 4 * nside - ring), nside)


def ring_geometry(nside: int, ring: np.ndarray):
    """(z, sin(theta), phi of the first pixel, pixel count) of each ring, computed exactly."""
    ring = np.asarray(ring, dtype=np.int64)
    north_cap = ring < nside
    south_cap = ring > 3 * nside
    polar_ring = np.where(north_cap, ring, 4 * nside - ring)
    # 1 - |z| for the caps is polar_ring^2 / (3 nside^2): form it first so that sin(theta)
    # near the poles keeps its digits.
    one_minus_abs_z = polar_ring.astype(float) ** 2 / (3.0 * nside * nside)
    z_cap = 1.0 - one_minus_abs_z
    z_equator = (2 * nside - ring) * (2.0 / (3.0 * nside))
    z = np.where(north_cap, z_cap, np.where(south_cap, -z_cap, z_equator))
    sin_theta = np.where(
        north_cap | south_cap,
        np.sqrt(np.clip(one_minus_abs_z * (2.0 - one_minus_abs_z), 0.0, None)),
        np.sqrt(np.clip((1.0 - z_equator) * (1.0 + z_equator), 0.0, None)),
    )
    count = ring_length(nside, ring)
    shifted = north_cap | south_cap | ((ring - nside) % 2 == 0)
    phi0 = np.where(shifted, np.pi / count, 0.0)
    return z, sin_theta, phi0, count


def ring_of_index(nside: int, ipix: np.ndarray) -> np.ndarray:
    ipix = np.asarray(ipix, dtype=np.int64)
    npix = 12 * nside * nside
    ncap = 2 * nside * (nside - 1)
    # sqrt of exact integers below 2**53 is correctly rounded: floor() gives the ring.
    north = ((1 + np.sqrt(1.0 + 2.0 * ipix)) // 2).astype(np.int64)
    equator = (ipix - ncap) // (4 * nside) + nside
    south = 4 * nside - ((1 + np.sqrt(2.0 * (npix - ipix) - 1.0)) // 2).astype(np.int64)
    return np.where(ipix < ncap, north, np.where(ipix < npix - ncap, equator, south))


def numpy_ring_centres(nside: int, ipix: np.ndarray):
    """Unit vectors (x, y, z) of ring-scheme pixel centres."""
    ring = ring_of_index(nside, ipix)
    z, sin_theta, phi0, count = ring_geometry(nside, ring)
    phi = phi0 + (ipix - ring_start(nside, ring)) * (2 * np.pi / count)
    return sin_theta * np.cos(phi), sin_theta * np.sin(phi), z


def numpy_ring_lonlat(nside: int, ipix: np.ndarray, chunk: int = 1 << 20):
    """Degrees (lon, lat) of ring-scheme pixel centres, in chunks so that the temporaries stay
    small next to the 16 bytes per pixel of output."""
    ipix = np.asarray(ipix)
    lon, lat = np.empty(ipix.shape), np.empty(ipix.shape)
    for start in range(0, ipix.size, chunk):
        part = ipix[start : start + chunk]
        ring = ring_of_index(nside, part)
        z, sin_theta, phi0, count = ring_geometry(nside, ring)
        lon[start : start + chunk] = np.rad2deg(
            phi0 + (part - ring_start(nside, ring)) * (2 * np.pi / count)
        )
        lat[start : start + chunk] = np.rad2deg(np.arctan2(z, sin_theta))
    return lon, lat


def unit_vector(lon_deg, lat_deg):
    lon, lat = np.deg2rad(lon_deg), np.deg2rad(lat_deg)
    return np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)


def inside_cone(xyz, centre, radius_deg):
    """Centre test on the sphere: chord^2 <= (2 sin(r/2))^2 (accurate for small angles too)."""
    cx, cy, cz = centre
    chord2 = (xyz[0] - cx) ** 2 + (xyz[1] - cy) ** 2 + (xyz[2] - cz) ** 2
    return chord2 <= (2 * np.sin(np.deg2rad(radius_deg) / 2)) ** 2, chord2


def band_rings(nside, lat_min, lat_max):
    """Rings whose centres' latitude lies in [lat_min, lat_max] (degrees)."""
    rings = np.arange(1, 4 * nside, dtype=np.int64)
    z, sin_theta, _, _ = ring_geometry(nside, rings)
    lat = np.rad2deg(np.arctan2(z, sin_theta))
    return rings[(lat >= lat_min) & (lat <= lat_max)]


def concat_ranges(starts, counts):
    """np.concatenate([arange(s, s + c) for s, c in zip(starts, counts)]) without the loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.asarray(starts, dtype=np.int64) - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total, dtype=np.int64)


def band_pixels(nside, lat_min, lat_max):
    rings = band_rings(nside, lat_min, lat_max)
    return concat_ranges(ring_start(nside, rings), ring_length(nside, rings))


def brute_force_cone(nside, lon, lat, radius_deg):
    """Ring indices of all pixel centres within radius: every pixel of the rings it spans."""
    margin = 1e-9
    ipix = band_pixels(nside, lat - radius_deg - margin, lat + radius_deg + margin)
    xyz = numpy_ring_centres(nside, ipix)
    inside, chord2 = inside_cone(xyz, unit_vector(lon, lat), radius_deg)
    # Centres within 1e-12 rad of the circle: a disagreement there is a rounding tie.
    limit = 2 * np.sin(np.deg2rad(radius_deg) / 2)
    tie = np.abs(np.sqrt(chord2) - limit) < 1e-12
    return ipix[inside], ipix[tie]


@functools.lru_cache(maxsize=4)
def ring_table(nside):
    """Geometry of all 4 nside - 1 rings, latitudes decreasing, for the cone queries."""
    rings = np.arange(1, 4 * nside, dtype=np.int64)
    z, sin_theta, phi0, count = ring_geometry(nside, rings)
    lat = np.rad2deg(np.arctan2(z, sin_theta))
    return rings, z, sin_theta, phi0, count, ring_start(nside, rings), lat


def numpy_cones_ring(nside, lons, lats, radii):
    """Ring indices of pixel centres within any of the cones (vectorised over cones).

    Per (cone, ring) pair, the analytic longitude interval of the centres inside (the algorithm
    of healpy's query_disc), widened by one pixel on each side; then the exact centre test on
    those candidates, so that the answer equals the brute-force test by construction wherever
    the interval is right to within a pixel. Returns (ipix, cone index) of the pixels inside.
    """
    lons, lats, radii = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (lons, lats, radii))
    _, z_all, sin_all, phi0_all, count_all, start_all, lat_all = ring_table(nside)
    # lat_all decreases with ring number: search on -lat.
    first_ring = np.searchsorted(-lat_all, -(lats + radii + 1e-9), side="left")
    end_ring = np.searchsorted(-lat_all, -(lats - radii - 1e-9), side="right")
    n_rings = np.maximum(end_ring - first_ring, 0)
    pair_ring = concat_ranges(first_ring, n_rings)
    pair_cone = np.repeat(np.arange(lons.size), n_rings)
    z, sin_theta = z_all[pair_ring], sin_all[pair_ring]
    phi0, count = phi0_all[pair_ring], count_all[pair_ring]
    theta0 = np.deg2rad(90.0 - lats)[pair_cone]
    cos_r = np.cos(np.deg2rad(radii))[pair_cone]
    with np.errstate(divide="ignore", invalid="ignore"):
        cos_dphi = (cos_r - z * np.cos(theta0)) / (sin_theta * np.sin(theta0))
    cos_dphi = np.nan_to_num(cos_dphi, nan=-2.0, posinf=2.0, neginf=-2.0)
    dphi = np.arccos(np.clip(cos_dphi, -1, 1))
    step = 2 * np.pi / count
    phi_centre = np.deg2rad(lons)[pair_cone]
    first = np.floor((phi_centre - dphi - phi0) / step).astype(np.int64) - 1
    last = np.ceil((phi_centre + dphi - phi0) / step).astype(np.int64) + 1
    whole = (cos_dphi <= -1) | (last - first + 1 >= count)
    first = np.where(whole, 0, first)
    n = np.where(whole, count, last - first + 1)
    n = np.where(cos_dphi > 1 + 1e-12, 0, n)
    local = concat_ranges(first, n)
    candidate_pair = np.repeat(np.arange(pair_ring.size), n)
    local %= count[candidate_pair]
    # The same arithmetic as numpy_ring_centres (phi0 + offset in ring * step): bitwise equal.
    phi = phi0[candidate_pair] + local * step[candidate_pair]
    sin_c = sin_theta[candidate_pair]
    xyz = (sin_c * np.cos(phi), sin_c * np.sin(phi), z[candidate_pair])
    cone = pair_cone[candidate_pair]
    cx, cy, cz = (c[cone] for c in unit_vector(lons, lats))
    chord2 = (xyz[0] - cx) ** 2 + (xyz[1] - cy) ** 2 + (xyz[2] - cz) ** 2
    inside = chord2 <= (2 * np.sin(np.deg2rad(radii[cone]) / 2)) ** 2
    ipix = start_all[pair_ring][candidate_pair] + local
    return ipix[inside], cone[inside]


def numpy_cone_ring(nside, lon, lat, radius_deg):
    """Ring indices of the pixel centres within one cone."""
    return numpy_cones_ring(nside, lon, lat, radius_deg)[0]


# ---------------------------------------------------------------------------------------------
# Great-circle polygons: exact centre test (convex pieces, edge normals)
# ---------------------------------------------------------------------------------------------

# A convex quadrilateral and a concave L shape (the union of two convex quadrilaterals sharing
# an edge), counter-clockwise, in degrees.
CONVEX = [(28.0, 38.0), (36.0, 37.0), (37.0, 41.5), (29.0, 42.5)]
L_PARTS = [
    [(200.0, -20.0), (206.0, -20.0), (206.0, -18.0), (200.0, -18.0)],
    [(200.0, -18.0), (202.0, -18.0), (202.0, -12.0), (200.0, -12.0)],
]
L_SHAPE = [(200.0, -20.0), (206.0, -20.0), (206.0, -18.0), (202.0, -18.0), (202.0, -12.0),
           (200.0, -12.0)]  # fmt: skip


def inside_convex(xyz, vertices):
    v = np.array([unit_vector(lon, lat) for lon, lat in vertices])
    inside = np.ones(np.shape(xyz[0]), dtype=bool)
    for i in range(len(v)):
        normal = np.cross(v[i], v[(i + 1) % len(v)])
        inside &= normal[0] * xyz[0] + normal[1] * xyz[1] + normal[2] * xyz[2] >= 0
    return inside


def inside_polygon(xyz, parts):
    inside = np.zeros(np.shape(xyz[0]), dtype=bool)
    for part in parts:
        inside |= inside_convex(xyz, part)
    return inside


def bounding_cap(vertices):
    v = np.array([unit_vector(lon, lat) for lon, lat in vertices])
    centre = v.mean(axis=0)
    centre /= np.linalg.norm(centre)
    radius = np.rad2deg(np.max(np.arccos(np.clip(v @ centre, -1, 1)))) + 1e-6
    lon = np.rad2deg(np.arctan2(centre[1], centre[0])) % 360
    lat = np.rad2deg(np.arcsin(centre[2]))
    return lon, lat, radius


def brute_force_polygon(nside, parts, vertices):
    lats = [lat for _, lat in vertices]
    _, lat, radius = bounding_cap(vertices)
    ipix = band_pixels(nside, lat - radius, lat + radius)
    assert min(lats) >= lat - radius and max(lats) <= lat + radius
    return ipix[inside_polygon(numpy_ring_centres(nside, ipix), parts)]


# ---------------------------------------------------------------------------------------------
# Child process: one measurement, one library
# ---------------------------------------------------------------------------------------------


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure(fn, repeat):
    """Times (s) of ``repeat`` calls and the largest rise of resident memory during one."""
    times, peaks, result = [], [], None
    for _ in range(repeat):
        result = None  # free the previous result before measuring again
        exact_peak = _reset_peak()
        base = _status("VmRSS:")
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        peaks.append(_status("VmHWM:") - base if exact_peak else -1)
    return times, max(peaks), result


def to_deg(value):
    """Plain float degrees from what each library returns (Quantity, Longitude or ndarray)."""
    if hasattr(value, "unit"):
        return value.to_value("deg")
    return np.asarray(value)


class Lib:
    """A uniform face over the three libraries; every method calls the library's public API."""

    def __init__(self, name, threads=0):
        self.name = name
        self.threads = threads
        if name == "healpy":
            import healpy

            self.hp = healpy
        elif name == "astropy_healpix":
            import astropy.units as u
            import astropy_healpix

            self.ah, self.u = astropy_healpix, u
        elif name == "cdshealpix":
            import astropy.units as u
            import cdshealpix
            import cdshealpix.nested
            import cdshealpix.ring
            from astropy.coordinates import Latitude, Longitude

            self.cds, self.u, self.Lon, self.Lat = cdshealpix, u, Longitude, Latitude

    def centres(self, nside, ipix, nest):
        if self.name == "healpy":
            return self.hp.pix2ang(nside, ipix, nest=nest, lonlat=True)
        if self.name == "astropy_healpix":
            order = "nested" if nest else "ring"
            return self.ah.healpix_to_lonlat(ipix, nside, order=order)
        if self.name == "cdshealpix":
            if nest:
                depth = nside.bit_length() - 1
                return self.cds.nested.healpix_to_lonlat(ipix, depth, num_threads=self.threads)
            return self.cds.ring.healpix_to_lonlat(ipix, nside, num_threads=self.threads)
        if nest:
            raise NotImplementedError("numpy: ring only")
        return numpy_ring_lonlat(nside, ipix)

    def xyz(self, nside, ipix, nest):
        if self.name == "healpy":
            return self.hp.pix2vec(nside, ipix, nest=nest)
        if self.name == "astropy_healpix":
            return self.ah.healpix_to_xyz(ipix, nside, order="nested" if nest else "ring")
        if self.name == "numpy":
            return numpy_ring_centres(nside, ipix)
        lon, lat = self.centres(nside, ipix, nest)
        return unit_vector(to_deg(lon), to_deg(lat))

    def lonlat_inputs(self, lon, lat):
        """Inputs in the kind each library takes (built outside the timed call)."""
        if self.name == "healpy":
            return lon, lat
        if self.name == "astropy_healpix":
            return lon * self.u.deg, lat * self.u.deg
        return self.Lon(lon, self.u.deg), self.Lat(lat, self.u.deg)

    def lonlat_to_pix(self, nside, lon, lat, nest):
        if self.name == "healpy":
            return self.hp.ang2pix(nside, lon, lat, nest=nest, lonlat=True)
        if self.name == "astropy_healpix":
            order = "nested" if nest else "ring"
            return self.ah.lonlat_to_healpix(lon, lat, nside, order=order)
        if nest:
            depth = nside.bit_length() - 1
            return self.cds.nested.lonlat_to_healpix(lon, lat, depth, num_threads=self.threads)
        return self.cds.ring.lonlat_to_healpix(lon, lat, nside, num_threads=self.threads)

    def ring_to_nest(self, nside, ipix):
        if self.name == "healpy":
            return self.hp.ring2nest(nside, ipix)
        if self.name == "astropy_healpix":
            return self.ah.core.ring_to_nested(ipix, nside)
        return self.cds.from_ring(ipix, nside.bit_length() - 1, num_threads=self.threads)

    def nest_to_ring(self, nside, ipix):
        if self.name == "healpy":
            return self.hp.nest2ring(nside, ipix)
        if self.name == "astropy_healpix":
            return self.ah.core.nested_to_ring(ipix, nside)
        return self.cds.to_ring(ipix, nside.bit_length() - 1, num_threads=self.threads)

    def neighbours(self, nside, ipix, nest):
        """(8, N) neighbour indices, -1 where a pixel has only 7."""
        if self.name == "healpy":
            return self.hp.get_all_neighbours(nside, ipix, nest=nest)
        if self.name == "astropy_healpix":
            with np.errstate(invalid="ignore"):
                return self.ah.neighbours(ipix, nside, order="nested" if nest else "ring")
        depth = nside.bit_length() - 1
        # cdshealpix has neighbours in the nested scheme only: convert around it for ring.
        nested = ipix if nest else self.ring_to_nest(nside, ipix)
        table = self.cds.nested.neighbours(nested, depth, num_threads=self.threads)
        table = np.delete(table, 4, axis=1).T  # column 4 is the pixel itself
        if not nest:
            missing = table < 0
            table = self.nest_to_ring(nside, np.where(missing, 0, table)).astype(np.int64)
            table[missing] = -1
        return table

    # Cone queries: each returns ring or nested indices (same order as asked)
    def cone_native(self, nside, lon, lat, radius, nest):
        """The library's own cone query (centres for healpy, overlap for the other two)."""
        if self.name == "healpy":
            vec = self.hp.ang2vec(lon, lat, lonlat=True)
            return self.hp.query_disc(nside, vec, np.deg2rad(radius), nest=nest)
        if self.name == "astropy_healpix":
            u = self.u
            order = "nested" if nest else "ring"
            return self.ah.core.healpix_cone_search(
                lon * u.deg, lat * u.deg, radius * u.deg, nside, order=order
            )
        if self.name == "cdshealpix":
            u = self.u
            ipix, _, _ = self.cds.nested.cone_search(
                self.Lon(lon, u.deg),
                self.Lat(lat, u.deg),
                radius * u.deg,
                nside.bit_length() - 1,
                flat=True,
            )
            return ipix if nest else self.nest_to_ring(nside, ipix)
        if nest:
            raise NotImplementedError("numpy: ring only")
        return numpy_cone_ring(nside, lon, lat, radius)

    def cone_superset(self, nside, lon, lat, radius, nest):
        if self.name == "healpy":
            vec = self.hp.ang2vec(lon, lat, lonlat=True)
            return self.hp.query_disc(nside, vec, np.deg2rad(radius), inclusive=True, nest=nest)
        return self.cone_native(nside, lon, lat, radius, nest)

    def cone_exact(self, nside, lon, lat, radius, nest):
        """Superset from the library, then the exact centre test on its centres."""
        ipix = self.cone_superset(nside, lon, lat, radius, nest)
        inside, _ = inside_cone(self.xyz(nside, ipix, nest), unit_vector(lon, lat), radius)
        return ipix[inside]

    def polygon_native(self, nside, vertices, nest):
        if self.name == "healpy":
            vec = np.array([unit_vector(lo, la) for lo, la in vertices])
            return self.hp.query_polygon(nside, vec, nest=nest)
        if self.name == "cdshealpix":
            u = self.u
            lon = self.Lon([v[0] for v in vertices], u.deg)
            lat = self.Lat([v[1] for v in vertices], u.deg)
            ipix, _, _ = self.cds.nested.polygon_search(lon, lat, nside.bit_length() - 1, flat=True)
            return ipix if nest else self.nest_to_ring(nside, ipix)
        raise NotImplementedError(f"{self.name} has no polygon query")

    def polygon_exact(self, nside, vertices, parts, nest):
        if self.name == "healpy":
            vec = np.array([unit_vector(lo, la) for lo, la in vertices])
            ipix = self.hp.query_polygon(nside, vec, inclusive=True, nest=nest)
        elif self.name in ("astropy_healpix", "numpy"):
            # No polygon query: the cone around the polygon's vertices holds the polygon.
            ipix = self.cone_superset(nside, *bounding_cap(vertices), nest)
        else:
            ipix = self.polygon_native(nside, vertices, nest)
        return ipix[inside_polygon(self.xyz(nside, ipix, nest), parts)]


def any_library():
    """Whichever HEALPix library is importable (for the nested oracles' index conversion)."""
    for name in ("healpy", "astropy_healpix", "cdshealpix"):
        try:
            return Lib(name)
        except ImportError:
            continue
    raise ImportError("no HEALPix library to convert between ring and nested")


def any_converter(nside):
    lib = any_library()
    return lambda ipix: np.asarray(lib.ring_to_nest(nside, ipix), dtype=np.int64)


def any_converter_inverse(nside):
    lib = any_library()
    return lambda ipix: np.asarray(lib.nest_to_ring(nside, ipix), dtype=np.int64)


def compare_sets(got, expected, ties):
    got, expected = np.unique(np.asarray(got, dtype=np.int64)), np.asarray(expected, np.int64)
    missing = np.setdiff1d(expected, got)
    extra = np.setdiff1d(got, expected)
    not_tie = np.setdiff1d(np.concatenate([missing, extra]), ties).size
    return {"n": int(got.size), "missing": int(missing.size), "extra": int(extra.size),
            "mismatch_not_tie": int(not_tie)}  # fmt: skip


def random_sky(n, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 360, n), np.rad2deg(np.arcsin(rng.uniform(-1, 1, n)))


def child(spec):
    case, name, repeat = spec["case"], spec["library"], spec["repeat"]
    lib = Lib(name, threads=spec.get("threads", 0))
    nside = spec.get("nside")
    nest = spec.get("nest", False)
    out = {}
    if case == "centres":
        ipix = np.arange(12 * nside * nside, dtype=np.uint64 if name == "cdshealpix" else np.int64)
        times, peak, (lon, lat) = measure(lambda: lib.centres(nside, ipix, nest), repeat)
        # Agreement with the ring formulas on a sample of pixels.
        sample = np.arange(0, ipix.size, 997)
        ring = sample if not nest else lib.nest_to_ring(nside, ipix[sample]).astype(np.int64)
        ref = numpy_ring_centres(nside, ring)
        got = unit_vector(to_deg(lon)[sample], to_deg(lat)[sample])
        chord = np.sqrt(sum((g - r) ** 2 for g, r in zip(got, ref, strict=True)))
        out["max_offset_rad"] = float(chord.max())
        out["bytes_per_pixel"] = peak / ipix.size
    elif case == "lonlat2pix":
        lon, lat = random_sky(spec["n"], 2)
        args = lib.lonlat_inputs(lon, lat)
        times, peak, result = measure(lambda: lib.lonlat_to_pix(nside, *args, nest), repeat)
        out["sha1"] = hashlib.sha1(np.asarray(result, dtype=np.int64).tobytes()).hexdigest()[:12]
    elif case in ("convert_r2n", "convert_n2r"):
        ipix = np.arange(12 * nside * nside, dtype=np.uint64 if name == "cdshealpix" else np.int64)
        fn = lib.ring_to_nest if case == "convert_r2n" else lib.nest_to_ring
        times, peak, result = measure(lambda: fn(nside, ipix), repeat)
        out["sha1"] = hashlib.sha1(np.asarray(result, dtype=np.int64).tobytes()).hexdigest()[:12]
    elif case == "neighbours":
        ipix = np.arange(12 * nside * nside, dtype=np.uint64 if name == "cdshealpix" else np.int64)
        times, peak, table = measure(lambda: lib.neighbours(nside, ipix, nest), repeat)
        table = np.sort(np.asarray(table, dtype=np.int64), axis=0)  # order-free comparison
        out["sha1"] = hashlib.sha1(table.tobytes()).hexdigest()[:12]
    elif case == "cone":
        radius, method = spec["radius"], spec["method"]
        lons, lats = random_sky(spec["n_cones"], 3)
        fn = lib.cone_native if method == "native" else lib.cone_exact
        cones = list(zip(lons, lats, strict=True))

        def run_all():
            return [fn(nside, lo, la, radius, nest) for lo, la in cones]

        times, peak, results = measure(run_all, repeat)
        to_nest = any_converter(nside) if nest else None
        totals = {"n": 0, "missing": 0, "extra": 0, "mismatch_not_tie": 0}
        for (lo, la), got in zip(cones, results, strict=True):
            expected, ties = brute_force_cone(nside, lo, la, radius)
            if nest:
                expected, ties = to_nest(expected), to_nest(ties)
            for key, value in compare_sets(got, expected, ties).items():
                totals[key] += value
        out.update(totals)
        times = [t / len(cones) for t in times]  # per cone
    elif case == "circles":
        rng = np.random.default_rng(4)
        lons, lats = random_sky(1000, 5)
        radii = rng.uniform(0.05, 0.3, 1000)
        method = spec["method"]
        fn = lib.cone_native if method == "native" else lib.cone_exact

        def mask_of_circles():
            mask = np.zeros(12 * nside * nside, dtype=bool)
            if method == "vectorised":  # numpy: all circles in one set of array operations
                mask[numpy_cones_ring(nside, lons, lats, radii)[0]] = True
                return mask
            for lo, la, r in zip(lons, lats, radii, strict=True):
                mask[fn(nside, lo, la, r, nest)] = True
            return mask

        times, peak, mask = measure(mask_of_circles, repeat)
        expected = np.zeros_like(mask)
        ties = []
        for lo, la, r in zip(lons, lats, radii, strict=True):
            inside, tie = brute_force_cone(nside, lo, la, r)
            expected[inside] = True
            ties.append(tie)
        got = np.flatnonzero(mask)
        if nest:
            got = any_converter_inverse(nside)(got)
        out.update(compare_sets(got, np.flatnonzero(expected), np.concatenate(ties)))
        out["peak_beyond_output_bytes_per_pixel"] = (peak - mask.nbytes) / mask.size
    elif case == "polygon":
        shape = spec["shape"]
        vertices, parts = (CONVEX, [CONVEX]) if shape == "convex" else (L_SHAPE, L_PARTS)
        method = spec["method"]
        if method == "native":
            fn = lambda: lib.polygon_native(nside, vertices, nest)  # noqa: E731
        else:
            fn = lambda: lib.polygon_exact(nside, vertices, parts, nest)  # noqa: E731
        times, peak, got = measure(fn, repeat)
        expected = brute_force_polygon(nside, parts, vertices)
        if nest:
            expected = any_converter(nside)(expected)
        out.update(compare_sets(got, expected, np.zeros(0, np.int64)))
    else:
        raise ValueError(f"unknown case {case!r}")
    out.update(
        best=min(times),
        median=statistics.median(times),
        runs=len(times),
        peak_bytes=int(peak),
    )
    return out


# ---------------------------------------------------------------------------------------------
# Parent: the plan, the table
# ---------------------------------------------------------------------------------------------


def available(name):
    if name == "numpy":
        return True, np.__version__
    from importlib import metadata

    try:
        __import__(MODULE[name])
        return True, metadata.version(DIST[name])
    except ImportError as error:
        return False, str(error)


def run_child(spec, timeout=900):
    if "skip" in spec:
        return {"error": "not run: " + spec["skip"]}
    try:
        proc = subprocess.run(
            [sys.executable, str(HERE), "--child", json.dumps(spec)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"not finished in {timeout} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def plan(args, libs):
    big = [1024] if args.quick else [1024, 4096]
    r = args.repeat
    specs = []
    threaded = [(n, 0) for n in libs if n != "cdshealpix"]
    if "cdshealpix" in libs:
        threaded += [("cdshealpix", 0), ("cdshealpix", 1)]

    def add(case, **spec):
        specs.append({"case": case, **spec})

    for nside in big:
        for nest in (False, True):
            for name, threads in threaded:
                if name == "numpy" and nest:
                    continue
                rep = r if nside <= 1024 else max(2, r - 3)
                add("centres", library=name, threads=threads, nside=nside, nest=nest, repeat=rep)
    for n in (10**6, 10**7):
        for nest in (False, True):
            for name, threads in threaded:
                if name != "numpy":
                    add("lonlat2pix", library=name, threads=threads, nside=4096, nest=nest,
                        n=n, repeat=r)  # fmt: skip
    for nside in big:
        for radius in (0.05, 0.3, 5.0):
            for nest in (False, True):
                for name in libs:
                    n_cones, rep, skip = (20, r, {}) if radius < 1 else (5, r, {})
                    if name == "astropy_healpix" and radius > 1:
                        # Its cone search takes about 1 s per 5 deg cone at nside 1024, and
                        # two such cones at nside 4096 did not finish in 10 minutes.
                        n_cones, rep = (5, 1)
                        if nside > 1024:
                            skip = {"skip": "2 cones took > 10 min in a first run"}
                    for method in ("native", "exact"):
                        if name == "numpy" and (nest or method == "exact"):
                            continue
                        add("cone", library=name, nside=nside, radius=radius, nest=nest,
                            method=method, n_cones=n_cones, repeat=rep, **skip)  # fmt: skip
    for nest in (False, True):
        for name in libs:
            if name == "numpy" and nest:
                continue
            methods = ("native", "exact") if name == "healpy" else (
                ("native", "vectorised") if name == "numpy" else ("exact",))  # fmt: skip
            for method in methods:
                add("circles", library=name, nside=1024, nest=nest, method=method,
                    repeat=max(2, r - 2))  # fmt: skip
    for nside in big:
        for shape in ("convex", "concave"):
            for nest in (False, True):
                for name in libs:
                    for method in ("native", "exact"):
                        if name == "numpy" and (nest or method == "native"):
                            continue
                        if name == "astropy_healpix" and method == "native":
                            continue
                        skip = {}
                        if name == "astropy_healpix" and nside > 1024:
                            # Its only query is the cone, > 5 min for this 4-5 deg cap.
                            skip = {"skip": "its cone around the polygon takes > 5 min"}
                        add("polygon", library=name, nside=nside, shape=shape, nest=nest,
                            method=method, repeat=r, **skip)  # fmt: skip
    for nest in (False, True):
        for name, threads in threaded:
            if name != "numpy":
                add("neighbours", library=name, threads=threads, nside=1024, nest=nest, repeat=r)
    for case in ("convert_r2n", "convert_n2r"):
        for name, threads in threaded:
            if name != "numpy":
                nside = 1024 if args.quick else 4096
                add(case, library=name, threads=threads, nside=nside, repeat=max(2, r - 2))
    return specs


def label(spec):
    name = spec["library"]
    if name == "cdshealpix":
        name += " (1 thread)" if spec.get("threads") == 1 else " (all cores)"
    parts = [spec["case"], name]
    for key in ("nside", "n", "radius", "shape", "method"):
        if key in spec:
            parts.append(f"{key}={spec[key]}")
    parts.append("nest" if spec.get("nest") else "ring")
    return " ".join(str(p) for p in parts)


def format_row(spec, result):
    if "error" in result:
        return f"{label(spec):<78} ERROR {result['error']}"
    scale, unit = (1e3, "ms")
    text = (
        f"{label(spec):<78} best {result['best'] * scale:10.2f} {unit}"
        f"  median {result['median'] * scale:10.2f} {unit}"
        f"  peak {result['peak_bytes'] / 2**20:8.1f} MiB"
    )
    for key in ("n", "missing", "extra", "mismatch_not_tie", "max_offset_rad", "sha1"):
        if key in result:
            value = result[key]
            text += f"  {key}={value:.1e}" if isinstance(value, float) else f"  {key}={value}"
    return text


def import_times(libs, runs=5):
    rows = {}
    for name in libs:
        if name == "numpy":
            continue
        module = MODULE[name]
        timed = f"t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        cold = "import time; " + timed
        warm = "import numpy, astropy.units, astropy.coordinates, time; " + timed
        result = {}
        for kind, code in (("cold", cold), ("after_astropy", warm)):
            times = []
            for _ in range(runs):
                proc = subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                )
                times.append(float(proc.stdout.strip().splitlines()[-1]))
            result[kind] = {"best": min(times), "median": statistics.median(times)}
        rows[name] = result
        print(
            f"import {name:<18} cold best {result['cold']['best'] * 1e3:7.0f} ms median "
            f"{result['cold']['median'] * 1e3:7.0f} ms; after numpy+astropy best "
            f"{result['after_astropy']['best'] * 1e3:7.0f} ms median "
            f"{result['after_astropy']['median'] * 1e3:7.0f} ms"
        )
    return rows


def moc_checks(repeat):
    """mocpy: a MOC from a boolean nside 1024 map (the True pixels' nested indices), back to a
    boolean map, FITS round trip; equality with the input map is checked."""
    try:
        import astropy.units as u
        import mocpy
        from mocpy import MOC
    except ImportError as error:
        print(f"mocpy: skipped ({error})")
        return {"skipped": str(error)}
    nside, depth = 1024, 10
    rng = np.random.default_rng(6)
    lons, lats = random_sky(300, 7)
    radii = rng.uniform(0.2, 2.0, 300)
    mask = np.zeros(12 * nside * nside, dtype=bool)
    for lo, la, r in zip(lons, lats, radii, strict=True):
        mask[numpy_cone_ring(nside, lo, la, r)] = True
    to_nest = any_converter(nside)
    nested_mask = np.zeros_like(mask)
    nested_mask[to_nest(np.flatnonzero(mask))] = True
    cells = np.flatnonzero(nested_mask).astype(np.uint64)
    times_build, _, moc = measure(lambda: MOC.from_healpix_cells(cells, depth, depth), repeat)
    times_back, _, back = measure(lambda: moc.flatten(), repeat)
    roundtrip = np.zeros_like(nested_mask)
    roundtrip[np.asarray(back, dtype=np.int64)] = True
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mask.fits"
        times_write, _, _ = measure(lambda: moc.save(path, format="fits", overwrite=True), repeat)
        times_read, _, again = measure(lambda: MOC.from_fits(path), repeat)
        size = path.stat().st_size
    lon_test, lat_test = random_sky(10**6, 8)
    times_contains, _, contains = measure(
        lambda: moc.contains_lonlat(lon_test * u.deg, lat_test * u.deg), repeat
    )
    # The MOC of the True pixels contains a point iff the nested pixel holding it is True.
    holder = Lib("healpy") if available("healpy")[0] else Lib("astropy_healpix")
    pix = np.asarray(holder.lonlat_to_pix(nside, *holder.lonlat_inputs(lon_test, lat_test), True))
    result = {
        "mocpy": mocpy.__version__,
        "true_pixels": int(cells.size),
        "moc_cells": int(moc.uniq_hpx.size),
        "from_healpix_cells_best": min(times_build),
        "flatten_best": min(times_back),
        "roundtrip_equal": bool(np.array_equal(roundtrip, nested_mask)),
        "fits_write_best": min(times_write),
        "fits_read_best": min(times_read),
        "fits_bytes": size,
        "fits_roundtrip_equal": bool(again == moc),
        "contains_lonlat_1e6_best": min(times_contains),
        "contains_equals_pixel_lookup": bool(np.array_equal(contains, nested_mask[pix])),
    }
    for key, value in result.items():
        print(f"moc {key:<32} {value}")
    return result


# ---------------------------------------------------------------------------------------------
# Wheels
# ---------------------------------------------------------------------------------------------

# pip expands a macosx tag to the older macOS versions but not a manylinux_2_28 tag to the
# older glibc ones: list those (glibc 2.28 = RHEL 8, Debian 10, Ubuntu 18.10 and newer).
PLATFORMS = {
    "manylinux x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "manylinux aarch64": [
        "manylinux_2_28_aarch64",
        "manylinux_2_17_aarch64",
        "manylinux2014_aarch64",
    ],
    "macOS arm64": ["macosx_15_0_arm64"],
    "macOS x86_64": ["macosx_15_0_x86_64"],
    "Windows x86_64": ["win_amd64"],
}
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def wheel_matrix(packages):
    """Which wheel pip would pick for each platform and Python (binary only, no deps)."""
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for package in packages:
            for plat_name, platforms in PLATFORMS.items():
                for python in PYTHONS:
                    report = Path(tmp) / "report.json"
                    proc = subprocess.run(
                        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
                         "--ignore-installed", "--no-deps", "--only-binary=:all:",
                         *(f"--platform={p}" for p in platforms), "--python-version", python,
                         "--implementation", "cp", "--target", str(Path(tmp) / "t"),
                         "--report", str(report), package],
                        capture_output=True, text=True, check=False,
                    )  # fmt: skip
                    if proc.returncode == 0:
                        url = json.loads(report.read_text())["install"][0]["download_info"]["url"]
                        found = url.rsplit("/", 1)[-1]
                    else:
                        found = "no wheel"
                    rows.setdefault(package, {}).setdefault(plat_name, {})[python] = found
                    print(f"{package:<16} {plat_name:<18} py{python:<5} {found}")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--quick", action="store_true", help="nside <= 1024 only")
    parser.add_argument("--only", nargs="+", help="cases to run (centres, lonlat2pix, cone, "
                        "circles, polygon, neighbours, convert, import, moc)")  # fmt: skip
    parser.add_argument("--libraries", nargs="+", default=list(LIBRARIES), choices=LIBRARIES)
    parser.add_argument("--wheels", action="store_true", help="only check wheels through pip")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0

    results = {"python": sys.version.split()[0], "numpy": np.__version__, "libraries": {}}
    if args.wheels:
        packages = ["healpy", "astropy-healpix", "cdshealpix", "mocpy"]
        results["wheels"] = wheel_matrix(packages)
    else:
        libs = []
        for name in args.libraries:
            ok, info = available(name)
            results["libraries"][name] = info if ok else f"skipped: {info}"
            print(f"{name:<16} {info if ok else 'SKIPPED (' + info + ')'}")
            if ok:
                libs.append(name)
        wanted = set(args.only or ["centres", "lonlat2pix", "cone", "circles", "polygon",
                                   "neighbours", "convert", "import", "moc"])  # fmt: skip
        if "import" in wanted:
            results["import"] = import_times(libs)
        rows = []
        for spec in plan(args, libs):
            if spec["case"].split("_")[0] not in wanted:
                continue
            result = run_child(spec)
            rows.append({"spec": spec, "result": result})
            print(format_row(spec, result), flush=True)
        results["rows"] = rows
        if "moc" in wanted:
            results["moc"] = moc_checks(args.repeat)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
        print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())

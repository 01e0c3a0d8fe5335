"""FITS layouts of IRF maps (the PSF; EDISP uses the gadf part too): gadf images, gadf
region tables and Fermi ``gtpsf`` tables.

* gadf image (gammapy MapDataset files, e.g. the Fermi-LAT Crab dataset): the ``PSF`` image HDU
  with a WCS and ``PSF_BANDS``; ``PSF_EXPOSURE`` and ``PSF_EXPOSURE_BANDS`` next to it.
* gadf region map (gammapy's ``RegionNDMap``, e.g. the Galactic-centre dataset): ``PSF`` is a
  binary table with ``CHANNEL`` and ``DATA`` (one value per row, or one row per outer-axis
  entry as gammapy 2.1 writes it), in data order (the first axis varies fastest), with the
  axes in ``PSF_BANDS``. A ``PSF_REGION`` table, if present, is not read: with one spatial bin
  the PSF is the same everywhere.
* ``gtpsf`` (Fermi science tools): a ``PSF`` table with ``Energy`` (MeV), ``Exposure``
  (cm2 s) and ``Psf`` (sr^-1, one row per energy) and a ``THETA`` table with ``Theta`` (deg).

Region and gtpsf PSFs have a single spatial bin. They are held on a one-pixel geometry that
covers the whole sky, so that every position falls in that pixel.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.io import fits

from ..maps import Map, MapAxis, WcsGeom
from ..maps.hpx.io import is_hpx_hdu
from ..maps.io_fits import (
    axes_from_bands_hdu,
    axes_header_cards,
    axes_to_bands_hdu,
    map_to_hdus,
)

__all__ = ["allsky_geom", "read_irf_hdulist", "single_bin_geom", "write_irf_hdus"]

FORMATS = ("gadf", "gtpsf")
LAYOUTS = ("image", "region")
_TABLE_FORMATS = {np.dtype(np.float32): "E", np.dtype(np.float64): "D"}


def allsky_geom(axes) -> WcsGeom:
    """gammapy's default IRF grid: all sky in 2 x 1 pixels of 180 deg (CAR, ICRS)."""
    return WcsGeom.create(npix=(2, 1), binsz=180, proj="CAR", frame="icrs", axes=axes)


def single_bin_geom(axes) -> WcsGeom:
    """A one-pixel ICRS geometry covering the whole sky (lon 360 deg by lat 180 deg)."""
    return WcsGeom.create(npix=1, binsz=(360.0, 180.0), frame="icrs", axes=axes)


def _find_hdu(hdulist, name, filename, role):
    names = [hdu.name for hdu in hdulist]
    for hdu in hdulist:
        if hdu.name.upper() == str(name).upper():
            return hdu
    raise KeyError(f"{filename} has no {role} HDU named '{name}'; its HDUs are {names}")


def _has_hdu(hdulist, name) -> bool:
    return any(hdu.name.upper() == str(name).upper() for hdu in hdulist)


def _column(table, name):
    """Column values as a native-byte-order array, the name matched case-insensitively."""
    names = {n.upper(): n for n in table.columns.names}
    if name.upper() not in names:
        raise KeyError(
            f"table '{table.name}' has no column '{name}'; its columns are {table.columns.names}"
        )
    values = np.array(table.data[names[name.upper()]])
    if not values.dtype.isnative:
        values = values.astype(values.dtype.newbyteorder("="))
    return values


def _column_unit(table, name) -> u.UnitBase:
    for column in table.columns:
        if column.name.upper() == name.upper() and column.unit:
            return u.Unit(column.unit, parse_strict="silent")
    return u.dimensionless_unscaled


# ---------------------------------------------------------------------- reading
def _region_map(hdulist, name, hdu_bands, filename) -> Map:
    table = _find_hdu(hdulist, name, filename, "map")
    bands_name = hdu_bands or table.header.get("BANDSHDU") or f"{table.name}_BANDS"
    bands = _find_hdu(hdulist, bands_name, filename, "axes table")
    axes = axes_from_bands_hdu(bands, header=table.header, format="gadf")
    geom = single_bin_geom(axes)
    values = _column(table, "DATA")
    if "CHANNEL" in (n.upper() for n in table.columns.names):
        values = values[np.argsort(_column(table, "CHANNEL"), kind="stable")]
    expected = int(np.prod(geom.data_shape))
    if values.size != expected:
        raise ValueError(
            f"HDU '{table.name}' of {filename} holds {values.size} values, but its axes "
            f"{[axis.name for axis in axes]} need {expected}"
        )
    data = values.reshape(geom.data_shape)
    return Map.from_geom(geom, data=data, unit=_column_unit(table, "DATA"))


def _gadf_map(hdulist, name, hdu_bands, filename):
    """(map, layout) for an image or region-table HDU."""
    hdu = _find_hdu(hdulist, name, filename, "map")
    if hdu.is_image or is_hpx_hdu(hdu):  # a HEALPix table is an image of its pixels
        m = Map.from_hdulist(hdulist, hdu=hdu.name, hdu_bands=hdu_bands, filename=filename)
        return m, "image"
    if "DATA" in (n.upper() for n in hdu.columns.names):
        return _region_map(hdulist, hdu.name, hdu_bands, filename), "region"
    raise ValueError(
        f"HDU '{hdu.name}' of {filename} is neither an image nor a region-map table (with a "
        f"DATA column); its columns are {hdu.columns.names}"
    )


def _gtpsf_maps(hdulist, name, filename):
    table = _find_hdu(hdulist, name, filename, "gtpsf PSF table")
    theta = _find_hdu(hdulist, "THETA", filename, "gtpsf THETA table")
    rad_axis = MapAxis.from_nodes(_column(theta, "Theta"), interp="lin", name="rad", unit="deg")
    energy_axis = MapAxis.from_nodes(
        _column(table, "Energy"), interp="log", name="energy_true", unit="MeV"
    )
    geom = single_bin_geom([rad_axis, energy_axis])
    psf = _column(table, "Psf").reshape(geom.data_shape)
    psf_map = Map.from_geom(geom, data=psf, unit="sr-1")
    exposure_geom = geom.squash("rad")
    exposure = _column(table, "Exposure").reshape(exposure_geom.data_shape)
    exposure_map = Map.from_geom(exposure_geom, data=exposure, unit="cm2 s")
    return psf_map, exposure_map


def read_irf_hdulist(
    hdulist,
    *,
    hdu="PSF",
    format="gadf",
    hdu_bands=None,
    exposure_hdu=None,
    exposure_hdu_bands=None,
    filename="<hdulist>",
):
    """(psf_map, exposure_map or None, layout) from an open HDU list."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    hdu = "PSF" if hdu is None else hdu
    if format == "gtpsf":
        psf_map, exposure_map = _gtpsf_maps(hdulist, hdu, filename)
        return psf_map, exposure_map, "region"
    psf_map, layout = _gadf_map(hdulist, hdu, hdu_bands, filename)
    exposure_name = exposure_hdu or f"{hdu}_EXPOSURE"
    exposure_map = None
    if _has_hdu(hdulist, exposure_name):
        exposure_map, _ = _gadf_map(hdulist, exposure_name, exposure_hdu_bands, filename)
    elif exposure_hdu is not None:
        _find_hdu(hdulist, exposure_hdu, filename, "exposure map")
    return psf_map, exposure_map, layout


# ---------------------------------------------------------------------- writing
def map_hdus(m: Map, name: str) -> list:
    """The HDUs of a map in a dataset or IRF file: an image and its bands table, or for a
    HEALPix map gammapy's HEALPix layout (a table of pixels and its bands table), which
    ``Map.from_hdulist`` reads back and gammapy reads too."""
    if getattr(m.geom, "is_hpx", False):
        return list(m.to_hdulist(hdu=name))[1:]
    return map_to_hdus(m, hdu=name)


def _region_hdus(m: Map, name: str) -> list:
    values = m.data.reshape(-1)
    column_format = _TABLE_FORMATS.get(values.dtype)
    if column_format is None:
        values, column_format = values.astype(np.float64), "D"
    unit = m.unit.to_string("fits") if m.unit != u.dimensionless_unscaled else None
    bands_name = f"{name}_BANDS"
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column("CHANNEL", format="K", array=np.arange(values.size, dtype=np.int64)),
            fits.Column("DATA", format=column_format, array=values, unit=unit),
        ],
        name=name,
    )
    for key, value in axes_header_cards(m.geom.axes):
        table.header[key] = value
    table.header["BANDSHDU"] = bands_name
    return [table, axes_to_bands_hdu(m.geom.axes, bands_name)]


def _gtpsf_hdus(psf_map: Map, exposure_map: Map | None, hdu: str) -> list:
    if exposure_map is None:
        raise ValueError(
            "the gtpsf format stores an Exposure column, but this PSFMap has no exposure map; "
            "write it with format='gadf' instead"
        )
    rad = psf_map.geom.axes["rad"].center.to_value("deg")
    energy = psf_map.geom.axes["energy_true"].center.to_value("MeV")
    geom = psf_map.geom
    rad_index = geom.axes.index_of("rad")
    energy_index = geom.axes.index_of("energy_true")
    n_axes = len(geom.axes)
    psf = psf_map.quantity.to_value("sr-1")[..., 0, 0]
    psf = np.moveaxis(psf, [n_axes - 1 - energy_index, n_axes - 1 - rad_index], [0, 1])
    exposure = exposure_map.quantity.to_value("cm2 s").reshape(-1)
    theta = fits.BinTableHDU.from_columns([fits.Column("Theta", format="D", array=rad)])
    theta.name = "THETA"
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column("Energy", format="D", array=energy),
            fits.Column("Exposure", format="D", array=exposure),
            fits.Column("Psf", format=f"{rad.size}D", array=psf),
        ],
        name=hdu,
    )
    return [table, theta]


def write_irf_hdus(psf_map, exposure_map, *, layout="image", hdu="PSF", format="gadf") -> list:
    """HDUs (no primary) for a PSF map and its exposure in the given format and layout."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    name = str(hdu).upper()
    if format == "gtpsf":
        if getattr(psf_map.geom, "is_hpx", False) or psf_map.geom.npix != (1, 1):
            raise ValueError(
                f"the gtpsf format holds a single spatial bin, but this PSF map has "
                f"{np.ravel(psf_map.geom.npix).tolist()} pixels; write it with format='gadf' "
                "instead"
            )
        return _gtpsf_hdus(psf_map, exposure_map, name)
    write = _region_hdus if layout == "region" else map_hdus
    hdus = write(psf_map, name)
    if exposure_map is not None:
        hdus += write(exposure_map, f"{name}_EXPOSURE")
    return hdus

"""FITS HDUs of maps and geometries with gammapy's options: `to_hdu`, `to_hdulist`, the
"fgst-ccube" / "fgst-template" layouts, sparse tables, and bands tables of geometries.

Layouts (gammapy 2.1's):

- "gadf": the image HDU plus a ``<HDU>_BANDS`` table (skymask's default, `skymask.maps.io_fits`);
- "fgst-ccube": a Fermi counts cube, the energy bin edges in an ``EBOUNDS`` table
  (``CHANNEL``, ``E_MIN``, ``E_MAX``); the map needs one axis, named "energy";
- "fgst-template": a Fermi model cube, the energies in an ``ENERGIES`` table (``ENERGY``,
  MeV); one axis, named "energy" or "energy_true";
- sparse (``sparse=True``): a binary table of the non-zero pixels, ``PIX`` (flat index in the
  image, row-major), ``CHANNEL`` (flat index of the image plane in data order, with axes) and
  ``VALUE``, with the image header (WCS, axes keywords) in the table header. Masks keep
  ``BOOLEAN = T`` and read back as masks (gammapy reads them as float).

Unnamed axes are written as ``axis0``, ``axis1``, ... (their position), as gammapy names them.
Writing goes through `skymask.utils.io` (atomic); reading through `skymask.maps.io_fits`.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from ..utils.io import check_overwrite, write_fits
from .io_fits import DEFAULT_MASK_HDU, axes_to_bands_hdu, map_to_hdus, named_axes

__all__ = ["FORMATS", "geom_to_bands_hdu", "map_to_hdu", "map_to_hdulist", "named_axes", "write"]

#: FITS layouts of `map_to_hdulist`.
FORMATS = ("gadf", "fgst-ccube", "fgst-template")


def _named(m):
    if all(axis.name for axis in m.geom.axes):
        return m
    geom = m.geom.to_image().to_cube(named_axes(m.geom.axes))
    return m.__class__(geom, data=m.data, unit=m.unit, meta=m.meta)


def _check_format(format, axes):
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    if format == "gadf":
        return
    names = [axis.name for axis in axes]
    allowed = ("energy",) if format == "fgst-ccube" else ("energy", "energy_true")
    if len(axes) != 1 or names[0] not in allowed:
        raise ValueError(
            f"format {format!r} holds one energy axis named {' or '.join(allowed)}; this map "
            f"has the axes {names}: use format='gadf'"
        )


def _fermi_bands_hdu(axis, format) -> fits.BinTableHDU:
    channel = fits.Column("CHANNEL", format="K", array=np.arange(axis.nbin, dtype=np.int64))
    if format == "fgst-ccube":
        unit = axis.unit.to_string("fits")
        edges = axis.edges.value
        columns = [
            channel,
            fits.Column("E_MIN", format="D", array=edges[:-1], unit=unit),
            fits.Column("E_MAX", format="D", array=edges[1:], unit=unit),
        ]
        return fits.BinTableHDU.from_columns(columns, name="EBOUNDS")
    energy = axis.center.to_value("MeV")
    columns = [channel, fits.Column("ENERGY", format="D", array=energy, unit="MeV")]
    return fits.BinTableHDU.from_columns(columns, name="ENERGIES")


def geom_to_bands_hdu(geom, hdu_bands=None, format="gadf") -> fits.BinTableHDU:
    """See `WcsGeom.to_bands_hdu`."""
    axes = named_axes(geom.axes)
    _check_format(format, axes)
    if format != "gadf":
        return _fermi_bands_hdu(axes[0], format)
    return axes_to_bands_hdu(axes, str(hdu_bands or "BANDS").upper())


def _sparse_hdu(image: fits.ImageHDU | fits.PrimaryHDU, data, name) -> fits.BinTableHDU:
    """The non-zero pixels of ``data`` as gammapy's sparse table, with the image header."""
    ny, nx = data.shape[-2:]
    planes = data.reshape(-1, ny * nx)
    channel, pix = np.nonzero(planes)  # NaN is non-zero: kept, as gammapy
    values = planes[channel, pix]
    value_format = "D" if values.dtype == np.float64 else "E"
    columns = [fits.Column("PIX", format="J", array=pix.astype(np.int32))]
    if data.ndim > 2:
        columns.append(fits.Column("CHANNEL", format="J", array=channel.astype(np.int32)))
    columns.append(fits.Column("VALUE", format=value_format, array=values.astype(float)))
    header = image.header.copy()
    for key in ("SIMPLE", "XTENSION", "BITPIX", "EXTEND", "PCOUNT", "GCOUNT", "EXTNAME"):
        header.remove(key, ignore_missing=True)
    for key in [k for k in header if k.startswith("NAXIS")]:
        header.remove(key, ignore_missing=True)
    header["INDXSCHM"] = ("SPARSE", "non-zero pixels only (gammapy's sparse layout)")
    table = fits.BinTableHDU.from_columns(columns, name=name)
    for card in header.cards:
        if card.keyword and card.keyword not in table.header:
            table.header.append(card)
    return table


def map_to_hdu(m, hdu="SKYMAP", hdu_bands=None, sparse=False):
    """See `Map.to_hdu`."""
    m = _named(m)
    hdu = str(hdu).upper()
    if sparse and hdu == "PRIMARY":
        raise ValueError("a sparse map is a table: it cannot be the PRIMARY HDU; name an HDU")
    image = map_to_hdus(m, hdu=hdu, hdu_bands=hdu_bands)[0]
    if hdu_bands is None:
        image.header.remove("BANDSHDU", ignore_missing=True)
    if sparse:
        return _sparse_hdu(image, m.data, hdu)
    return image


def map_to_hdulist(m, hdu=None, hdu_bands=None, sparse=False, format="gadf") -> fits.HDUList:
    """See `Map.to_hdulist`."""
    m = _named(m)
    _check_format(format, list(m.geom.axes))
    if hdu is None:
        hdu = "SKYMAP" if sparse else (DEFAULT_MASK_HDU if m.is_mask else "PRIMARY")
    hdu = str(hdu).upper()
    if sparse and hdu == "PRIMARY":
        raise ValueError("a sparse map is a table: it cannot be the PRIMARY HDU; name an HDU")
    bands = None
    if m.geom.axes:
        name = (hdu_bands or f"{hdu}_BANDS").upper()
        bands = geom_to_bands_hdu(m.geom, hdu_bands=name, format=format)
        hdu_bands = bands.name
    image = map_to_hdus(m, hdu=hdu, hdu_bands=hdu_bands)[0]
    if bands is not None:
        image.header["BANDSHDU"] = bands.name
    if sparse:
        image = _sparse_hdu(image, m.data, hdu)
    hdus = [image] if hdu == "PRIMARY" else [fits.PrimaryHDU(), image]
    if bands is not None:
        hdus.append(bands)
    return fits.HDUList(hdus)


def write(
    m,
    filename,
    overwrite=False,
    hdu=None,
    hdu_bands=None,
    sparse=False,
    format="gadf",
    checksum=False,
):
    """See `Map.write`."""
    overwrite = check_overwrite(overwrite)
    hdulist = map_to_hdulist(m, hdu=hdu, hdu_bands=hdu_bands, sparse=sparse, format=format)
    return write_fits(hdulist, filename, overwrite=overwrite, checksum=checksum)

"""HEALPix maps in FITS: gammapy's layout (a binary table plus BANDS) and healpy-style tables.

Writing follows gammapy 2.1's ``HpxNDMap.to_hdulist`` ("gadf"): a ``BinTableHDU`` (default
name "SKYMAP") with ``PIXTYPE = HEALPIX``, ``ORDERING``, ``NSIDE``, ``ORDER``, ``COORDSYS``
(C or G), ``INDXSCHM`` (IMPLICIT all-sky, EXPLICIT partial-sky with a ``PIX`` column of global
indices and ``HPX_REG``, or SPARSE: ``PIX``, ``CHANNEL``, ``VALUE`` of the non-zero pixels),
one column ``CHANNEL<i>`` per image plane, and the ``<HDU>_BANDS`` table of the axes. Unlike
gammapy (which writes every column as float32), the data keep their dtype; boolean maps are
written as uint8 with ``BOOLEAN = T`` (D2) and read back as bool.

Reading accepts gammapy's files (implicit, explicit and sparse indexing) and plain healpy-style
tables (HAWC and LHAASO public maps: ``PIXTYPE = HEALPIX``, ``NSIDE``, ``ORDERING``, one or
more data columns, rows of one or of many pixels; explicit ``PIXEL``/``PIX`` columns for
partial maps). ``colname`` chooses the column of a multi-column healpy table (default the
first).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.io import fits

from ...utils.io import check_overwrite, make_path, write_fits
from ...utils.reading import open_fits
from ..io_fits import (
    BOOLEAN_KEY,
    _meta_from_header,
    _meta_to_json,
    axes_from_bands_hdu,
    axes_to_bands_hdu,
)
from .geom import HpxGeom
from .geom_transforms import geom_args_from_header, hpx_header

__all__ = ["is_hpx_hdu", "read_hpx_map", "write_hpx_map"]

_FORMATS = {"b": "B", "u": "J", "i": "K", "f": "E"}


def is_hpx_hdu(hdu) -> bool:
    """Whether an HDU is a HEALPix table (``PIXTYPE = HEALPIX``)."""
    return (
        isinstance(hdu, fits.BinTableHDU)
        and str(hdu.header.get("PIXTYPE", "")).strip().upper() == "HEALPIX"
    )


def geom_to_header(geom: HpxGeom, sparse=False) -> fits.Header:
    """gammapy's HEALPix header cards for a geometry."""
    return hpx_header(geom, sparse=sparse)


def _column(name, array):
    array = np.asarray(array)
    if array.dtype == bool:
        array = array.astype(np.uint8)
    if array.dtype.kind == "f" and array.dtype.itemsize == 8:
        fmt = "D"
    else:
        fmt = _FORMATS.get(array.dtype.kind)
    if fmt is None:
        raise TypeError(f"HEALPix maps of dtype {array.dtype} cannot be written to FITS")
    if array.dtype.kind in "iu":
        fmt = {1: "B", 2: "I", 4: "J"}.get(array.dtype.itemsize, "K")
        if array.dtype.kind == "u" and array.dtype.itemsize > 1:
            array = array.astype(np.int64)  # FITS has no unsigned 16-64 bit integer columns
            fmt = "K"
    return fits.Column(name, fmt, array=array)


def map_to_hdulist(m, hdu="SKYMAP", hdu_bands=None, sparse=False) -> fits.HDUList:
    """The HDU list of an `HpxNDMap` in gammapy's layout (see the module docstring)."""
    geom = m.geom
    hdu = hdu.upper()
    hdu_bands = f"{hdu}_BANDS" if hdu_bands is None else hdu_bands
    header = geom_to_header(geom, sparse=sparse)
    if geom.axes:
        header["BANDSHDU"] = hdu_bands
    data = m.data
    columns = []
    if sparse:
        values = np.where(np.isfinite(data), data, 0) if data.dtype.kind == "f" else data
        nonzero = np.nonzero(values > 0 if values.dtype != bool else values)
        pix = geom.local_to_global(nonzero[-1])
        columns.append(fits.Column("PIX", "K", array=pix))
        if data.ndim > 1:
            channel = np.ravel_multi_index(nonzero[:-1], data.shape[:-1])
            columns.append(fits.Column("CHANNEL", "K", array=channel))
        columns.append(_column("VALUE", values[nonzero]))
    else:
        if not geom.is_allsky:
            columns.append(fits.Column("PIX", "K", array=geom.ipix))
        for i, index in enumerate(np.ndindex(data.shape[:-1])):
            columns.append(_column(f"CHANNEL{i + 1}", data[index]))
    table = fits.BinTableHDU.from_columns(columns, header=header, name=hdu)
    table.header["BUNIT"] = m.unit.to_string("fits")
    table.header["META"] = _meta_to_json(m.meta)
    table.header[BOOLEAN_KEY] = (bool(m.is_mask), "data are boolean (0 = False, 1 = True)")
    hdus = [fits.PrimaryHDU(), table]
    if geom.axes:
        hdus.append(axes_to_bands_hdu(geom.axes, hdu_bands))
    return fits.HDUList(hdus)


def write_hpx_map(m, filename, overwrite=False, hdu="SKYMAP", hdu_bands=None, sparse=False,
                  checksum=False):  # fmt: skip
    """Write an `HpxNDMap` atomically (see `map_to_hdulist`)."""
    overwrite = check_overwrite(overwrite)
    hdulist = map_to_hdulist(m, hdu=hdu, hdu_bands=hdu_bands, sparse=sparse)
    write_fits(hdulist, filename, overwrite=overwrite, checksum=checksum)


def _find_table(hdulist, hdu, filename):
    if hdu is not None:
        try:
            table = hdulist[hdu]
        except KeyError:
            names = [h.name for h in hdulist]
            raise KeyError(f"{filename}: no HDU {hdu!r}; the HDUs are {names}") from None
        if not is_hpx_hdu(table):
            raise ValueError(f"{filename}: HDU {hdu!r} is not a HEALPix table (PIXTYPE)")
        return table
    for table in hdulist:
        if is_hpx_hdu(table):
            return table
    raise ValueError(f"{filename}: no HEALPix table (a binary table with PIXTYPE = HEALPIX)")


def geom_from_header(header, bands=None, pix=None) -> HpxGeom:
    """The geometry of a HEALPix table header (gammapy's or healpy's cards)."""
    args = geom_args_from_header(header)
    axes = axes_from_bands_hdu(bands, header) if bands is not None else None
    if args["region"] is None and pix is not None:
        args["region"] = (np.asarray(pix, dtype=np.int64),)
    return HpxGeom(**args, axes=axes)


def read_hpx_parts(hdulist, hdu=None, hdu_bands=None, colname=None, filename="<hdulist>"):
    """``(geom, data, unit, meta)`` of the HEALPix map in an open HDU list."""
    table = _find_table(hdulist, hdu, filename)
    header = table.header
    names = table.columns.names
    bands_name = hdu_bands or header.get("BANDSHDU")
    if bands_name is None:
        # Fermi tools' files name no bands table: EBOUNDS (counts) or ENERGIES (models).
        bands_name = next((n for n in ("EBOUNDS", "ENERGIES") if n in hdulist), None)
    bands = hdulist[bands_name] if bands_name and bands_name in hdulist else None
    scheme = str(header.get("INDXSCHM", "IMPLICIT")).strip().upper()
    pix_column = next((n for n in ("PIX", "PIXEL") if n in names), None)
    if scheme == "SPARSE":
        geom = geom_from_header(header, bands)
        pix = np.asarray(table.data.field("PIX"), dtype=np.int64)
        values = np.asarray(table.data.field("VALUE"))
        data = np.zeros(geom.data_shape, dtype=values.dtype)
        local = geom.global_to_local(pix)
        if "CHANNEL" in names:
            channel = np.unravel_index(table.data.field("CHANNEL"), geom.data_shape[:-1])
            data[(*channel, local)] = values
        else:
            data[..., local] = values
    else:
        explicit = scheme in ("EXPLICIT", "LOCAL") and pix_column is not None
        pix = np.asarray(table.data.field(pix_column)).ravel() if explicit else None
        geom = geom_from_header(header, bands, pix=pix)
        if colname is not None:
            if colname not in names:
                raise ValueError(f"{filename}: no column {colname!r}; the columns are {names}")
            columns = [colname]
        else:
            prefix = "ENERGY" if "TEMPLATE" in str(header.get("HPX_CONV", "")).upper() else None
            prefix = prefix or ("ENERGY" if bands is not None and bands.name == "ENERGIES"
                                else "CHANNEL")  # fmt: skip
            columns = [n for n in names if n.upper().startswith(prefix)]
            if not columns or geom.axes == ():
                columns = [n for n in names if n not in ("PIX", "PIXEL")][: max(1, len(columns))]
        planes = [np.asarray(table.data.field(c)).ravel() for c in columns]
        n_planes = int(np.prod(geom.axes.shape)) if geom.axes else 1
        if len(planes) != n_planes:
            raise ValueError(f"{filename}: {len(planes)} data columns for {n_planes} image planes")
        data = np.stack(planes).reshape(geom.data_shape)
        if pix is not None and not np.all(np.diff(pix) > 0):
            # Rows in another order than increasing pixel index: put them in the data order.
            data = data[..., np.argsort(pix, kind="stable")]
    if header.get(BOOLEAN_KEY) is True:
        data = data.astype(bool)
    elif data.dtype.byteorder not in ("=", "|"):
        data = data.astype(data.dtype.newbyteorder("="))
    unit = u.Unit(header.get("BUNIT", "") or header.get("TUNIT1", "") or "", parse_strict="silent")
    return geom, data, unit, _meta_from_header(header)


def read_hpx_map(cls, filename, hdu=None, hdu_bands=None, colname=None, checksum=True):
    """Read an `HpxNDMap` (class ``cls``) from a FITS file."""
    path = make_path(filename)
    with open_fits(path, what="map file", checksum=checksum) as hdulist:
        geom, data, unit, meta = read_hpx_parts(hdulist, hdu, hdu_bands, colname, str(path))
    return cls(geom, data=data, unit=unit, meta=meta)


def probe_hpx_file(filename, hdu=None) -> bool:
    """Whether the file's HDU ``hdu`` (default: any, when no image HDU has data) is a HEALPix
    table. Headers only; a damaged file is "not HEALPix" here, so that the WCS reader reports
    the damage with its own messages."""
    import warnings

    path = make_path(filename)
    # Only regular files are probed (a FIFO would block; the WCS reader reports it).
    if not path.is_file():
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The checked opener, never astropy directly: a damaged layout keyword (a huge
            # NAXIS, BITPIX 12) makes astropy loop or allocate before any check of ours.
            with open_fits(path, what="map file", memmap=True, complete=False) as hdulist:
                return probe_hpx_hdulist(hdulist, hdu)
    except Exception:  # any failure: not a HEALPix file for this probe
        return False


def probe_hpx_hdulist(hdulist, hdu=None) -> bool:
    """Whether an open HDU list holds a HEALPix map: its HDU ``hdu`` is a HEALPix table, or
    (``hdu`` None) no image HDU has data and some table is HEALPix (headers only)."""
    if hdu is not None:
        return hdu in hdulist and is_hpx_hdu(hdulist[hdu])
    has_image = any(
        isinstance(h, (fits.PrimaryHDU, fits.ImageHDU)) and h.header.get("NAXIS", 0) > 0
        for h in hdulist
    )
    return not has_image and any(is_hpx_hdu(h) for h in hdulist)

"""Maps to and from Zarr stores (optional: ``pip install 'skymask[zarr]'``), chunk by chunk.

A store is a Zarr group: the array ``data`` (bool for masks) in the map's chunks, and the
attributes ``skymask_header`` (the geometry's FITS header cards), ``skymask_bands`` (the axes
table as ECSV text, as the FITS bands HDU holds it), ``unit`` and ``meta``. The store is
written next to its final name and renamed into place when complete, like the FITS writes.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
from pathlib import Path

from astropy import units as u
from astropy.io import fits
from astropy.table import Table

from ..utils.io import check_overwrite, make_path
from .chunked import is_dask, require_dask
from .geom import WcsGeom
from .io_fits import axes_from_bands_hdu, axes_to_bands_hdu
from .map import Map

__all__ = ["read_zarr", "write_zarr"]

_COMPONENT = "data"


def _require_zarr():
    try:
        import zarr
    except ImportError:
        raise ImportError("Zarr stores need zarr: pip install 'skymask[zarr]'") from None
    return zarr


def write_zarr(m, path, *, overwrite=False, chunks="auto") -> Path:
    """Write a map (chunked or in memory) to a Zarr store, chunk by chunk.

    Parameters
    ----------
    m : `~skymask.maps.Map`
        The map; a chunked map keeps its chunks, an in-memory one gets ``chunks``.
    path : str or path
        The store (a folder, e.g. ``mask.zarr``).
    overwrite : bool
        Replace an existing store.
    chunks : dask chunks
        Chunks of an in-memory map in the store.

    Returns
    -------
    Path
        The store written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skymask.maps import WcsGeom
    >>> mask = WcsGeom.create(npix=(8, 6), binsz=0.1).region_mask("icrs;circle(0, 0, 0.2)")
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "mask.zarr"
    >>> back = read_zarr(write_zarr(mask, store))
    >>> back.is_chunked, back.data.dtype, bool((back.compute().data == mask.data).all())
    (True, dtype('bool'), True)
    """
    _require_zarr()
    da = require_dask("Zarr stores")
    overwrite = check_overwrite(overwrite)
    final = make_path(path)
    if final.exists() and not overwrite:
        raise FileExistsError(f"{final} exists; use overwrite=True to replace it")
    data = m.data if is_dask(m.data) else da.from_array(m.data, chunks=chunks)
    bands = ""
    if m.geom.axes:
        table = Table.read(axes_to_bands_hdu(m.geom.axes, "BANDS"))
        buffer = io.StringIO()
        table.write(buffer, format="ascii.ecsv")
        bands = buffer.getvalue()
    attributes = {
        "skymask_header": m.geom.to_header().tostring(sep="\n"),
        "skymask_bands": bands,
        "unit": m.unit.to_string("fits") if m.unit != u.dimensionless_unscaled else "",
        "meta": {str(k): v for k, v in m.meta.items() if isinstance(v, (str, int, float, bool))},
    }
    temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.skymask-tmp")
    try:
        da.to_zarr(data, str(temp), component=_COMPONENT, overwrite=False)
        import zarr

        zarr.open_group(str(temp), mode="r+").attrs.update(attributes)
        if final.exists():
            backup = final.with_name(f".{final.name}.{secrets.token_hex(4)}.skymask-old")
            os.replace(final, backup)
            os.replace(temp, final)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(temp, final)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    return final


def read_zarr(path, chunks=None) -> Map:
    """A chunked map from a Zarr store written by `write_zarr` (data read chunk by chunk).

    Parameters
    ----------
    path : str or path
        The store.
    chunks : dask chunks, optional
        Default: the store's chunks.

    Returns
    -------
    `~skymask.maps.Map`
        With dask data.
    """
    zarr = _require_zarr()
    da = require_dask("Zarr stores")
    store = make_path(path)
    if not store.exists():
        raise FileNotFoundError(f"no Zarr store at {store}")
    attributes = dict(zarr.open_group(str(store), mode="r").attrs)
    if "skymask_header" not in attributes:
        raise ValueError(f"{store} is not a skymask map store (no 'skymask_header' attribute)")
    header = fits.Header.fromstring(attributes["skymask_header"], sep="\n")
    axes = []
    if attributes.get("skymask_bands"):
        table = Table.read(attributes["skymask_bands"], format="ascii.ecsv")
        axes = axes_from_bands_hdu(fits.table_to_hdu(table), header=header)
    geom = WcsGeom.from_header(header, axes=axes)
    data = da.from_zarr(str(store), component=_COMPONENT, chunks=chunks)
    if data.shape != geom.data_shape:
        raise ValueError(
            f"{store}: data shape {data.shape} does not match the geometry {geom.data_shape}"
        )
    if data.dtype.kind not in "biuf":
        raise ValueError(f"{store}: unsupported data type {data.dtype}")
    unit = u.Unit(attributes.get("unit", "") or "", parse_strict="silent")
    meta = dict(attributes.get("meta", {}))
    return Map.from_geom(geom, data=data, unit=unit, meta=meta)

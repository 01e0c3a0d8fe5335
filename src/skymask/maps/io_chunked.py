"""Chunked maps to and from FITS (and Zarr) without holding the whole array.

Writing: the HDUs are those of an in-memory write (`skymask.maps.io_fits.map_to_hdus`: the
same headers, the MASK extension of boolean maps as uint8, the bands table), so gammapy reads
the file as it reads any skymask map. astropy writes the headers, the padding and the other
HDUs; the image data are computed chunk by chunk (`dask.array.store`) and each chunk is
written straight to its place in the file (``os.pwrite`` of its rows), so only the chunks
being computed are in memory. The file is written atomically like every skymask output
(`skymask.utils.io`: a temporary next to it, then a rename). With a ``dask.distributed``
cluster the workers write into the temporary by its path, so the file must be on a file
system they share (the local disk for a `distributed.LocalCluster`).

Reading: ``Map.read(..., chunks=...)`` reads the header and axes table, then wraps the image
data in a dask array whose chunks are read from the file when computed (a memory map of the
chunk's part only). Uncompressed files with plain BITPIX data (no BSCALE/BZERO) only.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys

import numpy as np
from astropy import units as u
from astropy.io import fits

from ..utils.io import OutputFile, check_overwrite, fits_writer, make_path, write_files
from .chunked import normalize_chunks, require_dask
from .geom import WcsGeom
from .io_fits import (
    _BOOL_HDU_NAME_PARTS,
    BOOLEAN_KEY,
    MapParts,
    _geom_from_hdulist,
    _guess_format,
    _meta_from_header,
    _select_hdu,
    map_to_hdus,
)

__all__ = ["FileSection", "read_chunked_map_parts", "write_chunked_map"]

# Largest band of whole rows computed and written at once by a chunked write.
BAND_BYTES = 64 * 2**20


class FileSection:
    """An array-like view of an image's data in a FITS file, for `dask.array.store` and
    `dask.array.from_array`: ``section[key] = block`` writes, ``section[key]`` reads.

    Only the path is kept (the file is opened for each access), so it pickles to the workers
    of a cluster.

    Parameters
    ----------
    path : str
        The file.
    offset : int
        Byte offset of the first data value.
    shape : tuple of int
        Data shape (numpy order).
    dtype : numpy dtype
        The dtype in the file (big-endian, as FITS stores it).
    """

    def __init__(self, path, offset: int, shape, dtype):
        self.path = os.fspath(path)
        self.offset = int(offset)
        self.shape = tuple(int(n) for n in shape)
        self.dtype = np.dtype(dtype).newbyteorder(">")
        self.ndim = len(self.shape)

    def __getitem__(self, key):
        data = np.memmap(
            self.path, dtype=self.dtype, mode="r", offset=self.offset, shape=self.shape
        )
        try:
            return np.array(data[key], dtype=self.dtype.newbyteorder("="))
        finally:
            del data

    def __setitem__(self, key, value) -> None:
        starts = [0 if s.start is None else int(s.start) for s in key]
        value = np.ascontiguousarray(value, dtype=self.dtype)
        # The trailing axes the block covers whole are contiguous in the file: one write per
        # index of the axes before them.
        run_axis = self.ndim - 1
        while run_axis > 0 and value.shape[run_axis] == self.shape[run_axis]:
            run_axis -= 1
        strides = np.cumprod((1, *self.shape[::-1]))[::-1][1:] * self.dtype.itemsize
        descriptor = os.open(self.path, os.O_WRONLY)
        try:
            for index in np.ndindex(value.shape[:run_axis]):
                position = sum(
                    (starts[i] + (index[i] if i < run_axis else 0)) * int(strides[i])
                    for i in range(self.ndim)
                )
                run = value[index].tobytes()
                written = os.pwrite(descriptor, run, self.offset + position)
                if written != len(run):
                    raise OSError(f"short write to {self.path}: {written} of {len(run)} bytes")
        finally:
            os.close(descriptor)


def _full_rows(data):
    """``data`` in chunks of whole rows (one contiguous run of the file per chunk and plane).

    Rows cut into pieces would mean one small write per row and piece (tens of thousands of
    system calls for a survey map); bands of whole rows are one write each. Bands stay below
    `BAND_BYTES` (one row at least).
    """
    nx = data.shape[-1]
    if len(data.chunks[-1]) == 1:
        return data
    row_bytes = nx * data.dtype.itemsize
    rows = max(1, min(max(data.chunks[-2]), BAND_BYTES // max(row_bytes, 1)))
    leading = {axis: 1 for axis in range(data.ndim - 2)}
    return data.rechunk({**leading, data.ndim - 2: rows, data.ndim - 1: -1})


def _distributed_client():
    """The active ``dask.distributed`` client, or None (threads, or no distributed)."""
    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        return None


def _compute(stored) -> None:
    """Compute a store, with dask's progress bar on stderr when ``skymask.progress`` is set in
    dask's configuration (the command line sets it on a terminal).

    The threaded scheduler draws `dask.diagnostics.ProgressBar` through its callbacks (the
    command line registers it); a ``dask.distributed`` cluster has no such callbacks, so its
    text progress bar (`distributed.progress`, which writes to stdout) is drawn here, on stderr.
    """
    import dask

    client = _distributed_client()
    if client is None or not dask.config.get("skymask.progress", False):
        stored.compute()
        return
    from distributed import progress

    future = client.compute(stored)
    with contextlib.redirect_stdout(sys.stderr):
        progress(future, multi=False)
    print(file=sys.stderr)
    future.result()


def _write_dask_data(image, output_file, fileobj) -> int:
    """Replacement of astropy's dask writer for one HDU: chunks written in place, no memory
    map of the whole output (which would count the whole file in the process's memory)."""
    da = require_dask()
    output = _full_rows(image.data)
    start = fileobj.tell()
    n_bytes = int(output.nbytes)
    # Extend the file over the data first, so that every chunk has its place.
    fileobj.seek(start + n_bytes - 1)
    fileobj.write(b"\0")
    fileobj.flush()
    target = FileSection(output_file.temporary_path, start, output.shape, output.dtype)
    _compute(da.store(output, target, lock=False, compute=False))
    fileobj.seek(start + n_bytes)
    return n_bytes


def write_chunked_map(m, filename, overwrite=False, hdu=None, hdu_bands=None, checksum=False):
    """Write a map with dask data to FITS chunk by chunk, atomically (see the module notes).

    Parameters
    ----------
    m : `~skymask.maps.Map`
        A chunked map.
    filename : str or path
        Output file (not ``.gz``: compressed files cannot be written in place).
    overwrite, hdu, hdu_bands : see `skymask.maps.Map.write`
    checksum : bool
        Must be False (a checksum would need all the data in one pass).

    Raises
    ------
    ValueError
        For ``.gz`` names and ``checksum=True``.
    """
    overwrite = check_overwrite(overwrite)
    path = make_path(filename)
    if path.name.lower().endswith(".gz"):
        raise ValueError(
            f"a chunked map cannot be written compressed ({path.name}): chunks are written in "
            "place; write an uncompressed file, or compute() the map first"
        )
    if checksum:
        raise ValueError(
            "checksum=True is not available for chunked maps; write without checksum, or "
            "compute() the map first"
        )
    hdus = map_to_hdus(m, hdu=hdu, hdu_bands=hdu_bands)
    image = hdus[0]
    if not isinstance(image, fits.PrimaryHDU):
        hdus.insert(0, fits.PrimaryHDU())
    output = OutputFile(path, fits_writer(fits.HDUList(hdus), path))
    # astropy writes the headers, padding and tables; the image data go through our writer
    # (an instance attribute in front of astropy's memory-mapping dask writer).
    image._writeinternal_dask = functools.partial(_write_dask_data, image, output)
    write_files([output], overwrite=overwrite)


def read_chunked_map_parts(filename, hdu=None, hdu_bands=None, format=None, chunks="auto"):
    """The parts of a map file (`~skymask.maps.io_fits.MapParts`) with lazy, chunked data.

    Parameters
    ----------
    filename : str or path
        An uncompressed FITS file.
    hdu, hdu_bands, format : see `skymask.maps.Map.read`
    chunks : dask chunks
        ``"auto"``, one size per axis, or a dict.

    Returns
    -------
    MapParts
        Geometry, dask data (bool for masks, as `Map.read` gives), unit and meta.

    Raises
    ------
    ValueError
        For compressed files, scaled data (BSCALE/BZERO) and chunks that do not fit.
    """
    da = require_dask("chunked reads")
    path = make_path(filename)
    if not path.is_file():
        raise FileNotFoundError(f"no map file at {path}")
    with open(path, "rb") as stream:
        magic = stream.read(3)
    # gzip, bzip2 or zip: astropy decompresses them whole; chunks need the plain bytes.
    if magic[:2] in (b"\x1f\x8b", b"PK") or magic == b"BZh":
        raise ValueError(
            f"{path} is compressed: read it without chunks, or decompress it first (chunks "
            "are read in place)"
        )
    with fits.open(path, memmap=False, lazy_load_hdus=False) as hdulist:
        image = _select_hdu(hdulist, hdu, path)
        header = image.header
        geom, bands_name = _geom_from_hdulist(hdulist, image, hdu_bands, format, path, WcsGeom)
        offset = hdulist.fileinfo(hdulist.index(image))["datLoc"]
    for key in ("BSCALE", "BZERO"):
        if header.get(key, 1 if key == "BSCALE" else 0) != (1 if key == "BSCALE" else 0):
            raise ValueError(
                f"HDU '{image.name}' of {path} has scaled data ({key} = {header[key]}): read it "
                "without chunks"
            )
    dtype = {8: "u1", 16: "i2", 32: "i4", 64: "i8", -32: "f4", -64: "f8"}[header["BITPIX"]]
    section = FileSection(path, offset, geom.data_shape, dtype)
    chunks = normalize_chunks(chunks, geom.data_shape, dtype=np.dtype(dtype))
    data = da.from_array(
        section,
        chunks=chunks,
        name=f"skymask-read-{da.core.tokenize(str(path), offset, os.stat(path).st_mtime_ns)}",
        meta=np.empty((0,) * len(geom.data_shape), dtype=np.dtype(dtype)),
    )
    name = image.name.lower()
    marked = header.get(BOOLEAN_KEY)
    if marked is True or (
        marked is None and data.dtype.kind in "iu" and any(p in name for p in _BOOL_HDU_NAME_PARTS)
    ):
        data = data.astype(bool)
    unit = u.Unit(header.get("BUNIT", "") or "", parse_strict="silent")
    is_template = (format or _guess_format(str(bands_name))) == "fgst-template"
    if unit == u.dimensionless_unscaled and bands_name is not None and is_template:
        names = {h.name for h in hdulist}
        unit = u.Unit("cm2 s") if "GTI" in names else u.Unit("cm-2 s-1 MeV-1 sr-1")
    return MapParts(geom, data, unit, _meta_from_header(header))

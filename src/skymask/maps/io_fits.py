"""FITS reading and writing of maps in gammapy's "gadf" layout, plus Fermi cube layouts.

gadf: the map is an image HDU (primary or named) with the WCS, ``WCSSHAPE``, ``BUNIT``,
``META`` (JSON) and, for each non-spatial axis i, ``AXCOLSi``/``INTERPi``. The axes are stored
in a ``<HDU>_BANDS`` binary table named by ``BANDSHDU``.

Fermi: a counts cube (``gtbin``) stores reconstructed-energy bin edges in an ``EBOUNDS`` table
(``E_MIN``, ``E_MAX``); a model or exposure cube stores true-energy nodes in ``ENERGIES``
(``Energy``, MeV).

Boolean maps are written as uint8 (BITPIX 8) with ``BOOLEAN = T``, by default in an extension
named "MASK" (so gammapy, which casts integer "mask" HDUs to bool, reads them as masks too),
and read back as bool;
other maps get ``BOOLEAN = F``. Integer maps without the key (files from gammapy, which writes
masks as int64) read as bool when the HDU name contains "mask", as gammapy does.

The readers return parts (a geometry and `MapParts`: geometry, data, unit, meta), never a map:
`Map.read` / `Map.from_hdulist` and `WcsGeom.read` build the object with their own class
(``cls(...)``), so subclasses round-trip as themselves, and this module imports neither the
geometry nor the map module (the geometry class is passed in).
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

import numpy as np
from astropy import units as u
from astropy.io import fits

from ..utils.io import check_overwrite, make_path, write_fits
from ..utils.memory import check_allocation
from ..utils.reading import damaged_file_errors, open_fits
from .axes import MapAxes, MapAxis
from .label_axis import LabelMapAxis

__all__ = [
    "MapParts",
    "axes_from_bands_hdu",
    "axes_header_cards",
    "axes_to_bands_hdu",
    "map_parts_from_hdulist",
    "map_to_hdus",
    "named_axes",
    "read_geom",
    "read_map_parts",
    "sparse_data",
    "write_map",
]

BOOLEAN_KEY = "BOOLEAN"
DEFAULT_MASK_HDU = "MASK"
# gammapy casts integer image HDUs to bool when their name contains one of these.
_BOOL_HDU_NAME_PARTS = ("mask", "is_ul", "success")
_MAX_AXES = 5
_WCSLIB_LOCATION = re.compile(r"ERROR \d+ in \w+\(\) at line \d+ of file [^:]*:")


# ---------------------------------------------------------------------- axes <-> tables
def _axis_columns(axis: MapAxis) -> tuple[str, str, str]:
    """(centre, min, max) column names of an axis in a gadf bands table."""
    if axis.name.lower() == "energy":
        return "ENERGY", "E_MIN", "E_MAX"
    stem = axis.name.upper()
    return stem, f"{stem}_MIN", f"{stem}_MAX"


def axes_header_cards(axes) -> list[tuple[str, str]]:
    """``AXCOLSi``, ``INTERPi`` and ``AXNAMEi`` keywords for the axes (1-based i).

    gammapy derives an axis' name from its column names and ignores ``AXNAMEi``; skymask
    reads the name back from it, so that any name survives a write and read.
    """
    cards = []
    columns = []
    for i, axis in enumerate(named_axes(axes), start=1):
        if isinstance(axis, LabelMapAxis):
            # gammapy's layout: one text column named like the axis, no INTERP
            columns.append(axis.name.upper())
            cards += [(f"AXCOLS{i}", axis.name.upper()), (f"AXNAME{i}", axis.name)]
            continue
        centre, low, high = _axis_columns(axis)
        columns += [centre, low, high]
        axcols = f"{low},{high}" if axis.node_type == "edges" else centre
        cards += [(f"AXCOLS{i}", axcols), (f"INTERP{i}", axis.interp), (f"AXNAME{i}", axis.name)]
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        names = [axis.name for axis in axes]
        raise ValueError(
            f"the axes {names} would share the bands-table columns {duplicates}; rename one"
        )
    return cards


def named_axes(axes) -> list[MapAxis]:
    """The axes, unnamed ones named ``axis<i>`` by their position, as gammapy names them."""
    return [axis if axis.name else axis.copy(name=f"axis{i}") for i, axis in enumerate(axes)]


def axes_to_bands_hdu(axes, name: str) -> fits.BinTableHDU:
    """The ``<HDU>_BANDS`` table: CHANNEL and centre/min/max columns, one row per plane.

    Rows follow the data's channel order (the first axis varies fastest).
    """
    axes = named_axes(axes)
    cards = axes_header_cards(axes)  # checks first: column names must not collide
    shape = MapAxes(axes).shape
    n_rows = int(np.prod(shape))
    index = np.unravel_index(np.arange(n_rows), shape[::-1])[::-1] if shape else ()
    columns = [fits.Column("CHANNEL", format="K", array=np.arange(n_rows, dtype=np.int64))]
    for axis, idx in zip(axes, index, strict=True):
        if isinstance(axis, LabelMapAxis):
            labels = np.asarray([str(label) for label in axis.center])[idx]
            width = max(1, max(len(label.encode()) for label in labels))
            columns.append(fits.Column(axis.name.upper(), format=f"{width}A", array=labels))
            continue
        centre, low, high = _axis_columns(axis)
        unit = axis.unit.to_string("fits") if axis.unit != u.dimensionless_unscaled else None
        edges = axis.edges.value
        for colname, values in (
            (centre, axis.center.value[idx]),
            (low, edges[:-1][idx]),
            (high, edges[1:][idx]),
        ):
            columns.append(fits.Column(colname, format="D", array=values, unit=unit))
    hdu = fits.BinTableHDU.from_columns(columns, name=name)
    for key, value in cards:
        hdu.header[key] = value
    return hdu


def _column_quantity(table, name, key=None) -> tuple[np.ndarray, u.UnitBase]:
    """Values and unit of a column (name matched case-insensitively); ``key`` is the header
    keyword that named the column, for the message when it is missing."""
    names = {n.upper(): n for n in table.columns.names}
    if name.upper() not in names:
        origin = f" named by {key}" if key else ""
        raise KeyError(
            f"the axes table '{table.name}' has no column '{name}'{origin}; its columns are "
            f"{table.columns.names}"
        )
    column = table.columns[names[name.upper()]]
    unit = u.Unit(column.unit, parse_strict="silent") if column.unit else u.dimensionless_unscaled
    return np.asarray(table.data[column.name], dtype=float), unit


def _find_column(table, candidates):
    names = {n.upper(): n for n in table.columns.names}
    for candidate in candidates:
        if candidate.upper() in names:
            return names[candidate.upper()]
    raise ValueError(
        f"table '{table.name}' has none of the columns {list(candidates)}; "
        f"it has {table.columns.names}"
    )


def axes_from_bands_hdu(bands: fits.BinTableHDU, header=None, format=None) -> list[MapAxis]:
    """Axes from a bands table: gadf (``AXCOLSi``), ``EBOUNDS`` or ``ENERGIES``."""
    format = format or _guess_format(bands.name)
    if not isinstance(bands, fits.BinTableHDU):
        raise ValueError(
            f"the axes table '{bands.name}' is not a binary table (XTENSION = "
            f"{bands.header.get('XTENSION', 'none')!r})"
        )
    if bands.data is None or len(bands.data) == 0:
        raise ValueError(
            f"the axes table '{bands.name}' has no rows; an axis needs at least one bin (one "
            "row per bin, or per combination of bins)"
        )
    if format == "fgst-ccube":
        low, unit = _column_quantity(bands, _find_column(bands, ["E_MIN"]))
        high, _ = _column_quantity(bands, _find_column(bands, ["E_MAX"]))
        edges = np.append(low, high[-1])
        return [MapAxis.from_edges(edges, interp="log", name="energy", unit=unit)]
    if format == "fgst-template":
        values, _ = _column_quantity(bands, _find_column(bands, ["ENERGY"]))
        return [MapAxis.from_nodes(values, interp="log", name="energy_true", unit="MeV")]
    if format != "gadf":
        raise ValueError(f"format must be 'gadf', 'fgst-ccube' or 'fgst-template', got {format!r}")
    headers = [bands.header] + ([header] if header is not None else [])
    axes = []
    for i in range(1, _MAX_AXES + 1):
        axcols = next((h[f"AXCOLS{i}"] for h in headers if f"AXCOLS{i}" in h), None)
        if axcols is None:
            break
        interp = next((h[f"INTERP{i}"] for h in headers if f"INTERP{i}" in h), "lin")
        if not isinstance(axcols, str) or not isinstance(interp, str):
            raise ValueError(
                f"the axes table '{bands.name}': AXCOLS{i} and INTERP{i} must be strings, got "
                f"{axcols!r} and {interp!r}"
            )
        interp = interp.strip()
        colnames = [c.strip() for c in axcols.split(",")]
        explicit = next((h[f"AXNAME{i}"] for h in headers if f"AXNAME{i}" in h), None)
        if explicit:
            name = str(explicit)
        elif colnames[0].upper() in ("E_MIN", "ENERGY"):
            name = "energy"
        else:
            name = colnames[0].upper().removesuffix("_MIN").lower()
            name = "rad" if name == "theta" else name
        key = f"AXCOLS{i} = '{axcols}'"
        if len(colnames) not in (1, 2) or not all(colnames):
            raise ValueError(
                f"the axes table '{bands.name}': {key} must name one column (nodes) or two "
                "(lower and upper edges), e.g. 'E_MIN,E_MAX'"
            )
        labels = _label_column(bands, colnames) if len(colnames) == 1 else None
        if labels is not None:
            # Labels in the order they first appear (gammapy sorts them, which reorders the
            # planes of an axis not written in sorted order).
            name = str(explicit) if explicit else colnames[0].lower()
            axis = LabelMapAxis(list(dict.fromkeys(labels)), name=name)
        elif len(colnames) == 2:
            low, unit = _column_quantity(bands, colnames[0], key)
            high, _ = _column_quantity(bands, colnames[1], key)
            edges = np.append(_ordered_unique(low), _ordered_unique(high)[-1])
            axis = MapAxis.from_edges(edges, interp=interp, name=name, unit=unit)
        else:
            values, unit = _column_quantity(bands, colnames[0], key)
            nodes = _ordered_unique(values)
            axis = MapAxis.from_nodes(nodes, interp=interp, name=name, unit=unit)
        axes.append(axis)
    return axes


def _label_column(bands, colnames) -> list[str] | None:
    """The text values of a one-column axis (a label axis), or None for a number column."""
    names = {n.upper(): n for n in bands.columns.names}
    column = names.get(colnames[0].upper())
    if column is None or bands.columns[column].format[-1:] != "A":
        return None
    return [str(value).strip() for value in bands.data[column]]


def _ordered_unique(values: np.ndarray) -> np.ndarray:
    """Distinct values in the order they first appear (so descending axes stay descending).

    Tables whose rows do not follow the axis order (gammapy's meshgrid for >= 3 axes) give a
    non-monotonic order; then the sorted values are the axis.
    """
    _, first = np.unique(values, return_index=True)
    ordered = values[np.sort(first)]
    steps = np.diff(ordered)
    return ordered if np.all(steps > 0) or np.all(steps < 0) else np.unique(values)


def _guess_format(bands_name: str) -> str:
    name = bands_name.upper()
    if name == "ENERGIES":
        return "fgst-template"
    if name == "EBOUNDS":
        return "fgst-ccube"
    return "gadf"


# ---------------------------------------------------------------------- meta
def _meta_to_json(meta: dict) -> str:
    def default(value):
        if isinstance(value, u.Quantity):
            return str(value)
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        return str(value)

    return json.dumps(meta, default=default)


def _meta_from_header(header) -> dict:
    text = header.get("META")
    if not text:
        return {}
    try:
        meta = json.loads(text)
    except json.JSONDecodeError:
        return {"META": text}
    return meta if isinstance(meta, dict) else {"META": meta}


# ---------------------------------------------------------------------- map <-> HDUs
def map_to_hdus(m, hdu=None, hdu_bands=None) -> list:
    """The image HDU and, with axes, its bands table.

    ``hdu=None`` means the primary HDU, except for boolean maps, which go to an extension
    named "MASK": gammapy reads integer data in an HDU whose name contains "mask" as bool, so
    skymask masks come back as masks in gammapy too.
    """
    _check_writable_dtype(m.data.dtype)
    if hdu is None:
        hdu = DEFAULT_MASK_HDU if m.data.dtype == bool else "PRIMARY"
    name = str(hdu).upper()
    geom = m.geom
    header = geom.to_header()
    if geom.axes:
        bands_name = (hdu_bands or f"{name}_BANDS").upper()
        header["BANDSHDU"] = bands_name
    data = m.data
    if data.dtype == bool:
        data = data.view(np.uint8)
        header[BOOLEAN_KEY] = (True, "data are boolean (0 = False, 1 = True)")
    else:
        # Explicitly not boolean, so that an integer map in an HDU named "...mask..." keeps
        # its dtype when read back.
        header[BOOLEAN_KEY] = (False, "data are not boolean")
    header["META"] = _meta_to_json(m.meta)
    header["BUNIT"] = m.unit.to_string("fits") if m.unit != u.dimensionless_unscaled else ""
    if name == "PRIMARY":
        image = fits.PrimaryHDU(data=data, header=header)
    else:
        image = fits.ImageHDU(data=data, header=header, name=name)
    hdus = [image]
    if geom.axes:
        hdus.append(axes_to_bands_hdu(geom.axes, bands_name))
    return hdus


def _check_writable_dtype(dtype: np.dtype) -> None:
    """FITS images hold bool (as uint8), integers, float32 and float64 only (BITPIX)."""
    if dtype.kind in "biu" or (dtype.kind == "f" and dtype.itemsize in (4, 8)):
        return
    if dtype.kind == "f":
        target = "float32" if dtype.itemsize < 4 else "float64"
        raise TypeError(
            f"{dtype} data cannot be written to FITS: images hold 32- and 64-bit floats only "
            f"(BITPIX -32, -64); convert first, e.g. m.data = m.data.astype('{target}')"
        )
    if dtype.kind == "c":
        raise TypeError(
            f"{dtype} (complex) data cannot be written to a FITS image; write the real and "
            "imaginary parts as two maps (m.data.real, m.data.imag)"
        )
    raise TypeError(
        f"{dtype} data cannot be written to a FITS image; maps must hold bool, integer, "
        "float32 or float64 values"
    )


def _is_image(hdu) -> bool:
    """An image HDU astropy could parse (a damaged header gives a generic HDU object)."""
    return isinstance(hdu, (fits.PrimaryHDU, fits.ImageHDU))


def _is_sparse(hdu) -> bool:
    """gammapy's sparse map table: PIX and VALUE columns with the image header."""
    if not isinstance(hdu, fits.BinTableHDU):
        return False
    names = {n.upper() for n in hdu.columns.names}
    return {"PIX", "VALUE"} <= names and "CTYPE1" in hdu.header


def sparse_data(table: fits.BinTableHDU, shape) -> np.ndarray:
    """The data of a sparse map table on a geometry's data shape (absent pixels are 0).

    ``PIX`` is the flat (row-major) index in the image, ``CHANNEL`` the flat index of the
    image plane in data order; ``BOOLEAN = T`` tables read back as masks.
    """
    names = {n.upper() for n in table.columns.names}
    values = np.asarray(table.data.field("VALUE"))
    pix = np.asarray(table.data.field("PIX"), dtype=np.int64)
    ny, nx = shape[-2:]
    n_planes = int(np.prod(shape[:-2], dtype=np.int64))
    channel = np.zeros(pix.shape, dtype=np.int64)
    if "CHANNEL" in names and len(shape) > 2:
        channel = np.asarray(table.data.field("CHANNEL"), dtype=np.int64)
    if np.any((pix < 0) | (pix >= ny * nx)) or np.any((channel < 0) | (channel >= n_planes)):
        raise ValueError(
            f"the sparse table '{table.name}' has PIX or CHANNEL values outside the geometry "
            f"{tuple(shape)}"
        )
    dtype = np.float64 if values.dtype.itemsize > 4 else np.float32
    check_allocation(shape, dtype, what=f"the map of sparse table '{table.name}'")
    data = np.zeros((n_planes, ny * nx), dtype=dtype)
    data[channel, pix] = values
    data = data.reshape(shape)
    return data != 0 if table.header.get(BOOLEAN_KEY) is True else data


def _is_image_with_data(hdu) -> bool:
    naxis = hdu.header.get("NAXIS", 0)
    return _is_image(hdu) and isinstance(naxis, int) and naxis >= 2


def _select_hdu(hdulist, hdu, filename):
    names = [h.name for h in hdulist]
    if hdu is None:
        for candidate in hdulist:
            if _is_image_with_data(candidate):
                return candidate
        for candidate in hdulist:
            if _is_sparse(candidate):
                return candidate
        raise ValueError(f"{filename} has no image HDU with data; its HDUs are {names}")
    key = str(hdu).upper()
    for candidate in hdulist:
        if candidate.name.upper() == key:
            if _is_sparse(candidate):
                return candidate
            if isinstance(candidate, fits.BinTableHDU):
                raise ValueError(
                    f"HDU '{candidate.name}' of {filename} is a table, not an image; skymask reads "
                    "WCS image maps and sparse WCS tables only (not HEALPix or region maps)"
                )
            if not _is_image(candidate):
                raise ValueError(
                    f"HDU '{candidate.name}' of {filename} is not an image HDU that can be read "
                    "(its header is damaged or of an unknown kind)"
                )
            if not _is_image_with_data(candidate):
                images = [h.name for h in hdulist if _is_image_with_data(h)]
                raise ValueError(
                    f"HDU '{candidate.name}' of {filename} holds no image (NAXIS = "
                    f"{candidate.header.get('NAXIS', 0)}); the HDUs with images are {images}: "
                    "choose one of them (hdu=..., or --hdu on the command line)"
                )
            return candidate
    raise KeyError(f"{filename} has no HDU named '{hdu}'; its HDUs are {names}")


class MapParts(NamedTuple):
    """What a map file holds: ``Map(geom, data=data, unit=unit, meta=meta)`` rebuilds it."""

    geom: object
    data: np.ndarray
    unit: u.UnitBase
    meta: dict


def _geom_from_hdulist(hdulist, image, hdu_bands, format, filename, geom_class):
    """(geometry, bands HDU name) of an image HDU: its header plus its axes table, no data."""
    header = image.header
    names = {h.name.upper(): h for h in hdulist}
    bands_name = hdu_bands or header.get("BANDSHDU")
    if bands_name is None and header.get("NAXIS", 0) >= 3:
        bands_name = next((n for n in ("EBOUNDS", "ENERGIES") if n in names), None)
    axes = []
    if bands_name is not None:
        bands = names.get(str(bands_name).upper())
        if bands is None:
            raise KeyError(
                f"{filename}: the axes table '{bands_name}' of HDU '{image.name}' is missing"
            )
        try:
            axes = axes_from_bands_hdu(bands, header=header, format=format)
        except (ValueError, KeyError) as exc:
            raise type(exc)(f"{filename}: {_text(exc)}") from None
    if not _is_sparse(image):  # a table's NAXISn are its row size and count
        _check_wcsshape(header, image.name, filename)
    try:
        geom = geom_class.from_header(header, axes=axes)
    except (ValueError, KeyError, TypeError) as exc:
        # wcslib's messages span lines and start with its source location: keep the reason.
        reason = " ".join(_WCSLIB_LOCATION.sub("", _text(exc)).split())
        raise ValueError(f"HDU '{image.name}' of {filename}: {reason}") from None
    return geom, bands_name


def _text(exc: BaseException) -> str:
    """The message of an exception (KeyError's str() adds quotes)."""
    return str(exc.args[0]) if isinstance(exc, KeyError) and len(exc.args) == 1 else str(exc)


def _check_wcsshape(header, hdu_name, filename) -> None:
    """``WCSSHAPE`` must be a tuple of positive whole numbers that agrees with the image size."""
    if "WCSSHAPE" not in header:
        return
    text = header["WCSSHAPE"]
    try:
        parts = str(text).strip().removeprefix("(").removesuffix(")").split(",")
        shape = [int(part) for part in parts if part.strip()]
    except ValueError:
        shape = []
    if len(shape) < 2 or min(shape) < 1:
        raise ValueError(
            f"HDU '{hdu_name}' of {filename}: WCSSHAPE = {text!r} is not a shape such as "
            "'(50,40,5)': positive whole numbers, the longitude and latitude pixels first"
        )
    image = (header.get("NAXIS1"), header.get("NAXIS2"))
    if header.get("NAXIS", 0) >= 2 and tuple(shape[:2]) != image:
        raise ValueError(
            f"HDU '{hdu_name}' of {filename}: WCSSHAPE = {text!r} gives {shape[0]} x {shape[1]} "
            f"pixels, but the image is {image[0]} x {image[1]} (NAXIS1 x NAXIS2)"
        )


def read_geom(filename, hdu=None, hdu_bands=None, format=None, *, geom_class):
    """The geometry of a map file, from its header and axes table (the data are not read).

    ``geom_class`` (`~skymask.maps.WcsGeom` or a subclass) builds it with ``from_header``.
    """
    path = make_path(filename)
    with (
        open_fits(path, what="map file", memmap=True, complete=False) as hdulist,
        damaged_file_errors(path, what="map file"),
    ):
        image = _select_hdu(hdulist, hdu, path)
        return _geom_from_hdulist(hdulist, image, hdu_bands, format, path, geom_class)[0]


def map_parts_from_hdulist(
    hdulist, hdu=None, hdu_bands=None, format=None, filename="<hdulist>", *, geom_class
) -> MapParts:
    """The parts of a map in an open HDU list (the image HDU and its bands table)."""
    image = _select_hdu(hdulist, hdu, filename)
    header = image.header
    names = {h.name.upper(): h for h in hdulist}
    geom, bands_name = _geom_from_hdulist(hdulist, image, hdu_bands, format, filename, geom_class)
    name = image.name.lower()
    marked = header.get(BOOLEAN_KEY)
    if not _is_sparse(image) and _wide_integer_mask(header, name, marked, geom.data_shape):
        # gammapy writes masks as int64: compare them with 0 block by block, so that the
        # 8 bytes a pixel are never in memory at once (the bool map is all that stays).
        data = _bool_by_blocks(image, geom.data_shape, filename)
        return _parts(geom, data, header, bands_name, format, names)
    if _is_sparse(image):
        stored = sparse_data(image, geom.data_shape)
    else:
        stored = _image_data(image, filename)
    if stored.shape != geom.data_shape:
        raise ValueError(
            f"HDU '{image.name}' of {filename}: data shape {stored.shape} does not match the "
            f"geometry {geom.data_shape} built from its header and axes table"
        )
    if marked is True or (
        marked is None
        and stored.dtype.kind in "iu"
        and any(p in name for p in _BOOL_HDU_NAME_PARTS)
    ):
        data = _as_bool(stored)
    else:
        data = _as_native(stored)
    del stored
    return _parts(geom, data, header, bands_name, format, names)


def _parts(geom, data, header, bands_name, format, names) -> MapParts:
    unit = u.Unit(header.get("BUNIT", "") or "", parse_strict="silent")
    is_template = (format or _guess_format(str(bands_name))) == "fgst-template"
    if unit == u.dimensionless_unscaled and bands_name is not None and is_template:
        # Fermi tools leave BUNIT out: gtexpcube2 exposure cubes come with a GTI table,
        # diffuse model templates are intensities.
        unit = u.Unit("cm2 s") if "GTI" in names else u.Unit("cm-2 s-1 MeV-1 sr-1")
    return MapParts(geom, data, unit, _meta_from_header(header))


def _wide_integer_mask(header, name, marked, shape) -> bool:
    """Whether an image HDU is a mask stored as integers wider than a byte (gammapy's int64)
    whose size agrees with the geometry (otherwise the whole-array path reports it)."""
    if header.get("BITPIX") not in (16, 32, 64):
        return False
    if not (marked is True or (marked is None and any(p in name for p in _BOOL_HDU_NAME_PARTS))):
        return False
    naxis = int(header.get("NAXIS", 0))
    stored = tuple(int(header.get(f"NAXIS{i}", 0)) for i in range(naxis, 0, -1))
    return naxis >= 2 and stored == tuple(shape)


def _bool_by_blocks(image, shape, filename, block_bytes=8 << 20) -> np.ndarray:
    """``image.data != 0`` read through ``image.section`` in blocks of rows of about
    ``block_bytes`` stored bytes: peak memory is the bool array plus one block."""
    check_allocation(int(np.prod(shape, dtype=float)), what=f"the mask in HDU '{image.name}'")
    itemsize = abs(int(image.header["BITPIX"])) // 8
    ny, nx = shape[-2:]
    rows = max(1, block_bytes // max(1, nx * itemsize))
    out = np.empty(shape, dtype=bool)
    try:
        for lead in np.ndindex(*shape[:-2]):
            for start in range(0, ny, rows):
                index = (*lead, slice(start, min(start + rows, ny)))
                out[index] = image.section[index] != 0
    except (ValueError, TypeError, OSError, IndexError) as exc:
        raise ValueError(
            f"cannot read the data of HDU '{image.name}' of {filename}: {exc}; the file may be "
            "truncated or damaged"
        ) from None
    return out


def _image_data(image, filename) -> np.ndarray:
    """The data of an image HDU as a native-byte-order array, its size checked first."""
    header = image.header
    shape = tuple(int(header.get(f"NAXIS{i}", 0)) for i in range(header.get("NAXIS", 0), 0, -1))
    itemsize = abs(int(header.get("BITPIX", 8))) // 8
    # Up to two copies at once: the bytes as stored and the native-order array.
    check_allocation(
        int(np.prod(shape, dtype=float)) * itemsize,
        what=f"the data of HDU '{image.name}' of {filename} (shape {shape})",
        copies=2,
    )
    try:
        data = image.data
    except (ValueError, TypeError, OSError, IndexError) as exc:
        raise ValueError(
            f"cannot read the data of HDU '{image.name}' of {filename}: {exc}; the file may be "
            "truncated or damaged"
        ) from None
    if data is None:
        raise ValueError(f"HDU '{image.name}' of {filename} holds no data")
    return data


def _owns_memory(data: np.ndarray) -> bool:
    """Whether ``data`` is a writable array in memory (not a view of a memory-mapped file)."""
    base = data
    while isinstance(base, np.ndarray):
        if isinstance(base, np.memmap):
            return False
        base = base.base
    return bool(data.flags.writeable) and not isinstance(base, np.memmap)


def _as_native(data: np.ndarray) -> np.ndarray:
    """``data`` in native byte order, in memory and writable: the array itself if it is."""
    if (data.dtype.isnative or data.dtype.itemsize == 1) and _owns_memory(data):
        return data
    return data.astype(data.dtype.newbyteorder("="))


def _as_bool(data: np.ndarray) -> np.ndarray:
    """A mask from integer data: True where not 0.

    Without a native-order copy of the stored integers (an int64 mask written by gammapy is
    8 bytes a pixel): the comparison reads the stored array directly. Bytes that are all 0 or
    1 (skymask's uint8 masks) are the bool array already, viewed without a copy.
    """
    if data.dtype.itemsize == 1 and data.size and _owns_memory(data) and not _bytes_above_one(data):
        return data.view(bool)
    # Zero is zero in either byte order: compare the stored bytes without swapping them.
    return data.view(data.dtype.newbyteorder("=")) != 0


def _bytes_above_one(data: np.ndarray) -> bool:
    """Whether any byte of a 1-byte array is not 0 or 1 (a negative int8 included).

    The bytes OR-ed together eight at a time (as uint64 words): one pass without a temporary,
    several times faster than ``min()`` and ``max()`` (two passes); a byte other than 0 or 1
    leaves one of the seven high bits of its lane set.
    """
    flat = data.reshape(-1).view(np.uint8)
    head = flat.size - flat.size % 8
    combined = int(np.bitwise_or.reduce(flat[:head].view(np.uint64))) if head else 0
    combined |= int(np.bitwise_or.reduce(flat[head:])) if head < flat.size else 0
    return bool(combined & 0xFEFEFEFEFEFEFEFE)


def read_map_parts(
    filename, hdu=None, hdu_bands=None, format=None, checksum=True, *, geom_class
) -> MapParts:
    """Read the parts of a map; CHECKSUM/DATASUM are verified where present (a
    `ChecksumWarning` if wrong)."""
    path = make_path(filename)
    with (
        open_fits(path, what="map file", checksum=checksum) as hdulist,
        damaged_file_errors(path, what="map file"),
    ):
        return map_parts_from_hdulist(
            hdulist,
            hdu=hdu,
            hdu_bands=hdu_bands,
            format=format,
            filename=path,
            geom_class=geom_class,
        )


def write_map(m, filename, overwrite=False, hdu=None, hdu_bands=None, checksum=False):
    overwrite = check_overwrite(overwrite)
    hdus = map_to_hdus(m, hdu=hdu, hdu_bands=hdu_bands)
    if not isinstance(hdus[0], fits.PrimaryHDU):
        hdus.insert(0, fits.PrimaryHDU())
    hdulist = fits.HDUList(hdus)
    write_fits(hdulist, filename, overwrite=overwrite, checksum=checksum)

"""Axes as tables: OGIP/gadf axis tables, FITS header cards and bin groups (gammapy's formats).

Functions of an axis (duck-typed `~skymask.maps.MapAxis`); the class itself is passed in where
one is built, so that this module sits below `skymask.maps.axes`.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.table import Column, Table

from ..utils.units import describe

__all__ = [
    "DL3_AXES",
    "axis_from_table",
    "axis_to_header",
    "axis_to_table",
    "axis_to_table_hdu",
    "group_table",
]

# Column prefixes of the DL3 IRF axes (gadf-dl3): the axis name and interpolation scale.
DL3_AXES = {
    "THETA": {"name": "offset", "interp": "lin"},
    "ENERG": {"name": "energy_true", "interp": "log"},
    "ETRUE": {"name": "energy_true", "interp": "log"},
    "RAD": {"name": "rad", "interp": "lin"},
    "DETX": {"name": "fov_lon", "interp": "lin"},
    "DETY": {"name": "fov_lat", "interp": "lin"},
    "MIGRA": {"name": "migra", "interp": "lin"},
}
_TO_FORMATS = (
    "ogip",
    "ogip-sherpa",
    "ogip-arf",
    "ogip-arf-sherpa",
    "gadf-dl3",
    "gadf-sed",
    "gtpsf",
)
_FROM_FORMATS = ("ogip", "fgst-ccube", "ogip-arf", "fgst-template", "fgst-bexpcube", "gadf")
_FROM_FORMATS += ("gadf-dl3", "gtpsf")


def group_table(axis, edges) -> Table:
    """Bin groups of ``axis`` for coarser ``edges``, as gammapy's ``MapAxis.group_table``.

    The target edges snap to the nearest edges of the axis; columns ``group_idx``,
    ``<name>_min``, ``<name>_max``, ``idx_min``, ``idx_max`` (inclusive bin indices) and
    ``bin_type`` ("normal", "underflow" below the first target edge, "overflow" above the last).

    Raises
    ------
    ValueError
        For a centre-type axis, or when the edges do not overlap the axis.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.maps import MapAxis
    >>> axis = MapAxis.from_energy_edges([1, 2, 5, 10] * u.TeV)
    >>> groups = axis.group_table([2, 10] * u.TeV)
    >>> groups["idx_min"].tolist(), groups["idx_max"].tolist(), groups["bin_type"].tolist()
    ([0, 1], [0, 2], ['underflow', 'normal   '])
    """
    if axis.node_type != "edges":
        raise ValueError("Only edge based map axis can be grouped")
    edges_pix = np.clip(axis.coord_to_pix(edges), -0.5, axis.nbin - 0.5)
    edges_idx = np.unique(np.round(edges_pix + 0.5) - 0.5)
    edges_ref = axis.pix_to_coord(edges_idx)
    groups = Table()
    groups[f"{axis.name}_min"] = edges_ref[:-1]
    groups[f"{axis.name}_max"] = edges_ref[1:]
    groups["idx_min"] = (edges_idx[:-1] + 0.5).astype(int)
    groups["idx_max"] = (edges_idx[1:] - 0.5).astype(int)
    if len(groups) == 0:
        raise ValueError(
            "No overlap between reference and target edges. The axis spans "
            f"{axis.edges[0]} to {axis.edges[-1]}, the edges {describe(edges)}"
        )
    groups["bin_type"] = "normal   "
    if edges_idx[0] > 0:
        groups.insert_row(
            0,
            vals={
                "bin_type": "underflow",
                "idx_min": 0,
                "idx_max": edges_idx[0],
                f"{axis.name}_min": axis.pix_to_coord(-0.5),
                f"{axis.name}_max": edges_ref[0],
            },
        )
    if edges_idx[-1] < axis.nbin - 0.5:
        groups.add_row(
            vals={
                "bin_type": "overflow",
                "idx_min": edges_idx[-1] + 1,
                "idx_max": axis.nbin - 1,
                f"{axis.name}_min": edges_ref[-1],
                f"{axis.name}_max": axis.pix_to_coord(axis.nbin - 0.5),
            }
        )
    groups.add_column(Column(np.arange(len(groups))), name="group_idx", index=0)
    return groups


def axis_to_header(axis, format="ogip", idx=0) -> fits.Header:
    """OGIP ``EBOUNDS`` keywords, or the gadf ``AXCOLS<idx>``/``INTERP<idx>`` cards."""
    header = fits.Header()
    if format in ("ogip", "ogip-sherpa"):
        header["EXTNAME"] = "EBOUNDS", "Name of this binary table extension"
        header["TELESCOP"] = "DUMMY", "Mission/satellite name"
        header["INSTRUME"] = "DUMMY", "Instrument/detector"
        header["FILTER"] = "None", "Filter information"
        header["CHANTYPE"] = "PHA", "Type of channels (PHA, PI etc)"
        header["DETCHANS"] = axis.nbin, "Total number of detector PHA channels"
        header["HDUCLASS"] = "OGIP", "Organisation devising file format"
        header["HDUCLAS1"] = "RESPONSE", "File relates to response of instrument"
        header["HDUCLAS2"] = "EBOUNDS", "This is an EBOUNDS extension"
        header["HDUVERS"] = "1.2.0", "Version of file format"
    elif format in ("gadf", "fgst-ccube", "fgst-template"):
        name = axis.name.upper()
        if axis.name == "energy":
            axcols = "E_MIN,E_MAX" if axis.node_type == "edges" else "ENERGY"
        else:
            axcols = f"{name}_MIN,{name}_MAX" if axis.node_type == "edges" else name
        header[f"AXCOLS{idx}"] = axcols
        header[f"INTERP{idx}"] = axis.interp
    else:
        raise ValueError(f"Unknown format {format!r}; use 'ogip', 'ogip-sherpa' or 'gadf'")
    return header


def axis_to_table(axis, format="ogip") -> Table:
    """The axis as an astropy Table in one of gammapy's formats (see `MapAxis.to_table`).

    Examples
    --------
    >>> from skymask.maps import MapAxis
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    >>> axis_to_table(axis, "ogip-sherpa").colnames, str(axis_to_table(axis)["E_MIN"].unit)
    (['CHANNEL', 'E_MIN', 'E_MAX'], 'TeV')
    """
    table = Table()
    edges = axis.edges
    if format in ("ogip", "ogip-sherpa"):
        axis.assert_name("energy")
        if format == "ogip-sherpa":
            edges = edges.to("keV")
        table["CHANNEL"] = np.arange(axis.nbin, dtype=np.int16)
        table["E_MIN"] = edges[:-1]
        table["E_MAX"] = edges[1:]
    elif format in ("ogip-arf", "ogip-arf-sherpa"):
        axis.assert_name("energy_true")
        if format == "ogip-arf-sherpa":
            edges = edges.to("keV")
        table["ENERG_LO"] = edges[:-1]
        table["ENERG_HI"] = edges[1:]
    elif format == "gadf-sed":
        if axis.is_energy_axis:
            table["e_ref"] = axis.center
            table["e_min"] = axis.edges_min
            table["e_max"] = axis.edges_max
    elif format == "gadf-dl3":
        prefix = "ENERG" if axis.name == "energy" else None
        for key, spec in DL3_AXES.items():
            if prefix is None and spec["name"] == axis.name:
                prefix = key
        if prefix is None:
            raise ValueError(
                f"no gadf-dl3 column prefix for an axis named {axis.name!r}; the DL3 axes are "
                f"{sorted({spec['name'] for spec in DL3_AXES.values()})}"
            )
        if axis.node_type == "edges":
            low, high = edges[:-1], edges[1:]
        else:
            low = high = axis.center
        table[f"{prefix}_LO"] = low[np.newaxis]
        table[f"{prefix}_HI"] = high[np.newaxis]
    elif format == "gtpsf":
        if axis.name == "energy_true":
            table["Energy"] = axis.center.to("MeV")
        elif axis.name == "rad":
            table["Theta"] = axis.center.to("deg")
        else:
            raise ValueError(
                f"Can only convert true energy or rad axis to 'gtpsf' format, got {axis.name}"
            )
    else:
        raise ValueError(f"{format} is not a valid format; the formats are {_TO_FORMATS}")
    return table


def axis_to_table_hdu(axis, format="ogip") -> fits.BinTableHDU:
    """`axis_to_table` as a binary table HDU (OGIP header added for the ogip formats)."""
    table = axis_to_table(axis, format=format)
    hdu = fits.BinTableHDU(table, name="THETA" if format == "gtpsf" else None)
    if format in ("ogip", "ogip-sherpa"):
        hdu.header.update(axis_to_header(axis, format=format))
    return hdu


def _edges_from_lo_hi(low, high):
    low, high = u.Quantity(low), u.Quantity(high)
    if low.isscalar:
        return u.Quantity([low, high])
    return np.append(low.value, high.to_value(low.unit)[-1]) * low.unit


def _column(table, name):
    if name not in table.colnames:
        raise ValueError(f"the table has no column {name!r}; its columns are {table.colnames}")
    return u.Quantity(table[name].quantity if table[name].unit else table[name].data)


def axis_from_table(cls, table, format="ogip", idx=0, column_prefix=""):
    """An axis of class ``cls`` from a table in one of gammapy's formats.

    Examples
    --------
    >>> import astropy.units as u
    >>> from astropy.table import Table
    >>> from skymask.maps import MapAxis
    >>> table = Table({"THETA_LO": [[0.0, 1.0]] * u.deg, "THETA_HI": [[1.0, 2.0]] * u.deg})
    >>> axis = MapAxis.from_table(table, format="gadf-dl3", column_prefix="THETA")
    >>> axis.name, axis.edges.value.tolist()
    ('offset', [0.0, 1.0, 2.0])
    """
    if format in ("ogip", "fgst-ccube"):
        edges = _edges_from_lo_hi(_column(table, "E_MIN"), _column(table, "E_MAX"))
        return cls.from_edges(edges, name="energy", interp="log")
    if format == "ogip-arf":
        edges = _edges_from_lo_hi(_column(table, "ENERG_LO"), _column(table, "ENERG_HI"))
        return cls.from_edges(edges, name="energy_true", interp="log")
    if format in ("fgst-template", "fgst-bexpcube"):
        tag = next((c for c in table.colnames if c in ("Energy", "ENERGY", "energy")), None)
        if tag is None:
            raise ValueError(f"no energy column in the table; its columns are {table.colnames}")
        return cls.from_nodes(table[tag].data, name="energy_true", unit="MeV", interp="log")
    if format == "gadf":
        axcols = table.meta.get(f"AXCOLS{idx + 1}")
        if axcols is None:
            raise ValueError(f"the table has no AXCOLS{idx + 1} keyword (axis idx={idx})")
        names = axcols.split(",")
        if names[0] == "E_MIN":
            name = "energy"
        else:
            name = names[0].replace("_MIN", "").lower()
            name = "rad" if name == "theta" else name
        interp = table.meta.get(f"INTERP{idx + 1}", "lin")
        if len(names) == 2:
            low = np.unique(_column(table, names[0]))
            high = np.unique(_column(table, names[1]))
            return cls(_edges_from_lo_hi(low, high), node_type="edges", interp=interp, name=name)
        return cls(
            np.unique(_column(table, names[0])), node_type="center", interp=interp, name=name
        )
    if format == "gadf-dl3":
        if column_prefix not in DL3_AXES:
            raise ValueError(
                f"column_prefix must be one of {sorted(DL3_AXES)}, got {column_prefix!r}"
            )
        name, interp = DL3_AXES[column_prefix]["name"], DL3_AXES[column_prefix]["interp"]
        if table.meta.get("HDUCLAS2") in ("BKG", "RAD_MAX") and column_prefix == "ENERG":
            name = "energy"  # background models are binned in reconstructed energy
        low = _column(table, f"{column_prefix}_LO")[0]
        high = _column(table, f"{column_prefix}_HI")[0]
        # A single value may come back as a scalar (against the format, accepted as gammapy).
        low, high = np.atleast_1d(low), np.atleast_1d(high)
        if np.allclose(high, low):
            return cls.from_nodes(high, interp=interp, name=name)
        return cls.from_edges(_edges_from_lo_hi(low, high), interp=interp, name=name)
    if format == "gtpsf":
        if "Energy" in table.colnames:
            return cls.from_nodes(table["Energy"].data * u.MeV, name="energy_true", interp="log")
        return cls.from_nodes(table["Theta"].data * u.deg, name="rad")
    raise ValueError(f"Format '{format}' not supported; the formats are {_FROM_FORMATS}")

"""HEALPix maps in the Fermi-LAT layouts: "fgst-ccube" (counts cubes) and "fgst-template"
(model cubes), as gammapy 2.1 writes them.

The table is gammapy's HEALPix table with ``HPX_CONV = FGST-CCUBE`` (columns ``CHANNEL1``,
``CHANNEL2``, ...) or ``FGST-TEMPLATE`` (columns ``ENERGY1``, ...), and the axis goes into an
``EBOUNDS`` table (bin edges, ``E_MIN``/``E_MAX``) or an ``ENERGIES`` table (bin centres in
MeV, read back as an ``energy_true`` axis of nodes). The map needs exactly one energy axis
(`skymask.maps.io_hdu`'s rule for WCS maps). Reading goes through `skymask.maps.hpx.io`, which
recognises both layouts.
"""

from __future__ import annotations

from astropy.io import fits

from ..io_hdu import _check_format, _fermi_bands_hdu, named_axes
from .io import map_to_hdulist

__all__ = ["FERMI_FORMATS", "fermi_hdulist"]

#: The Fermi layouts of HEALPix maps, and the prefix of their data columns.
FERMI_FORMATS = {"fgst-ccube": "CHANNEL", "fgst-template": "ENERGY"}


def fermi_hdulist(m, hdu="SKYMAP", sparse=False, format="fgst-ccube") -> fits.HDUList:
    """The HDU list of an `~skymask.maps.HpxNDMap` in a Fermi layout.

    Parameters
    ----------
    m : `~skymask.maps.HpxNDMap`
        A map with one energy axis.
    hdu : str
        Name of the HEALPix table.
    sparse : bool
        Only the pixels with values > 0 (``PIX``, ``CHANNEL``, ``VALUE`` columns).
    format : {"fgst-ccube", "fgst-template"}
        The layout.

    Returns
    -------
    `~astropy.io.fits.HDUList`
        Primary HDU, the HEALPix table and the ``EBOUNDS`` or ``ENERGIES`` table.

    Raises
    ------
    ValueError
        For another format, or a map without exactly one energy axis.

    Examples
    --------
    >>> from skymask.maps import HpxNDMap, MapAxis
    >>> from skymask.maps.hpx.io_fermi import fermi_hdulist
    >>> axis = MapAxis.from_energy_bounds("100 MeV", "1 GeV", nbin=2)
    >>> hdulist = fermi_hdulist(HpxNDMap.create(nside=2, axes=[axis]), format="fgst-template")
    >>> [h.name for h in hdulist], hdulist["SKYMAP"].columns.names
    (['PRIMARY', 'SKYMAP', 'ENERGIES'], ['ENERGY1', 'ENERGY2'])
    """
    if format not in FERMI_FORMATS:
        raise ValueError(f"format must be one of {sorted(FERMI_FORMATS)}, got {format!r}")
    axes = named_axes(m.geom.axes)
    _check_format(format, list(axes))
    hdulist = map_to_hdulist(m, hdu=hdu, sparse=sparse)
    bands = _fermi_bands_hdu(axes[0], format)
    table = hdulist[hdu.upper()]
    prefix = FERMI_FORMATS[format]
    if prefix != "CHANNEL" and not sparse:
        for name in list(table.columns.names):
            if name.startswith("CHANNEL"):
                table.columns.change_name(name, f"{prefix}{name[len('CHANNEL') :]}")
        table = fits.BinTableHDU.from_columns(table.columns, header=table.header, name=table.name)
    table.header["HPX_CONV"] = format.upper()
    table.header["BANDSHDU"] = bands.name
    return fits.HDUList([hdulist[0], table, bands])

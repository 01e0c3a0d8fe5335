"""`HpxMap`: gammapy 2.1's abstract base class of HEALPix maps; `HpxNDMap` is its one kind."""

from __future__ import annotations

from ..map import Map

__all__ = ["HpxMap"]


class HpxMap(Map):
    """Base class of HEALPix maps (gammapy 2.1's ``HpxMap``), for ``isinstance`` checks and
    `HpxMap.read`; not instantiated itself: build maps with `HpxNDMap`.

    Parameters
    ----------
    geom : `HpxGeom`
        The geometry (see `HpxNDMap`).
    data : array-like, optional
        Data of shape ``geom.data_shape``.
    dtype : dtype, optional
        Data type.
    meta : dict, optional
        Metadata.
    unit : str or `~astropy.units.Unit`
        Unit of the data.

    Raises
    ------
    TypeError
        When instantiated directly (as gammapy's abstract class).

    Examples
    --------
    >>> from skymask.maps import HpxMap, Map
    >>> isinstance(Map.create(nside=4, map_type="hpx"), HpxMap)
    True
    """

    def __new__(cls, geom=None, data=None, dtype=None, meta=None, unit=""):
        # geom optional: pickle and copy call cls.__new__(cls) with no arguments.
        if cls is HpxMap:
            raise TypeError("HpxMap is an abstract base class: create maps with HpxNDMap")
        return super().__new__(cls)

    @classmethod
    def read(cls, filename, hdu=None, hdu_bands=None, map_type="auto", format=None,
             checksum=True, colname=None):  # fmt: skip
        """Read a HEALPix map (`HpxNDMap.read`), as gammapy's ``HpxMap.read``.

        Parameters
        ----------
        filename : str or path
            FITS file.
        hdu : str, optional
            The HEALPix table; default the first one.
        hdu_bands : str, optional
            The axes table; default the header's ``BANDSHDU``.
        map_type : {"auto", "hpx"}
            Accepted for gammapy compatibility; the map is always an `HpxNDMap`.
        format : None
            Accepted for gammapy compatibility (the layout is recognised from the header).
        checksum : bool
            Verify CHECKSUM/DATASUM where present.
        colname : str, optional
            Data column of a healpy-style table.

        Returns
        -------
        HpxNDMap

        Raises
        ------
        ValueError
            ``map_type`` other than "auto" or "hpx".

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from skymask.maps import HpxMap, HpxNDMap
        >>> m = HpxNDMap.create(nside=2, region="DISK(0,0,30)", dtype=bool)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "mask.fits"
        >>> m.write(path)
        >>> back = HpxMap.read(path, map_type="hpx")
        >>> type(back).__name__, back.is_mask
        ('HpxNDMap', True)
        """
        if map_type not in ("auto", "hpx"):
            raise ValueError(
                f"HpxMap.read reads HEALPix maps: map_type must be 'auto' or 'hpx', got "
                f"{map_type!r}; use Map.read for other map types"
            )
        # Through Map.read's registry of map types (HpxNDMap registers "hpx"): importing
        # .ndmap here would make an import cycle (ndmap imports this module).
        return Map.read(filename, hdu=hdu, hdu_bands=hdu_bands, map_type="hpx", format=format,
                        checksum=checksum, colname=colname)  # fmt: skip

"""Good time intervals: gammapy's ``GTI`` table, as far as datasets use it.

A dataset carries the time intervals it was observed in (``dataset.gti``): written to and
read from the ``GTI`` HDU of dataset files, combined by ``stack`` (intervals appended, then
their union), summed by ``info_dict`` (``ontime``). Times are `~astropy.time.Time` columns
``START`` and ``STOP``; on file they are seconds since the reference time given by
``MJDREFI``/``MJDREFF``/``TIMESYS`` (GADF), as gammapy writes them. Time axes and selections
by time are out of scope.
"""

from __future__ import annotations

import copy as _copy

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table, vstack
from astropy.time import Time

from ..utils.io import make_path, write_fits

__all__ = ["GTI"]

#: gammapy's default reference time (``TIME_REF_DEFAULT``).
TIME_REF_DEFAULT = Time("2000-01-01T00:00:00", scale="tt")


def _check_format(format):
    if format != "gadf":
        raise ValueError(f'only the "gadf" format is supported, got format={format!r}')


class GTI:
    """Good time intervals: an `~astropy.table.Table` of ``START`` and ``STOP`` times.

    Parameters
    ----------
    table : `~astropy.table.Table`
        Columns ``START`` and ``STOP``, `~astropy.time.Time` columns (any column kind when
        the table is empty).
    reference_time : `~astropy.time.Time`, optional
        The time the file's seconds count from; default 2000-01-01T00:00:00 TT (gammapy's).

    Raises
    ------
    TypeError
        ``table`` is not a Table, or a column is not a Time column.
    ValueError
        ``START`` or ``STOP`` is missing.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.data import GTI
    >>> gti = GTI.create([0, 2] * u.h, [1, 3] * u.h, reference_time="2010-01-01T00:00:00")
    >>> gti.time_sum.to("h")
    <Quantity 2. h>
    """

    def __init__(self, table, reference_time=None):
        self.table = self._validate_table(table)
        self._reference_time = Time(TIME_REF_DEFAULT if reference_time is None else reference_time)

    @staticmethod
    def _validate_table(table):
        if not isinstance(table, Table):
            raise TypeError(f"a GTI table must be an astropy Table, got {type(table).__name__}")
        missing = [name for name in ("START", "STOP") if name not in table.colnames]
        if missing:
            raise ValueError(
                f"a GTI table needs the columns START and STOP; {missing} missing "
                f"(columns: {table.colnames})"
            )
        if len(table) == 0:
            return table
        for name in ("START", "STOP"):
            if not isinstance(table[name], Time):
                raise TypeError(
                    f"GTI column {name} must be an astropy Time column, got "
                    f"{type(table[name]).__name__}; build the GTI with GTI.create(start, stop)"
                )
        return table

    def __repr__(self):
        return f"GTI(n_intervals={len(self.table)}, time_sum={self.time_sum:.6g})"

    def __str__(self):
        lines = [
            "GTI info:",
            f"- Number of GTIs: {len(self.table)}",
            f"- Duration: {self.time_sum}",
        ]
        if len(self.table):
            lines += [
                f"- Start: {self.met_start[0]} MET",
                f"- Start: {self.time_start[0].fits} (time standard: "
                f"{self.time_start[-1].scale.upper()})",
                f"- Stop: {self.met_stop[-1]} MET",
                f"- Stop: {self.time_stop[-1].fits} (time standard: "
                f"{self.time_stop[-1].scale.upper()})",
            ]
        return "\n".join(lines) + "\n"

    def copy(self) -> GTI:
        """A deep copy.

        Returns
        -------
        `GTI`
            The copy.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> gti = GTI.create(0 * u.s, 10 * u.s)
        >>> gti.copy().time_sum
        <Quantity 10. s>
        """
        return _copy.deepcopy(self)

    @classmethod
    def create(cls, start, stop, reference_time=None) -> GTI:
        """Intervals from start and stop times (gammapy's ``GTI.create``).

        Parameters
        ----------
        start, stop : `~astropy.time.Time` or `~astropy.units.Quantity`
            Start and stop times; quantities (or strings such as ``"30 min"``) count from
            ``reference_time``.
        reference_time : `~astropy.time.Time` or str, optional
            Default 2000-01-01T00:00:00 TT. A string is read by `~astropy.time.Time` (UTC).

        Returns
        -------
        `GTI`
            The intervals, in the order given.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> gti = GTI.create("0 min", "30 min")
        >>> gti.time_delta
        <Quantity [1800.] s>
        >>> GTI.create([] * u.s, [] * u.s).time_sum
        <Quantity 0. s>
        """
        reference_time = Time(TIME_REF_DEFAULT if reference_time is None else reference_time)
        reference_time.format = "mjd"
        if not isinstance(start, Time):
            start = reference_time + u.Quantity(start)
        if not isinstance(stop, Time):
            stop = reference_time + u.Quantity(stop)
        table = Table({"START": np.atleast_1d(start), "STOP": np.atleast_1d(stop)})
        return cls(table, reference_time=reference_time)

    @classmethod
    def read(cls, filename, hdu="GTI", format="gadf", checksum=False) -> GTI:
        """Read the GTI table HDU of a FITS file.

        Parameters
        ----------
        filename : str or path
            The FITS file.
        hdu : str
            The HDU name, default ``"GTI"``.
        format : {"gadf"}
            The file format.
        checksum : bool
            Verify the HDU checksum where present (astropy warns on a wrong one).

        Returns
        -------
        `GTI`
            The intervals.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     _ = GTI.create(0 * u.s, 1 * u.h).write(Path(tmp) / "gti.fits")
        ...     GTI.read(Path(tmp) / "gti.fits").time_sum
        <Quantity 3600. s>
        """
        _check_format(format)
        with fits.open(make_path(filename), memmap=False, checksum=checksum) as hdulist:
            return cls.from_table_hdu(hdulist[hdu], format=format)

    @classmethod
    def from_table_hdu(cls, table_hdu, format="gadf") -> GTI:
        """The intervals of a GTI table HDU (seconds since ``MJDREFI + MJDREFF``).

        Parameters
        ----------
        table_hdu : `~astropy.io.fits.BinTableHDU`
            Columns ``START`` and ``STOP``; header ``MJDREFI``, ``MJDREFF``, optionally
            ``TIMESYS`` (default TT) and ``TIMEUNIT`` (default s).
        format : {"gadf"}
            The HDU format.

        Returns
        -------
        `GTI`
            The intervals.

        Raises
        ------
        ValueError
            The header has no ``MJDREFI``/``MJDREFF``.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> hdu = GTI.create([0, 60] * u.s, [30, 90] * u.s).to_table_hdu()
        >>> GTI.from_table_hdu(hdu).time_delta
        <Quantity [30., 30.] s>
        """
        _check_format(format)
        table = Table.read(table_hdu)
        meta = table.meta
        if "MJDREFI" not in meta or "MJDREFF" not in meta:
            raise ValueError(
                "the GTI HDU header needs MJDREFI and MJDREFF (the reference time of its "
                f"START/STOP seconds); its keywords are {sorted(meta)}"
            )
        scale = str(meta.get("TIMESYS", "tt")).lower()
        reference_time = Time(
            float(meta["MJDREFI"]), float(meta["MJDREFF"]), format="mjd", scale=scale
        )
        unit = meta.get("TIMEUNIT", "s")
        start = u.Quantity(table["START"].data, unit)
        stop = u.Quantity(table["STOP"].data, unit)
        return cls.create(start, stop, reference_time)

    def to_table_hdu(self, format="gadf") -> fits.BinTableHDU:
        """The intervals as a GTI table HDU (seconds since the reference time), as gammapy.

        Parameters
        ----------
        format : {"gadf"}
            The HDU format.

        Returns
        -------
        `~astropy.io.fits.BinTableHDU`
            HDU ``GTI`` with ``START``/``STOP`` in s and ``MJDREFI``, ``MJDREFF``,
            ``TIMESYS``.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> hdu = GTI.create(0 * u.s, 10 * u.s).to_table_hdu()
        >>> hdu.name, hdu.header["MJDREFI"], hdu.data["STOP"].round(6).tolist()
        ('GTI', 51544, [10.0])
        """
        _check_format(format)
        mjd = self.time_ref.mjd
        whole = int(np.floor(mjd))
        header = {"MJDREFI": whole, "MJDREFF": mjd - whole, "TIMESYS": self.time_ref.scale}
        table = Table({"START": self.met_start.to("s"), "STOP": self.met_stop.to("s")}, meta=header)
        return fits.BinTableHDU(table, name="GTI")

    def write(self, filename, overwrite=False, checksum=False):
        """Write the GTI HDU to a FITS file (atomically).

        Parameters
        ----------
        filename : str or path
            The file.
        overwrite : bool
            Replace an existing file.
        checksum : bool
            Add CHECKSUM/DATASUM keywords.

        Returns
        -------
        `~pathlib.Path`
            The path written.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     GTI.create(0 * u.s, 1 * u.s).write(Path(tmp) / "gti.fits").name
        'gti.fits'
        """
        hdulist = fits.HDUList([fits.PrimaryHDU(), self.to_table_hdu()])
        return write_fits(hdulist, filename, overwrite=overwrite, checksum=checksum)

    @property
    def time_ref(self) -> Time:
        """The reference time (`~astropy.time.Time`).

        Examples
        --------
        >>> from skymask.data import GTI
        >>> GTI.create("0 s", "1 s").time_ref.isot
        '2000-01-01T00:00:00.000'
        """
        return self._reference_time

    @property
    def time_start(self) -> Time:
        """Start times (`~astropy.time.Time`).

        Examples
        --------
        >>> from skymask.data import GTI
        >>> GTI.create("0 s", "1 d", reference_time="2010-01-01").time_start.isot
        array(['2010-01-01T00:00:00.000'], dtype='<U23')
        """
        return self.table["START"]

    @property
    def time_stop(self) -> Time:
        """Stop times (`~astropy.time.Time`).

        Examples
        --------
        >>> from skymask.data import GTI
        >>> GTI.create("0 s", "1 d", reference_time="2010-01-01").time_stop.isot
        array(['2010-01-02T00:00:00.000'], dtype='<U23')
        """
        return self.table["STOP"]

    @property
    def time_delta(self) -> u.Quantity:
        """Interval durations in s (empty for an empty GTI).

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> GTI.create([0, 10] * u.s, [5, 30] * u.s).time_delta
        <Quantity [ 5., 20.] s>
        """
        if len(self.table) == 0:
            return u.Quantity([], "s")
        return (self.time_stop - self.time_start).to("s")

    @property
    def time_sum(self) -> u.Quantity:
        """Total duration in s (overlaps counted twice, as gammapy; see `union`).

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> GTI.create([0, 10] * u.s, [5, 30] * u.s).time_sum
        <Quantity 25. s>
        """
        return self.time_delta.sum()

    @property
    def met_start(self) -> u.Quantity:
        """Start times in s since the reference time.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> GTI.create([0, 10] * u.s, [5, 30] * u.s).met_start.round(6)
        <Quantity [ 0., 10.] s>
        """
        if len(self.table) == 0:
            return u.Quantity([], "s")
        return (self.time_start - self.time_ref).to("s")

    @property
    def met_stop(self) -> u.Quantity:
        """Stop times in s since the reference time.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> GTI.create([0, 10] * u.s, [5, 30] * u.s).met_stop.round(6)
        <Quantity [ 5., 30.] s>
        """
        if len(self.table) == 0:
            return u.Quantity([], "s")
        return (self.time_stop - self.time_ref).to("s")

    def stack(self, other) -> None:
        """Append the intervals of ``other`` in place (no merging: see `union`).

        Parameters
        ----------
        other : `GTI`
            The intervals to append (their own reference time does not matter: the
            columns are absolute times).

        Raises
        ------
        TypeError
            ``other`` is not a `GTI`.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> gti = GTI.create(0 * u.s, 10 * u.s)
        >>> gti.stack(GTI.create(5 * u.s, 20 * u.s))
        >>> len(gti.table), gti.time_sum
        (2, <Quantity 25. s>)
        """
        if not isinstance(other, GTI):
            raise TypeError(f"a GTI stacks another GTI, got {type(other).__name__}")
        if len(other.table) == 0:
            return
        if len(self.table) == 0:
            self.table = other.table.copy()
            return
        self.table = self._validate_table(vstack([self.table, other.table]))

    def union(self, overlap_ok=True, merge_equal=True) -> GTI:
        """The union of the intervals, overlapping ones merged, sorted by start time.

        Parameters
        ----------
        overlap_ok : bool
            False: overlapping intervals are a ValueError.
        merge_equal : bool
            Merge intervals that only touch (``(1, 2)`` and ``(2, 3)`` give ``(1, 3)``).

        Returns
        -------
        `GTI`
            A new GTI with the same reference time.

        Raises
        ------
        ValueError
            ``overlap_ok`` is False and two intervals overlap.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.data import GTI
        >>> gti = GTI.create([0, 5, 40] * u.s, [10, 20, 50] * u.s)
        >>> gti.union().time_delta.round(6)
        <Quantity [20., 10.] s>
        """
        if len(self.table) == 0:
            return self.copy()
        table = self.table.copy()
        table.sort("START")
        starts, stops = [table["START"][0]], [table["STOP"][0]]
        for start, stop in zip(table["START"][1:], table["STOP"][1:], strict=True):
            separate = stops[-1] < start if merge_equal else stops[-1] <= start
            if separate:
                starts.append(start)
                stops.append(stop)
                continue
            if not overlap_ok:
                raise ValueError(
                    f"overlapping time intervals ({stops[-1].isot} after {start.isot}) with "
                    "overlap_ok=False"
                )
            stops[-1] = max(stop, stops[-1])
        merged = Table({"START": Time(starts), "STOP": Time(stops)}, meta=self.table.meta)
        return type(self)(merged, reference_time=self.time_ref)

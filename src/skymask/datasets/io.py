"""MapDataset FITS files (gammapy's layout) and the Datasets YAML index."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import yaml
from astropy.io import fits

from ..data import GTI
from ..irf import PSFMap
from ..irf._irf_io import map_hdus
from ..irf.edisp_map import edisp_from_hdulist
from ..maps import Map
from ..utils.check import add_checksum, yaml_checksum
from ..utils.exceptions import ChecksumWarning
from ..utils.io import OutputFile, check_overwrite, fits_writer, make_path, write_files
from ..utils.reading import damaged_file_errors, open_fits, open_regular_file

__all__ = [
    "dataset_hdus",
    "dump_yaml",
    "read_map_dataset",
    "read_yaml",
    "write_map_dataset",
    "yaml_checksum",
]

_MAP_HDUS = ("COUNTS", "EXPOSURE", "BACKGROUND", "MASK_SAFE", "MASK_FIT")
_IRF_HDUS = {
    "PSF": ("PSF_BANDS", "PSF_EXPOSURE", "PSF_EXPOSURE_BANDS", "PSF_REGION"),
    "EDISP": ("EDISP_BANDS", "EDISP_EXPOSURE", "EDISP_EXPOSURE_BANDS", "EDISP_REGION"),
}
#: The HDUs of a MapDataset file; any may be absent (as in gammapy), not all.
DATASET_HDUS = ("COUNTS", "EXPOSURE", "BACKGROUND", "EDISP", "PSF", "MASK_SAFE", "MASK_FIT")
# Primary-header keywords that describe the file, not the dataset (not kept in meta).
_STRUCTURE_KEYS = ("SIMPLE", "BITPIX", "NAXIS", "EXTEND", "NAME", "CHECKSUM", "DATASUM", "NEXTEND")
# gammapy's YAML layout, so that checksums computed here and there agree.
YAML_FORMAT = {"sort_keys": False, "indent": 4, "width": 80, "default_flow_style": False}
# A datasets or models YAML index is small; a bigger "YAML" file is something else.
_MAX_YAML_BYTES = 64 * 2**20


def read_map_dataset(filename, name=None, checksum=True, *, expand=True) -> dict:
    """The parts of a MapDataset FITS file (see `MapDataset.read`, which builds the dataset).

    Any of the dataset HDUs may be absent, as in gammapy: the dataset then has None there and
    remembers which HDUs its file lacked, so that an estimator that needs one can say so. A
    truncated file, or one whose primary header announces more extensions (``NEXTEND``) than
    it holds, is an error, as is a file with none of the dataset HDUs. ``expand=False`` takes
    the name literally (no ``~`` or ``$VARS``: names read from a datasets YAML).

    Returns
    -------
    dict
        ``arguments``: the keyword arguments of ``MapDataset(...)``; ``path``: the file read;
        ``absent_hdus``: the dataset HDUs the file lacks.
    """
    path = make_path(filename) if expand else Path(filename)
    with (
        open_fits(path, what="MapDataset file", checksum=checksum) as hdulist,
        damaged_file_errors(path, what="MapDataset file"),
    ):
        names = [hdu.name.upper() for hdu in hdulist]
        if not any(key in names for key in DATASET_HDUS):
            raise ValueError(
                f"{path} is not a MapDataset file: it has none of the HDUs {list(DATASET_HDUS)}; "
                f"its HDUs are {names} (a map file is read with Map.read)"
            )
        consumed = {"PRIMARY"}
        maps = {}
        for key in _MAP_HDUS:
            if key in names:
                header = hdulist[key].header
                maps[key] = _hpx_mask(key, Map.from_hdulist(hdulist, hdu=key, filename=path))
                consumed |= {key, str(header.get("BANDSHDU", f"{key}_BANDS")).upper()}
        exposure = maps.get("EXPOSURE")
        if exposure is not None and "energy" in exposure.geom.axes.names:
            # Old files name the exposure axis "energy"; it is true energy.
            exposure = _rename_axis(exposure, "energy", "energy_true")
        psf = edisp = None
        if "PSF" in names:
            psf = PSFMap.from_hdulist(hdulist, hdu="PSF")
            consumed |= {"PSF", *_IRF_HDUS["PSF"]}
        if "EDISP" in names:
            edisp = edisp_from_hdulist(hdulist, hdu="EDISP")
            consumed |= {"EDISP", *_IRF_HDUS["EDISP"]}
        gti = None
        if "GTI" in names:
            gti = GTI.from_table_hdu(hdulist["GTI"])
            consumed.add("GTI")
        primary = hdulist[0].header
        extra = [hdu.copy() for hdu in hdulist if hdu.name.upper() not in consumed]
        meta = {
            key: primary[key]
            for key in primary
            if key not in _STRUCTURE_KEYS
            and not key.startswith("NAXIS")
            and key not in ("COMMENT", "HISTORY", "")
        }
        dataset_name = name or primary.get("NAME") or path.name.split(".")[0]
    arguments = {
        "counts": maps.get("COUNTS"),
        "exposure": exposure,
        "background": maps.get("BACKGROUND"),
        "psf": psf,
        "edisp": edisp,
        "mask_safe": maps.get("MASK_SAFE"),
        "mask_fit": maps.get("MASK_FIT"),
        "name": dataset_name,
        "meta": meta,
        "extra_hdus": extra,
        "gti": gti,
    }
    absent = tuple(key for key in DATASET_HDUS if key not in names)
    return {"arguments": arguments, "path": path, "absent_hdus": absent}


def _hpx_mask(key, m):
    """gammapy writes the masks of a HEALPix dataset as float 0 / 1 table columns and reads
    them back as bool: a HEALPix MASK_SAFE / MASK_FIT of only 0 and 1 becomes a mask here
    (other values are left for the dataset's own check, which names them)."""
    if not key.startswith("MASK") or m.is_mask or not getattr(m.geom, "is_hpx", False):
        return m
    if np.all((m.data == 0) | (m.data == 1)):
        return m.copy(data=m.data.astype(bool))
    return m


def _rename_axis(m, old, new):
    axis = m.geom.axes[old]
    axes = [axis.copy(name=new) if a is axis else a for a in m.geom.axes]
    geom = m.geom.to_image().to_cube(axes)
    return m.copy(geom=geom, data=m.data)


def dataset_hdus(dataset) -> fits.HDUList:
    """The HDU list of a dataset in gammapy's writer order.

    The primary header carries ``NEXTEND``, the number of extensions, so that a file cut
    exactly between two HDUs is recognised as incomplete when read.
    """
    primary = fits.PrimaryHDU()
    for key, value in dataset.meta.items():
        if str(key).upper() not in _STRUCTURE_KEYS:
            primary.header[key] = value
    primary.header["NAME"] = dataset.name
    hdus = [primary]
    for key, m in (
        ("COUNTS", dataset.counts),
        ("EXPOSURE", dataset.exposure),
        ("BACKGROUND", dataset.background),
    ):
        if m is not None:
            hdus += map_hdus(m, key)
    if dataset.edisp is not None:
        hdus += dataset.edisp.to_hdus(hdu="EDISP")
    if dataset.psf is not None:
        hdus += dataset.psf.to_hdus(hdu="PSF")
    for key, m in (("MASK_SAFE", dataset.mask_safe), ("MASK_FIT", dataset.mask_fit)):
        if m is not None:
            hdus += map_hdus(m, key)
    if dataset.gti is not None:
        hdus.append(dataset.gti.to_table_hdu())
    hdus += [hdu.copy() for hdu in dataset.extra_hdus]
    primary.header["NEXTEND"] = (len(hdus) - 1, "number of extensions (a check of completeness)")
    return fits.HDUList(hdus)


def dataset_output(dataset, filename, *, checksum=False, label=None) -> OutputFile:
    """The `OutputFile` of a dataset (its HDUs built now, so that errors come before writing)."""
    hdulist = dataset_hdus(dataset)
    return OutputFile(
        filename,
        fits_writer(hdulist, filename, checksum=checksum),
        label=label or f"the dataset {dataset.name!r}",
    )


def write_map_dataset(dataset, filename, overwrite=False, checksum=False):
    overwrite = check_overwrite(overwrite)
    write_files([dataset_output(dataset, filename, checksum=checksum)], overwrite=overwrite)


# ---------------------------------------------------------------------- YAML


def dump_yaml(data) -> str:
    return yaml.dump(data, **YAML_FORMAT)


def yaml_error_message(exc: yaml.YAMLError) -> str:
    """What PyYAML found wrong and where, without the text of the offending line.

    PyYAML's own message quotes the line under a caret; a YAML file may come from others
    (or be any file passed as one), so error messages name the place, not the content.
    """
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    message = str(problem) if problem else "cannot be parsed"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        message += f" at line {mark.line + 1}, column {mark.column + 1}"
    return message


def read_yaml(path, checksum=True) -> dict:
    """Parse a YAML file; a ``checksum:`` entry is verified if present (D11).

    Only a regular file is read (a FIFO or device could block or never end), up to 64 MB.
    """
    with open_regular_file(path, what="YAML file") as stream:
        raw = stream.read(_MAX_YAML_BYTES + 1)
    if len(raw) > _MAX_YAML_BYTES:
        raise ValueError(f"{path} is larger than 64 MB: not a datasets or models YAML index")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a text (UTF-8) YAML file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not valid YAML: {yaml_error_message(exc)}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a YAML mapping, got {type(data).__name__}")
    expected = data.pop("checksum", None)
    if checksum and expected is not None and yaml_checksum(dump_yaml(data)) != expected:
        warnings.warn(
            f"{path}: the checksum in the file does not match its content",
            ChecksumWarning,
            stacklevel=3,
        )
    return data


def yaml_output(data, path, *, checksum=False, label="") -> OutputFile:
    """The `OutputFile` of a YAML document (gammapy's layout, optional checksum entry)."""
    text = dump_yaml(data)
    if checksum:
        text = add_checksum(text)
    content = text.encode("utf-8")
    return OutputFile(path, lambda fileobj: fileobj.write(content), label=label)


def write_yaml(data, path, overwrite=False, checksum=False) -> None:
    write_files([yaml_output(data, path, checksum=checksum)], overwrite=overwrite)

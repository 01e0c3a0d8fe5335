"""MapDataset FITS files (gammapy's layout) and the Datasets YAML index."""

from __future__ import annotations

import hashlib
import warnings

import yaml
from astropy.io import fits

from ..irf import PSFMap
from ..maps.io_fits import map_from_hdulist, map_to_hdus
from ..utils.exceptions import ChecksumWarning
from ..utils.io import atomic_write, check_overwrite, make_path, write_fits

__all__ = ["dump_yaml", "read_map_dataset", "read_yaml", "write_map_dataset", "yaml_checksum"]

_MAP_HDUS = ("COUNTS", "EXPOSURE", "BACKGROUND", "MASK_SAFE", "MASK_FIT")
_IRF_HDUS = {
    "PSF": ("PSF_BANDS", "PSF_EXPOSURE", "PSF_EXPOSURE_BANDS", "PSF_REGION"),
    "EDISP": ("EDISP_BANDS", "EDISP_EXPOSURE", "EDISP_EXPOSURE_BANDS", "EDISP_REGION"),
}
# gammapy's YAML layout, so that checksums computed here and there agree.
YAML_FORMAT = {"sort_keys": False, "indent": 4, "width": 80, "default_flow_style": False}


def _open_checked(path, checksum: bool):
    """Open a FITS file; with ``checksum``, wrong checksums warn, missing ones do not (D11)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hdulist = fits.open(path, memmap=False, checksum=checksum)
        hdulist.readall()
    for warning in caught:
        text = str(warning.message)
        if "checksum" in text.lower() or "datasum" in text.lower():
            warnings.warn(f"{path}: {text}", ChecksumWarning, stacklevel=3)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return hdulist


def read_map_dataset(filename, name=None, checksum=True):
    from ..irf.edisp import EDispKernelMap
    from .map_dataset import MapDataset

    path = make_path(filename)
    if not path.exists():
        raise FileNotFoundError(f"no such MapDataset file: {path}")
    with _open_checked(path, checksum) as hdulist:
        names = [hdu.name.upper() for hdu in hdulist]
        consumed = {"PRIMARY"}
        maps = {}
        for key in _MAP_HDUS:
            if key in names:
                header = hdulist[key].header
                maps[key] = map_from_hdulist(hdulist, hdu=key, filename=path)
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
            edisp = EDispKernelMap.from_hdulist(hdulist, hdu="EDISP")
            consumed |= {"EDISP", *_IRF_HDUS["EDISP"]}
        primary = hdulist[0].header
        extra = [hdu.copy() for hdu in hdulist if hdu.name.upper() not in consumed]
        meta = {
            key: primary[key]
            for key in primary
            if key not in ("SIMPLE", "BITPIX", "NAXIS", "EXTEND", "NAME", "CHECKSUM", "DATASUM")
            and not key.startswith("NAXIS")
            and key not in ("COMMENT", "HISTORY", "")
        }
        dataset_name = name or primary.get("NAME") or path.name.split(".")[0]
    return MapDataset(
        counts=maps.get("COUNTS"),
        exposure=exposure,
        background=maps.get("BACKGROUND"),
        psf=psf,
        edisp=edisp,
        mask_safe=maps.get("MASK_SAFE"),
        mask_fit=maps.get("MASK_FIT"),
        name=dataset_name,
        meta=meta,
        extra_hdus=extra,
    )


def _rename_axis(m, old, new):
    axis = m.geom.axes[old]
    axes = [axis.copy(name=new) if a is axis else a for a in m.geom.axes]
    geom = m.geom.to_image().to_cube(axes)
    return m.copy(geom=geom, data=m.data)


def dataset_hdus(dataset) -> fits.HDUList:
    """The HDU list of a dataset in gammapy's writer order."""
    primary = fits.PrimaryHDU()
    for key, value in dataset.meta.items():
        primary.header[key] = value
    primary.header["NAME"] = dataset.name
    hdus = [primary]
    for key, m in (
        ("COUNTS", dataset.counts),
        ("EXPOSURE", dataset.exposure),
        ("BACKGROUND", dataset.background),
    ):
        if m is not None:
            hdus += map_to_hdus(m, hdu=key)
    if dataset.edisp is not None:
        hdus += dataset.edisp.to_hdus(hdu="EDISP")
    if dataset.psf is not None:
        hdus += dataset.psf.to_hdus(hdu="PSF")
    for key, m in (("MASK_SAFE", dataset.mask_safe), ("MASK_FIT", dataset.mask_fit)):
        if m is not None:
            hdus += map_to_hdus(m, hdu=key)
    hdus += [hdu.copy() for hdu in dataset.extra_hdus]
    return fits.HDUList(hdus)


def write_map_dataset(dataset, filename, overwrite=False, checksum=False):
    check_overwrite(overwrite)
    hdulist = dataset_hdus(dataset)
    write_fits(hdulist, filename, overwrite=overwrite, checksum=checksum)


# ---------------------------------------------------------------------- YAML
def yaml_checksum(text: str) -> str:
    """MD5 hex digest of a YAML text (gammapy's checksum)."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def dump_yaml(data) -> str:
    return yaml.dump(data, **YAML_FORMAT)


def read_yaml(path, checksum=True) -> dict:
    """Parse a YAML file; a ``checksum:`` entry is verified if present (D11)."""
    text = path.read_text()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not valid YAML: {exc}") from None
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


def write_yaml(data, path, overwrite=False, checksum=False) -> None:
    text = dump_yaml(data)
    if checksum:
        text += yaml.dump({"checksum": yaml_checksum(text)}, **YAML_FORMAT)
    atomic_write(path, lambda tmp: tmp.write_text(text), overwrite=overwrite)

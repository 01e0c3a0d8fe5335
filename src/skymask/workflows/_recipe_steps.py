"""The steps of a mask recipe, and its provenance table (see `skymask.workflows.recipes`)."""

from __future__ import annotations

import datetime
import functools

import numpy as np
from astropy.io import fits

from ..utils.units import describe

__all__ = ["provenance_from_file", "run_steps", "write_with_provenance"]


def _error(index, kind, message):
    from ._recipe_base import RecipeError

    return RecipeError(f"step {index} ({kind}): {message}")


# ---------------------------------------------------------------------- geometry
def build_geometry(recipe):
    """The recipe's `~skymask.maps.WcsGeom`."""
    from astropy.coordinates import SkyCoord

    from ..maps import MapAxis, WcsGeom
    from ._recipe_base import RecipeError

    spec = recipe.geometry
    if spec.get("like") is not None:
        extra = sorted(set(spec) - {"like", "image"})
        if extra:
            raise RecipeError(f"geometry: 'like' takes the whole geometry; drop {extra}")
        geom = WcsGeom.read(recipe.resolve(spec["like"]))
        return geom.to_image() if spec.get("image") else geom
    if spec.get("image"):
        raise RecipeError("geometry: 'image' goes with 'like' (it drops that geometry's axes)")
    frame = spec.get("frame", "icrs")
    skydir = None
    if spec.get("skydir") is not None:
        lon, lat = spec["skydir"]
        skydir = SkyCoord(lon, lat, unit="deg", frame=spec.get("skydir_frame", frame))
    try:
        geom = WcsGeom.create(
            skydir=skydir,
            binsz=spec.get("binsz", 0.5),
            width=spec.get("width"),
            npix=spec.get("npix"),
            frame=frame,
            proj=spec.get("proj", "CAR"),
            refpix=spec.get("refpix"),
        )
    except (TypeError, ValueError) as exc:
        raise RecipeError(f"geometry: {exc}") from None
    energy = spec.get("energy")
    if energy is not None:
        if not isinstance(energy, dict) or set(energy) != {"min", "max", "nbin"}:
            raise RecipeError(
                f"geometry: energy must be {{min: 10 GeV, max: 2 TeV, nbin: 5}}, got "
                f"{describe(energy)}"
            )
        axis = MapAxis.from_energy_bounds(energy["min"], energy["max"], nbin=energy["nbin"])
        geom = geom.to_cube([axis])
    return geom


# ---------------------------------------------------------------------- steps
def _read_dataset(recipe, step, kind):
    from ..datasets import Datasets, MapDataset

    path = recipe.resolve(step[kind])
    if path.suffix.lower() in (".yaml", ".yml"):
        datasets = Datasets.read(path)
        name = step.get("dataset")
        if name is None and len(datasets) != 1:
            raise ValueError(f"{path} holds datasets {datasets.names}: choose one with 'dataset'")
        return datasets[name] if name is not None else datasets[0]
    return MapDataset.read(path)


def _on_image(mask, geom, fill_value):
    """An image mask on the sky grid of ``geom`` (nearest pixel)."""
    image = geom.to_image()
    if mask.geom == image:
        return mask
    return mask.interp_to_geom(image, fill_value=fill_value, method="nearest")


def _reduce_to_image(mask):
    from ..maps import Map

    if mask.geom.is_image:
        return mask
    data = mask.data.reshape((-1, *mask.geom.data_shape_image)).all(axis=0)
    return Map.from_geom(mask.geom.to_image(), data=data)


def _source(results, step, index, kind):
    name = step.get("of", "previous")
    if name not in results:
        known = [key for key in results if key != "previous"]
        raise _error(index, kind, f"no earlier step named {name!r} (named steps: {known})")
    return results[name]


def _step_read(recipe, geom, step, results):
    from ..maps import Map

    mask = Map.read(recipe.resolve(step["read"]))
    if not mask.is_mask:
        raise ValueError(f"{step['read']} holds a {mask.data.dtype} map, not a mask")
    if mask.geom != geom:
        mask = mask.interp_to_geom(
            geom, fill_value=bool(step.get("fill_value", False)), method="nearest"
        )
    return mask


def _step_regions(recipe, geom, step, results):
    value = step["regions"]
    from ._recipe_base import _is_region_file

    regions = str(recipe.resolve(value)) if _is_region_file(value, recipe) else value
    if step.get("psf") is not None:
        from ..irf import PSFMap
        from ..maps import EnergyDependentCircles
        from ..rasterize import parse_regions

        pairs = parse_regions(regions)
        if not all(include for _, include in pairs):
            raise ValueError("with psf, every region must be an include region (no '-circle')")
        regions = EnergyDependentCircles.from_regions(
            [region for region, _ in pairs],
            PSFMap.read(recipe.resolve(step["psf"]), hdu="PSF"),
            containment=step.get("containment", 0.95),
            energy_point=step.get("psf_energy", "lower"),
        )
    return geom.region_mask(regions, inside=not step.get("outside", False))


def _step_catalog(recipe, geom, step, results):
    from ..catalog import CATALOG_REGISTRY
    from ..irf import PSFMap

    cls = CATALOG_REGISTRY.get_cls(step["catalog"])
    catalog = cls(filename=recipe._catalog_path(step))
    psf = None
    if step.get("psf") is not None:
        psf = PSFMap.read(recipe.resolve(step["psf"]), hdu="PSF")
    options = {
        "geom": geom,
        "margin": step.get("margin", "0 deg"),
        "select": step.get("select", "inside"),
    }
    if psf is not None:
        options.update(
            psf=psf,
            containment=step.get("containment", 0.95),
            energy_point=step.get("psf_energy", "lower"),
        )
    regions = catalog.exclusion_regions(step.get("radius", "0.3 deg"), **options)
    return geom.region_mask(regions, inside=not step.get("outside", False))


def _step_significance(recipe, geom, step, results):
    from ..estimators import ExcessMapEstimator

    dataset = _read_dataset(recipe, step, "significance")
    radius = step.get("correlation_radius", "0.1 deg")
    sqrt_ts = ExcessMapEstimator(radius, selection_optional=[]).run(dataset)["sqrt_ts"]
    threshold = step.get("threshold", 5.0)
    if step.get("low") is None:
        with np.errstate(invalid="ignore"):
            significant = sqrt_ts >= threshold
    else:
        significant = sqrt_ts.hysteresis_threshold(
            step["low"], threshold, step.get("connectivity", 1)
        )
    # A pixel is significant if it is in any energy group; NaN is not significant.
    free = _reduce_to_image(~significant)
    return _on_image(free, geom, fill_value=True)


def _step_converge(recipe, geom, step, results):
    from .converge import make_exclusion_mask

    dataset = _read_dataset(recipe, step, "converge")
    initial = None
    if step.get("initial") is not None:
        if step["initial"] not in results:
            raise ValueError(f"no earlier step named {step['initial']!r} for 'initial'")
        initial = results[step["initial"]]
    ring = step.get("ring")
    result = make_exclusion_mask(
        dataset,
        threshold=step.get("threshold", 5.0),
        correlation_radius=step.get("correlation_radius", "0.1 deg"),
        low=step.get("low"),
        dilate=step.get("dilate"),
        background=step.get("background", "fov"),
        ring=None if ring is None else tuple(ring),
        initial=initial,
        max_iter=step.get("max_iter", 10),
    )
    return _on_image(result.mask, geom, fill_value=False)


def _step_combine(recipe, geom, step, results):
    import operator

    operation = step["combine"]
    operators = {"and": operator.and_, "or": operator.or_, "xor": operator.xor}
    if operation not in operators:
        raise ValueError(f"combine must be one of {sorted(operators)}, got {describe(operation)}")
    names = step.get("of")
    if not isinstance(names, list) or len(names) < 2:
        raise ValueError(
            f"combine needs 'of': a list of two or more step names, got {describe(names)}"
        )
    missing = [name for name in names if name not in results]
    if missing:
        raise ValueError(f"no earlier steps named {missing}")
    return functools.reduce(operators[operation], [results[name] for name in names])


def _step_not(recipe, geom, step, results):
    name = step["not"] if step["not"] is not None else "previous"
    if name not in results:
        raise ValueError(f"no earlier step named {name!r}")
    return ~results[name]


def _step_erode(recipe, geom, step, results, index=None):
    return _source(results, step, index, "erode").binary_erode(
        step["erode"], kernel=step.get("kernel", "disk")
    )


def _step_dilate(recipe, geom, step, results, index=None):
    return _source(results, step, index, "dilate").binary_dilate(
        step["dilate"], kernel=step.get("kernel", "disk")
    )


def _step_boundary(recipe, geom, step, results, index=None):
    if not results:
        # The first step: the boundary mask of the recipe geometry itself.
        return geom.boundary_mask(step["boundary"])
    source = _source(results, step, index, "boundary")
    return source & source.geom.boundary_mask(step["boundary"])


def _step_reproject(recipe, geom, step, results, index=None):
    from ..maps import WcsGeom

    source = _source(results, step, index, "reproject")
    target = WcsGeom.read(recipe.resolve(step["reproject"]))
    if source.geom.is_image:
        target = target.to_image()
    return source.interp_to_geom(
        target, fill_value=bool(step.get("fill_value", False)), method="nearest"
    )


_STEPS = {
    "read": _step_read,
    "regions": _step_regions,
    "catalog": _step_catalog,
    "significance": _step_significance,
    "converge": _step_converge,
    "combine": _step_combine,
    "not": _step_not,
    "erode": _step_erode,
    "dilate": _step_dilate,
    "boundary": _step_boundary,
    "reproject": _step_reproject,
}


def run_steps(recipe):
    """Run every step; the last step's mask is the result."""
    from ._recipe_base import RecipeError, _kind

    geom = build_geometry(recipe)
    results = {}
    mask = None
    for index, step in enumerate(recipe.steps):
        kind = _kind(step)
        if kind in ("erode", "dilate", "reproject", "not") and not results:
            raise _error(index, kind, "needs an earlier step to work on")
        try:
            if kind in ("erode", "dilate", "boundary", "reproject"):
                mask = _STEPS[kind](recipe, geom, step, results, index=index)
            else:
                mask = _STEPS[kind](recipe, geom, step, results)
        except RecipeError:
            raise
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise _error(index, kind, str(exc).strip("'\"")) from None
        if not mask.is_mask:
            raise _error(index, kind, f"gave a {mask.data.dtype} map, not a mask")
        results["previous"] = mask
        if step.get("name") is not None:
            results[str(step["name"])] = mask
    return mask


# ---------------------------------------------------------------------- provenance
def _provenance_hdu(recipe, inputs) -> fits.BinTableHDU:
    from .. import __version__

    rows = [("recipe", "", str(recipe.base_dir), "", 0, recipe.to_yaml())]
    rows += [("input", i.name, i.path, i.sha256, i.size, "") for i in inputs]
    columns = []
    for position, (name, fmt) in enumerate(
        [("KIND", "A"), ("NAME", "A"), ("PATH", "A"), ("SHA256", "A"), ("SIZE", "K"), ("TEXT", "A")]
    ):
        values = [row[position] for row in rows]
        if fmt == "A":
            width = max(1, max(len(value.encode()) for value in values))
            columns.append(fits.Column(name=name, format=f"{width}A", array=values))
        else:
            columns.append(
                fits.Column(name=name, format=fmt, array=np.array(values, dtype=np.int64))
            )
    hdu = fits.BinTableHDU.from_columns(columns, name="PROVENANCE")
    hdu.header["SKMVERS"] = (__version__, "skymask version that built the mask")
    hdu.header["RECIPEV"] = (1, "recipe format version")
    created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    hdu.header["CREATED"] = (created, "UTC time the mask was built")
    hdu.header["COMMENT"] = "The recipe (TEXT of the row KIND=recipe) rebuilds the mask;"
    hdu.header["COMMENT"] = "SHA256 is the content hash of each input file (skymask replay)."
    return hdu


def write_with_provenance(mask, recipe, inputs, filename, *, overwrite, checksum) -> None:
    """Write the mask and its PROVENANCE table atomically."""
    from .. import __version__
    from ..maps.io_fits import map_to_hdus
    from ..utils.io import check_overwrite, write_fits

    overwrite = check_overwrite(overwrite)
    mask.meta["creator"] = f"skymask {__version__}"
    hdus = map_to_hdus(mask)
    if not isinstance(hdus[0], fits.PrimaryHDU):
        hdus.insert(0, fits.PrimaryHDU())
    hdus.append(_provenance_hdu(recipe, inputs))
    write_fits(fits.HDUList(hdus), filename, overwrite=overwrite, checksum=checksum)


def provenance_from_file(filename) -> dict | None:
    """The PROVENANCE table of a file as a dict, or None."""
    from ..utils.reading import open_fits
    from ._recipe_base import InputFile

    with open_fits(filename) as hdulist:
        if "PROVENANCE" not in hdulist:
            return None
        hdu = hdulist["PROVENANCE"]
        table = hdu.data
        header = hdu.header
        kinds = [str(value).strip() for value in table["KIND"]]
        recipe_rows = [i for i, kind in enumerate(kinds) if kind == "recipe"]
        if len(recipe_rows) != 1:
            from ._recipe_base import RecipeError

            raise RecipeError(f"{filename}: the PROVENANCE table has no single recipe row")
        row = recipe_rows[0]
        inputs = [
            InputFile(
                str(table["NAME"][i]).strip(),
                str(table["PATH"][i]).strip(),
                str(table["SHA256"][i]).strip(),
                int(table["SIZE"][i]),
            )
            for i, kind in enumerate(kinds)
            if kind == "input"
        ]
        return {
            "recipe": str(table["TEXT"][row]),
            "base_dir": str(table["PATH"][row]).strip(),
            "version": header.get("SKMVERS"),
            "created": header.get("CREATED"),
            "inputs": inputs,
        }

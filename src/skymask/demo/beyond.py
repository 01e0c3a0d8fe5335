"""The demo beyond the tutorial: PSF-aware exclusion, a converged mask, a replayable recipe.

After the tutorial's steps, `beyond_steps` shows what no tool did before:

1. the catalog exclusion circles grown by the PSF, one mask plane per energy bin
   (`~skymask.maps.EnergyDependentCircles`);
2. the significance exclusion iterated with its background until it is a fixed point
   (`~skymask.workflows.make_exclusion_mask`), with the record of each step;
3. the final mask (both combined) written from a YAML recipe with its provenance, and
   replayed bit for bit (`~skymask.workflows.MaskRecipe`).

The recipe reads files: the dataset (for simulated data, the demo writes it first) and the
catalog circles as a ds9 file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy import units as u
from regions import Regions

from ..datasets import MapDataset
from ..maps import EnergyDependentCircles
from ..workflows import MaskRecipe, make_exclusion_mask, replay

__all__ = ["beyond_steps"]

PSF_CONTAINMENT = 0.95


def _recipe_text(dataset_name: str, regions_file: Path, radius, threshold, width) -> str:
    return f"""\
# The demo's final exclusion mask: catalog circles grown by the PSF (one plane per energy
# bin), and the significant sky found by iterating background and significance.
skymask-recipe: 1
geometry:
  like: {dataset_name}
steps:
  - regions: {regions_file.name}
    psf: {dataset_name}
    containment: {PSF_CONTAINMENT}
    outside: true
    name: catalog_psf
  - regions: {regions_file.name}
    outside: true
    name: catalog
  - converge: {dataset_name}
    threshold: {threshold}
    correlation_radius: {radius}
    dilate: {width}
    initial: catalog
    name: significant
  - combine: and
    of: [catalog_psf, significant]
"""


def beyond_steps(inputs, outputs, *, dataset_file: Path | None, settings) -> dict:
    """Run the three steps; write their masks, the recipe and the final mask.

    Parameters
    ----------
    inputs : the demo's inputs (dataset, catalog).
    outputs : the demo's output record (writes masks, keeps the summary).
    dataset_file : Path or None
        The dataset file (real data); None writes the simulated dataset first.
    settings : dict
        ``radius`` (catalog circles), ``correlation_radius``, ``threshold``, ``width``.

    Returns
    -------
    dict
        ``radii`` (deg, per source and energy bin), ``history`` (the convergence record),
        ``replay`` (the `~skymask.workflows.ReplayReport`), ``recipe`` (the YAML file).
    """
    out = outputs.out
    if dataset_file is None:
        dataset_file = out / "simulated_dataset.fits"
        inputs.dataset.write(dataset_file, overwrite=True)
        dataset_name = dataset_file.name  # next to the recipe
    else:
        dataset_name = str(Path(dataset_file).resolve())
    dataset = MapDataset.read(dataset_file)
    geom = dataset.counts.geom
    image = geom.to_image()

    # 1. PSF-aware catalog exclusion.
    circles = inputs.catalog.exclusion_regions(settings["radius"], geom=image)
    regions_file = out / "catalog_sources.reg"
    Regions(list(circles)).write(regions_file, format="ds9", overwrite=True)
    grown = EnergyDependentCircles.from_regions(list(circles), dataset.psf, PSF_CONTAINMENT)
    psf_exclusion = geom.region_mask(grown, inside=False)
    outputs.mask(
        "exclusion_psf",
        psf_exclusion,
        f"catalog circles grown by the PSF r{PSF_CONTAINMENT * 100:.0f} per energy bin",
    )
    axis = geom.axes["energy"]
    radii = grown.radii_for_axis(axis).deg
    print()
    print(f"PSF-aware exclusion: {len(grown)} source(s), radius per energy bin (lowest edge):")
    for index, energy in enumerate(grown.bin_energies(axis)):
        excluded = int((~psf_exclusion.data[index]).sum())
        values = ", ".join(f"{r:.3f}" for r in radii[:, index]) or "-"
        print(f"  {energy.to(u.GeV):8.1f}: {values} deg, {excluded} pixels excluded")

    # 2. Converged significance exclusion.
    catalog_exclusion = ~image.region_mask(circles)
    result = make_exclusion_mask(
        dataset,
        threshold=settings["threshold"],
        correlation_radius=settings["correlation_radius"],
        dilate=settings["width"],
        initial=catalog_exclusion,
    )
    outputs.mask(
        "exclusion_converged",
        result.mask,
        f"significance exclusion at its fixed point ({result.n_iter} steps)",
    )
    print()
    print(f"Converged exclusion: {result!r}")
    for line in result.history.pformat():
        print(f"  {line}")

    # 3. The final mask from a recipe, with provenance; replayed.
    recipe_file = out / "exclusion_recipe.yaml"
    recipe_file.write_text(
        _recipe_text(
            dataset_name,
            regions_file,
            settings["correlation_radius"],
            settings["threshold"],
            settings["width"],
        )
    )
    final_file = out / "exclusion_final.fits"
    final = MaskRecipe.from_yaml(recipe_file).write(final_file, overwrite=True)
    expected = psf_exclusion.data & result.mask.data
    if not np.array_equal(final.data, expected):
        raise RuntimeError("the recipe's mask differs from the steps above")
    outputs.record(
        "exclusion_final", final, "PSF-aware catalog & converged significance", final_file
    )
    report = replay(final_file)
    print()
    print(f"Recipe    : {recipe_file.name} -> {final_file.name} (with provenance)")
    print(f"Replay    : {report.summary()}")
    return {"radii": radii, "history": result.history, "replay": report, "recipe": recipe_file}

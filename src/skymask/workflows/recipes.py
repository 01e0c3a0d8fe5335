"""Mask recipes: a YAML description of how a mask is built, replayable from the mask file.

A recipe names a geometry and a list of steps; each step makes a mask from its inputs or from
earlier steps, and the last step's mask is the result::

    skymask-recipe: 1
    geometry:
      like: Fermi-LAT-3FHL_data_Fermi-LAT.fits   # or skydir/frame/width/binsz/proj/energy
      image: true
    steps:
      - regions: "galactic;box(185,-4,1.0,0.5,45)"
        outside: true
        name: box
      - catalog: 3fhl
        radius: 0.3 deg
        outside: true
        name: sources
      - combine: and
        of: [box, sources]
      - erode: 0.2 deg

Step kinds (the key that names the step; its value is the main argument):

========================  ==========================================================
``read: FILE``            a mask file, put on the recipe geometry (nearest pixel)
``regions: TEXT|FILE``    `~skymask.maps.WcsGeom.region_mask` (``outside: true``;
                          circles grow with ``psf``, ``containment``, ``psf_energy``)
``catalog: TAG``          catalog exclusion circles (``radius``, ``margin``,
                          ``select``, ``file``, ``psf``, ``containment``,
                          ``psf_energy``, ``outside``)
``significance: FILE``    True where sqrt(TS) < ``threshold`` (``correlation_radius``,
                          ``low``, ``dataset``: the name in a YAML index)
``converge: FILE``        `make_exclusion_mask` (``threshold``, ``correlation_radius``,
                          ``low``, ``dilate``, ``background``, ``ring``,
                          ``max_iter``, ``initial``: an earlier step)
``combine: and|or|xor``   of the steps named in ``of``
``not: NAME|null``        the inverse of a named step (null: of the previous one)
``erode|dilate: WIDTH``   the previous mask shrunk or grown (``kernel``)
``boundary: WIDTH``       the previous mask, False within WIDTH of the map edge
                          (as the first step: the boundary mask of the geometry)
``reproject: FILE``       the previous mask on the geometry of FILE (``fill_value``)
========================  ==========================================================

Every step may take ``name`` (to be used by ``of``/``not``/``initial``) and ``of`` (for the
morphology and reprojection steps: which earlier step to use instead of the previous one).
Relative file names are read relative to the recipe file's folder.

`MaskRecipe.write` stores the mask with a ``PROVENANCE`` table: the recipe, the skymask
version and the SHA-256 of every input file (gammapy ignores the extension). `replay`
rebuilds a mask from that table and says whether it is bit-identical, and which input
changed when it is not.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..utils.units import describe
from ._recipe_base import (
    _GEOMETRY_KEYS,
    STEP_KINDS,
    InputFile,
    RecipeError,
    _check_step,
    _is_region_file,
    _kind,
)

__all__ = [
    "PROVENANCE_HDU",
    "RECIPE_VERSION",
    "STEP_KINDS",
    "InputFile",
    "MaskRecipe",
    "RecipeError",
    "ReplayReport",
    "read_provenance",
    "replay",
]

#: Version of the recipe format (the ``skymask-recipe`` key).
RECIPE_VERSION = 1
#: Name of the FITS extension that holds a mask's provenance.
PROVENANCE_HDU = "PROVENANCE"


@dataclass
class ReplayReport:
    """What `replay` found.

    Parameters
    ----------
    identical : bool
        Whether the rebuilt mask equals the stored one.
    changed : list of (InputFile, str or None)
        Inputs whose content changed.
    mask : `~skymask.maps.Map` or None
        The rebuilt mask.
    error : str or None
        Why the mask could not be rebuilt.

    Examples
    --------
    >>> from skymask.workflows import ReplayReport
    >>> ReplayReport(identical=True).changed
    []

    Attributes
    ----------
    identical : bool
        The rebuilt mask equals the stored one bit for bit (data, geometry).
    changed : list of (InputFile, str or None)
        Inputs whose content differs from the recorded one: the record and the new SHA-256
        (None when the file is missing).
    mask : `~skymask.maps.Map` or None
        The rebuilt mask (None if it could not be built).
    error : str or None
        Why the mask could not be rebuilt.
    """

    identical: bool
    changed: list = field(default_factory=list)
    mask: object = None
    error: str | None = None

    def summary(self) -> str:
        """One paragraph for people: identical or not, and which input changed.

        Examples
        --------
        >>> from skymask.workflows import ReplayReport
        >>> isinstance(ReplayReport(identical=True).summary(), str)
        True
        """
        lines = []
        if self.identical:
            lines.append("replayed: the mask is bit-identical")
        elif self.error is not None:
            lines.append(f"replay failed: {self.error}")
        else:
            lines.append("replayed: the mask DIFFERS from the stored one")
        for record, new in self.changed:
            state = "is missing" if new is None else f"changed (sha256 {new[:12]}...)"
            lines.append(
                f"  input {record.name} ({record.path}) {state}; recorded sha256 "
                f"{record.sha256[:12]}..."
            )
        if not self.identical and not self.changed and self.error is None:
            lines.append("  every input is unchanged: the difference comes from the software")
        return "\n".join(lines)


def sha256_of(path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "a.txt"
    ...     _ = path.write_bytes(b"abc")
    ...     sha256_of(path)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class MaskRecipe:
    """A mask described as a geometry and a list of steps (see the module notes).

    Parameters
    ----------
    recipe : dict
        The parsed recipe (``geometry`` and ``steps``).
    base_dir : str or `~pathlib.Path`, optional
        Folder that relative file names are read from (default: the working folder).

    Examples
    --------
    >>> recipe = MaskRecipe.from_yaml('''
    ... geometry: {skydir: [0, 0], frame: galactic, width: 2 deg, binsz: 0.1}
    ... steps:
    ...   - regions: "galactic;circle(0, 0, 0.3)"
    ...     outside: true
    ...   - erode: 1 pix
    ... ''')
    >>> mask = recipe.build()
    >>> mask.data.shape, int((~mask.data).sum())
    ((20, 20), 128)
    """

    def __init__(self, recipe, base_dir=None):
        if not isinstance(recipe, dict):
            raise RecipeError(
                f"a recipe is a mapping with 'geometry' and 'steps', got {describe(recipe)}"
            )
        version = recipe.get("skymask-recipe", RECIPE_VERSION)
        if version != RECIPE_VERSION:
            raise RecipeError(
                f"this skymask reads recipe version {RECIPE_VERSION}, the recipe says {version!r}"
            )
        unknown = sorted(set(recipe) - {"skymask-recipe", "geometry", "steps"})
        if unknown:
            raise RecipeError(f"unknown recipe keys {unknown}: a recipe has 'geometry' and 'steps'")
        geometry = recipe.get("geometry")
        if not isinstance(geometry, dict):
            raise RecipeError(
                "the recipe needs a 'geometry' mapping (like: FILE, or skydir/width/binsz)"
            )
        wrong = sorted(set(geometry) - _GEOMETRY_KEYS)
        if wrong:
            raise RecipeError(f"unknown geometry keys {wrong}; known: {sorted(_GEOMETRY_KEYS)}")
        steps = recipe.get("steps")
        if not isinstance(steps, list) or not steps:
            raise RecipeError("the recipe needs a non-empty list of 'steps'")
        for index, step in enumerate(steps):
            _check_step(index, step)
        self._recipe = {
            "skymask-recipe": RECIPE_VERSION,
            "geometry": copy.deepcopy(geometry),
            "steps": copy.deepcopy(steps),
        }
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.recorded_inputs: list[InputFile] = []

    # ------------------------------------------------------------------ reading
    @classmethod
    def from_yaml(cls, source, base_dir=None) -> MaskRecipe:
        """A recipe from a YAML file or YAML text.

        Parameters
        ----------
        source : str or `~pathlib.Path`
            A path to a ``.yaml``/``.yml`` file, or the recipe text itself.
        base_dir : str or `~pathlib.Path`, optional
            Folder of relative file names (default: the file's folder, or the working folder
            for text).

        Returns
        -------
        `MaskRecipe`

        Examples
        --------
        >>> text = "geometry: {npix: 4, binsz: 1}\\nsteps: [{regions: 'icrs;circle(0,0,1)'}]"
        >>> MaskRecipe.from_yaml(text).steps
        [{'regions': 'icrs;circle(0,0,1)'}]
        """
        import yaml

        text = None
        if isinstance(source, Path) or (
            isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml"))
        ):
            path = Path(source)
            if not path.is_file():
                raise FileNotFoundError(f"no such recipe file: {path}")
            text = path.read_text()
            base_dir = path.resolve().parent if base_dir is None else base_dir
        elif isinstance(source, str):
            text = source
        else:
            raise TypeError(f"source must be a YAML file name or text, got {describe(source)}")
        try:
            recipe = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            from ..datasets.io import yaml_error_message

            # A recipe file may come from others: name the place, do not quote the line.
            raise RecipeError(f"the recipe is not valid YAML: {yaml_error_message(exc)}") from None
        return cls(recipe, base_dir=base_dir)

    @classmethod
    def from_fits(cls, filename) -> MaskRecipe:
        """The recipe stored in a mask file's ``PROVENANCE`` extension.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            A mask written by `MaskRecipe.write` (or ``skymask build``).

        Returns
        -------
        `MaskRecipe`
            With ``recorded_inputs`` set to the inputs recorded when the mask was built.

        Raises
        ------
        RecipeError
            The file has no provenance.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> text = "geometry: {npix: 4, binsz: 1}\\nsteps: [{regions: 'icrs;circle(0,0,1)'}]"
        >>> recipe = MaskRecipe.from_yaml(text)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = recipe.write(pathlib.Path(folder) / "m.fits")
        ...     MaskRecipe.from_fits(pathlib.Path(folder) / "m.fits").steps
        [{'regions': 'icrs;circle(0,0,1)'}]
        """
        provenance = read_provenance(filename)
        if provenance is None:
            raise RecipeError(
                f"{filename} has no {PROVENANCE_HDU} extension: it was not built from a recipe "
                "(skymask build RECIPE -o FILE writes one)"
            )
        recipe = cls.from_yaml(provenance["recipe"], base_dir=provenance["base_dir"])
        recipe.recorded_inputs = provenance["inputs"]
        return recipe

    # ------------------------------------------------------------------ views
    @property
    def geometry(self) -> dict:
        """The geometry mapping (a copy).

        Examples
        --------
        >>> from skymask.workflows import MaskRecipe
        >>> recipe = MaskRecipe.from_yaml('''
        ... geometry: {skydir: [0, 0], frame: galactic, width: 2 deg, binsz: 0.1}
        ... steps:
        ...   - regions: "galactic;circle(0, 0, 0.3)"
        ...     outside: true
        ... ''')
        >>> recipe.geometry["frame"]
        'galactic'
        """
        return copy.deepcopy(self._recipe["geometry"])

    @property
    def steps(self) -> list:
        """The steps (a copy).

        Examples
        --------
        >>> from skymask.workflows import MaskRecipe
        >>> recipe = MaskRecipe.from_yaml('''
        ... geometry: {skydir: [0, 0], frame: galactic, width: 2 deg, binsz: 0.1}
        ... steps:
        ...   - regions: "galactic;circle(0, 0, 0.3)"
        ...     outside: true
        ... ''')
        >>> len(recipe.steps), recipe.steps[0]["outside"]
        (1, True)
        """
        return copy.deepcopy(self._recipe["steps"])

    def to_yaml(self) -> str:
        """The recipe as YAML text (the form stored in the provenance).

        Returns
        -------
        str

        Examples
        --------
        >>> recipe = MaskRecipe({"geometry": {"npix": 4, "binsz": 1}, "steps": [{"not": None}]})
        >>> print(recipe.to_yaml())
        skymask-recipe: 1
        geometry:
          npix: 4
          binsz: 1
        steps:
        - not: null
        <BLANKLINE>
        """
        import yaml

        return yaml.safe_dump(self._recipe, sort_keys=False, default_flow_style=False)

    def __repr__(self):
        kinds = [_kind(step) for step in self._recipe["steps"]]
        return f"MaskRecipe(steps={kinds})"

    def resolve(self, name) -> Path:
        """A file name of the recipe as a path (relative names: in ``base_dir``).

        Parameters
        ----------
        name : str or `~pathlib.Path`
            File name as written in the recipe (``$VARS`` and ``~`` are expanded).

        Returns
        -------
        `~pathlib.Path`

        Examples
        --------
        >>> recipe = MaskRecipe({"geometry": {}, "steps": [{"not": None}]}, base_dir="/data")
        >>> recipe.resolve("a.fits")
        PosixPath('/data/a.fits')
        """
        path = Path(os.path.expanduser(os.path.expandvars(str(name))))
        return path if path.is_absolute() else self.base_dir / path

    # ------------------------------------------------------------------ inputs
    def inputs(self) -> list[InputFile]:
        """Every input file the recipe reads, with its SHA-256 now.

        Returns
        -------
        list of `InputFile`
            In recipe order; a file named twice is listed once (the first place).

        Raises
        ------
        FileNotFoundError
            An input file is missing (the message names the step).

        Examples
        --------
        >>> MaskRecipe({"geometry": {"npix": 4, "binsz": 1}, "steps": [{"not": None}]}).inputs()
        []
        """
        found = []
        seen = set()
        for name, path in self._input_paths():
            if not path.is_file():
                raise FileNotFoundError(f"{name}: no such file: {path}")
            key = str(path.resolve())
            if key in seen:
                continue
            seen.add(key)
            found.append(InputFile(name, str(path), sha256_of(path), path.stat().st_size))
        return found

    def _input_paths(self):
        geometry = self._recipe["geometry"]
        if geometry.get("like") is not None:
            yield "geometry.like", self.resolve(geometry["like"])
        for index, step in enumerate(self._recipe["steps"]):
            kind = _kind(step)
            where = f"steps[{index}].{kind}"
            if kind in ("read", "significance", "converge", "reproject") or (
                kind == "regions" and _is_region_file(step[kind], self)
            ):
                yield where, self.resolve(step[kind])
            if kind == "regions" and step.get("psf") is not None:
                yield f"{where}.psf", self.resolve(step["psf"])
            if kind == "catalog":
                yield f"{where}.file", self._catalog_path(step)
                if step.get("psf") is not None:
                    yield f"{where}.psf", self.resolve(step["psf"])

    def _catalog_path(self, step) -> Path:
        if step.get("file") is not None:
            return self.resolve(step["file"])
        from ..catalog import CATALOG_REGISTRY

        # The default file the catalog class reads (under $GAMMAPY_DATA).
        return Path(CATALOG_REGISTRY.get_cls(step["catalog"])().filename)

    # ------------------------------------------------------------------ building
    def build(self):
        """Build the mask.

        Returns
        -------
        bool `~skymask.maps.Map`
            The last step's mask.

        Raises
        ------
        RecipeError
            A step cannot run (the message names the step and why).

        Examples
        --------
        >>> recipe = MaskRecipe.from_yaml('''
        ... geometry: {npix: 10, binsz: 0.1, frame: galactic}
        ... steps:
        ...   - {regions: "galactic;circle(0, 0, 0.2)", name: disk}
        ...   - {not: disk}
        ... ''')
        >>> int(recipe.build().data.sum())
        88
        """
        from ._recipe_steps import run_steps

        return run_steps(self)

    def write(self, filename, overwrite=False, checksum=False):
        """Build the mask and write it with its provenance (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output FITS file.
        overwrite : bool, default False
            Replace an existing file.
        checksum : bool, default False
            Add FITS checksums.

        Returns
        -------
        bool `~skymask.maps.Map`
            The mask written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> text = "geometry: {npix: 4, binsz: 1}\\nsteps: [{regions: 'icrs;circle(0,0,1)'}]"
        >>> recipe = MaskRecipe.from_yaml(text)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     mask = recipe.write(pathlib.Path(folder) / "m.fits")
        >>> mask.data.shape
        (4, 4)
        """
        from ._recipe_steps import write_with_provenance

        inputs = self.inputs()
        mask = self.build()
        write_with_provenance(mask, self, inputs, filename, overwrite=overwrite, checksum=checksum)
        return mask


def read_provenance(filename) -> dict | None:
    """The provenance stored in a mask file, or None if it has none.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        A FITS file.

    Returns
    -------
    dict or None
        ``recipe`` (YAML text), ``base_dir``, ``version`` (of skymask that built it),
        ``created`` and ``inputs`` (list of `InputFile`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skymask.maps import Map, WcsGeom
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "plain.fits"
    ...     Map.from_geom(WcsGeom.create(npix=2), data=True).write(path)
    ...     read_provenance(path) is None
    True
    """
    from ._recipe_steps import provenance_from_file

    return provenance_from_file(filename)


def replay(filename) -> ReplayReport:
    """Rebuild a mask from its provenance and compare it with the stored mask.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        A mask written from a recipe.

    Returns
    -------
    `ReplayReport`

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = "geometry: {npix: 4, binsz: 1}\\nsteps: [{regions: 'icrs;circle(0,0,1)'}]"
    >>> recipe = MaskRecipe.from_yaml(text)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = recipe.write(pathlib.Path(folder) / "m.fits")
    ...     replay(pathlib.Path(folder) / "m.fits").identical
    True
    """
    from ..maps import Map

    recipe = MaskRecipe.from_fits(filename)
    changed = []
    for record in recipe.recorded_inputs:
        path = Path(record.path)
        new = sha256_of(path) if path.is_file() else None
        if new != record.sha256:
            changed.append((record, new))
    try:
        mask = recipe.build()
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return ReplayReport(identical=False, changed=changed, error=str(exc))
    stored = Map.read(filename)
    identical = (
        stored.geom == mask.geom
        and stored.data.dtype == mask.data.dtype
        and np.array_equal(stored.data, mask.data)
    )
    return ReplayReport(identical=identical, changed=changed, mask=mask)

"""skymask: mask maps for gamma-ray astronomy.

Subpackages: `skymask.maps` (axes, geometries, maps, FITS, plots), `skymask.rasterize`,
`skymask.morphology`, `skymask.datasets`, `skymask.irf`, `skymask.catalog`,
`skymask.estimators`, `skymask.makers`, `skymask.cli`; the plain-array kernels in
`skymask.kernels`. The layers are described in ``docs/developer.md``.
"""

__all__ = ["__version__"]


def __getattr__(name):
    # The one version string is pyproject.toml's, read from the installed metadata when first
    # asked for: importlib.metadata costs start-up time that `import skymask.maps` need not pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("skymask")
        except PackageNotFoundError:  # a source tree on sys.path without an installation
            value = "0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

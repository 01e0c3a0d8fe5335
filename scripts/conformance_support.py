"""Test scaffolding for gammapy 2.1's own tests run against skymask (scripts/conformance.py).

The conformance script copies gammapy's test files and rewrites their ``gammapy`` imports. This
module is what the rewritten files import instead. It holds two things, neither of them API:

1. **gammapy's test helpers** (``gammapy.utils.testing``): ``requires_data``,
   ``requires_dependency``, ``mpl_plot_check``, ``assert_quantity_allclose``,
   ``assert_time_allclose``, ``assert_skycoord_allclose``, built on astropy/numpy only. They
   decide how a test runs, not what skymask must offer, so they are not looked up in skymask.
2. **Lazy imports** (``from_import``, ``import_module``, ``guard``): every other
   ``from gammapy.X import A`` becomes ``A = from_import("gammapy.X", ("A",))``. A name skymask
   has is bound to the real object. A name it lacks is bound to a :class:`Missing` placeholder,
   so that one missing name fails only the tests that use it instead of the whole file:

   - while pytest imports the test modules (collection), a placeholder lets module-level code
     run on: attribute access, calls, indexing and arithmetic give further placeholders that
     remember the missing name;
   - once collection is over (:func:`set_strict`, called by the generated conftest), touching a
     placeholder raises :class:`MissingAPIError` (an ``ImportError``) naming the skymask module
     and name, so every test that uses it fails with that message, and an import inside a test
     body raises it at once, as Python would.

   ``guard`` wraps module-level assignments and ``parametrize`` values: when building a value
   raises (skymask has the class but not the call), the name becomes a placeholder carrying the
   error, and only the tests that use it fail.

A placeholder can never make a test pass: any use of it during a test raises.
"""

from __future__ import annotations

import importlib
import os
from io import BytesIO

from numpy.testing import assert_allclose

__all__ = [
    "SHIM_NAMES",
    "Missing",
    "MissingAPIError",
    "assert_quantity_allclose",
    "assert_skycoord_allclose",
    "assert_time_allclose",
    "from_import",
    "guard",
    "import_module",
    "importorskip",
    "mpl_plot_check",
    "requires_data",
    "requires_dependency",
    "set_strict",
]

#: Names of ``gammapy.utils.testing`` served from here; any other name there is looked up in
#: skymask like every other import.
SHIM_NAMES = frozenset(
    {
        "requires_data",
        "requires_dependency",
        "mpl_plot_check",
        "assert_quantity_allclose",
        "assert_time_allclose",
        "assert_skycoord_allclose",
    }
)

#: Packages gammapy needs for its own implementation but skymask does not: a test guarded by
#: ``requires_dependency``/``importorskip`` on one of them runs anyway (skymask either supports
#: the feature without it or the test fails), instead of being skipped silently.
NOT_REQUIRED_BY_SKYMASK = frozenset({"healpy"})

_STRICT = False
#: Every MissingAPIError raised, in order: the recording plugin fails a test that raised one and
#: passed anyway (e.g. inside ``pytest.raises(Exception)``), so a placeholder never passes a test.
RAISED: list[str] = []


class MissingAPIError(ImportError):
    """A test used a gammapy name that skymask does not provide."""

    def __init__(self, message: str):
        super().__init__(message)
        RAISED.append(message)


def set_strict(strict: bool = True) -> None:
    """After collection every use of a placeholder raises (called by the generated conftest)."""
    global _STRICT
    _STRICT = strict


def _skymask_name(module: str) -> str:
    if module == "gammapy" or module.startswith("gammapy."):
        return "skymask" + module[len("gammapy") :]
    return module


class Missing:
    """Stands for a gammapy name skymask lacks (or a value that could not be built).

    ``what`` names the missing thing, ``why`` says why (kept for the error message).
    """

    # numpy must hand binary operations with arrays over to the reflected methods below
    __array_ufunc__ = None

    def __init__(self, what: str, why: str):
        object.__setattr__(self, "_what", what)
        object.__setattr__(self, "_why", why)

    def _fail(self, use: str):
        raise MissingAPIError(f"{self._why} [used: {use}]")

    def _defer(self, use: str) -> Missing:
        if _STRICT:
            self._fail(use)
        return Missing(f"{self._what}{use}", self._why)

    def __getattr__(self, name):
        # private and dunder names stay unknown so that pytest's and Python's protocol probes
        # (fixture markers, mock detection, __wrapped__, ...) do not mistake this for anything
        if name.startswith("_"):
            raise AttributeError(name)
        return self._defer(f".{name}")

    def __setattr__(self, name, value):
        self._fail(f".{name} = ...")

    def __call__(self, *args, **kwargs):
        return self._defer("(...)")

    def __getitem__(self, key):
        return self._defer("[...]")

    def __setitem__(self, key, value):
        self._fail("[...] = ...")

    def __iter__(self):
        self._fail("iteration")

    def __len__(self):
        self._fail("len()")

    def __bool__(self):
        self._fail("bool()")

    def __array__(self, *args, **kwargs):
        self._fail("numpy.asarray()")

    def __eq__(self, other):
        return self._defer(" == ...")

    def __ne__(self, other):
        return self._defer(" != ...")

    __hash__ = object.__hash__

    def __mro_entries__(self, bases):
        # ``class MyDataset(Dataset)`` with Dataset missing: a class whose instances cannot be
        # made, so the module imports and the tests that build one fail
        why = self._why

        class _MissingBase:
            def __init__(self, *args, **kwargs):
                raise MissingAPIError(f"{why} [used: subclass instance]")

        _MissingBase.__name__ = f"Missing_{self._what.rsplit('.', 1)[-1]}"
        return (_MissingBase,)

    def __repr__(self):
        return f"<missing in skymask: {self._what}>"

    def __str__(self):
        if _STRICT:
            self._fail("str()")
        return repr(self)


def _binary(symbol):
    def method(self, *args):
        return self._defer(f" {symbol} ...")

    return method


for _name, _symbol in [
    ("add", "+"),
    ("sub", "-"),
    ("mul", "*"),
    ("truediv", "/"),
    ("floordiv", "//"),
    ("mod", "%"),
    ("pow", "**"),
    ("matmul", "@"),
    ("and", "&"),
    ("or", "|"),
    ("xor", "^"),
    ("lt", "<"),
    ("le", "<="),
    ("gt", ">"),
    ("ge", ">="),
]:
    setattr(Missing, f"__{_name}__", _binary(_symbol))
    if _name not in {"lt", "le", "gt", "ge"}:
        setattr(Missing, f"__r{_name}__", _binary(_symbol))
for _name, _symbol in [("neg", "-"), ("pos", "+"), ("invert", "~"), ("abs", "abs")]:
    setattr(Missing, f"__{_name}__", _binary(_symbol))


def _missing_name(gammapy_module: str, name: str, reason: str) -> Missing:
    skymask_module = _skymask_name(gammapy_module)
    why = f"{skymask_module}.{name} missing ({reason}; gammapy: {gammapy_module}.{name})"
    if _STRICT:
        raise MissingAPIError(why)
    return Missing(f"{skymask_module}.{name}", why)


def _import(skymask_module: str):
    """The skymask module, or the ImportError saying why not."""
    try:
        return importlib.import_module(skymask_module), None
    except ImportError as error:
        return None, error


def from_import(gammapy_module: str, names) -> tuple:
    """``from gammapy_module import names`` served by the skymask module of the same path.

    Returns one object per name: skymask's, or a :class:`Missing` placeholder (raises
    :class:`MissingAPIError` at once after collection, as a failing import would).
    """
    skymask_module = _skymask_name(gammapy_module)
    module, error = _import(skymask_module)
    found = []
    for name in names:
        if module is None:
            # a module that is not there, or one that is there and fails to import (say why)
            absent = isinstance(error, ModuleNotFoundError) and skymask_module.startswith(
                str(error.name)
            )
            reason = f"no module {skymask_module}" if absent else f"import failed: {error}"
            found.append(_missing_name(gammapy_module, name, reason))
            continue
        if hasattr(module, name):
            found.append(getattr(module, name))
            continue
        submodule, _ = _import(f"{skymask_module}.{name}")
        if submodule is not None:
            found.append(submodule)
        else:
            found.append(_missing_name(gammapy_module, name, f"{skymask_module} has no {name!r}"))
    return tuple(found)


def import_module(gammapy_module: str, *, bind_top: bool = False):
    """``import gammapy.a.b [as c]``: the skymask module (the top package if ``bind_top``)."""
    skymask_module = _skymask_name(gammapy_module)
    module, error = _import(skymask_module)
    if module is None:
        why = f"module {skymask_module} missing ({error}; gammapy: {gammapy_module})"
        if _STRICT:
            raise MissingAPIError(why)
        return Missing(skymask_module, why)
    return importlib.import_module("skymask") if bind_top else module


def guard(name: str, build):
    """``build()``, or a placeholder carrying the error when building the value fails.

    Used on module-level values only: a value skymask cannot build fails the tests that use it,
    not the import of the whole test file.
    """
    try:
        return build()
    except Exception as error:  # any failure is reported by the tests that use the value
        return Missing(name, f"building {name} at import failed: {type(error).__name__}: {error}")


# --- gammapy.utils.testing, rebuilt on astropy/numpy --------------------------------------


def requires_dependency(name: str):
    """Skip the test when ``name`` cannot be imported (packages only gammapy needs never skip)."""
    import pytest

    if name in NOT_REQUIRED_BY_SKYMASK:
        return pytest.mark.skipif(False, reason="")
    try:
        importlib.import_module(name)
        missing = False
    except ImportError:
        missing = True
    return pytest.mark.skipif(missing, reason=f"Missing dependency: {name}")


def importorskip(name: str, *args, **kwargs):
    """``pytest.importorskip`` except for the packages skymask does not need."""
    import pytest

    if name in NOT_REQUIRED_BY_SKYMASK:
        return None
    return pytest.importorskip(name, *args, **kwargs)


def requires_data(name: str = "gammapy-data"):
    """Skip the test when the data set's environment variable is not set (as gammapy does)."""
    import pytest

    if not isinstance(name, str):
        raise TypeError("requires_data needs a name (str); usually @requires_data()")
    variables = {
        "gammapy-data": "GAMMAPY_DATA",
        "gammapy-extra": "GAMMAPY_EXTRA",
        "gamma-cat": "GAMMA_CAT",
        "fermi-lat": "GAMMAPY_FERMI_LAT_DATA",
    }
    if name not in variables:
        raise ValueError(f"Invalid name: {name}")
    return pytest.mark.skipif(variables[name] not in os.environ, reason=f"Missing data: {name}")


def mpl_plot_check():
    """Context manager: a new figure on entry, rendered to an in-memory PNG on exit."""
    import matplotlib.pyplot as plt

    class _PlotCheck:
        def __enter__(self):
            plt.figure()

        def __exit__(self, *exc_info):
            plt.savefig(BytesIO(), format="png")
            plt.close()

    return _PlotCheck()


def assert_quantity_allclose(actual, desired, rtol=1.0e-7, atol=None, **kwargs):
    """All-close for Quantities: ``desired`` converted to ``actual``'s unit (as gammapy does)."""
    import astropy.units as u

    actual = u.Quantity(actual, subok=True, copy=None)
    desired = u.Quantity(desired, subok=True, copy=None).to(actual.unit)
    atol = 0 if atol is None else u.Quantity(atol).to_value(actual.unit)
    rtol = u.Quantity(rtol).to_value(u.dimensionless_unscaled)
    assert_allclose(actual.value, desired.value, rtol=rtol, atol=atol, **kwargs)


def assert_time_allclose(actual, desired, atol=1e-3):
    """All-close for ``astropy.time.Time`` (same scale and format, ``atol`` in seconds)."""
    from astropy.time import Time

    assert isinstance(actual, Time)
    assert isinstance(desired, Time)
    assert actual.scale == desired.scale
    assert actual.format == desired.format
    assert_allclose((actual - desired).sec, 0, rtol=0, atol=atol)


def assert_skycoord_allclose(actual, desired):
    """All-close for SkyCoord longitudes and latitudes (frames not compared, as in gammapy)."""
    from astropy.coordinates import SkyCoord

    assert isinstance(actual, SkyCoord)
    assert isinstance(desired, SkyCoord)
    assert_allclose(actual.data.lon.deg, desired.data.lon.deg)
    assert_allclose(actual.data.lat.deg, desired.data.lat.deg)

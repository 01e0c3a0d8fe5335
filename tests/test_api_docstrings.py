"""Every public name has a numpydoc docstring with Parameters and a runnable Examples section.

The public names are those the API reference documents (docs/reference/*.rst, one automodapi
page per module below): each name in the ``__all__`` of a public module, and the public
methods and properties of each public class, including those it inherits from other skymask
classes (reported once, under the first public class that has them). Not walked, on purpose:

- dunder methods (``__init__``'s parameters belong in the class docstring; operators come
  from `numpy.lib.mixins.NDArrayOperatorsMixin` and are documented by numpy);
- anything a class inherits from outside skymask (numpy's mixin, `dict`, `tuple`,
  `Exception`, `enum.Enum` ...);
- plain data (module constants such as ``RELATIVE_TOLERANCE``, registry instances such as
  ``CATALOG_REGISTRY``, class attributes such as ``tag``): the reference shows their ``#:``
  comments; their classes are walked.

Each docstring is parsed by numpydoc's own parser with warnings as errors, so a malformed
section (an unknown heading, a broken underline) fails like a missing one. A name needs a
``Parameters`` section when it takes parameters (besides ``self``/``cls``; a class when its
skymask ``__init__``/``__new__`` takes any) that documents exactly the parameters of the
signature, and every name an ``Examples`` section with at least one ``>>>`` line. The
examples run as doctests (``pytest --doctest-modules`` over ``src``), which is what makes
them runnable.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import warnings
from pathlib import Path

from numpydoc import docscrape

ROOT = Path(__file__).resolve().parents[1]

#: The public modules: the ones docs/reference/*.rst document with automodapi.
PUBLIC_MODULES = (
    "skymask.maps",
    "skymask.rasterize",
    "skymask.morphology",
    "skymask.catalog",
    "skymask.irf",
    "skymask.data",
    "skymask.stats",
    "skymask.datasets",
    "skymask.estimators",
    "skymask.makers",
    "skymask.workflows",
    "skymask.demo",
    "skymask.testing",
    "skymask.utils.units",
    "skymask.utils.frames",
    "skymask.utils.io",
    "skymask.utils.reading",
    "skymask.utils.memory",
    "skymask.utils.exceptions",
    "skymask.utils.check",
)


def _is_skymask(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "skymask"


def _member_kind(value) -> str | None:
    """'method', 'static', 'property' or None (not walked) for a class-body value."""
    if isinstance(value, staticmethod):
        return "static"
    if isinstance(value, classmethod):
        return "method"
    if isinstance(value, (property, functools.cached_property)):
        return "property"
    if inspect.isfunction(value):
        return "method"
    return None


def _unwrap(value):
    if isinstance(value, (staticmethod, classmethod)):
        return value.__func__
    if isinstance(value, property):
        return value.fget
    if isinstance(value, functools.cached_property):
        return value.func
    return value


def _parameter_names(func, *, bound: bool) -> list[str]:
    """Names as numpydoc writes them (``*args``, ``**kwargs``), without ``self``/``cls``."""
    try:
        parameters = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):  # no signature (a builtin): nothing to check
        return []
    stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [stars.get(p.kind, "") + p.name for p in parameters[1 if bound else 0 :]]


def _class_parameter_names(cls: type) -> list[str]:
    for klass in cls.__mro__:
        for name in ("__init__", "__new__"):
            if name in vars(klass):
                if not _is_skymask(klass):
                    return []
                return _parameter_names(_unwrap(vars(klass)[name]), bound=True)
    return []


def public_names() -> dict[str, tuple[object, list[str]]]:
    """{public name: (object whose docstring documents it, the parameter names it takes)}.

    The one walk of the public API: module ``__all__`` names, then the public methods and
    properties of each public class (see the module docstring for what is left out).
    """
    names: dict[str, tuple[object, list[str]]] = {}
    seen_members: set[tuple[type, str]] = set()
    # A member is credited to the public class that defines it, whatever the order of the
    # ``__all__`` lists (HpxMap before Map must not turn Map.binary_erode into
    # HpxMap.binary_erode); members of private bases go to the public class walked first.
    public_classes: dict[type, str] = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and _is_skymask(obj):
                public_classes.setdefault(obj, f"{module_name}.{name}")
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            path = f"{module_name}.{name}"
            if isinstance(obj, type):
                if not _is_skymask(obj):
                    continue
                names[path] = (obj, _class_parameter_names(obj))
                for klass in obj.__mro__:
                    if not _is_skymask(klass):
                        continue
                    for attr, value in vars(klass).items():
                        kind = _member_kind(value)
                        if attr.startswith("_") or kind is None:
                            continue
                        # Overridden further down the MRO, or already reported for an
                        # earlier public class that has the same definition.
                        if any(attr in vars(k) for k in obj.__mro__[: obj.__mro__.index(klass)]):
                            continue
                        if (klass, attr) in seen_members:
                            continue
                        seen_members.add((klass, attr))
                        func = _unwrap(value)
                        takes = (
                            []
                            if kind == "property"
                            else _parameter_names(func, bound=kind == "method")
                        )
                        owner = public_classes.get(klass, path)
                        names[f"{owner}.{attr}"] = (func, takes)
            elif inspect.isfunction(obj) or inspect.isbuiltin(obj):
                names[path] = (obj, _parameter_names(obj, bound=False))
    return names


def docstring_problems(obj, parameters: list[str]) -> list[str]:
    """What the docstring of ``obj`` lacks ('no docstring', 'Parameters', 'Examples', ...).

    ``parameters`` are the names the object takes: each must be documented (``a, b : int``
    documents both), and nothing else may be.
    """
    doc = inspect.getdoc(obj)
    if not doc:
        return ["no docstring"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = docscrape.NumpyDocString(doc)
    except Exception as error:  # numpydoc raises ValueError or warns on malformed sections
        return [f"malformed ({str(error).splitlines()[0]})"]
    problems = []
    if parameters and not parsed["Parameters"]:
        problems.append("Parameters")
    elif parameters:
        documented = [n.strip() for p in parsed["Parameters"] for n in p.name.split(",")]
        missing = [n for n in parameters if n not in documented]
        unknown = [n for n in documented if n not in parameters]
        if missing:
            problems.append(f"Parameters without {', '.join(missing)}")
        if unknown:
            problems.append(f"Parameters with unknown {', '.join(unknown)}")
    examples = "\n".join(parsed["Examples"])
    if not re.search(r"^\s*>>> ", examples, flags=re.MULTILINE):
        problems.append("Examples")
    return problems


def _offenders() -> dict[str, list[str]]:
    offenders = {}
    for name, (obj, parameters) in public_names().items():
        problems = docstring_problems(obj, parameters)
        if problems:
            offenders[name] = problems
    return offenders


def test_the_walk_finds_the_public_api():
    names = public_names()
    # A sample of what must be walked, and what must not.
    for name in (
        "skymask.maps.WcsGeom",
        "skymask.maps.WcsGeom.region_mask",
        "skymask.maps.Map.binary_erode",
        "skymask.maps.WcsGeom.width",  # a property
        "skymask.stats.li_ma_significance",
        "skymask.catalog.SourceCatalog.exclusion_regions",
    ):
        assert name in names, name
    assert "skymask.maps.Map.__add__" not in names
    # Inherited members are credited to the public class that defines them.
    assert "skymask.maps.HpxMap.binary_erode" not in names
    public = [
        obj
        for m in PUBLIC_MODULES
        for n in importlib.import_module(m).__all__
        if isinstance(obj := getattr(importlib.import_module(m), n), type)
    ]
    for name in names:
        owner, _, attr = name.rpartition(".")
        module_name, _, cls_name = owner.rpartition(".")
        if module_name not in PUBLIC_MODULES:
            continue  # a module-level function
        cls = getattr(importlib.import_module(module_name), cls_name)
        definer = next(k for k in cls.__mro__ if attr in vars(k))
        assert definer is cls or definer not in public, (
            f"{name} is defined by the public class {definer.__qualname__}"
        )
    assert not [n for n in names if n.rsplit(".", 1)[-1].startswith("_")]
    assert len(names) > 300


def test_the_reference_documents_every_public_module():
    pages = (ROOT / "docs" / "reference").glob("*.rst")
    documented = {
        m for page in pages for m in re.findall(r"^\.\. automodapi:: (\S+)", page.read_text(), re.M)
    }
    assert documented == set(PUBLIC_MODULES)


def test_docstring_problems_catches_missing_and_malformed_sections():
    def documented(x):
        """Double.

        Parameters
        ----------
        x : float
            A number.

        Examples
        --------
        >>> documented(2)
        4
        """
        return 2 * x

    def no_examples(x):
        """Double.

        Parameters
        ----------
        x : float
            A number.
        """

    def malformed(x):
        """Double.

        Paramters
        ---------
        x : float
            A number.
        """

    assert docstring_problems(documented, ["x"]) == []
    assert docstring_problems(documented, ["x", "y"]) == ["Parameters without y"]
    assert docstring_problems(documented, ["y"]) == [
        "Parameters without y",
        "Parameters with unknown x",
    ]
    assert docstring_problems(no_examples, ["x"]) == ["Examples"]
    assert docstring_problems(no_examples, []) == ["Examples"]
    assert docstring_problems(malformed, ["x"])[0].startswith("malformed")
    assert docstring_problems(lambda x: x, ["x"]) == ["no docstring"]


def test_every_public_name_has_parameters_and_examples():
    offenders = _offenders()
    assert not offenders, (
        f"{len(offenders)} public names lack a numpydoc section (add it; see docs/developer.md):\n"
        + "\n".join(
            f"  {name}: {', '.join(problems)}" for name, problems in sorted(offenders.items())
        )
    )

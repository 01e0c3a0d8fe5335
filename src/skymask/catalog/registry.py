"""The catalog registry: ``CATALOG_REGISTRY.get_cls(tag)`` as in gammapy, ignoring letter case."""

from __future__ import annotations

from ..utils.units import describe
from .core import SourceCatalog
from .fermi import SourceCatalog2FHL, SourceCatalog3FGL, SourceCatalog3FHL, SourceCatalog4FGL
from .hawc import SourceCatalog2HWC, SourceCatalog3HWC
from .hess import SourceCatalogHGPS
from .lhaaso import SourceCatalog1LHAASO

__all__ = ["CATALOG_REGISTRY", "CatalogRegistry", "UnknownCatalogError"]


class UnknownCatalogError(KeyError, ValueError):
    """No catalog has this tag (a `KeyError` as in gammapy, and a `ValueError`)."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes.
        return str(self.args[0]) if self.args else ""


class CatalogRegistry:
    """Catalog classes by tag.

    Examples
    --------
    >>> from skymask.catalog import CATALOG_REGISTRY
    >>> CATALOG_REGISTRY.get_cls("3FHL").__name__
    'SourceCatalog3FHL'
    >>> CATALOG_REGISTRY.tags
    ('4fgl', '3fgl', '2fhl', '3fhl', 'hgps', '2hwc', '3hwc', '1LHAASO')
    """

    def __init__(self, classes):
        self._classes: dict[str, type[SourceCatalog]] = {}
        for cls in classes:
            tag = cls.tag.lower()
            if tag in self._classes:
                raise ValueError(f"two catalog classes share the tag {tag!r}")
            self._classes[tag] = cls

    @property
    def tags(self) -> tuple[str, ...]:
        """The catalogs' tags as gammapy spells them (lookups ignore letter case)."""
        return tuple(cls.tag for cls in self._classes.values())

    def get_cls(self, tag: str) -> type[SourceCatalog]:
        """The catalog class for ``tag`` (any letter case, surrounding spaces ignored).

        Raises
        ------
        UnknownCatalogError
            (a `KeyError` and a `ValueError`) for an unknown tag; the message lists the known
            tags.
        """
        if not isinstance(tag, str):
            raise TypeError(f"a catalog tag must be a str, got {describe(tag)}")
        try:
            return self._classes[tag.strip().lower()]
        except KeyError:
            raise UnknownCatalogError(
                f"unknown catalog tag {tag!r}; known tags (any letter case): {', '.join(self.tags)}"
            ) from None

    def __contains__(self, tag) -> bool:
        return isinstance(tag, str) and tag.strip().lower() in self._classes

    def __iter__(self):
        return iter(self._classes.values())

    def __len__(self) -> int:
        return len(self._classes)

    def __repr__(self) -> str:
        lines = [f"  {cls.tag:8s} {cls.__name__}" for cls in self._classes.values()]
        return "CatalogRegistry:\n" + "\n".join(lines)


CATALOG_REGISTRY = CatalogRegistry(
    [
        SourceCatalog4FGL,
        SourceCatalog3FGL,
        SourceCatalog2FHL,
        SourceCatalog3FHL,
        SourceCatalogHGPS,
        SourceCatalog2HWC,
        SourceCatalog3HWC,
        SourceCatalog1LHAASO,
    ]
)

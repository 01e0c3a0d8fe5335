"""The catalog registry: ``CATALOG_REGISTRY.get_cls(tag)`` as in gammapy, ignoring letter case.

Catalog classes register themselves: every `~skymask.catalog.SourceCatalog` subclass that
defines its own ``tag`` is added to `CATALOG_REGISTRY` when the class is defined (in the order
of definition), so adding a catalog touches its own module only (and the package's re-export
line). A subclass that only inherits a tag is not registered; ``register=False`` in the class
statement keeps a class out (``class Mine(SourceCatalog, register=False)``).
"""

from __future__ import annotations

from ..utils.units import describe

__all__ = ["CATALOG_REGISTRY", "CatalogRegistry", "UnknownCatalogError"]


class UnknownCatalogError(KeyError, ValueError):
    """No catalog has this tag (a `KeyError` as in gammapy, and a `ValueError`).

    Examples
    --------
    >>> from skymask.catalog import CATALOG_REGISTRY, UnknownCatalogError
    >>> try:
    ...     CATALOG_REGISTRY.get_cls("5fgl")
    ... except UnknownCatalogError as error:
    ...     print(isinstance(error, KeyError), isinstance(error, ValueError))
    True True
    """

    def __str__(self) -> str:
        # KeyError would show the message in quotes.
        return str(self.args[0]) if self.args else ""


class CatalogRegistry:
    """Catalog classes by tag.

    Parameters
    ----------
    classes : iterable of `~skymask.catalog.SourceCatalog` subclasses, optional
        Classes to register now (more register themselves later, see the module notes).

    Examples
    --------
    >>> from skymask.catalog import CATALOG_REGISTRY
    >>> CATALOG_REGISTRY.get_cls("3FHL").__name__
    'SourceCatalog3FHL'
    >>> CATALOG_REGISTRY.tags
    ('4fgl', '3fgl', '2fhl', '3fhl', 'hgps', '2hwc', '3hwc', '1LHAASO')
    """

    def __init__(self, classes=()):
        self._classes: dict[str, type] = {}
        for cls in classes:
            self.register(cls)

    def register(self, cls: type) -> type:
        """Add ``cls`` under ``cls.tag`` (lookups ignore letter case); returns ``cls``.

        Parameters
        ----------
        cls : type
            A `SourceCatalog` subclass with a ``tag``.

        Returns
        -------
        type
            ``cls`` (so it works as a class decorator).

        Raises
        ------
        ValueError
            An empty tag, or a tag another class already has.

        Examples
        --------
        >>> from skymask.catalog import CatalogRegistry, SourceCatalog3FHL
        >>> registry = CatalogRegistry()
        >>> registry.register(SourceCatalog3FHL) is SourceCatalog3FHL, registry.tags
        (True, ('3fhl',))
        """
        tag = str(getattr(cls, "tag", "") or "").strip().lower()
        if not tag:
            raise ValueError(f"{cls.__name__} has no tag to register it under")
        if tag in self._classes and self._classes[tag] is not cls:
            raise ValueError(
                f"two catalog classes share the tag {tag!r}: {self._classes[tag].__name__} and "
                f"{cls.__name__}"
            )
        self._classes[tag] = cls
        return cls

    def unregister(self, tag: str) -> type:
        """Remove and return the class registered under ``tag`` (any letter case).

        Parameters
        ----------
        tag : str
            The tag.

        Returns
        -------
        type
            The class that was registered.

        Raises
        ------
        UnknownCatalogError
            For an unknown tag.

        Examples
        --------
        >>> from skymask.catalog import CatalogRegistry, SourceCatalog3FHL
        >>> registry = CatalogRegistry([SourceCatalog3FHL])
        >>> registry.unregister("3FHL").__name__, registry.tags
        ('SourceCatalog3FHL', ())
        """
        cls = self.get_cls(tag)
        del self._classes[tag.strip().lower()]
        return cls

    @property
    def tags(self) -> tuple[str, ...]:
        """The catalogs' tags as gammapy spells them (lookups ignore letter case).

        Examples
        --------
        >>> from skymask.catalog import CATALOG_REGISTRY
        >>> "3fhl" in CATALOG_REGISTRY.tags
        True
        """
        return tuple(cls.tag for cls in self._classes.values())

    def get_cls(self, tag: str) -> type:
        """The catalog class for ``tag`` (any letter case, surrounding spaces ignored).

        Parameters
        ----------
        tag : str
            The catalog tag, e.g. ``"3fhl"``.

        Returns
        -------
        type
            The `SourceCatalog` subclass.

        Raises
        ------
        UnknownCatalogError
            (a `KeyError` and a `ValueError`) for an unknown tag; the message lists the known
            tags.

        Examples
        --------
        >>> from skymask.catalog import CATALOG_REGISTRY
        >>> CATALOG_REGISTRY.get_cls(" 4FGL ").__name__
        'SourceCatalog4FGL'
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


#: Every catalog class, registered by its ``tag`` when it is defined.
CATALOG_REGISTRY = CatalogRegistry()

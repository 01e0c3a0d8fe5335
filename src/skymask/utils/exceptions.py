"""skymask's warning classes (never bare prints)."""

__all__ = ["ChecksumWarning", "SkymaskWarning"]


class SkymaskWarning(UserWarning):
    """Base class of skymask's warnings."""


class ChecksumWarning(SkymaskWarning):
    """A file carries a checksum and the content does not match it."""

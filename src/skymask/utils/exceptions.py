"""skymask's warning classes (never bare prints)."""

__all__ = ["ChecksumWarning", "SkymaskWarning"]


class SkymaskWarning(UserWarning):
    """Base class of skymask's warnings.

    Filter all of them at once with ``warnings.simplefilter("ignore", SkymaskWarning)``.

    Examples
    --------
    >>> from skymask.utils.exceptions import SkymaskWarning
    >>> issubclass(SkymaskWarning, UserWarning)
    True
    """


class ChecksumWarning(SkymaskWarning):
    """A file carries a checksum and the content does not match it.

    Examples
    --------
    >>> from skymask.utils.exceptions import ChecksumWarning, SkymaskWarning
    >>> issubclass(ChecksumWarning, SkymaskWarning)
    True
    """

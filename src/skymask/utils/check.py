"""``check_tutorials_setup`` (is the data directory there, which versions are installed) and
the YAML checksums of gammapy 2.1 (``yaml_checksum``, ``add_checksum``, ``verify_checksum``)."""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from pathlib import Path

__all__ = ["add_checksum", "check_tutorials_setup", "verify_checksum", "yaml_checksum"]

_PACKAGES = ("numpy", "scipy", "astropy", "regions", "matplotlib", "pyyaml")
# Import names that differ from the distribution names above.
_MODULES = {"pyyaml": "yaml"}


def _version(name: str) -> str:
    """The version of a distribution: its module's ``__version__`` when already imported
    (free), else from the installed metadata (importlib.metadata scans every installed
    distribution: tens of milliseconds of a tutorial's start-up for six packages)."""
    module = sys.modules.get(_MODULES.get(name, name))
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def check_tutorials_setup(download_datasets_path="./gammapy-data") -> dict:
    """Check that the example data are available and print the software versions.

    Unlike gammapy, nothing is downloaded. The data directory is ``$GAMMAPY_DATA``, or
    ``download_datasets_path`` if that folder exists (then ``GAMMAPY_DATA`` is set to it).

    Parameters
    ----------
    download_datasets_path : str or path
        Data folder to use when ``$GAMMAPY_DATA`` is not set.

    Returns
    -------
    dict
        The versions and the data folder, as printed.

    Raises
    ------
    FileNotFoundError
        If neither exists, naming both and how to get the data.

    Examples
    --------
    >>> import contextlib
    >>> import io
    >>> import os
    >>> import tempfile
    >>> from unittest import mock
    >>> from skymask.utils.check import check_tutorials_setup
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with mock.patch.dict(os.environ, {"GAMMAPY_DATA": tmp}):
    ...         with contextlib.redirect_stdout(io.StringIO()):
    ...             info = check_tutorials_setup()
    ...     info["GAMMAPY_DATA"] == tmp
    True
    """
    from .. import __version__

    data = os.environ.get("GAMMAPY_DATA")
    if not data:
        candidate = Path(download_datasets_path).expanduser()
        if not candidate.is_dir():
            raise FileNotFoundError(
                "no example data: GAMMAPY_DATA is not set and "
                f"{candidate.resolve()} does not exist. Download the gammapy-data collection "
                "(e.g. 'gammapy download datasets') and set GAMMAPY_DATA to its folder"
            )
        data = str(candidate.resolve())
        os.environ["GAMMAPY_DATA"] = data
    elif not Path(data).is_dir():
        raise FileNotFoundError(f"GAMMAPY_DATA points to {data}, which is not a directory")

    info = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "skymask": __version__,
        "GAMMAPY_DATA": data,
    }
    for name in _PACKAGES:
        info[name] = _version(name)
    width = max(len(key) for key in info)
    print("\n".join(f"{key:>{width}} : {value}" for key, value in info.items()))
    return info


def yaml_checksum(yaml_content: str) -> str:
    r"""MD5 checksum (hex digest) of a YAML text, as gammapy writes it in datasets files.

    Parameters
    ----------
    yaml_content : str
        The YAML text (encoded as UTF-8 for the digest).

    Returns
    -------
    str
        32 hexadecimal digits.

    Raises
    ------
    TypeError
        ``yaml_content`` is not a str.

    Examples
    --------
    >>> from skymask.utils.check import yaml_checksum
    >>> yaml_checksum("a: 50\n")
    '1a5be23e21f8357d0ddca600e5460fa4'
    """
    if not isinstance(yaml_content, str):
        raise TypeError(
            f"yaml_content must be the YAML text (str), got {type(yaml_content).__name__}; "
            "dump the data first, e.g. yaml.dump(data)"
        )
    return hashlib.md5(yaml_content.encode("utf-8")).hexdigest()


def verify_checksum(yaml_content: str, checksum: str) -> bool:
    r"""Whether ``checksum`` is the MD5 checksum of ``yaml_content`` (`yaml_checksum`).

    Parameters
    ----------
    yaml_content : str
        The YAML text without its ``checksum:`` line.
    checksum : str
        The expected hex digest.

    Returns
    -------
    bool

    Examples
    --------
    >>> from skymask.utils.check import verify_checksum
    >>> verify_checksum("a: 50\n", "1a5be23e21f8357d0ddca600e5460fa4")
    True
    """
    return yaml_checksum(yaml_content) == checksum


def add_checksum(yaml_str: str, sort_keys=False, indent=4, width=50) -> str:
    r"""``yaml_str`` followed by a ``checksum: <md5>`` line, as gammapy writes YAML files.

    Parameters
    ----------
    yaml_str : str
        The YAML text.
    sort_keys, indent, width
        Accepted for gammapy's signature; as in gammapy 2.1 they do not change the line.

    Returns
    -------
    str
        The text with the checksum entry appended.

    Examples
    --------
    >>> from skymask.utils.check import add_checksum
    >>> print(add_checksum("a: 50\n"), end="")
    a: 50
    checksum: 1a5be23e21f8357d0ddca600e5460fa4
    """
    import yaml

    entry = yaml.dump(
        {"checksum": yaml_checksum(yaml_str)},
        sort_keys=True,
        indent=4,
        width=80,
        default_flow_style=False,
    )
    return yaml_str + entry

"""``check_tutorials_setup``: is the data directory there, and which versions are installed."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["check_tutorials_setup"]

_PACKAGES = ("numpy", "scipy", "astropy", "regions", "matplotlib", "pyyaml")


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
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    width = max(len(key) for key in info)
    print("\n".join(f"{key:>{width}} : {value}" for key, value in info.items()))
    return info

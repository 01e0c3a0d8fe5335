"""The NumPy array protocol for skymask objects that wrap one ndarray (maps, EDisp kernels)."""

from __future__ import annotations

import numpy as np

__all__ = ["array_protocol"]


def array_protocol(data: np.ndarray, dtype=None, copy=None, *, owner: str = "object"):
    """``__array__(dtype, copy)`` following the NumPy 2 contract.

    ``copy=True`` always returns a new array; ``copy=None`` (the default of `numpy.asarray`)
    returns ``data`` itself unless ``dtype`` needs a conversion; ``copy=False`` never copies
    and raises ValueError when ``dtype`` would need one, as numpy specifies.
    """
    target = data.dtype if dtype is None else np.dtype(dtype)
    if copy is False:
        if target != data.dtype:
            raise ValueError(
                f"cannot give the {owner} data as {target} without a copy (they are "
                f"{data.dtype}): use np.asarray(obj, dtype={str(target)!r}) or copy=None"
            )
        return data
    if copy:
        return np.array(data, dtype=target, copy=True)
    return data if target == data.dtype else data.astype(target)

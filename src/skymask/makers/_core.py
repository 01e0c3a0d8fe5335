"""Background-maker arithmetic on plain arrays: ring sums and the FoV norm.

No astropy objects here. Image stacks are arrays of shape ``(n, ny, nx)``, masks bool arrays
of the same shape, radii floats in pixels along x and y.

Ring sums
    The ring around a pixel is every pixel whose centre offset ``(dx, dy)`` satisfies
    ``r_in <= d <= r_out`` with ``d^2 = (dx sx)^2 + (dy sy)^2`` (both edges inclusive, with a
    relative slack of about 1e-9 so that a radius of exactly n pixels includes the pixels at
    distance n). It is the closed disk of radius ``r_out`` minus the open disk of radius
    ``r_in``, so each ring sum is the difference of two top-hat sums from
    `skymask.estimators._core.TophatCorrelator`: FFT (cost independent of the ring size) or
    running row sums (cost growing with the radius, not the ring area), whichever is faster.
    Outside the image counts as zero.

FoV norm
    With one scale factor ``norm`` for the background ``b_i`` in the allowed pixels, the Cash
    statistic ``C(norm) = 2 sum(norm b_i - n_i ln(norm b_i))`` has its minimum at
    ``norm = N / B`` with ``N`` the counts in pixels with ``b_i > 0`` and ``B = sum b_i``, and its
    curvature gives ``sigma = sqrt(N) / B``. Pixels with counts but no background cannot be
    fitted by scaling and do not move the minimum.
"""

from __future__ import annotations

import numpy as np

from .. import stats
from ..estimators._core import TophatCorrelator, tophat_kernel

__all__ = ["RingCorrelator", "fit_norm", "ring_sums", "scale_norm"]

# The open inner disk is the closed disk of a radius smaller by this fraction: larger than the
# closed disk's slack (2e-9), far below any pixel-grid spacing of squared distances.
_OPEN_DISK_SHRINK = 1e-7


class RingCorrelator:
    """Sums images of one shape over a ring footprint (see the module docstring).

    Parameters
    ----------
    radius_in, radius_out : (float, float)
        Inner and outer radius in pixels along x and y; ``0 <= radius_in <= radius_out``.
    image_shape : (int, int)
        ``(ny, nx)`` of the images.
    method : {"auto", "direct", "fft"}
        How the two disk sums are computed.

    Examples
    --------
    >>> import numpy as np
    >>> ring = RingCorrelator((1.0, 1.0), (1.0, 1.0), (5, 5), method="fft")
    >>> image = np.zeros((5, 5)); image[2, 2] = 1.0
    >>> ring(image, integer=True)[1:4, 1:4]
    array([[0., 1., 0.],
           [1., 0., 1.],
           [0., 1., 0.]])
    """

    def __init__(self, radius_in, radius_out, image_shape, method="auto"):
        rin_x, rin_y = (float(r) for r in radius_in)
        rout_x, rout_y = (float(r) for r in radius_out)
        if not (0 <= rin_x <= rout_x and 0 <= rin_y <= rout_y):
            raise ValueError(
                f"ring radii must satisfy 0 <= r_in <= r_out, got r_in {radius_in} and "
                f"r_out {radius_out} pixels"
            )
        self.outer_kernel = tophat_kernel(rout_x, rout_y)
        self._outer = TophatCorrelator(self.outer_kernel, image_shape, method)
        if rin_x > 0 and rin_y > 0:
            shrink = 1.0 - _OPEN_DISK_SHRINK
            self.inner_kernel = tophat_kernel(rin_x * shrink, rin_y * shrink)
            self._inner = TophatCorrelator(self.inner_kernel, image_shape, method)
        else:
            self.inner_kernel = np.zeros((1, 1), dtype=bool)
            self._inner = None

    @property
    def kernel(self) -> np.ndarray:
        """The ring footprint as a bool array of the outer disk's shape."""
        kernel = self.outer_kernel.copy()
        ky, kx = self.inner_kernel.shape
        cy, cx = kernel.shape[0] // 2, kernel.shape[1] // 2
        kernel[
            cy - ky // 2 : cy + ky // 2 + 1, cx - kx // 2 : cx + kx // 2 + 1
        ] &= ~self.inner_kernel
        return kernel

    def __call__(self, image, *, integer=False, nonnegative=False) -> np.ndarray:
        """Ring sums of one image (float64); ``integer``/``nonnegative`` clean FFT round-off."""
        out = self._outer(image, integer=integer, nonnegative=nonnegative)
        if self._inner is not None:
            out -= self._inner(image, integer=integer, nonnegative=nonnegative)
        if nonnegative:
            np.maximum(out, 0.0, out=out)
        return out


def ring_sums(images, allowed, radius_in, radius_out, method="auto"):
    """Sum of ``images`` over the allowed pixels of the ring around every pixel, per plane.

    Parameters
    ----------
    images : ndarray, shape (n, ny, nx)
        Finite where ``allowed``.
    allowed : ndarray of bool, shape (n, ny, nx)
        Pixels that may enter a ring (safe and not excluded).
    radius_in, radius_out : (float, float)
        Ring radii in pixels along x and y.
    method : {"auto", "direct", "fft"}

    Returns
    -------
    ndarray of float64, shape (n, ny, nx)
        Integer-valued images give exact integers; non-negative ones non-negative sums.

    Examples
    --------
    >>> import numpy as np
    >>> images = np.ones((1, 7, 7)); allowed = np.ones((1, 7, 7), bool)
    >>> int(ring_sums(images, allowed, (2, 2), (2, 2))[0, 3, 3])
    4
    """
    images = np.asarray(images, dtype=float)
    allowed = np.asarray(allowed, dtype=bool)
    ring = RingCorrelator(radius_in, radius_out, images.shape[-2:], method)
    out = np.empty(images.shape)
    for k in range(images.shape[0]):
        plane = np.where(allowed[k], images[k], 0.0)
        integer = bool(np.all(plane == np.rint(plane)))
        out[k] = ring(plane, integer=integer, nonnegative=bool(np.all(plane >= 0)))
    return out


def scale_norm(n_total: float, b_total: float) -> tuple[float, float]:
    """gammapy's "scale" norm ``N / B`` and its error ``sqrt(N) / B``.

    Examples
    --------
    >>> scale_norm(100.0, 50.0)
    (2.0, 0.2)
    """
    n_total, b_total = np.float64(n_total), np.float64(b_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(n_total / b_total), float(np.sqrt(n_total) / b_total)


def fit_norm(counts, background, n_sigma: float = 1.0) -> dict:
    """Maximum-likelihood (Cash) norm of ``background`` for ``counts``, with its errors.

    Parameters
    ----------
    counts, background : 1-D ndarray
        Counts and background of the allowed pixels (background >= 0).
    n_sigma : float
        Confidence of the errors.

    Returns
    -------
    dict
        ``norm`` (N / B over pixels with background > 0), ``error`` (from the curvature of
        the Cash statistic, ``sqrt(N) / B``), ``errn`` and ``errp`` (where the profile rises
        by ``n_sigma**2``), ``counts`` N and ``background`` B.

    Examples
    --------
    >>> import numpy as np
    >>> result = fit_norm(np.array([3.0, 5.0, 2.0]), np.array([1.0, 4.0, 0.0]))
    >>> result["norm"], result["counts"]
    (1.6, 8.0)
    """
    counts = np.asarray(counts, dtype=float)
    background = np.asarray(background, dtype=float)
    modelled = background > 0
    n_total = float(counts[modelled].sum())
    b_total = float(background[modelled].sum())
    norm, _ = scale_norm(n_total, b_total)
    # The Cash curvature d2C/dnorm2 = 2 N / norm^2 gives sigma = norm / sqrt(N).
    error = n_sigma * np.sqrt(n_total) / b_total if b_total > 0 else np.nan
    errn = float(stats.cash_errn(n_total, n_sigma)) / b_total if b_total > 0 else np.nan
    errp = float(stats.cash_errp(n_total, n_sigma)) / b_total if b_total > 0 else np.nan
    return {
        "norm": norm,
        "error": float(error),
        "errn": errn,
        "errp": errp,
        "counts": n_total,
        "background": b_total,
    }

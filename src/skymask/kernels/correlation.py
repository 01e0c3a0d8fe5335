"""Top-hat and ring correlation on plain arrays (numpy and scipy only).

Images are float64 arrays of shape ``(ny, nx)`` (or stacks ``(n, ny, nx)``), footprints bool
arrays from `skymask.kernels.footprint.disk_footprint`, radii floats in pixels.

Correlation with a top-hat (a disk of ones, unnormalised) sums every pixel within the radius;
outside the image counts as zero. Two methods give the same sums:

``"direct"``
    The disk is a stack of row segments ``[-w(dy), w(dy)]``. With the cumulative sum along x,
    each segment sum is one subtraction, so the cost is ``(2 R + 1)`` array operations per plane
    (it grows with the radius, not with the disk area) and integer data give exact integers.
``"fft"``
    Real FFTs (`scipy.fft`, float64, the kernel transformed once for all planes) on a padded
    grid; the cost hardly depends on the radius. Round-off
    (~1e-16 of the largest sum) is removed for integer-valued data by rounding, and negative
    round-off of non-negative data is clipped at 0.

``"auto"`` takes the direct method while ``2 R + 1 <= 0.8 log2(padded pixels per plane)``: the
measured crossover (radius ~5 pixels on 100 x 100 images, ~7-8 on 1000 x 1000 and larger).
"""

from __future__ import annotations

import os

import numpy as np
from scipy.fft import fft, ifft, irfft, next_fast_len, rfft, rfft2

from .footprint import disk_footprint

__all__ = [
    "METHODS",
    "RingCorrelator",
    "TophatCorrelator",
    "choose_method",
    "correlate_tophat",
    "ring_sums",
]

METHODS = ("auto", "direct", "fft")


def _usable_cpus() -> int:
    """CPUs this process may run on (scipy.fft ``workers``): the 1-D transforms of one 2-D
    transform are independent, so threads give the same numbers, bit for bit, sooner."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: Threads of each FFT (all usable CPUs; results do not depend on it).
FFT_WORKERS = _usable_cpus()
#: Transforms smaller than this (padded pixels) run on one thread: starting threads costs more.
FFT_THREADED_PIXELS = 1 << 18


def _centred_rfft2(kernel: np.ndarray, shape, workers: int) -> np.ndarray:
    """``rfft2`` on a grid of ``shape`` of a small odd-sized kernel centred on pixel (0, 0)
    (offset ``-d`` stored at index ``n - d``). Only the kernel's rows are transformed along x
    (the other rows are zero), then every column along y."""
    ky, kx = kernel.shape
    hy, hx = ky // 2, kx // 2
    rows = np.zeros((ky, shape[1]))
    rows[:, : hx + 1] = kernel[:, hx:]
    rows[:, shape[1] - hx :] = kernel[:, :hx]
    rows_ft = rfft(rows, axis=1, workers=workers)
    columns = np.zeros((shape[0], rows_ft.shape[1]), dtype=complex)
    columns[: hy + 1] = rows_ft[hy:]
    columns[shape[0] - hy :] = rows_ft[:hy]
    return fft(columns, axis=0, workers=workers, overwrite_x=True)


def _irfft2(transform, shape, workers, rows=None) -> np.ndarray:
    """``scipy.fft.irfft2(transform, s=shape)`` over the last two axes, the same numbers bit
    for bit, in about 60% of its time (pocketfft's 2-D inverse goes through a temporary copy).

    The inverse along y, then along x on the first ``rows`` rows only (the others are not
    used), both unnormalised; then one multiplication by ``1 / (ny * nx)`` rounded from long
    double, which is the factor, and the place, where pocketfft's 2-D inverse applies it.
    ``transform`` is overwritten.
    """
    inverse = ifft(transform, axis=-2, norm="forward", workers=workers, overwrite_x=True)
    if rows is not None:
        inverse = inverse[..., :rows, :]
    out = irfft(inverse, n=shape[1], axis=-1, norm="forward", workers=workers, overwrite_x=True)
    out *= float(np.longdouble(1) / np.longdouble(shape[0] * shape[1]))
    return out


def _half_widths(kernel: np.ndarray) -> np.ndarray:
    """Half width of the (convex, symmetric) kernel on each row."""
    half_x = kernel.shape[1] // 2
    widths = kernel.sum(axis=1)
    if np.any(widths == 0) or np.any(widths % 2 == 0):
        raise ValueError("the kernel must be a symmetric disk with a non-empty centre column")
    if not np.array_equal(kernel[:, half_x], np.ones(kernel.shape[0], bool)):
        raise ValueError("the kernel must contain its whole centre column")
    return (widths - 1) // 2


def choose_method(image_shape, kernel_shape) -> str:
    """``"direct"`` or ``"fft"``, whichever is expected to be faster (see module docstring)."""
    ny, nx = image_shape[-2:]
    ky, kx = kernel_shape
    padded = (ny + ky - 1) * (nx + kx - 1)
    return "direct" if ky <= 0.8 * np.log2(max(padded, 2)) else "fft"


class TophatCorrelator:
    """Sums 2-D images of one shape over one top-hat footprint (see `correlate_tophat`).

    The FFT of the kernel, or the buffers of the direct method, are made once and reused for
    every image.

    Parameters
    ----------
    kernel : ndarray of bool
        Odd-sized symmetric disk (see `skymask.kernels.footprint.disk_footprint`).
    image_shape : (int, int)
        ``(ny, nx)`` of the images.
    method : {"auto", "direct", "fft"}
    """

    def __init__(self, kernel, image_shape, method="auto"):
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        kernel = np.asarray(kernel, dtype=bool)
        self._widths = _half_widths(kernel)
        self._kernel_shape = kernel.shape
        self._image_shape = ny, nx = tuple(int(n) for n in image_shape)
        self.method = choose_method(self._image_shape, kernel.shape) if method == "auto" else method
        if self.method == "fft":
            ky, kx = kernel.shape
            # The kernel is centred on pixel (0, 0) with negative offsets wrapped around: the
            # sums land on the image's own pixels, and the circular transform needs only
            # half a kernel of zero padding on each axis (offsets reaching below 0 wrap into
            # it), often a faster size (1000 + 20 -> 1024 instead of 1040 -> 1080).
            self._fft_shape = (
                next_fast_len(ny + ky // 2, real=True),
                next_fast_len(nx + kx // 2, real=True),
            )
            size = self._fft_shape[0] * self._fft_shape[1]
            self._workers = FFT_WORKERS if size >= FFT_THREADED_PIXELS else 1
            self._kernel_ft = _centred_rfft2(kernel, self._fft_shape, self._workers)
        else:
            pad = int(self._widths.max())
            self._cum = np.zeros((ny, nx + 2 * pad + 1))
            self._segment = np.empty((ny, nx))

    def __call__(self, image, *, integer=False, nonnegative=False) -> np.ndarray:
        """Sums over the footprint (float64); ``integer``/``nonnegative`` clean FFT round-off."""
        image = np.asarray(image, dtype=float)
        if image.shape != self._image_shape:
            raise ValueError(f"image shape {image.shape} differs from {self._image_shape}")
        if self.method == "direct":
            return self._direct(image)
        ny, nx = self._image_shape
        transform = rfft2(image, s=self._fft_shape, workers=self._workers)
        transform *= self._kernel_ft
        full = _irfft2(transform, self._fft_shape, self._workers, rows=ny)
        out = full[:ny, :nx].copy()
        if integer:
            np.rint(out, out=out)
            out += 0.0  # -0.0 (rounded round-off below zero) becomes 0.0
        if nonnegative:
            np.maximum(out, 0.0, out=out)
        return out

    def many(self, images, wheres, *, integer, nonnegative) -> list[np.ndarray]:
        """Sums of several images over the footprint, one FFT call for all of them.

        Parameters
        ----------
        images : sequence of ndarray, each of shape ``(ny, nx)``
            Finite values where used.
        wheres : sequence of (ndarray of bool or None)
            Per image, the pixels that enter the sums (the others count as zero); None: all.
        integer, nonnegative : sequence of bool
            Per image, as in ``__call__`` (the values *after* masking).

        Returns
        -------
        list of ndarray of float64, shape ``(ny, nx)``
            The same sums as one ``__call__`` per masked image. With the FFT method the
            images are written once into a zero-padded stack, transformed together (the
            kernel's transform is shared), and the results are views into one array.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.kernels.footprint import disk_footprint
        >>> image = np.zeros((5, 5)); image[2, 2] = 1.0
        >>> correlate = TophatCorrelator(disk_footprint(1.0), (5, 5), method="fft")
        >>> a, b = correlate.many([image, image], [None, image == 0], integer=[True, True],
        ...                       nonnegative=[True, True])
        >>> int(a[2, 2]), int(b[2, 2])
        (1, 0)
        """
        if self.method == "direct":
            return [
                self(
                    image if where is None else np.where(where, image, 0.0),
                    integer=i,
                    nonnegative=n,
                )
                for image, where, i, n in zip(images, wheres, integer, nonnegative, strict=True)
            ]
        ny, nx = self._image_shape
        buffer = np.zeros((len(images), *self._fft_shape))
        for plane, image, where in zip(buffer, images, wheres, strict=True):
            image = np.asarray(image)
            if image.shape != self._image_shape:
                raise ValueError(f"image shape {image.shape} differs from {self._image_shape}")
            np.copyto(plane[:ny, :nx], image, where=True if where is None else where)
        transform = rfft2(buffer, workers=self._workers, overwrite_x=True)
        del buffer
        transform *= self._kernel_ft
        full = _irfft2(transform, self._fft_shape, self._workers, rows=ny)
        del transform
        out = []
        for plane, is_integer, is_nonnegative in zip(full, integer, nonnegative, strict=True):
            result = plane[:ny, :nx]
            if is_integer:
                np.rint(result, out=result)
                result += 0.0  # -0.0 (rounded round-off below zero) becomes 0.0
            if is_nonnegative:
                np.maximum(result, 0.0, out=result)
            out.append(result)
        return out

    def _direct(self, image):
        ny, nx = self._image_shape
        widths, cum, segment = self._widths, self._cum, self._segment
        half_y = widths.size // 2
        pad = int(widths.max())
        out = np.zeros((ny, nx))
        # Cumulative sum along x with pad + 1 leading zeros and pad trailing repeats: the sum
        # over columns [x - w, x + w] (clipped to the image) is cum[x+w+pad+1] - cum[x-w+pad].
        np.cumsum(image, axis=-1, out=cum[:, pad + 1 : pad + 1 + nx])
        cum[:, pad + 1 + nx :] = cum[:, pad + nx : pad + nx + 1]
        for dy in range(min(half_y, ny - 1) + 1):
            w = int(widths[half_y + dy])
            np.subtract(
                cum[:, pad + 1 + w : pad + 1 + w + nx], cum[:, pad - w : pad - w + nx], out=segment
            )
            # out[y] += segment[y + dy] and (for dy > 0) out[y] += segment[y - dy]
            out[: ny - dy] += segment[dy:]
            if dy > 0:
                out[dy:] += segment[: ny - dy]
        return out


def correlate_tophat(images, kernel, method="auto", *, integer=False, nonnegative=False):
    """Sum of every image plane over the kernel footprint around each pixel.

    Parameters
    ----------
    images : ndarray, shape (n, ny, nx) or (ny, nx)
        Finite values.
    kernel : ndarray of bool
        Odd-sized symmetric disk (see `skymask.kernels.footprint.disk_footprint`).
    method : {"auto", "direct", "fft"}
    integer : bool
        The images hold integers: round the FFT result to integers.
    nonnegative : bool
        The images are >= 0: clip FFT round-off below 0.

    Returns
    -------
    ndarray of float64, the shape of ``images``.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((5, 5)); image[2, 2] = 1.0
    >>> correlate_tophat(image, disk_footprint(1.0), method="fft", integer=True)[1:4, 1:4]
    array([[0., 1., 0.],
           [1., 1., 1.],
           [0., 1., 0.]])
    """
    images = np.asarray(images, dtype=float)
    single = images.ndim == 2
    stack = images[np.newaxis] if single else images
    correlate = TophatCorrelator(kernel, stack.shape[-2:], method)
    out = np.stack([correlate(plane, integer=integer, nonnegative=nonnegative) for plane in stack])
    return out[0] if single else out


# ---------------------------------------------------------------------- ring sums
# The ring around a pixel is every pixel whose centre offset ``(dx, dy)`` satisfies
# ``r_in <= d <= r_out`` with ``d^2 = (dx sx)^2 + (dy sy)^2`` (both edges inclusive, with the
# relative slack of the disk footprint so that a radius of exactly n pixels includes the pixels
# at distance n). It is the closed disk of radius ``r_out`` minus the open disk of radius
# ``r_in``, so each ring sum is the difference of two top-hat sums: FFT (cost independent of
# the ring size) or running row sums (cost growing with the radius, not the ring area),
# whichever is faster. Outside the image counts as zero.

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
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        self.outer_kernel = disk_footprint(rout_x, rout_y)
        has_inner = rin_x > 0 and rin_y > 0
        if has_inner:
            shrink = 1.0 - _OPEN_DISK_SHRINK
            self.inner_kernel = disk_footprint(rin_x * shrink, rin_y * shrink)
        else:
            self.inner_kernel = np.zeros((1, 1), dtype=bool)
        ny, nx = self._image_shape = tuple(int(n) for n in image_shape)
        self.method = choose_method(image_shape, self.outer_kernel.shape)
        if method != "auto":
            self.method = method
        self._outer = self._inner = None
        if self.method == "fft":
            # One transform of the ring itself: one product and one inverse FFT per image
            # (the difference of two disk sums would need two).
            ky, kx = self.outer_kernel.shape
            self._fft_shape = (
                next_fast_len(ny + ky - 1, real=True),
                next_fast_len(nx + kx - 1, real=True),
            )
            self._ring_ft = rfft2(self.kernel.astype(float), s=self._fft_shape)
            return
        self._outer = TophatCorrelator(self.outer_kernel, image_shape, method)
        if has_inner:
            self._inner = TophatCorrelator(self.inner_kernel, image_shape, method)

    def _fft_sums(self, images):
        """Raw FFT ring sums of an image or a stack of images ``(..., ny, nx)``."""
        ny, nx = self._image_shape
        half_y, half_x = self.outer_kernel.shape[0] // 2, self.outer_kernel.shape[1] // 2
        transform = rfft2(images, s=self._fft_shape)
        transform *= self._ring_ft
        full = _irfft2(transform, self._fft_shape, 1, rows=half_y + ny)
        return full[..., half_y : half_y + ny, half_x : half_x + nx].copy()

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
        if self.method == "fft":
            image = np.asarray(image, dtype=float)
            if image.shape != self._image_shape:
                raise ValueError(f"image shape {image.shape} differs from {self._image_shape}")
            out = self._fft_sums(image)
            if integer:
                np.rint(out, out=out)
        else:
            out = self._outer(image, integer=integer, nonnegative=nonnegative)
            if self._inner is not None:
                out -= self._inner(image, integer=integer, nonnegative=nonnegative)
        if nonnegative:
            np.maximum(out, 0.0, out=out)
        return out


def ring_sums(images, allowed, radius_in, radius_out, method="auto", *, correlator=None):
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
    correlator : `RingCorrelator`, optional
        Keyword only. A correlator made for these radii and image shape, reused across calls
        (its kernel transform is computed once).

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
    ring = correlator or RingCorrelator(radius_in, radius_out, images.shape[-2:], method)
    planes = np.where(allowed, images, 0.0)
    if ring.method == "fft":
        # All planes in one transform call (the FFT of a stack over its last two axes).
        out = ring._fft_sums(planes)
        for k in range(planes.shape[0]):
            if np.all(planes[k] == np.rint(planes[k])):
                np.rint(out[k], out=out[k])
            if np.all(planes[k] >= 0):
                np.maximum(out[k], 0.0, out=out[k])
        return out
    out = np.empty(images.shape)
    for k in range(images.shape[0]):
        plane = planes[k]
        integer = bool(np.all(plane == np.rint(plane)))
        out[k] = ring(plane, integer=integer, nonnegative=bool(np.all(plane >= 0)))
    return out

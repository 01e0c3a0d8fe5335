"""The assumed spectrum of the norm maps: a power law (gammapy's default reference model).

`ExcessMapEstimator` turns excess counts into a ``norm``: the factor that multiplies a
reference spectrum so that it predicts those counts. skymask ships one spectral shape, the power
law. Any object with an ``integral(energy_min, energy_max)`` method returning a flux
`~astropy.units.Quantity` (``cm-2 s-1``) is accepted too, so gammapy's spectral models work
where gammapy is installed (skymask never imports it).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..utils.units import as_energy, as_quantity, describe

__all__ = ["PowerLawSpectralModel", "as_spectral_model"]

_AMPLITUDE_UNIT = u.Unit("cm-2 s-1 TeV-1")


class PowerLawSpectralModel:
    """Power law ``dN/dE = amplitude (E / reference) ** -index``.

    Parameters
    ----------
    index : float
        Spectral index (2 by default, as gammapy).
    amplitude : str or `~astropy.units.Quantity`
        Differential flux at ``reference`` (default ``1e-12 cm-2 s-1 TeV-1``, as gammapy).
    reference : str or `~astropy.units.Quantity`
        Reference energy (default 1 TeV).

    Examples
    --------
    >>> from skymask.estimators import PowerLawSpectralModel
    >>> model = PowerLawSpectralModel(index=2)
    >>> flux = model.integral("1 TeV", "10 TeV")
    >>> f"{flux:.3e}"
    '9.000e-13 1 / (s cm2)'
    """

    def __init__(self, index=2.0, amplitude="1e-12 cm-2 s-1 TeV-1", reference="1 TeV"):
        index = float(index)
        if not np.isfinite(index):
            raise ValueError(f"index must be a finite number, got {index}")
        self._index = index
        self._amplitude = as_quantity(
            amplitude, _AMPLITUDE_UNIT, name="amplitude", physical_type="differential flux"
        )
        self._reference = as_energy(reference, name="reference").to(u.TeV)
        if self._reference.value <= 0:
            raise ValueError(f"reference must be a positive energy, got {describe(reference)}")

    @property
    def index(self) -> float:
        """The spectral index.

        Examples
        --------
        >>> from skymask.estimators import PowerLawSpectralModel
        >>> PowerLawSpectralModel(index=2.5).index
        2.5
        """
        return self._index

    @property
    def amplitude(self) -> u.Quantity:
        """The differential flux at `reference`.

        Examples
        --------
        >>> from skymask.estimators import PowerLawSpectralModel
        >>> PowerLawSpectralModel().amplitude
        <Quantity 1.e-12 1 / (TeV s cm2)>
        """
        return self._amplitude

    @property
    def reference(self) -> u.Quantity:
        """The reference energy.

        Examples
        --------
        >>> from skymask.estimators import PowerLawSpectralModel
        >>> PowerLawSpectralModel(reference="100 GeV").reference
        <Quantity 0.1 TeV>
        """
        return self._reference

    def __call__(self, energy) -> u.Quantity:
        """Differential flux at ``energy``."""
        ratio = (as_energy(energy, name="energy") / self._reference).to_value("")
        return self._amplitude * ratio ** (-self._index)

    def integral(self, energy_min, energy_max) -> u.Quantity:
        """Integral flux between two energies (arrays broadcast), in ``cm-2 s-1``.

        Written as ``A E0 / (1 - g) (E1/E0)^(1-g) expm1((1 - g) ln(E2/E1))`` so that narrow bins
        do not lose digits; index 1 gives ``A E0 ln(E2/E1)``.

        Parameters
        ----------
        energy_min, energy_max : str or `~astropy.units.Quantity`
            Integration bounds (arrays broadcast).

        Returns
        -------
        `~astropy.units.Quantity`
            Integral flux in ``cm-2 s-1``.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.estimators import PowerLawSpectralModel
        >>> PowerLawSpectralModel(index=1).integral([1, 2] * u.TeV, [2, 4] * u.TeV).round(15)
        <Quantity [6.93e-13, 6.93e-13] 1 / (s cm2)>
        """
        low = (as_energy(energy_min, name="energy_min") / self._reference).to_value("")
        high = (as_energy(energy_max, name="energy_max") / self._reference).to_value("")
        exponent = 1.0 - self._index
        log_ratio = np.log(high / low)
        if np.isclose(exponent, 0.0, atol=1e-12):
            values = log_ratio
        else:
            values = low**exponent * np.expm1(exponent * log_ratio) / exponent
        return (self._amplitude * self._reference * values).to(u.Unit("cm-2 s-1"))

    def energy_flux(self, energy_min, energy_max) -> u.Quantity:
        """Energy flux between two energies, in ``TeV cm-2 s-1`` (index 2 gives a logarithm).

        Parameters
        ----------
        energy_min, energy_max : str or `~astropy.units.Quantity`
            Integration bounds (arrays broadcast).

        Returns
        -------
        `~astropy.units.Quantity`
            Energy flux in ``TeV cm-2 s-1``.

        Examples
        --------
        >>> model = PowerLawSpectralModel(index=2, amplitude="1 cm-2 s-1 TeV-1")
        >>> model.energy_flux("1 TeV", "10 TeV").round(6)
        <Quantity 2.302585 TeV / (s cm2)>
        """
        low = (as_energy(energy_min, name="energy_min") / self._reference).to_value("")
        high = (as_energy(energy_max, name="energy_max") / self._reference).to_value("")
        exponent = 2.0 - self._index
        log_ratio = np.log(high / low)
        if np.isclose(exponent, 0.0, atol=1e-12):
            values = log_ratio
        else:
            values = low**exponent * np.expm1(exponent * log_ratio) / exponent
        return (self._amplitude * self._reference**2 * values).to(u.Unit("TeV cm-2 s-1"))

    def __repr__(self):
        return (
            f"PowerLawSpectralModel(index={self._index:g}, amplitude='{self._amplitude:g}', "
            f"reference='{self._reference:g}')"
        )


def as_spectral_model(value):
    """A spectral model from None (index 2), a number (the index) or a model object.

    Raises
    ------
    TypeError
        If ``value`` is neither a number nor has an ``integral`` method.
    """
    if value is None:
        return PowerLawSpectralModel()
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return PowerLawSpectralModel(index=value)
    if callable(getattr(value, "integral", None)):
        return value
    raise TypeError(
        "spectral_model must be None (power law of index 2), a power-law index such as 2.5, "
        f"or a model with an integral(energy_min, energy_max) method; got {describe(value)}"
    )

"""The models skymask supports, at gammapy's import path ``gammapy.modeling.models``.

Only the field-of-view background model is evaluated (`FoVBackgroundModel` with a
`PowerLawNormSpectralModel`); they live in `skymask.datasets.models`, which also explains how
source models are kept without being evaluated.
"""

from ..datasets.models import (
    FoVBackgroundModel,
    ModelNotEvaluatedWarning,
    Models,
    Parameter,
    PowerLawNormSpectralModel,
)

__all__ = [
    "FoVBackgroundModel",
    "ModelNotEvaluatedWarning",
    "Models",
    "Parameter",
    "PowerLawNormSpectralModel",
]

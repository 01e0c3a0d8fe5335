"""gammapy's ``gammapy.modeling`` import path for the models skymask supports (see `models`)."""

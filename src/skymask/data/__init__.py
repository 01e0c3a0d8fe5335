"""Observation data that datasets carry: good time intervals (`GTI`)."""

from .gti import GTI

__all__ = ["GTI"]

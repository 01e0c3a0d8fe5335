"""Benchmark cases, one module per area; each module defines ``CASES``."""

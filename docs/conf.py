"""Sphinx configuration of skymask's documentation: the user guide and the API reference.

Build (warnings are errors, as in CI)::

    pip install -e ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "skymask"
author = "skymask developers"
copyright = "skymask developers"  # noqa: A001 (Sphinx's name)
release = _version("skymask")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_automodapi.automodapi",
    "sphinx_automodapi.smart_resolver",
    "myst_parser",
    "cli_help",  # docs/_ext/cli_help.py: the reference of the skymask command
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

# `name` in a docstring is a cross reference (numpy's convention); references to names outside
# skymask resolve through intersphinx only when an inventory is configured, so CI needs no
# network: no inventories, and unresolved non-skymask names are not reported (nitpicky off).
default_role = "py:obj"
intersphinx_mapping: dict = {}

# The API pages: one automodapi page per public package (docs/reference/*.rst), generated
# stubs in docs/api/ (not checked in).
automodapi_toctreedirnm = "api"
automodsumm_inherited_members = False
automodapi_inheritance_diagram = False
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set = set()

# The user guide is Markdown (MyST); headings get anchors so that page#section links work.
myst_heading_anchors = 4
myst_enable_extensions = ["deflist"]

html_theme = "alabaster"
html_title = f"skymask {release}"
html_static_path: list = []

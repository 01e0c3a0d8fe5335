"""``python -m skymask`` runs the command line."""

from .cli.main import run

run()

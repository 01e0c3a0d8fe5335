"""The ``skymask`` command.

The entry point is `skymask.cli.main.main` (``main(argv=None) -> int``); `skymask.cli.main.run`
is the console script. Nothing is re-exported here, so that ``skymask.cli.main`` stays the
module and not the function of the same name.
"""

__all__: list[str] = []

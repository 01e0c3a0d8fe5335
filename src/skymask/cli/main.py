"""``skymask`` command line: argument parsing, dispatch to the subcommands, error reporting.

Each command group lives in its own module (`mask`, `operations`, `view`); this module builds
the top-level parser, runs the chosen handler and turns errors into one line on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import sys
import textwrap
import warnings
from functools import partial
from pathlib import Path

from astropy import units as u

from . import mask, moc, operations, recipes, view
from ._common import CliError, one_line
from ._dask import add_dask_options, dask_session

__all__ = ["main", "run"]

DEBUG_ENV = "SKYMASK_DEBUG"

# Exceptions that mean "bad input" (exit code 2); anything else is an internal error (1).
_INPUT_ERRORS = (
    CliError,
    OSError,
    ValueError,
    TypeError,
    LookupError,
    u.UnitsError,
    NotImplementedError,
    Warning,
)

_EPILOG = f"""\
Run 'skymask COMMAND --help' for the options of a command.

Bad input gives a one-line error on stderr and exit code 2; outputs are written atomically,
so a failed command leaves no partial file. Set {DEBUG_ENV}=1 (or use --debug) to see the
traceback of an error. Catalogs are read from $GAMMAPY_DATA unless given explicitly."""


# argparse reads "-0.5deg", "-5e-3" or a file name "-2.fits" as an unknown option (only plain
# "-5" and "-0.5" count as numbers). No skymask option starts with "-" and a digit, so such a
# token is always a value, and a leading space makes argparse see it as one. The argument
# types strip it from numbers and angles; `_unprotect` takes it off the strings (file names).
_NEGATIVE_VALUE = re.compile(r"-\.?\d.*", flags=re.DOTALL)
_ARGPARSE_NUMBER = re.compile(r"-\d+|-\d*\.\d+")


def _protect_negative_values(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """(argv with protected values, {protected value: original})."""
    protected = {}
    result = []
    for arg in argv:
        if _NEGATIVE_VALUE.fullmatch(arg) and not _ARGPARSE_NUMBER.fullmatch(arg):
            protected[f" {arg}"] = arg
            arg = f" {arg}"
        result.append(arg)
    return result, protected


def _unprotect(args: argparse.Namespace, protected: dict[str, str]) -> None:
    """Give string values (file names) back exactly as typed: ``-o -2.fits`` is "-2.fits"."""
    for key, value in vars(args).items():
        if isinstance(value, str) and value in protected:
            setattr(args, key, protected[value])
        elif isinstance(value, list) and any(isinstance(v, str) for v in value):
            setattr(args, key, [protected.get(v, v) if isinstance(v, str) else v for v in value])


class _UsageError(Exception):
    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog = prog
        self.message = message


def _registry_text(text: str) -> str:
    """``{catalog_tags}`` and ``{region_shapes}`` in help texts, from the registries.

    Filled in only when a help text is shown, so that the registries (and the catalog and
    region modules) are not imported for every command.
    """
    if "{catalog_tags}" in text:
        from ..catalog import CATALOG_REGISTRY

        text = text.replace("{catalog_tags}", ", ".join(CATALOG_REGISTRY.tags))
    if "{region_shapes}" in text:
        from ..rasterize import PAINTERS

        text = text.replace("{region_shapes}", ", ".join(PAINTERS.shapes()))
    return text


class _HelpFormatter(argparse.HelpFormatter):
    """Fills descriptions paragraph by paragraph; indented blocks (examples) stay as written.

    Catalog tags and region shapes come from the registries (`_registry_text`).
    """

    def _expand_help(self, action):
        return _registry_text(super()._expand_help(action))

    def _format_text(self, text):
        return super()._format_text(_registry_text(text))

    def _fill_text(self, text, width, indent):
        blocks = []
        for block in text.strip("\n").split("\n\n"):
            if block.startswith("  "):
                blocks.append("\n".join(indent + line for line in block.splitlines()))
            else:
                blocks.append(
                    textwrap.fill(
                        " ".join(block.split()),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                    )
                )
        return "\n\n".join(blocks)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are raised (and reported by `main` in one line)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        raise _UsageError(self.prog, message)


def build_parser() -> argparse.ArgumentParser:
    """The ``skymask`` parser with every subcommand."""
    from .. import __version__

    parser = _Parser(
        prog="skymask",
        description="Mask maps for gamma-ray astronomy: build fit, safe and exclusion masks "
        "from sky regions, source catalogs and significance maps; combine, erode, dilate, "
        "reproject, describe and plot them. Masks are FITS files that gammapy reads.",
        epilog=_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"skymask {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help=f"show tracebacks of errors (or set {DEBUG_ENV}=1)"
    )
    add_dask_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    mask.add_parsers(commands)
    operations.add_parsers(commands)
    view.add_parsers(commands)
    recipes.add_parsers(commands)
    moc.add_parsers(commands)

    demo = commands.add_parser(
        "demo",
        help="run the mask workflow of the gammapy tutorial and write its outputs",
        description="Run the mask-maps workflow on built-in simulated data (or on the data "
        "in --data) and write the masks and plots to --out.",
        epilog="example:\n\n  skymask demo --out skymask-demo",
    )
    demo.add_argument(
        "--data",
        metavar="DIR",
        help="gammapy-data directory to use instead of the built-in simulated data",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        default="skymask-demo",
        help="output folder, new or empty (default: %(default)s)",
    )
    demo.add_argument(
        "--overwrite",
        action="store_true",
        help="write into a folder that already holds files, replacing those of the same names",
    )
    demo.set_defaults(handler=_demo, prog=demo.prog)
    return parser


def _demo(args) -> int:
    data = None if args.data is None else Path(args.data)
    if data is not None and not data.is_dir():
        raise CliError(f"--data {data} is not a directory")
    from ..demo import run_demo  # lazily: the simulation is only needed here

    try:
        run_demo(Path(args.out), data=data, overwrite=args.overwrite)
    except FileExistsError as exc:
        raise CliError(f"{exc} (on the command line: --overwrite)") from exc
    return 0


# Attributes of the parsed arguments that name input files (all commands).
_INPUT_ARGUMENTS = ("file", "files", "like", "dataset", "mask_fit", "catalog_file", "regions")


def _check_output_is_not_an_input(args) -> None:
    """Refuse ``-o`` naming a file that the command also reads."""
    output = getattr(args, "output", None)
    if output is None:
        return
    for name in _INPUT_ARGUMENTS:
        values = getattr(args, name, None)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and _same_file(value, output):
                raise CliError(
                    f"output {output} is also an input ({value}); write to another file name "
                    "(and rename it afterwards if it should replace the input)"
                )


def _same_file(a: str, b: str) -> bool:
    try:  # a region string or an over-long name is not a file: never an error here
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


# ---------------------------------------------------------------------- running
def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and len(exc.args) == 1 and type(exc).__str__ is KeyError.__str__:
        text = str(exc.args[0])  # KeyError's str() adds quotes
    else:
        text = str(exc)
    return one_line(text) or type(exc).__name__


def _show_warning(prog, message, category, filename, lineno, file=None, line=None):
    print(f"{prog}: warning: {one_line(message)}", file=sys.stderr)


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 internal error, 2 bad input or usage, 130 interrupted.
    """
    argv = sys.argv[1:] if argv is None else [str(arg) for arg in argv]
    parser = build_parser()
    protected_argv, protected = _protect_negative_values(argv)
    try:
        args = parser.parse_args(protected_argv)
    except _UsageError as exc:
        print(
            f"{exc.prog}: error: {one_line(exc.message)} (see '{exc.prog} --help')",
            file=sys.stderr,
        )
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    _unprotect(args, protected)
    prog = getattr(args, "prog", "skymask")
    args.command_line = shlex.join(["skymask", *argv])
    debug = args.debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    stdout = _ClosedPipeTolerant(sys.stdout)
    with warnings.catch_warnings(), contextlib.redirect_stdout(stdout):
        warnings.showwarning = partial(_show_warning, prog)
        try:
            _check_output_is_not_an_input(args)
            with dask_session(args):
                code = args.handler(args)
            stdout.flush()
            return code
        except KeyboardInterrupt:
            if debug:
                raise
            print(f"{prog}: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:
            if debug:
                raise
            if isinstance(exc, _INPUT_ERRORS):
                print(f"{prog}: error: {_message(exc)}", file=sys.stderr)
                return 2
            print(
                f"{prog}: internal error: {type(exc).__name__}: {_message(exc)} (rerun with "
                f"--debug or {DEBUG_ENV}=1 for the traceback, and please report it)",
                file=sys.stderr,
            )
            return 1


class StdoutWriteError(OSError):
    """Writing the command's report to standard output failed (not a closed pipe)."""


class _ClosedPipeTolerant:
    """stdout that swallows a closed pipe (``skymask info big.fits | head -1``).

    A reader that stops reading early is not an error of the command: the work (a mask
    written to a file) goes on, and the exit code is that of the work. Later output goes to
    ``os.devnull`` (also that left in the buffer, so that Python's final flush stays quiet).
    A stdout closed before the start (``>&-``) is treated the same way.
    """

    def __init__(self, stream):
        self.closed_by_reader = stream is None
        if stream is None:
            # No stdout at all (``skymask ... >&-``: Python sets sys.stdout to None): nobody
            # reads, as after a closed pipe. A real null stream keeps attribute lookups
            # (isatty, fileno) working and takes descriptor 1 if it is free, so that no file
            # the command opens lands on it.
            stream = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        self._stream = stream

    def write(self, text):
        if not self.closed_by_reader:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._switch_to_devnull()
            except OSError as exc:
                self._fail(exc)
        return len(text)

    def flush(self):
        if not self.closed_by_reader:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._switch_to_devnull()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc):
        # Any other failure (a full disk behind ``> file``, ``> /dev/full``) is an error of
        # the command: report it as such, and stop writing to the stream so that Python's
        # final flush of the same buffer does not fail a second time.
        self._switch_to_devnull()
        reason = exc.strerror or str(exc)
        raise StdoutWriteError(
            f"cannot write to standard output: {reason}; files the command wrote before "
            "this point are complete (they are written atomically), its printed report is "
            "not: redirect standard output to a device with space"
        ) from exc

    def _switch_to_devnull(self):
        self.closed_by_reader = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass  # not a real file (a test's capture): nothing is flushed to it later

    def __getattr__(self, name):
        return getattr(self._stream, name)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

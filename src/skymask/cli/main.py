"""``skymask`` command line: argument parsing and dispatch to the library. Nothing else."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main", "run"]


class CliError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skymask", description="Mask maps for gamma-ray astronomy."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    demo = sub.add_parser("demo", help="build, write, read back and plot example masks")
    demo.add_argument("--out", default="skymask-demo", help="output folder (default: %(default)s)")
    demo.set_defaults(handler=_cmd_demo)

    info = sub.add_parser("info", help="describe a map file")
    info.add_argument("file", help="FITS map file")
    info.add_argument("--hdu", default=None, help="HDU name (default: the first image HDU)")
    info.set_defaults(handler=_cmd_info)
    return parser


def _cmd_demo(args) -> int:
    from .demo import run_demo

    run_demo(Path(args.out))
    return 0


def _cmd_info(args) -> int:
    from ..maps import Map

    path = Path(args.file)
    if not path.exists():
        raise CliError(f"no such file: {path}")
    print(Map.read(path, hdu=args.hdu))
    return 0


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (CliError, OSError, ValueError, TypeError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"skymask {args.command}: error: {message}", file=sys.stderr)
        return 2


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

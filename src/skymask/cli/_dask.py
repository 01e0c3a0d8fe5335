"""``--chunks``, ``--workers`` and ``--scheduler``: survey-sized masks on dask from the CLI.

With any of them the mask commands build chunked masks (`skymask.maps.chunked`) and write
them chunk by chunk. The threaded scheduler runs them by default (a dask progress bar on a
terminal's stderr); ``--workers N`` starts a local ``dask.distributed`` cluster of N worker
processes, ``--scheduler ADDRESS`` connects to a running one (the output file must be on a
disk the workers share). On a terminal, distributed runs draw distributed's text progress
bar on stderr while the mask is written, and ``--scheduler`` prints the dashboard link.
"""

from __future__ import annotations

import contextlib
import logging
import sys

from ._common import CliError, positive_int

__all__ = ["add_dask_options", "chunks_for", "dask_session"]


def _chunk_size(text: str):
    if text.strip().lower() == "auto":
        return "auto"
    return positive_int(text)


def add_dask_options(parser) -> None:
    """The top-level options that move the work onto dask."""
    group = parser.add_argument_group(
        "survey-sized masks (dask; pip install 'skymask[dask]')",
        "Masks built and written chunk by chunk, never whole in memory: the same pixels as "
        "without these options.",
    )
    group.add_argument(
        "--chunks",
        type=_chunk_size,
        metavar="SIZE",
        help="chunk the sky into SIZE x SIZE pixel blocks (one energy plane each), or 'auto'",
    )
    group.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="run on a local dask.distributed cluster of N worker processes (implies --chunks "
        "auto unless given)",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the dask.distributed scheduler at ADDRESS, e.g. tcp://10.0.0.5:8786 "
        "(implies --chunks auto unless given)",
    )


def chunks_for(args, ndim: int):
    """dask chunks for data of ``ndim`` axes from the options, or None (in memory)."""
    size = getattr(args, "chunks", None)
    if size is None and (getattr(args, "workers", None) or getattr(args, "scheduler", None)):
        size = "auto"
    if size is None:
        return None
    if size == "auto":
        return ((1,) * (ndim - 2)) + ("auto", "auto")
    return ((1,) * (ndim - 2)) + (size, size)


@contextlib.contextmanager
def dask_session(args):
    """Run the command on the scheduler the options ask for (nothing without them)."""
    workers = getattr(args, "workers", None)
    address = getattr(args, "scheduler", None)
    if chunks_for(args, 2) is None:
        yield
        return
    if workers and address:
        raise CliError("give either --workers (a local cluster) or --scheduler (a running one)")
    try:
        import dask
    except ImportError:
        raise CliError(
            "--chunks, --workers and --scheduler need dask: pip install 'skymask[dask]'"
        ) from None
    if not (workers or address):
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr) if sys.stderr.isatty() else contextlib.nullcontext():
            yield
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CliError(
            "--workers and --scheduler need dask.distributed: pip install 'skymask[dask]'"
        ) from None
    with contextlib.ExitStack() as stack:
        # distributed logs worker start-up and shut-down at INFO/WARNING: one line on stderr
        # per command is enough (errors still show).
        logger = logging.getLogger("distributed")
        stack.callback(logger.setLevel, logger.level)
        logger.setLevel(logging.ERROR)
        if workers:
            # ":0": the scheduler's HTTP server on a free port (None would still take 8787
            # and warn when another cluster holds it).
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
            )
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(address, timeout="10s"))
            except OSError as exc:
                raise CliError(f"cannot reach the dask scheduler at {address}: {exc}") from exc
        if sys.stderr.isatty():
            stack.enter_context(dask.config.set({"skymask.progress": True}))
        link = getattr(client, "dashboard_link", None) if address else None
        print(
            f"dask: {len(client.scheduler_info().get('workers', {}))} workers"
            + (f"; progress on the dashboard {link}" if link else ""),
            file=sys.stderr,
        )
        yield

"""Atomic writes (skymask.utils.io): no partial files, no lost files, no silent clobbering.

Issue 12 items 3 and 5. Each test is named after the failure it prevents.
"""

from __future__ import annotations

import gzip
import os
import signal
import stat
import sys
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from skymask.maps import Map
from skymask.utils.io import OutputFile, atomic_write, write_files

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and links")


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".skymask-tmp"))


def _writer(content: bytes):
    return lambda fileobj: fileobj.write(content)


def test_no_clobber_fails_when_another_writer_creates_the_file_during_the_write(tmp_path):
    # Issue 12 item 3: a check before writing and a rename after it let two writers with
    # overwrite=False both "succeed". The name is claimed atomically at the end instead.
    path = tmp_path / "m.fits"

    def write_while_someone_else_creates_it(fileobj):
        fileobj.write(b"mine")
        path.write_bytes(b"theirs")  # the other writer wins the race

    with pytest.raises(FileExistsError, match="created by someone else"):
        atomic_write(path, write_while_someone_else_creates_it, overwrite=False)
    assert path.read_bytes() == b"theirs"
    assert _temporaries(tmp_path) == []


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "m.fits"
    path.write_bytes(b"old")

    def fail(fileobj):
        fileobj.write(b"partial")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        atomic_write(path, fail, overwrite=True)
    assert path.read_bytes() == b"old"
    assert _temporaries(tmp_path) == []


def test_interrupt_during_write_removes_the_temporary(tmp_path):
    path = tmp_path / "m.fits"
    path.write_bytes(b"old")

    def interrupted(fileobj):
        fileobj.write(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, interrupted, overwrite=True)
    assert path.read_bytes() == b"old"
    assert _temporaries(tmp_path) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name the fds")
def test_data_are_synced_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    # Issue 12 item 5: without fsync, a power cut after the rename can leave an empty file.
    path = tmp_path / "m.fits"
    path.write_bytes(b"old")
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        synced.append((target, path.read_bytes()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    atomic_write(path, _writer(b"new"), overwrite=True)
    names = [Path(target).name for target, _ in synced]
    assert names[0].startswith(".m.fits.") and names[0].endswith(".skymask-tmp")
    assert synced[0][1] == b"old"  # the temporary is synced before it replaces the file
    assert Path(synced[-1][0]) == tmp_path and synced[-1][1] == b"new"  # then the folder


def test_gzip_is_compressed_as_it_is_written_not_held_in_memory(tmp_path):
    # Issue 12 item 5: the whole file was built in memory, then compressed (2-3 copies).
    m = Map.create(npix=(2000, 1500), dtype="float32")  # 12 MB of incompressible data
    m.data[...] = np.random.default_rng(0).random(m.data.shape, dtype=np.float32)
    tracemalloc.start()
    try:
        m.write(tmp_path / "m.fits.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A fixed 1 MB buffer and zlib's state; the old way held two copies of the data.
    assert peak < 0.4 * m.data.nbytes, peak
    with gzip.open(tmp_path / "m.fits.gz") as stream:
        assert stream.read(6) == b"SIMPLE"
    np.testing.assert_array_equal(Map.read(tmp_path / "m.fits.gz").data, m.data)


def test_replaced_file_keeps_its_permission_bits_and_new_files_follow_the_umask(tmp_path):
    path = tmp_path / "m.fits"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write(path, _writer(b"new"), overwrite=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == b"new"
    umask = os.umask(0o027)
    try:
        atomic_write(tmp_path / "fresh.fits", _writer(b"x"), overwrite=False)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "fresh.fits").stat().st_mode) == 0o640  # 0o666 & ~0o027


def test_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "m.fits"
    path.write_bytes(b"keep")
    path.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        atomic_write(path, _writer(b"new"), overwrite=True)
    assert path.read_bytes() == b"keep"


@posix_only
def test_symbolic_link_is_written_through_not_replaced_by_a_file(tmp_path):
    # gammapy (astropy) replaces the link itself by a new file: the linked file keeps its
    # old content and the link is gone (X65).
    target = tmp_path / "data" / "mask.fits"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "mask.fits"
    link.symlink_to(target)
    written = atomic_write(link, _writer(b"new"), overwrite=True)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert written == target
    dangling = tmp_path / "dangling.fits"
    dangling.symlink_to(tmp_path / "data" / "later.fits")
    atomic_write(dangling, _writer(b"x"), overwrite=False)
    assert (tmp_path / "data" / "later.fits").read_bytes() == b"x"


@posix_only
def test_fifo_or_folder_as_output_is_refused(tmp_path):
    fifo = tmp_path / "pipe.fits"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        atomic_write(fifo, _writer(b"x"), overwrite=True)
    with pytest.raises(IsADirectoryError):
        atomic_write(tmp_path, _writer(b"x"), overwrite=True)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        atomic_write(tmp_path / "no" / "m.fits", _writer(b"x"), overwrite=False)


def test_two_outputs_on_one_file_are_refused_before_writing(tmp_path):
    (tmp_path / "a.fits").write_bytes(b"old")
    os.link(tmp_path / "a.fits", tmp_path / "hard.fits")
    for other in ("a.fits", "A.FITS", "hard.fits", "./sub/../a.fits"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        files = [
            OutputFile(tmp_path / "a.fits", _writer(b"1"), label="the first"),
            OutputFile(tmp_path / other, _writer(b"2"), label="the second"),
        ]
        with pytest.raises(ValueError, match="the first and the second would both be written"):
            write_files(files, overwrite=True)
    assert (tmp_path / "a.fits").read_bytes() == b"old"


@posix_only
def test_sigterm_handler_is_installed_only_during_the_write_and_chains(tmp_path):
    # Issue 12 item 5: SIGTERM must clean up like SIGINT, without taking over the
    # program's own handler for longer than the write.
    calls = []

    def own_handler(signum, frame):
        calls.append(signum)

    previous = signal.signal(signal.SIGTERM, own_handler)
    try:
        during = []

        def write(fileobj):
            during.append(signal.getsignal(signal.SIGTERM))
            os.kill(os.getpid(), signal.SIGTERM)  # the program's handler runs, the write goes on
            fileobj.write(b"complete")

        atomic_write(tmp_path / "m.fits", write, overwrite=False)
        assert signal.getsignal(signal.SIGTERM) is own_handler
        assert during[0] is not own_handler
        assert calls == [signal.SIGTERM]
        assert (tmp_path / "m.fits").read_bytes() == b"complete"

        def stopping_handler(signum, frame):
            raise SystemExit(3)

        signal.signal(signal.SIGTERM, stopping_handler)

        def killed(fileobj):
            fileobj.write(b"partial")
            os.kill(os.getpid(), signal.SIGTERM)
            fileobj.write(b" never")

        with pytest.raises(SystemExit):
            atomic_write(tmp_path / "m.fits", killed, overwrite=True)
        assert (tmp_path / "m.fits").read_bytes() == b"complete"
        assert _temporaries(tmp_path) == []
        assert signal.getsignal(signal.SIGTERM) is stopping_handler
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_write_from_a_worker_thread(tmp_path):
    # Signal handlers can only be set in the main thread: a write elsewhere must still work.
    errors = []

    def run():
        try:
            atomic_write(tmp_path / "m.fits", _writer(b"x"), overwrite=False)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert errors == [] and (tmp_path / "m.fits").read_bytes() == b"x"

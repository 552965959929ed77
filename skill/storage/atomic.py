"""A TinyDB storage that never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage


class DamagedJournal(Exception):
    """A journal file exists but does not hold a valid TinyDB document."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


class AtomicJSONStorage(Storage):
    """TinyDB storage writing a temporary file, fsyncing it, then renaming it.

    Readers never need a lock: ``os.replace`` swaps the whole file at once, so
    a reader sees either the old journal or the new one. Writers must hold
    ``file_lock`` for their read-modify-write (see ``TinyDBGlimmerStore``).
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def read(self) -> dict[str, Any] | None:
        raw = self.read_bytes()
        return None if raw is None else parse_document(self.path, raw)

    def read_bytes(self) -> bytes | None:
        """The file as it is now; None when there is none."""
        try:
            return read_whole(self.path)
        except FileNotFoundError:
            return None

    def write(self, data: dict[str, Any]) -> None:
        write_atomically(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def close(self) -> None:
        pass


class LockedJSONStorage(AtomicJSONStorage):
    """AtomicJSONStorage for a writer that holds the journal's lock and has read it already.

    TinyDB reads the whole file again before each operation and writes it
    after each one (an insert reads it twice; replacing the meta document,
    a truncate and an insert, writes it twice). Under the writers' lock
    nothing else can change the file, so reads return the document the
    writer read or last wrote, and writes are kept until ``flush``: a
    writer's whole read-modify-write is one durable replace, made when it
    succeeds, and nothing at all when it fails half-way.
    """

    def __init__(self, path: str | os.PathLike[str], document: dict[str, Any] | None):
        super().__init__(path)
        self._document = document
        self._changed = False

    def read(self) -> dict[str, Any] | None:
        return self._document

    def write(self, data: dict[str, Any]) -> None:
        self._document = data
        self._changed = True

    def flush(self) -> None:
        """Replace the file with what was written, if anything was (temporary file, fsync, rename)."""
        if self._changed and self._document is not None:
            super().write(self._document)
        self._changed = False


def read_whole(path: Path) -> bytes:
    """The file's bytes, in five system calls (``Path.read_bytes`` makes nine).

    In a threaded server each call lets another thread take the GIL and the
    caller waits to get it back, so fewer calls answer requests sooner.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = [os.read(fd, os.fstat(fd).st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 65536))
    finally:
        os.close(fd)
    return b"".join(chunks)


def parse_document(path: Path, raw: bytes) -> dict[str, Any]:
    """The TinyDB document in a journal file's bytes; DamagedJournal when they hold none."""
    if not raw.strip():
        raise DamagedJournal(path, "the file is empty")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DamagedJournal(path, f"not valid JSON ({type(exc).__name__})") from None
    if not _is_tinydb_document(data):
        raise DamagedJournal(path, "not a TinyDB document")
    return data


def _is_tinydb_document(data: Any) -> bool:
    """Tables of documents keyed by integer IDs, as TinyDB writes them."""
    return isinstance(data, dict) and all(
        isinstance(table, dict)
        and all(isinstance(doc_id, str) and doc_id.isdigit() and isinstance(doc, dict) for doc_id, doc in table.items())
        for table in data.values()
    )


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so that a crash leaves old or new, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = open_in_folder(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_directory(path.parent)


def open_in_folder(path: Path, flags: int, mode: int) -> int:
    """``os.open``, creating the folder first if it is missing (only then: most writes find it)."""
    try:
        return os.open(path, flags, mode)
    except FileNotFoundError:
        make_folder(path.parent)
        return os.open(path, flags, mode)


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each entry made durable in its parent."""
    if folder.is_dir():
        return
    make_folder(folder.parent)
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not folder.is_dir():
            raise
    # Whoever created it, its entry must be on disk before a journal inside it counts as saved.
    fsync_directory(folder.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` across threads and processes.

    ``flock`` locks belong to an open file description, so two threads that
    each open the lock file exclude each other just as two processes do; the
    kernel drops the lock if the holder dies, so a killed writer never leaves
    a journal locked.
    """
    fd = open_in_folder(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

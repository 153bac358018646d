"""Stored files on the local disk: the embedded default (``file://./var/storage``).

Writes go to a temporary file in the target's own directory and are renamed over
the target (``os.replace`` is atomic within one file system), so a reader or a
crash mid-write never sees half an invoice. File I/O blocks, so it runs in a
worker thread.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from domain.storage import (
    InvalidStorageKey,
    StorageUnavailable,
    StoredFileMissing,
    check_key,
    check_link_lifetime,
)

T = TypeVar("T")


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        # Absolute once, so links and containment checks do not depend on a later chdir.
        self.root = Path(os.path.normpath(Path(root).absolute()))

    def _path(self, key: str) -> Path:
        check_key(key)
        path = Path(os.path.normpath(self.root / key))
        # check_key already rules out "..", absolute keys and backslashes; this is the
        # second lock on the same door, should the key rules ever be loosened.
        if path == self.root or self.root not in path.parents:
            raise InvalidStorageKey(key, "escapes the storage root")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        # content_type is not kept: a file on disk has no metadata, and the key's
        # suffix (".pdf") already says what it is.
        path = self._path(key)
        await _io(_write_atomically, path, data)

    async def get(self, key: str) -> bytes:
        data = await _io(_read_file, self._path(key))
        if data is None:
            raise StoredFileMissing(key)
        return data

    async def exists(self, key: str) -> bool:
        path = self._path(key)
        return await _io(path.is_file)

    async def link(self, key: str, expires_in: int = 300) -> str:
        # A file:// link cannot expire; the lifetime is still checked so that a
        # bad value fails here too and not only in production on S3.
        check_link_lifetime(expires_in)
        path = self._path(key)
        if not await _io(path.is_file):
            raise StoredFileMissing(key)
        return path.as_uri()

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await _io(_unlink_file, path)


async def _io(fn: Callable[..., T], *args: object) -> T:
    """Run blocking file I/O in a thread. "Not there" is answered by the helpers
    below; any other OSError is disk trouble (full, read-only, no permission) and
    becomes StorageUnavailable, so callers handle both adapters alike."""
    try:
        return await asyncio.to_thread(fn, *args)
    except OSError as exc:
        raise StorageUnavailable(f"local storage failed: {exc}") from exc


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    # A directory, or a path through a file, is not a stored file either.
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name starts with a dot, which no valid key segment does, so it
    # never collides with a stored file. mkstemp creates it 0600: invoices are private.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the bytes reach the disk before the name points at them
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open directories."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_file(path: Path) -> None:
    # A key that names a directory (a prefix of other keys) is not a stored file:
    # treat it as absent rather than removing or failing on it.
    if path.is_dir():
        return
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass

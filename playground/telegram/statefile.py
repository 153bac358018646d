"""The state on disk: `state.json` (snapshot.py's data) and a folder of file blobs.

`state.json` is replaced atomically (a temporary file in the same folder, then
os.replace), so a crash leaves either the old or the new state, never half of one.
Blobs are written before the JSON that names them and never rewritten: a file's
bytes do not change after upload. A state file that cannot be read is moved aside
(`<name>.broken-<timestamp>`) and the server starts empty: a playground that
refuses to start over a bad file helps nobody.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from playground.telegram import snapshot
from playground.telegram.files import StoredFile
from playground.telegram.state import TelegramServer

log = logging.getLogger("playground.telegram.state")


@dataclass(frozen=True)
class PendingWrite:
    """A snapshot taken on the event loop, ready to be written from a thread."""

    state: bytes
    new_files: list[StoredFile]


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # "state.json" keeps its blobs in "state.files/" beside it.
        self.files_dir = self.path.with_name(self.path.stem + ".files")
        self._on_disk: set[str] = set()  # blob names already written

    # --- loading -------------------------------------------------------------------

    def load(self, make_server: Callable[[], TelegramServer]) -> TelegramServer:
        """A server with the saved state; a fresh one when there is none or it is
        unreadable (then the file is moved aside with a warning)."""
        if not self.path.exists():
            return make_server()
        try:
            data = json.loads(self.path.read_bytes())
            server = make_server()
            snapshot.restore(server, data, self._read_blob)
        except Exception as exc:  # noqa: BLE001 - any defect means "start empty", never a crash
            self._set_aside(exc)
            return make_server()
        self._on_disk = {snapshot.blob_name(f) for f in server.files.all()}
        log.info("Telegram playground state loaded from %s", self.path)
        return server

    def _read_blob(self, name: str) -> bytes:
        try:
            return (self.files_dir / name).read_bytes()
        except OSError as exc:
            # One lost file should not cost every chat: the message stays, empty.
            log.warning("Telegram playground file %s is missing (%s); it will be empty",
                        self.files_dir / name, exc)
            return b""

    def _set_aside(self, reason: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.broken-{stamp}")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{self.path.name}.broken-{stamp}-{number}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            log.warning("Telegram playground state %s is unreadable (%s: %s) and could not "
                        "be moved aside (%s); starting empty",
                        self.path, type(reason).__name__, reason, exc)
            return
        log.warning("Telegram playground state %s is unreadable (%s: %s); moved it to %s "
                    "and starting empty", self.path, type(reason).__name__, reason, target)

    # --- saving --------------------------------------------------------------------

    def prepare(self, server: TelegramServer) -> PendingWrite:
        """Snapshot and encode on the event loop, where the state cannot change under
        us; only the bytes (immutable) go to the writing thread."""
        state = snapshot.encode(snapshot.capture(server))
        new_files = [f for f in server.files.all() if snapshot.blob_name(f) not in self._on_disk]
        return PendingWrite(state, new_files)

    def write(self, pending: PendingWrite) -> None:
        """Blobs first, then the JSON that names them (blocking: run it in a thread)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if pending.new_files:
            self.files_dir.mkdir(parents=True, exist_ok=True)
        for stored in pending.new_files:
            _replace_atomically(self.files_dir / snapshot.blob_name(stored), stored.data)
        _replace_atomically(self.path, pending.state)
        self._on_disk.update(snapshot.blob_name(f) for f in pending.new_files)


def _replace_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            # Without it a power cut can leave the renamed file empty on some filesystems.
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""Saving the state after changes, at most once per interval, and once at shutdown.

A busy bot changes the state many times a second (each send, edit, queued
update); writing the whole state each time would be a save storm. Changes only
mark the state dirty; one task writes it when the interval since the last write
has passed, so a burst of changes costs one or two writes.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from playground.telegram.state import TelegramServer
from playground.telegram.statefile import StateFile

log = logging.getLogger("playground.telegram.state")


class AutoSaver:
    def __init__(self, server: TelegramServer, state_file: StateFile, *, interval: float = 1.0) -> None:
        self.server = server
        self.state_file = state_file
        self.interval = interval
        self.saves = 0  # completed writes, for tests and curiosity
        self._dirty = False
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_write = float("-inf")
        self._failing = False

    def mark(self) -> None:
        self._dirty = True
        self._wake.set()

    def start(self) -> None:
        self.server.on_change = self.mark
        self._task = asyncio.get_running_loop().create_task(self._run(), name="telegram-autosave")

    async def stop(self) -> None:
        """Finish a write under way, then write what is left (a clean shutdown loses
        nothing)."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.save()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            await self._wake.wait()
            self._wake.clear()
            delay = self._last_write + self.interval - loop.time()
            if delay > 0:
                # Changes during the wait join this write; stop() cuts it short.
                try:
                    await asyncio.wait_for(self._stopping.wait(), delay)
                except asyncio.TimeoutError:
                    pass
            if self._stopping.is_set():
                return  # stop() writes the rest
            await self.save()

    async def save(self) -> None:
        """Write now if anything changed. Errors are logged and retried later: the
        playground keeps running on a full or read-only disk."""
        if not self._dirty:
            return
        self._dirty = False
        try:
            pending = self.state_file.prepare(self.server)
            await asyncio.to_thread(self.state_file.write, pending)
        except Exception as exc:  # noqa: BLE001 - a failed save must not stop the server
            self._dirty = True
            if not self._failing:  # once per failure spell, not once a second
                log.warning("Could not save the Telegram playground state to %s: %s",
                            self.state_file.path, exc, exc_info=not isinstance(exc, OSError))
            self._failing = True
        else:
            self.saves += 1
            self._failing = False
        finally:
            self._last_write = asyncio.get_running_loop().time()
        if self._dirty and not self._stopping.is_set():
            self._wake.set()  # changed meanwhile, or failed: try again after the interval


AUTOSAVE_KEY = web.AppKey("playground_telegram_autosave", AutoSaver)


def setup_autosave(app: web.Application, saver: AutoSaver) -> None:
    """Start saving when `app` starts; write the last changes when it stops.

    Appended after setup_telegram's hooks, so the final write sees the state after
    webhook delivery has stopped."""

    async def on_startup(_: web.Application) -> None:
        saver.start()

    async def on_cleanup(_: web.Application) -> None:
        await saver.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app[AUTOSAVE_KEY] = saver

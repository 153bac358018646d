"""An aiohttp app served on a private event loop and driven from synchronous code.

Why not an async test: hypothesis runs each example of a ``@given`` test as a plain
call. The server, the client session and the database engine are bound to the loop
that made them, so they live on one private loop for the whole test and every
example is one ``run_until_complete`` on it (the loop is idle between examples).
A fresh loop per example would need a server and an engine per example (slower,
no better isolation: each example checks its own before/after state), and
pytest-asyncio's hypothesis support depends on its internals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

T = TypeVar("T")


class Served:
    def __init__(self, make_app: Callable[[], Awaitable[web.Application]]) -> None:
        self._make_app = make_app
        self.loop = asyncio.new_event_loop()
        self.client: TestClient[Any, Any] | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def __enter__(self) -> Served:
        async def start() -> TestClient[Any, Any]:
            client = TestClient(TestServer(await self._make_app()))
            await client.start_server()
            return client

        try:
            self.client = self.run(start())
        except BaseException:
            self.loop.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.client is not None:
                self.run(self.client.close())
            self.run(self.loop.shutdown_asyncgens())
        finally:
            self.loop.close()

"""One lock an update in a private chat: aiogram's, shared with the dialog stack."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey

from bot.telegram import ChatLocks

BOT = 42


class Recording(BaseEventIsolation):
    """Records every lock taken (by destiny and chat)."""

    def __init__(self) -> None:
        self.taken: list[tuple[str, int]] = []

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        self.taken.append((key.destiny, key.chat_id))
        yield

    async def close(self) -> None:
        pass


def update_key(chat: int, user: int) -> StorageKey:
    return StorageKey(bot_id=BOT, chat_id=chat, user_id=user)


def stack_key(chat: int, stack: str = "") -> StorageKey:
    # As aiogram-dialog builds it: user_id is the chat's id.
    return StorageKey(bot_id=BOT, chat_id=chat, user_id=chat, destiny=f"aiogd:stack:{stack}")


async def test_the_update_lock_of_a_private_chat_covers_its_dialog_stack():
    inner = Recording()
    locks = ChatLocks(inner)
    async with locks.lock(update_key(7, 7)):
        async with locks.lock(stack_key(7)):
            pass
        # Another chat's stack is not covered.
        async with locks.lock(stack_key(8)):
            pass
    assert inner.taken == [("default", 7), ("aiogd:stack:", 8)]


async def test_after_the_update_lock_is_released_the_stack_is_locked_again():
    inner = Recording()
    locks = ChatLocks(inner)
    async with locks.lock(update_key(7, 7)):
        pass
    # Error handling runs after aiogram's lock is gone.
    async with locks.lock(stack_key(7)):
        pass
    assert inner.taken == [("default", 7), ("aiogd:stack:", 7)]


async def test_groups_and_user_stacks_keep_their_own_lock():
    inner = Recording()
    locks = ChatLocks(inner)
    async with locks.lock(update_key(-100, 7)):
        async with locks.lock(stack_key(-100)):
            pass
        async with locks.lock(stack_key(-100, "<7>")):
            pass
    assert inner.taken == [("default", -100), ("aiogd:stack:", -100), ("aiogd:stack:<7>", -100)]


async def test_a_task_started_under_the_lock_does_not_inherit_it():
    inner = Recording()
    locks = ChatLocks(inner)

    async def background_update() -> None:
        async with locks.lock(stack_key(7)):
            pass

    async with locks.lock(update_key(7, 7)):
        # Like aiogram-dialog's background updates: a task with a copy of the context.
        await asyncio.create_task(background_update())
    assert inner.taken == [("default", 7), ("aiogd:stack:", 7)]

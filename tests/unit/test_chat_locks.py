"""One lock an update in a private chat: aiogram's, shared with the dialog stack."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from bot.telegram import ChatLocks, DialogStorage

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


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    async def set_data(self, key, data) -> None:  # type: ignore[no-untyped-def]
        self.writes.append(key.destiny)
        await super().set_data(key, data)


def context_key(chat: int) -> StorageKey:
    return StorageKey(bot_id=BOT, chat_id=chat, user_id=chat, destiny="aiogd:context:abc")


async def test_unchanged_dialog_data_is_not_written_back_under_the_chat_lock():
    inner = CountingStorage()
    locks = ChatLocks(Recording())
    storage = DialogStorage(inner, locks)
    await storage.set_data(stack_key(7), {"intents": ["a"]})  # no lock: written
    async with locks.lock(update_key(7, 7)):
        data = await storage.get_data(stack_key(7))
        await storage.set_data(stack_key(7), data)  # what was read: skipped
        await storage.set_data(context_key(7), {"view": 1})  # never read: written
        await storage.set_data(context_key(7), {"view": 1})  # what was written: skipped
        await storage.set_data(context_key(7), {"view": 2})  # changed: written
        # Data of another chat, or not the dialog's, is always written.
        await storage.set_data(stack_key(8), {})
        lang = StorageKey(bot_id=BOT, chat_id=7, user_id=7, destiny="lang")
        await storage.get_data(lang)
        await storage.set_data(lang, {})
    assert inner.writes == ["aiogd:stack:", "aiogd:context:abc", "aiogd:context:abc", "aiogd:stack:", "lang"]
    assert await inner.get_data(context_key(7)) == {"view": 2}


async def test_dialog_data_is_written_outside_the_lock_and_in_other_tasks():
    inner = CountingStorage()
    locks = ChatLocks(Recording())
    storage = DialogStorage(inner, locks)
    async with locks.lock(update_key(7, 7)):
        data = await storage.get_data(stack_key(7))
        # A task started by the locked one does not hold the lock.
        await asyncio.create_task(storage.set_data(stack_key(7), data))
    # Error handling after the lock is released.
    await storage.get_data(stack_key(7))
    await storage.set_data(stack_key(7), {})
    async with locks.lock(update_key(7, 7)):  # a new update reads afresh
        await storage.set_data(stack_key(7), {})
    assert inner.writes == ["aiogd:stack:", "aiogd:stack:", "aiogd:stack:"]

"""POST /telegram/webhook: with the secret, any body gets 200, 400 or 413 (never 500)
and only a well-formed update reaches the dispatcher; without it, 401 and nothing is
fed. The Bot's session refuses every request, so nothing leaves the process."""

from __future__ import annotations

import asyncio
import json
import string
from collections.abc import Iterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiohttp import web
from hypothesis import event, example, given
from hypothesis import strategies as st

from handlers.telegram_webhook import MAX_INT, MAX_UPDATE_BYTES, SECRET_HEADER, WebhookHandler
from tests.fuzz.served import Served
from tests.fuzz.strategies import big_ints, json_text, json_values, short_text, tricky_text

# An update without a known kind reaches the empty dispatcher, which warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Detected unknown update type:RuntimeWarning")
SECRET = "fuzz-secret-0123456789"
PATH = "/telegram/webhook"


class NoNetwork(BaseSession):
    """A Bot API session that records what would have been sent and sends nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:
        self.calls.append(type(method).__name__)
        raise RuntimeError("no Bot API request may leave a fuzz test")

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - never used
        self.calls.append("stream_content")
        raise RuntimeError("no download may leave a fuzz test")
        yield b""

    async def close(self) -> None:
        pass


class TelegramSite(Served):
    def __init__(self) -> None:
        super().__init__(self._app)
        self.session = NoNetwork()
        self.fed: list[int] = []
        self._arrived: asyncio.Event | None = None

    async def _app(self) -> web.Application:
        dispatcher = Dispatcher()  # no handlers: an update is fed and left unhandled

        @dispatcher.update.outer_middleware()
        async def count(handler, update, data):  # type: ignore[no-untyped-def]
            self.fed.append(update.update_id)
            if self._arrived is not None:
                self._arrived.set()
            return await handler(update, data)

        bot = Bot("123:abc", session=self.session)
        app = web.Application()
        WebhookHandler(dispatcher, bot, SECRET).register(app, path=PATH)
        return app

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, str, bool]:
        """Status, body text, and whether an update was fed to the dispatcher."""
        assert self.client is not None
        self._arrived = asyncio.Event()
        async with self.client.post(PATH, data=body, headers=headers) as response:
            status, text = response.status, await response.text()
        try:
            # A 200 feeds in the background; anything else must feed nothing at all.
            await asyncio.wait_for(self._arrived.wait(), 5 if status == 200 else 0.01)
        except asyncio.TimeoutError:
            return status, text, False
        return status, text, True


@pytest.fixture
def site() -> Iterator[TelegramSite]:
    with TelegramSite() as served:
        yield served


# --- bodies ---------------------------------------------------------------------------

ints = st.one_of(st.integers(-(2**31), 2**31), st.integers(-(MAX_INT - 1), MAX_INT - 1), big_ints)
values = json_values(st.one_of(st.sampled_from(["id", "type", "text", "date", "from", "chat", "data"]), short_text))
users = st.fixed_dictionaries(
    {"id": ints, "is_bot": st.one_of(st.booleans(), values), "first_name": st.one_of(tricky_text(20), values)},
    optional={"language_code": tricky_text(8), "username": tricky_text(20)},
)
chats = st.fixed_dictionaries(
    {"id": ints, "type": st.one_of(st.sampled_from(["private", "group", "supergroup", "channel"]), tricky_text(10))},
    optional={"title": tricky_text(20)},
)
entities = st.fixed_dictionaries({
    "type": st.one_of(st.sampled_from(["bot_command", "url", "text_link", "mention"]), tricky_text(10)),
    "offset": ints, "length": ints,
}, optional={"url": tricky_text(30)})
messages = st.fixed_dictionaries(
    {"message_id": st.one_of(ints, values), "date": st.one_of(ints, values), "chat": st.one_of(chats, values)},
    optional={
        "from": st.one_of(users, values),
        "text": st.one_of(st.sampled_from(["/start", "/start show_1", "/start paid_2147483648"]), tricky_text(40)),
        "entities": st.lists(entities, max_size=3),
        "photo": values,
        "reply_to_message": values,
    },
)
callbacks = st.fixed_dictionaries(
    {"id": st.one_of(tricky_text(10), values), "from": st.one_of(users, values),
     "chat_instance": st.one_of(tricky_text(10), values)},
    optional={"data": tricky_text(64), "message": st.one_of(messages, values)},
)
updates = st.fixed_dictionaries(
    {"update_id": st.one_of(ints, values)},
    optional={
        "message": st.one_of(messages, values),
        "edited_message": messages,
        "callback_query": st.one_of(callbacks, values),
        "inline_query": values,
        "my_chat_member": values,
    },
)
bodies = st.one_of(
    json_text(updates).map(str.encode),
    json_text(values).map(str.encode),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
)


def _has_big_int(value: object) -> bool:
    if isinstance(value, dict):
        return any(_has_big_int(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_big_int(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MAX_INT


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


@given(bodies)
@example(b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}')
@example(b'{"update_id": 9007199254740992}')
@example(b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": -9007199254740993, "type": "x"}}}')
@example(b'{"update_id": %s}' % (b"9" * 5000))
@example(b"[" * 5000 + b"]" * 5000)
@example(b'{"update_id": 1, "x": "' + b"a" * MAX_UPDATE_BYTES + b'"}')
@example(b"\xef\xbb\xbf{}")
@example(b'{"update_id": NaN}')
def test_any_body_with_the_secret_gets_a_clear_answer(site: TelegramSite, body: bytes) -> None:
    status, text, fed = site.run(site.post(body, {SECRET_HEADER: SECRET}))
    event(f"{status}, fed={fed}")
    assert status in (200, 400, 413), (status, text[:300])
    assert site.session.calls == []
    if len(body) > MAX_UPDATE_BYTES:
        assert status == 413 and not fed
        return
    raw = _json(body)
    if status == 200:
        # Only a JSON object with a whole-number update_id, and no int past 52 bits, is fed
        # (pydantic's lax mode reads false/true/0.0 as 0: harmless behind the secret).
        assert fed and isinstance(raw, dict) and isinstance(raw.get("update_id"), (int, float))
        assert not _has_big_int(raw) and site.fed[-1] == raw["update_id"]
        return
    answer = json.loads(text)
    # A short reason on one line that does not echo the input back.
    assert not fed and answer["error"].startswith("malformed update: ") and len(answer["error"]) <= 230
    assert "\n" not in answer["error"]
    if isinstance(raw, dict) and _has_big_int(raw):
        event("refused: a number past 52 bits")


# Was fed: only JSON ints were bounded, and pydantic's lax int took the whole float.
def test_a_float_past_52_bits_is_refused_too(site: TelegramSite) -> None:
    body = b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1.152921504606847e18, ' \
           b'"type": "private"}}}'
    status, _, fed = site.run(site.post(body, {SECRET_HEADER: SECRET}))
    assert status == 400 and not fed


header_texts = st.text(string.ascii_letters + string.digits + string.punctuation + " ", max_size=40)


@given(
    body=st.one_of(json_text(updates).map(str.encode), st.binary(max_size=50)),
    header=st.one_of(
        # HTTP strips spaces around a header value: "<secret> " arrives as the secret.
        st.none(), header_texts.filter(lambda h: h.strip(" ") != SECRET), st.just(SECRET + "x"), st.just(SECRET[:-1]),
        st.just(SECRET.upper()),
    ),
)
@example(body=b'{"update_id": 1}', header=None)
@example(body=b'{"update_id": 1}', header="")
@example(body=b'{"update_id": 1}', header="fuzz-secret-012345678\u00e9")
def test_without_the_secret_nothing_is_fed(site: TelegramSite, body: bytes, header: str | None) -> None:
    headers = {} if header is None else {SECRET_HEADER: header}
    status, _, fed = site.run(site.post(body, headers))
    assert status == 401 and not fed and site.session.calls == []

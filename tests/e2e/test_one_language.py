"""One language per customer, everywhere (issue #11, items 2 and 9): a customer
whose Telegram speaks Russian and who never sends /language gets every message in
Russian, the ones timers and the worker send included, with Russian money and
dates; the language is remembered from the first update, so a bot that lost its
FSM (a restart on memory storage) still knows it."""

from __future__ import annotations

import re

from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import buttons, free_seat_buttons, open_seat_map, payment_ref, press, tap_seat
from tests.e2e.test_payments import card_bot

NO_PROVIDERS = {"stripe_secret_key": "", "paypal_client_id": "", "paypal_client_secret": ""}
# Words of the English texts a Russian customer must never see.
ENGLISH = re.compile(r"\b(Seats?|Booking|Your|Total|Pay|paid|held|Hello|Cancel|Reminder|Invoice|to pay)\b")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _bot_texts(transcript: list[dict]) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in transcript if m["outgoing"]]


def _all_russian(transcript: list[dict]) -> None:
    texts = [t for t in _bot_texts(transcript) if t]
    assert texts
    english = [t for t in texts if ENGLISH.search(t)]
    assert english == [], english
    assert all(CYRILLIC.search(t) for t in texts), [t for t in texts if not CYRILLIC.search(t)]


async def test_timers_speak_the_telegram_language_of_a_customer_who_never_chose(playground, cinema_db):
    url, client, _ = playground
    settings = settings_for(cinema_db, url, **NO_PROVIDERS)
    # Holds of 3 s and a payment window of 6 s: both timers speak within the test.
    async with running_bot(settings, hold_minutes=0.05, payment_minutes=0.1):
        olga = await client.create_user("Olga", language_code="ru")
        chat = olga["id"]
        current = await open_seat_map(client, olga, en=False)
        await tap_seat(client, olga, current, free_seat_buttons(current)[0])
        await client.wait_for_text(chat, "Ваши места:")
        await client.wait_for_text(chat, "Время удержания мест истекло", timeout=10)  # the hold timer
        current = await client.wait_for_text(chat, "Ряды")
        await tap_seat(client, olga, current, free_seat_buttons(current)[0])
        await press(client, olga, "Далее ➡", wait_for="Итого")
        summary = await client.wait_for_text(chat, "Итого")
        # Money and dates as a Russian reader writes them.
        assert re.search(r"\d+,\d\d\u00a0€", summary["text"]), summary["text"]
        assert re.search(r"(пн|вт|ср|чт|пт|сб|вс) \d{1,2} [а-я]+\.?", summary["text"]), summary["text"]
        await press(client, olga, "✅ Забронировать и оплатить", wait_for="К оплате")
        card = await client.wait_for_text(chat, "К оплате")
        assert re.search(r"до \d\d:\d\d CET|до \d\d:\d\d CEST", card["text"]), card["text"]
        # The booking timer: told in Russian, and the card edited to what is true now.
        await client.wait_for_text(chat, "не оплачена вовремя", timeout=15)
        await client.wait_for_message(
            chat, lambda m: m["message_id"] == card["message_id"] and "Не оплачено вовремя" in (m.get("text") or ""),
            timeout=10,
        )
        _all_russian(await client.transcript(chat))
    # A new bot process on memory storage has forgotten the FSM: the database remembers.
    async with running_bot(settings):
        await client.send_text(chat, "/start", user_id=chat)
        await client.wait_for_message(chat, lambda m: m["outgoing"] and "Здравствуйте" in (m.get("text") or ""))


async def test_payment_confirmation_and_invoice_come_in_russian_in_that_order(playground, cinema_db):
    url, client, _ = playground
    async with card_bot(cinema_db, url) as sandbox:
        olga = await client.create_user("Olga", language_code="ru")
        chat = olga["id"]
        current = await open_seat_map(client, olga, en=False)
        await tap_seat(client, olga, current, free_seat_buttons(current)[0])
        await press(client, olga, "Далее ➡", wait_for="Итого")
        await press(client, olga, "💳 Оплатить картой")
        window = await client.wait_for_message(
            chat, lambda m: m["outgoing"] and any(b.get("url") for b in buttons(m))
        )
        assert "К оплате" in window["text"]
        await sandbox.pay(payment_ref(window))
        invoice = await client.wait_for_message(chat, lambda m: m.get("document") is not None, timeout=20)
        assert invoice["caption"].startswith("🧾 Счёт")
        transcript = await client.transcript(chat)
        texts = _bot_texts(transcript)
        confirmed = next(i for i, t in enumerate(texts) if "Оплата получена" in t)
        assert confirmed < texts.index(invoice["caption"]), "'paid' comes before the invoice"
        # The pay window itself turns into the paid booking, in Russian, with no link left.
        edited = await client.wait_for_message(
            chat, lambda m: m["message_id"] == window["message_id"] and "оплачен" in (m.get("text") or "").lower(),
            timeout=10,
        )
        assert not any(b.get("url") for b in buttons(edited))
        _all_russian(await client.transcript(chat))

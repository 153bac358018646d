"""Catalog texts in the customer's language (issue #11, item 2), through the real bot
and the real worker job: a customer whose Telegram speaks Russian, who never used
/language, reads the sample's Russian title and Russian genre names in My bookings,
and the Russian title in the reminder the worker sends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.container import build_container
from bot.worker import WorkerApp
from dialogs.context import owner_token
from domain.customer import Customer
from domain.jobs import Jobs
from tests.e2e.conftest import running_bot, settings_for
from tests.e2e.flows import buttons, start

# What the sample catalog (examples/cinema.yaml) gives a Russian reader, by movie ref.
RUSSIAN = {
    "letzte-sternwarte": ("Последняя обсерватория", "Фантастика, Драма"),
    "fuchs-und-kraehe": ("Лис и ворона", "Анимация, Семейный"),
    "nachtzug-triest": ("Ночной поезд в Триест", "Триллер"),
    "jardin-hiver": ("Зимний сад", "Драма"),
    "kaiju-harbor": ("Гавань кайдзю", "Боевик, Фантастика"),
    "stille-zeit": ("Тихий сезон", "Драма, Мелодрама"),
    "operation-lebkuchen": ("Операция «Пряник»", "Комедия, Рождество"),
    "polarlicht-express": ("Экспресс «Северное сияние»", "Приключения, Семейный"),
}


async def _paid_booking(settings, user_id: int) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A paid booking of the next show in the reminder window, made as the booking
    flow makes it (the browse screens are not what this test is about); its movie ref."""
    container = build_container(settings)
    try:
        now = datetime.now(timezone.utc)
        async with container.deps.uow() as uow:
            shows = [s for s in await uow.showtimes.list() if now + timedelta(minutes=30) < s.starts_at < now + timedelta(hours=20)]
            show = min(shows, key=lambda s: s.starts_at)
            movie = next(m for m in await uow.movies.list() if m.id == show.movie_id)
        await container.seats.hold_best(show.id, 1, owner_token(user_id))
        booking = await container.checkout.checkout(show.id, owner_token(user_id), Customer(user_id, "Вера", "ru"))
        await container.bookings.confirm_payment(booking.id, "stripe", "pi_e2e_ru", booking.total.amount, booking.currency)
        return booking.id, movie.ref
    finally:
        await container.close()


async def test_a_russian_customer_reads_the_movie_in_russian(playground, cinema_db):
    url, client, _ = playground
    settings = settings_for(cinema_db, url, reminder_minutes=24 * 60)
    async with running_bot(settings):
        vera = await client.create_user("Вера", language_code="ru")
        await start(client, vera, "Здравствуйте")
        number, ref = await _paid_booking(settings, vera["id"])
        title, genres = RUSSIAN[ref]

        await client.send_text(vera["id"], "/mybookings", user_id=vera["id"])
        listing = await client.wait_for_text(vera["id"], "Ваши предстоящие брони")
        button = next(b for b in buttons(listing) if b["text"].startswith(f"№{number} · "))
        assert title in button["text"]
        await client.click(vera["id"], listing["message_id"], button["callback_data"], user_id=vera["id"])
        card = await client.wait_for_text(vera["id"], f"№{number}")
        assert f"{title} · {genres}" in card["text"]

        # The worker's reminder: the customer's stored language, the Russian title.
        worker = WorkerApp(settings)
        try:
            await worker.run(Jobs.SEND_REMINDERS, {}, None)
        finally:
            await (await worker.context()).close()
        reminder = await client.wait_for_text(vera["id"], "Напоминание")
        assert f"«{title}»" in reminder["text"]

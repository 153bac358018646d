"""The booking conversation, from now showing to a reserved booking."""

from aiogram_dialog import Dialog

from dialogs.booking.browse import movie_window, movies_window, showtimes_window
from dialogs.booking.checkout import pay_window, promo_window, reserved_window, summary_window, tickets_window
from dialogs.booking.seats import seats_window


def booking_dialog() -> Dialog:
    return Dialog(
        movies_window,
        movie_window,
        showtimes_window,
        seats_window,
        tickets_window,
        promo_window,
        summary_window,
        reserved_window,
        pay_window,
        on_start=_on_start,
    )


async def _on_start(start_data: object, manager) -> None:  # type: ignore[no-untyped-def]
    # Deep links arrive with what to show first (see handlers/commands.py).
    if isinstance(start_data, dict):
        manager.dialog_data.update(start_data)

"""Commands: /start (with deep links), /help, /language, /mybookings, /cancel."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from dialogs.context import AppServices
from dialogs.leaving import release_holds, released_text, still_held
from dialogs.states import Booking, Language, Menu, MyBookings
from domain.booking import BookingStatus
from domain.errors import NotFound, PaymentProviderDown, ProviderRefused
from domain.links import LinkKind, parse_link
from domain.services.customers import CustomerService
from infrastructure.tasks.queue import holding_jobs


def commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(language_command, Command("language"))
    router.message.register(my_bookings_command, Command("mybookings"))
    router.message.register(cancel_command, Command("cancel"))
    return router


def fallback_router() -> Router:
    """Registered last: a message no dialog or command took."""
    router = Router(name="fallback")
    router.message.filter(F.chat.type == "private")
    router.message.register(unknown_message)
    return router


async def start(
    message: Message,
    command: CommandObject,
    dialog_manager: DialogManager,
    services: AppServices,
    customers: CustomerService,
    t: Any,
    payment_notices: Any = None,
) -> None:
    user = message.from_user
    await customers.register(user.id, user.full_name, t.locale)
    payload = (command.args or "").strip()
    link = parse_link(payload)  # the one grammar of deep links; None for anything else
    # Starting over leaves whatever seats were held; a link to the very showtime
    # being booked keeps them.
    await _leave(message, services, t, keep=link.id if link is not None and link.kind is LinkKind.SHOW else None)
    if link is None:
        await _menu(dialog_manager, "link-invalid" if payload else None)
    elif link.kind is LinkKind.SHOW:
        await _open_showtime(dialog_manager, services, link.id)
    elif link.kind is LinkKind.MOVIE:
        showing = {n.movie.id for n in await services.catalog.now_showing()}
        if link.id not in showing:
            await _menu(dialog_manager, "link-invalid")
            return
        await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
        await dialog_manager.start(Booking.movie, data={"movie_id": link.id}, show_mode=ShowMode.SEND)
    else:  # paid_ / unpaid_: back from a payment page, to that booking
        try:
            await services.bookings.get_for_customer(link.id, user.id)
        except NotFound:  # someone else's booking looks like none at all
            await _menu(dialog_manager, "link-invalid")
            return
        # The first reply is the booking as the provider says it is now; what the
        # workers send about it (paid, the invoice) is handed to them after it.
        async with holding_jobs():
            await _ask_the_provider(services, link.id, payment_notices)
            await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
            # The card that said "To pay ... by" goes; the booking as it is now comes
            # below the customer's return, so no message keeps a stale deadline.
            await dialog_manager.start(
                MyBookings.detail, data={"booking_id": link.id}, show_mode=ShowMode.DELETE_AND_SEND
            )


async def _ask_the_provider(services: AppServices, booking_id: int, notices: Any) -> None:
    """Back from a pay page, the booking is shown as the provider sees it now, not as
    it was before a webhook arrives; what changed is told first ("paid", then the card)."""
    if services.payments is None:
        return
    try:
        results = await services.payments.refresh(booking_id)
    except (PaymentProviderDown, ProviderRefused):
        return  # the card shows what is known; the webhook or reconcile settles it
    if notices is not None:
        for result in results:
            await notices(result, refresh=False)  # the card follows, as it is now


async def _open_showtime(dialog_manager: DialogManager, services: AppServices, showtime_id: int) -> None:
    try:
        showtime, movie, _ = await services.catalog.showtime(showtime_id)
    except NotFound:
        await _menu(dialog_manager, "link-invalid")
        return
    if not services.catalog.on_sale(showtime):
        await _menu(dialog_manager, "sales-closed")
        return
    day = showtime.starts_at.astimezone(services.policy.zone).date().isoformat()
    await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await dialog_manager.start(
        Booking.seats,
        data={"showtime_id": showtime.id, "movie_id": movie.id, "day": day},
        show_mode=ShowMode.SEND,
    )


async def _menu(manager: DialogManager, note: str | None) -> None:
    await manager.start(Menu.main, mode=StartMode.RESET_STACK, data={"note": note} if note else None)


async def help_command(message: Message, t: Any, services: AppServices) -> None:
    # Not a leaving: the screen above keeps working, so held seats stay held, and
    # the help says so rather than leave the customer to wonder.
    held = await released_text(services, await still_held(services, message.from_user.id), t, key="holds-kept")
    await message.answer(t("help-text") + (f"\n\n{held}" if held else ""))


async def _leave(message: Message, services: AppServices, t: Any, keep: int | None = None) -> bool:
    """Release the seats held on screens being left, and say which; True if any."""
    text = await released_text(services, await release_holds(services, message.from_user.id, keep), t)
    if text:
        await message.answer(text)
    return bool(text)


async def language_command(message: Message, dialog_manager: DialogManager, services: AppServices, t: Any) -> None:
    await _leave(message, services, t)
    await dialog_manager.start(Language.choose, mode=StartMode.RESET_STACK)


async def my_bookings_command(message: Message, dialog_manager: DialogManager, services: AppServices, t: Any) -> None:
    await _leave(message, services, t)
    await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await dialog_manager.start(MyBookings.upcoming, show_mode=ShowMode.SEND)


async def cancel_command(message: Message, dialog_manager: DialogManager, services: AppServices, t: Any) -> None:
    """Leave whatever is going on, and say exactly what that did: held seats are
    released; a booking awaiting payment is not cancelled without asking."""
    booking_id = dialog_manager.current_context().dialog_data.get("booking_id") if dialog_manager.has_context() else None
    released = await _leave(message, services, t)
    unpaid = await _unpaid(services, booking_id, message.from_user.id)
    if unpaid is not None:
        # The question names the booking and what cancelling does; "No" shows its card.
        await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
        await dialog_manager.start(MyBookings.confirm_cancel, data={"booking_id": unpaid}, show_mode=ShowMode.SEND)
        return
    await _menu(dialog_manager, None if released else "cancelled-nothing")


async def _unpaid(services: AppServices, booking_id: object, user_id: int) -> int | None:
    if not isinstance(booking_id, int):
        return None
    try:
        view = await services.bookings.get_for_customer(booking_id, user_id)
    except NotFound:
        return None
    return booking_id if view.booking.status is BookingStatus.AWAITING_PAYMENT else None


async def unknown_message(message: Message, dialog_manager: DialogManager) -> None:
    await _menu(dialog_manager, "not-understood")

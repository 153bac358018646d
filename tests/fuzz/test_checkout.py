"""Typed promo codes, the quote, checkout, and forged day buttons over the unit fakes:
any text gets an answer (a refusal, a discount or a domain error) and a quote
changes nothing in the store."""

from __future__ import annotations

import asyncio
import copy
import string
from datetime import date

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from dialogs.booking.browse import on_day
from dialogs.states import Booking
from domain.errors import DomainError, InvalidSeats, PromoRefused
from domain.pricing import DiscountSource, Quote
from domain.promo import PromoCode, PromoKind, PromoRefusal, normalize_code
from domain.services.catalog import CatalogService
from domain.services.deps import BookingPolicy, Deps
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.uow import SqlUnitOfWorkFactory
from infrastructure.holds.memory import MemoryHoldStore
from tests.fakes import FakeClock
from tests.fuzz.strategies import tricky_text
from tests.unit.world import ANN, BOB, World

# Codes in the store after _world(), and what each means for ANN on the Dune show.
EXPECTED = {
    "SAVE10": PromoRefusal.EXHAUSTED,  # its single use went to ANN's first booking
    "WICKED": PromoRefusal.NOT_FOR_THIS_MOVIE,
    "ONCE": PromoRefusal.ALREADY_USED,  # once per customer, and ANN has used it
    "FUZZ25": None,  # applies
}
SEATS = ["A-3", "A-4", "A-5", "B-3", "B-4"]  # free, unblocked, priced (A-1, A-2 are sold)
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x85\u00a0\u2003\u2028\u3000"


async def _world() -> World:
    w = World()
    await w.setup()
    async with w.deps.uow() as uow:
        await uow.promos.add(PromoCode(None, "FUZZ25", PromoKind.PERCENT, 2500))
        await uow.promos.add(PromoCode(None, "ONCE", PromoKind.FIXED, 100, max_uses_per_customer=1))
        await uow.commit()
    # Bookings and promo uses in the store, so that a stray write would show.
    for seat, code in (("A-1", "SAVE10"), ("A-2", "once")):
        await w.seats.hold(w.show.id, [seat], "ann")
        await w.checkout.checkout(w.show.id, "ann", ANN, promo_code=code)
    return w


def _snapshot(w: World) -> dict[str, object]:
    return copy.deepcopy(vars(w.store))


def _case_and_space(code: str) -> st.SearchStrategy[str]:
    """``code`` in any letter case with whitespace around and between its characters."""
    def spell(flags: list[bool], gaps: list[str]) -> str:
        chars = [c.lower() if low else c for c, low in zip(code, flags)]
        return "".join(g + c for g, c in zip(gaps, chars)) + gaps[-1]

    n = len(code)
    return st.builds(
        spell,
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.text(WHITESPACE, max_size=2), min_size=n + 1, max_size=n + 1),
    )


promo_texts = st.one_of(
    tricky_text(40),
    st.sampled_from(sorted(EXPECTED)).flatmap(_case_and_space),
    st.sampled_from(["x" * 33, "FUZZ25" * 6, "ＦＵＺＺ２５", "FUZZ25\x00", "ЅAVE10", "fuzz-25", "ﬀ", "ß"]),
)


@given(tricky_text(60))
def test_normalize_code_is_total_and_idempotent(text: str) -> None:
    code = normalize_code(text)
    assert isinstance(code, str) and not any(c.isspace() for c in code)
    assert normalize_code(code) == code


@given(st.text(string.ascii_uppercase + string.digits + "_-", min_size=1, max_size=32).flatmap(
    lambda c: st.tuples(st.just(c), _case_and_space(c))
))
def test_a_valid_code_is_found_whatever_its_case_and_spacing(pair: tuple[str, str]) -> None:
    code, typed = pair
    assert normalize_code(typed) == code


def _check_quote(quote: Quote, typed: str | None) -> None:
    code = normalize_code(typed or "")
    assert quote.total.amount >= 0 and quote.discount.amount <= quote.subtotal.amount
    if not code:
        assert quote.promo_refusal is None and quote.discount_source is None
        return
    if code not in EXPECTED:
        assert quote.promo_refusal is PromoRefusal.UNKNOWN
    else:
        assert quote.promo_refusal is EXPECTED[code]
    if quote.promo_refusal is None:
        assert quote.promo_code == code and quote.discount_source is DiscountSource.PROMO
        assert quote.discount.amount > 0
    else:
        assert quote.promo_code is None and quote.discount.amount == 0


@given(promo_texts, st.lists(st.sampled_from(SEATS), min_size=1, max_size=3, unique=True))
@example("fuzz25", ["A-3"])
@example(" s a v e 1 0 ", ["A-3"])
def test_any_promo_text_gives_a_refusal_or_a_discount_and_writes_nothing(typed: str, seats: list[str]) -> None:
    async def run() -> None:
        w = await _world()
        before = _snapshot(w)
        quote = await w.checkout.quote(w.show.id, dict.fromkeys(seats, "adult"), ANN.telegram_id, typed)
        _check_quote(quote, typed)
        assert _snapshot(w) == before

    asyncio.run(run())


@given(promo_texts)
def test_checkout_with_any_promo_text_books_or_refuses_without_writing(typed: str) -> None:
    async def run() -> None:
        w = await _world()
        await w.seats.hold(w.show.id, ["A-4"], "bob")
        before = _snapshot(w)
        try:
            booking = await w.checkout.checkout(w.show.id, "bob", BOB, promo_code=typed)
        except PromoRefused as exc:
            assert exc.reason in set(PromoRefusal)
            assert _snapshot(w) == before
            return
        # BOB has used neither ONCE nor FUZZ25; SAVE10 and WICKED cannot apply.
        code = normalize_code(typed)
        assert code in ("", "ONCE", "FUZZ25")
        assert booking.promo_code == (code or None) and booking.id in w.store.bookings

    asyncio.run(run())


# Seat codes reach the quote from the hold store (items that passed seat_item_ok);
# ticket types and the showtime id come from the dialog's data. The service must
# refuse anything else on its own all the same.
valid_tickets = st.dictionaries(st.sampled_from(SEATS), st.sampled_from(["adult", "student", "child"]), max_size=3)
any_tickets = st.dictionaries(
    st.one_of(
        st.sampled_from([*SEATS, "A-1", "A-6", "B-1", "Z-1", "A-999", "ZZZ-1", "A-²", "A-١", "A-03", "A-"]),
        st.tuples(st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=3), st.integers(1, 999)).map(
            lambda p: f"{p[0]}-{p[1]}"
        ),
        st.tuples(st.sampled_from(["A", "B", ""]), tricky_text(6)).map("-".join),
    ),
    st.one_of(st.sampled_from(["adult", "student", "child", "ADULT", ""]), tricky_text(20)),
    max_size=8,
)
# None stands for the fakes' real showtime; the rest are forged ids.
showtime_ids = st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70))


@given(st.one_of(valid_tickets, any_tickets), showtime_ids, st.one_of(st.none(), promo_texts))
def test_quote_of_any_selection_is_a_quote_or_a_domain_error(
    tickets: dict[str, str], showtime: int | None, typed: str | None
) -> None:
    async def run() -> None:
        w = await _world()
        before = _snapshot(w)
        try:
            quote = await w.checkout.quote(w.show.id if showtime is None else showtime, tickets, 1, typed)
        except DomainError as exc:
            event(type(exc).__name__)
        else:
            event("quoted")
            assert len(quote.lines) == len(tickets) and quote.subtotal.amount > 0
        assert _snapshot(w) == before

    asyncio.run(run())


async def test_a_seat_code_with_a_superscript_digit_is_an_invalid_seat() -> None:
    # Was a ValueError from int('²') while sorting the seats (fixed in 3f4a3c9).
    w = await _world()
    with pytest.raises(InvalidSeats):
        await w.checkout.quote(w.show.id, {"A-²": "adult"}, ANN.telegram_id)


# --- forged day callbacks -----------------------------------------------------------
# A day button's item is untrusted callback data: on_day keeps only the form the row of
# days on a movie's screen renders ("📅 Sat 5" carries "2026-12-05"), and the day's
# showtimes window then asks the catalog for that day.


def _canonical_day(text: str) -> bool:
    """YYYY-MM-DD in ASCII digits naming a real date: written without fromisoformat."""
    parts = text.split("-")
    if len(text) != 10 or [len(p) for p in parts] != [4, 2, 2]:
        return False
    if not all(c in string.digits for p in parts for c in p):
        return False
    try:
        date(*map(int, parts))
    except ValueError:
        return False
    return True


class _Manager:
    """The part of a DialogManager on_day touches (say() ignores a missing event)."""

    def __init__(self) -> None:
        self.dialog_data: dict[str, object] = {}
        self.middleware_data = {"t": lambda key, **_: key}
        self.event = None
        self.states: list[object] = []

    async def switch_to(self, state: object) -> None:
        self.states.append(state)


day_texts = st.one_of(
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    tricky_text(12),
)


@given(day_texts)
@example("2026-11-25")
@example("20261125")
@example("2026-W48-3")
@example("2026-11-25T00:00")
@example("２０２６-11-25")
@example("9999-12-31")
def test_a_day_button_accepts_only_the_rendered_form(text: str) -> None:
    manager = _Manager()
    asyncio.run(on_day(None, None, manager, text))  # type: ignore[arg-type]
    if _canonical_day(text):
        assert manager.dialog_data == {"day": text} and manager.states == [Booking.showtimes]
    else:
        assert manager.dialog_data == {} and manager.states == []


@given(st.dates())
@example(date.min)
@example(date.max)
@example(date(2026, 11, 25))
@example(date(2026, 11, 27))
def test_any_day_lists_its_showtimes_or_nothing(day: date) -> None:
    async def run() -> None:
        w = await _world()
        found = await w.catalog.showtimes_on(day, w.movie.id)
        assert all(s.showtime.movie_id == w.movie.id for s in found)
        # The fakes' two shows of the movie: 25 and 27 November, Berlin time.
        assert bool(found) == (day in (date(2026, 11, 25), date(2026, 11, 27)))

    asyncio.run(run())


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31"])
async def test_the_edge_days_list_nothing_on_sql(sqlite_url: str, text: str) -> None:
    # Both overflowed on SQL (the day's bounds converted to UTC; day + 1), fixed in 3f4a3c9.
    engine = create_engine(sqlite_url)
    try:
        clock = FakeClock()
        deps = Deps(
            SqlUnitOfWorkFactory(session_factory(engine)),
            MemoryHoldStore(clock=lambda: clock.now().timestamp()),
            clock,
            policy=BookingPolicy(timezone="Europe/Berlin"),
        )
        assert await CatalogService(deps).showtimes_on(date.fromisoformat(text)) == []
    finally:
        await engine.dispose()

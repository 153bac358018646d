"""Payment routes over HTTP with a real PaymentService on a migrated SQLite database:
any delivery gets 200, 400 or 413 (never 500) and only a well-formed event is
recorded (one provider_events row, nothing else); a PayPal return with any token
changes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import pytest
import stripe
from aiohttp import web
from hypothesis import event, example, given
from hypothesis import strategies as st
from sqlalchemy import select

from domain.payments import PaymentProvider
from domain.services.deps import Deps
from domain.services.payments import PaymentService, ReturnLinks, SettleResult
from handlers.payments import MAX_BODY, STRIPE_SUBJECTS, stripe_webhook_route
from handlers.paypal import MAX_BODY as PAYPAL_MAX_BODY
from handlers.paypal import RETURN_PATH, WEBHOOK_PATH, paypal_routes
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.models import Base
from infrastructure.db.uow import SqlUnitOfWorkFactory
from infrastructure.holds.memory import MemoryHoldStore
from infrastructure.i18n.fluent import Translator
from tests.fake_payments import FakeGateway
from tests.fakes import FakeClock
from tests.fuzz.served import Served
from tests.fuzz.strategies import ascii_word, tricky_text
from tests.fuzz.webhook_bodies import SECRET, paypal_bodies, stripe_bodies

STRIPE, PAYPAL = PaymentProvider.STRIPE, PaymentProvider.PAYPAL


def _paid_link(booking_id: int) -> str:
    return f"https://t.me/x?start=paid_{booking_id}"


LINKS = ReturnLinks(_paid_link, lambda b: f"https://t.me/x?start=unpaid_{b}")
RECORDED = "provider_events"  # the one table a well-formed delivery may write to


class TrustingPayPal:
    """Vouches for every delivery, so that any parsed body reaches the service (the
    real check asks PayPal; here the question is what happens after it)."""

    async def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        return json.loads(body)


class PaymentSite(Served):
    def __init__(self, url: str) -> None:
        super().__init__(self._app)
        self.url = url
        self.settled: list[SettleResult] = []

    async def _app(self) -> web.Application:
        self.engine = create_engine(self.url)
        clock = FakeClock()
        deps = Deps(
            SqlUnitOfWorkFactory(session_factory(self.engine)),
            MemoryHoldStore(clock=lambda: clock.now().timestamp()),
            clock,
        )
        payments = PaymentService(deps, {STRIPE: FakeGateway(STRIPE), PAYPAL: FakeGateway(PAYPAL)}, LINKS)

        async def on_settled(result: SettleResult) -> None:
            self.settled.append(result)

        app = web.Application()
        stripe_webhook_route(app, payments, SECRET, on_settled)
        paypal_routes(app, payments, TrustingPayPal(), on_settled, _paid_link, Translator())  # type: ignore[arg-type]
        return app

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self.engine.dispose())
        finally:
            super().__exit__(*exc)

    def tables(self) -> dict[str, list[str]]:
        """Every row of every table, as sorted text: equal means nothing changed."""
        async def read() -> dict[str, list[str]]:
            async with self.engine.connect() as conn:
                return {
                    t.name: sorted(repr(tuple(row)) for row in (await conn.execute(select(t))).all())
                    for t in Base.metadata.sorted_tables
                }

        return self.run(read())

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
                chunked: bool = False, params: dict[str, str] | None = None) -> tuple[int, str]:
        async def send() -> tuple[int, str]:
            assert self.client is not None
            data: object = body
            if chunked:  # no Content-Length: the size limit must hold while reading
                async def pieces() -> AsyncIterator[bytes]:
                    for i in range(0, len(body), 64 * 1024):
                        yield body[i:i + 64 * 1024]

                data = pieces()
            async with self.client.request(
                method, path, data=data, headers=headers, params=params, allow_redirects=False
            ) as response:
                return response.status, await response.text()

        return self.run(send())


@pytest.fixture
def site(sqlite_url: str) -> Iterator[PaymentSite]:
    with PaymentSite(sqlite_url) as served:
        yield served


def _check_answer(site: PaymentSite, before: dict[str, list[str]], status: int, text: str, event_id: object) -> None:
    """200 and at most this event recorded, or 400/413 with a short reason and no change."""
    after = site.tables()
    assert status in (200, 400, 413), (status, text[:300])
    assert not after["payments"] and not after["bookings"]
    if status != 200:
        error = json.loads(text).get("error")
        assert isinstance(error, str) and len(error) < 300 and "\n" not in error
        assert after == before
        return
    assert json.loads(text).get("received") is True
    assert {k: v for k, v in after.items() if k != RECORDED} == {k: v for k, v in before.items() if k != RECORDED}
    new = set(after[RECORDED]) - set(before[RECORDED])
    # An accepted id is at most the 128 characters provider_events keeps, so it is kept whole.
    assert len(new) <= 1 and all(repr(str(event_id)) in row for row in new)


# --- Stripe ---------------------------------------------------------------------------

def _stripe_headers(body: str, signing: str) -> dict[str, str]:
    if signing == "missing":
        return {}
    secret = SECRET if signing == "ours" else "whsec_someone_else"
    return {"Stripe-Signature": stripe.WebhookSignature.generate_signature_header(body, secret)}


# Events that parse: these reach PaymentService.handle_event with arbitrary refs.
valid_events = st.fixed_dictionaries({
    "id": ascii_word,
    "type": st.one_of(st.sampled_from(sorted(STRIPE_SUBJECTS)), ascii_word),
    "data": st.fixed_dictionaries({"object": st.fixed_dictionaries({"id": ascii_word, "payment_intent": ascii_word})}),
}).map(json.dumps)
OVERSIZED = '{"id": "evt_big", "type": "x", "data": {"object": {"pad": "%s"}}}' % ("x" * MAX_BODY)


@given(
    body=st.one_of(stripe_bodies, valid_events),
    signing=st.sampled_from(["ours", "ours", "ours", "missing", "theirs"]),
    chunked=st.booleans(),
)
@example(body='{"id": "evt_ok", "type": "checkout.session.completed", "data": {"object": {"id": "cs_x"}}}',
         signing="ours", chunked=False)
@example(body='{"id": "evt_r", "type": "refund.updated", "data": {"object": {"id": "re_x"}}}',
         signing="ours", chunked=True)
@example(body='{"id": "evt_d", "type": "charge.dispute.created", "data": {"object": {"payment_intent": "pi"}}}',
         signing="ours", chunked=False)
@example(body=OVERSIZED, signing="ours", chunked=False)
@example(body=OVERSIZED, signing="ours", chunked=True)
@example(body="[" * 5000 + "]" * 5000, signing="ours", chunked=False)
def test_any_stripe_delivery_gets_a_clear_answer_and_only_events_are_recorded(
    site: PaymentSite, body: str, signing: str, chunked: bool
) -> None:
    before = site.tables()
    status, text = site.request("POST", "/webhooks/stripe", body.encode(), _stripe_headers(body, signing), chunked)
    event(f"stripe {signing} -> {status}")
    if len(body.encode()) > MAX_BODY:
        assert status == 413
    if status == 200:
        assert signing == "ours"
    _check_answer(site, before, status, text, json.loads(body)["id"] if status == 200 else None)


# --- PayPal ---------------------------------------------------------------------------

paypal_valid = st.fixed_dictionaries({
    "id": ascii_word,
    "event_type": st.one_of(st.sampled_from([
        "CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED",
        "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"]), ascii_word),
    "resource": st.fixed_dictionaries({
        "id": ascii_word, "supplementary_data": st.fixed_dictionaries({"related_ids": st.fixed_dictionaries(
            {"order_id": ascii_word})}),
    }),
}).map(lambda e: json.dumps(e).encode())


@given(body=st.one_of(paypal_bodies, paypal_valid), chunked=st.booleans())
@example(body=b'{"id": "WH-1", "event_type": "CHECKOUT.ORDER.APPROVED", "resource": {"id": "5O1"}}', chunked=False)
@example(body=b'{"id": "WH-2", "event_type": "PAYMENT.CAPTURE.REVERSED", "resource": {"id": "c"}}', chunked=True)
@example(body=b'{"id": "WH-big", "event_type": "X", "pad": "%s"}' % (b"x" * PAYPAL_MAX_BODY), chunked=True)
@example(body=b"[" * 5000 + b"]" * 5000, chunked=False)
def test_any_paypal_delivery_gets_a_clear_answer_and_only_events_are_recorded(
    site: PaymentSite, body: bytes, chunked: bool
) -> None:
    before = site.tables()
    status, text = site.request("POST", WEBHOOK_PATH, body, {"Content-Type": "application/json"}, chunked)
    event(f"paypal -> {status}")
    if len(body) > PAYPAL_MAX_BODY:
        assert status == 413
    _check_answer(site, before, status, text, json.loads(body)["id"] if status == 200 else None)


@given(st.one_of(tricky_text(80), ascii_word, st.just("x" * 65)))
@example("5O190127TN364715T")
@example("")
def test_a_paypal_return_with_any_token_is_a_page_and_changes_nothing(site: PaymentSite, token: str) -> None:
    before = site.tables()
    status, text = site.request("GET", RETURN_PATH, params={"token": token})
    # No order of ours has this token: the buyer gets the plain "unknown" page.
    assert status == 400 and text.strip() and "Traceback" not in text
    assert site.tables() == before


def test_event_ids_are_kept_whole_or_refused(site: PaymentSite) -> None:
    """Was: ids up to 255 characters were accepted and stored cut to 128, so two events
    differing after that were one, and the second was never settled. Now an id is at
    most what the database keeps: two ids differing in their last character are two
    events, a longer id is a malformed event (400) and changes nothing."""
    outcomes = []
    for last in "12":
        body = json.dumps({"id": "evt_" + "a" * 123 + last, "type": "x", "data": {"object": {}}})
        status, text = site.request("POST", "/webhooks/stripe", body.encode(), _stripe_headers(body, "ours"))
        assert status == 200
        outcomes.append(json.loads(text)["outcome"])
    assert outcomes == ["ignored", "ignored"]  # not ["ignored", "duplicate"]
    before = site.tables()
    body = json.dumps({"id": "evt_" + "a" * 125, "type": "x", "data": {"object": {}}})
    status, _ = site.request("POST", "/webhooks/stripe", body.encode(), _stripe_headers(body, "ours"))
    assert status == 400 and site.tables() == before

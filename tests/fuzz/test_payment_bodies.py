"""Webhook bodies at the parsers: a Stripe delivery signed correctly (so that it gets
past the signature to the parser) and a PayPal body. Each gives an event or the
parser's own error, nothing else."""

from __future__ import annotations

import json
import re
import time

import stripe
from hypothesis import event, example, given
from hypothesis import strategies as st

from handlers.payments import MAX_ID, STRIPE_SUBJECTS, TOLERANCE_SECONDS, BadEvent, parse_stripe_event
from handlers.paypal import PayPalEvent, parse_paypal_event
from tests.fuzz.strategies import tricky_text, utf8_bodies
from tests.fuzz.webhook_bodies import SECRET, paypal_bodies, stripe_bodies

HUGE_NUMBER = "9" * 5000  # past Python's int-from-text digit limit


def _signed(body: str, secret: str = SECRET) -> tuple[bytes, str]:
    return body.encode(), stripe.WebhookSignature.generate_signature_header(body, secret)


def _short_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID


def _check_stripe(body: str, header: str) -> None:
    try:
        parsed = parse_stripe_event(body.encode(), header, SECRET)
    except BadEvent as exc:
        event(f"bad event: {str(exc)[:30]}")
        assert str(exc) and "\n" not in str(exc)
        return
    event(f"parsed: {parsed[2]}")
    event_id, event_type, subject, ref = parsed
    assert _short_text(event_id) and _short_text(event_type)
    # What came back is what was signed, not something the SDK made up.
    raw = json.loads(body)
    assert (raw["id"], raw["type"]) == (event_id, event_type)
    if event_type in STRIPE_SUBJECTS:
        subject_name, field = STRIPE_SUBJECTS[event_type]
        assert subject == subject_name and ref == raw["data"]["object"][field] and _short_text(ref)
    else:
        assert subject is None and ref is None


@given(stripe_bodies)
@example('{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"id": "cs_1"}}}')
@example('{"id": "evt_1", "type": "charge.dispute.created", "data": {"object": {"object": "list", "data": 5}}}')
@example('{"id": "evt_1", "type": "x", "data": {"object": {"object": "event", "data": []}}}')
@example('{"id": "evt_1", "type": "x", "data": {"object": {}}, "": ""}')
@example("[" * 5000 + "]" * 5000)
@example('{"id": NaN, "type": Infinity}')
@example('{"id": "evt_1", "type": "x", "data": {"object": {"n": %s}}}' % HUGE_NUMBER)
def test_a_signed_stripe_body_is_an_event_or_a_bad_event(body: str) -> None:
    _check_stripe(body, _signed(body)[1])


@given(utf8_bodies(), st.one_of(tricky_text(80), st.just(""), st.none()))
@example("{}", "t=1,v1=abc")
@example("{}", "t=x,v1=")
@example("{}", "t=" + "9" * 5000 + ",v1=00")
def test_a_forged_or_garbled_signature_never_gets_through(body: str, header: str | None) -> None:
    try:
        parse_stripe_event(body.encode(), header, SECRET)
    except (stripe.SignatureVerificationError, BadEvent):
        return
    raise AssertionError("an unsigned body was accepted")


@given(stripe_bodies)
def test_a_body_signed_with_another_secret_is_refused(body: str) -> None:
    payload, header = _signed(body, "whsec_someone_else")
    try:
        parse_stripe_event(payload, header, SECRET)
    except stripe.SignatureVerificationError:
        return
    raise AssertionError("a body signed with another secret got past the signature check")


# Past the tolerance by a margin, so that the test's own run time cannot matter.
@given(st.integers(min_value=TOLERANCE_SECONDS + 5, max_value=10**6))
def test_a_stale_signature_is_refused(age: int) -> None:
    body = '{"id": "evt_1", "type": "x", "data": {"object": {}}}'
    header = stripe.WebhookSignature.generate_signature_header(body, SECRET, timestamp=int(time.time()) - age)
    try:
        parse_stripe_event(body.encode(), header, SECRET)
    except stripe.SignatureVerificationError:
        return
    raise AssertionError(f"a delivery signed {age}s ago was accepted")


# --- PayPal ---------------------------------------------------------------------------

REF = re.compile(r"[A-Za-z0-9_-]{1,64}")


@given(paypal_bodies)
@example(b"\xff\xfe{}")
@example(b'{"id": "WH-1", "event_type": "X", "id": "dup"}')
@example(("[" * 5000 + "]" * 5000).encode())
@example(b'{"id": "WH-1", "event_type": "X", "n": %s}' % HUGE_NUMBER.encode())
@example(b'{"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {"supplementary_data": null}}')
def test_a_paypal_body_is_an_event_or_a_value_error(body: bytes) -> None:
    try:
        parsed = parse_paypal_event(body)
    except ValueError as exc:
        message = str(exc)
        assert 0 < len(message) <= 200 and "\n" not in message
        event("refused")
        return
    event("parsed")
    assert isinstance(parsed, PayPalEvent)
    assert 0 < len(parsed.id) <= 128 and 0 < len(parsed.event_type) <= 100
    subject, ref = parsed.subject()
    assert subject in ("checkout", "refund", "dispute", "none")
    assert ref is None or REF.fullmatch(ref)

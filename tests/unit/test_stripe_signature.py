"""Our Stripe signature check agrees with the stripe library's own helpers."""

import json
import time

import pytest
import stripe

from infrastructure.payments.stripe_signature import SignatureError, verify_stripe_signature

SECRET = "whsec_test_secret"
BODY = json.dumps({"id": "evt_1", "type": "checkout.session.completed", "object": "event",
                   "data": {"object": {"id": "cs_test_1", "object": "checkout.session"}}})


def test_a_header_made_by_stripe_is_accepted_and_agrees_with_construct_event():
    header = stripe.WebhookSignature.generate_signature_header(BODY, SECRET)
    assert verify_stripe_signature(BODY.encode(), header, SECRET) > 0
    event = stripe.Webhook.construct_event(BODY, header, SECRET)
    assert event["id"] == "evt_1"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda body, header: (body + b" ", header),  # body changed
        lambda body, header: (body, header.replace("v1=", "v1=0")),  # signature changed
        lambda body, header: (body, header.split(",")[1]),  # no timestamp
        lambda body, header: (body, ""),  # no header
        lambda body, header: (body, "t=abc,v1=zz"),
    ],
)
def test_anything_altered_or_missing_is_refused(mutate):
    header = stripe.WebhookSignature.generate_signature_header(BODY, SECRET)
    body, bad = mutate(BODY.encode(), header)
    with pytest.raises(SignatureError):
        verify_stripe_signature(body, bad, SECRET)


def test_wrong_secret_and_stale_timestamps_are_refused_as_stripe_does():
    header = stripe.WebhookSignature.generate_signature_header(BODY, SECRET)
    with pytest.raises(SignatureError):
        verify_stripe_signature(BODY.encode(), header, "whsec_other")
    old = stripe.WebhookSignature.generate_signature_header(BODY, SECRET, timestamp=int(time.time()) - 301)
    with pytest.raises(SignatureError, match="too old"):
        verify_stripe_signature(BODY.encode(), old, SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(BODY, old, SECRET, tolerance=300)
    # Within the tolerance both accept.
    recent = stripe.WebhookSignature.generate_signature_header(BODY, SECRET, timestamp=int(time.time()) - 299)
    verify_stripe_signature(BODY.encode(), recent, SECRET)
    stripe.Webhook.construct_event(BODY, recent, SECRET, tolerance=300)


def test_a_rolled_secret_with_two_signatures_is_accepted():
    ts = int(time.time())
    ours = stripe.WebhookSignature.generate_signature_header(BODY, SECRET, timestamp=ts).split(",")[1]
    other = stripe.WebhookSignature.generate_signature_header(BODY, "whsec_old", timestamp=ts).split(",")[1]
    assert verify_stripe_signature(BODY.encode(), f"t={ts},{other},{ours}", SECRET) == ts

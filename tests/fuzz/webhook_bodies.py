"""Webhook bodies for the Stripe and PayPal tests: arbitrary JSON steered towards the
fields the parsers read, plus arbitrary text and bytes."""

from __future__ import annotations

from hypothesis import strategies as st

from handlers.payments import STRIPE_SUBJECTS
from tests.fuzz.strategies import ascii_word, json_text, json_values, short_text, tricky_text, utf8_bodies

SECRET = "whsec_fuzz_0123456789"
# Values of "object" that the SDK turns into its own classes (a list object reads "data").
OBJECT_NAMES = ["list", "search_result", "event", "checkout.session", "refund", "dispute", "charge", "file",
                "payment_intent", "customer"]

# Keys and values that steer the SDK into its object classes and our field lookups.
stripe_keys = st.one_of(st.sampled_from(["id", "object", "type", "data", "payment_intent", "url", "has_more"]), short_text)
stripe_values = json_values(stripe_keys)
stripe_objects = st.fixed_dictionaries(
    {},
    optional={
        "object": st.one_of(st.sampled_from(OBJECT_NAMES), stripe_values),
        "id": st.one_of(tricky_text(20), st.text(min_size=250, max_size=260), stripe_values),
        "payment_intent": st.one_of(tricky_text(20), stripe_values),
        "data": stripe_values,
    },
)
stripe_events = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.just("evt_1"), tricky_text(20), st.text(min_size=250, max_size=260), stripe_values),
        "object": st.one_of(st.just("event"), st.sampled_from(OBJECT_NAMES), stripe_values),
        "type": st.one_of(st.sampled_from(sorted(STRIPE_SUBJECTS)), tricky_text(20), stripe_values),
        "data": st.one_of(st.fixed_dictionaries({}, optional={"object": st.one_of(stripe_objects, stripe_values)}),
                          stripe_values),
    },
)
# Well-formed but for the object, so that many examples reach the subject lookup.
stripe_subject_events = st.fixed_dictionaries({
    "id": ascii_word,
    "type": st.sampled_from(sorted(STRIPE_SUBJECTS)),
    "data": st.fixed_dictionaries({"object": stripe_objects}),
})
stripe_bodies = st.one_of(
    json_text(stripe_events), json_text(stripe_subject_events), json_text(stripe_values), utf8_bodies()
)

paypal_values = json_values(st.one_of(st.sampled_from(["id", "event_type", "resource", "order_id"]), short_text))
paypal_events = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.just("WH-1"), tricky_text(20), st.text(min_size=250, max_size=260), paypal_values),
        "event_type": st.one_of(
            st.sampled_from(["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.REFUNDED"]),
            tricky_text(20), paypal_values,
        ),
        "resource": st.one_of(
            st.fixed_dictionaries({}, optional={
                "id": st.one_of(st.just("5O190127TN364715T"), tricky_text(70), paypal_values),
                "supplementary_data": st.one_of(
                    st.fixed_dictionaries({"related_ids": st.fixed_dictionaries(
                        {}, optional={"order_id": st.one_of(tricky_text(70), paypal_values)})}),
                    paypal_values,
                ),
            }),
            paypal_values,
        ),
    },
)
paypal_bodies = st.one_of(
    st.binary(max_size=300),
    utf8_bodies().map(str.encode),
    json_text(paypal_values).map(str.encode),
    json_text(paypal_events).map(str.encode),
)

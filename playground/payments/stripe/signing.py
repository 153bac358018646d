"""The Stripe-Signature header, computed as Stripe documents it.

`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the endpoint secret>`;
`stripe.Webhook.construct_event` verifies exactly this.
"""

from __future__ import annotations

import hashlib
import hmac


def signature_header(secret: str, payload: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"

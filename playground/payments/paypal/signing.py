"""Webhook transmissions and their verification (PayPal's verify-webhook-signature).

PayPal signs `transmission_id|transmission_time|webhook_id|crc32(body)` with RSA and
publishes a certificate. The sandbox has no certificate: it signs the same kind of
string, with a SHA-256 digest of the event instead of CRC32, by HMAC under a secret
per webhook, and remembers every transmission. Verification therefore succeeds
only for headers this sandbox really sent, for that webhook, with the event
unaltered. The event is compared in canonical JSON (sorted keys), because the
verify call passes it back as parsed JSON, not as the raw bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any

AUTH_ALGO = "SHA256withRSA"  # what PayPal sends; the value is checked, not used


@dataclass(frozen=True)
class Transmission:
    id: str
    time: str
    webhook_id: str
    event_id: str
    signature: str
    cert_url: str
    auth_algo: str
    secret: str


def canonical(event: Any) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, transmission_id: str, time: str, webhook_id: str, event: Any) -> str:
    digest = hashlib.sha256(canonical(event)).hexdigest()
    message = f"{transmission_id}|{time}|{webhook_id}|{digest}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


class Transmissions:
    def __init__(self) -> None:
        self._sent: dict[str, Transmission] = {}

    def record(self, *, secret: str, webhook_id: str, event_id: str, event: Any, time: str,
               cert_url: str) -> Transmission:
        transmission_id = str(uuid.uuid4())
        signature = sign(secret, transmission_id, time, webhook_id, event)
        sent = Transmission(transmission_id, time, webhook_id, event_id, signature, cert_url,
                            AUTH_ALGO, secret)
        self._sent[transmission_id] = sent
        return sent

    def verify(self, *, auth_algo: str, cert_url: str, transmission_id: str,
               transmission_sig: str, transmission_time: str, webhook_id: str,
               webhook_event: Any) -> bool:
        sent = self._sent.get(transmission_id)
        if sent is None:
            return False
        if (sent.webhook_id, sent.time, sent.cert_url, sent.auth_algo) != (
                webhook_id, transmission_time, cert_url, auth_algo):
            return False
        if not hmac.compare_digest(sent.signature, transmission_sig):
            return False
        expected = sign(sent.secret, transmission_id, transmission_time, webhook_id, webhook_event)
        return hmac.compare_digest(expected, transmission_sig)

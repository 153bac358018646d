"""Stripe's Idempotency-Key: a retried POST gets the first answer, not a second object.

Keys are scoped to the API key (Stripe scopes them to the account) and kept for 24
hours. As at Stripe, the first answer is saved once the endpoint began executing,
whatever it was: a success, a 4xx refusal (an amount too small, a charge already
refunded) or a 500. A retry with the same key and parameters gets that answer again,
so an app that retries a refused call under the same key keeps being refused. Nothing
is saved when the request never reached execution: parameters that fail validation
(a corrected retry with the same key goes through), a bad API key, or the outage
switch (the request never got past the front door).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.payments.clock import Clock
from playground.payments.stripe.errors import StripeError

KEY_LIFETIME = 24 * 60 * 60
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Saved:
    path: str
    params: dict[str, Any]
    status: int
    body: dict[str, Any]
    created: float


class IdempotencyStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._saved: dict[tuple[str, str], Saved] = {}

    def replay(self, scope: str, key: str, path: str, params: dict[str, Any]) -> Saved | None:
        """The saved answer for this key, None if new; a mismatch is Stripe's 400."""
        if len(key) > MAX_KEY_LENGTH:
            raise StripeError.invalid("Idempotency-Key", "Idempotency keys can be at most "
                                      f"{MAX_KEY_LENGTH} characters long.")
        saved = self._saved.get((scope, key))
        if saved is None:
            return None
        if self._clock() - saved.created > KEY_LIFETIME:
            del self._saved[(scope, key)]
            return None
        if saved.path != path:
            raise StripeError.idempotency(
                "Keys for idempotent requests can only be used for the same endpoint they "
                f"were first used for ('{saved.path}' vs '{path}'). Try using a key other "
                f"than '{key}' if you meant to execute a different request.")
        if saved.params != params:
            raise StripeError.idempotency(
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.")
        return saved

    def save(self, scope: str, key: str, path: str, params: dict[str, Any], status: int,
             body: dict[str, Any]) -> None:
        self._saved[(scope, key)] = Saved(path, params, status, body, self._clock())

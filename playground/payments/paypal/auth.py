"""PayPal's OAuth 2 client-credentials flow and the Bearer tokens it hands out."""

from __future__ import annotations

from dataclasses import dataclass

from playground.payments.clock import Clock
from playground.payments.ids import hex_token

TOKEN_LIFETIME = 32_400  # seconds, what PayPal answers in expires_in


@dataclass(frozen=True)
class Token:
    value: str
    client_id: str
    expires_at: float


class Tokens:
    def __init__(self, clock: Clock, clients: dict[str, str] | None) -> None:
        self._clock = clock
        # None: any non-empty client_id:secret pair is a valid app.
        self._clients = dict(clients) if clients is not None else None
        self._tokens: dict[str, Token] = {}

    def accepts(self, client_id: str, secret: str) -> bool:
        if not client_id or not secret:
            return False
        return self._clients is None or self._clients.get(client_id) == secret

    def issue(self, client_id: str) -> Token:
        token = Token(f"A21AA{hex_token(24)}", client_id, self._clock() + TOKEN_LIFETIME)
        self._tokens[token.value] = token
        return token

    def check(self, value: str) -> Token | None:
        token = self._tokens.get(value)
        if token is None or token.expires_at <= self._clock():
            return None
        return token

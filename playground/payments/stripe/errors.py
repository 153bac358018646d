"""Stripe's error answers: {"error": {"type", "message", "code", "doc_url", "param",
"request_log_url"}}."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from playground.payments.httputil import json_response

INVALID_REQUEST = "invalid_request_error"


class StripeError(Exception):
    def __init__(self, status: int, type: str, message: str, *,
                 code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.param = param

    def to_json(self, request_log_url: str | None = None) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        if request_log_url:
            error["request_log_url"] = request_log_url
        return {"error": error}

    def response(self, headers: dict[str, str] | None = None,
                 request_log_url: str | None = None) -> web.Response:
        return json_response(self.to_json(request_log_url), self.status, headers)

    # --- the answers Stripe gives, by kind -----------------------------------------

    @classmethod
    def missing(cls, param: str) -> "StripeError":
        return cls(400, INVALID_REQUEST, f"Missing required param: {param}.",
                   code="parameter_missing", param=param)

    @classmethod
    def unknown(cls, param: str) -> "StripeError":
        return cls(400, INVALID_REQUEST, f"Received unknown parameter: {param}",
                   code="parameter_unknown", param=param)

    @classmethod
    def invalid_integer(cls, param: str, value: Any) -> "StripeError":
        return cls(400, INVALID_REQUEST, f"Invalid integer: {value}",
                   code="parameter_invalid_integer", param=param)

    @classmethod
    def invalid(cls, param: str, message: str, code: str | None = None) -> "StripeError":
        return cls(400, INVALID_REQUEST, message, code=code, param=param)

    @classmethod
    def unsupported(cls, param: str) -> "StripeError":
        # Honest about the sandbox's limits rather than silently ignoring a parameter.
        return cls(400, INVALID_REQUEST,
                   f"The playground Stripe sandbox does not support `{param}`.", param=param)

    @classmethod
    def no_such(cls, kind: str, object_id: str, param: str = "id") -> "StripeError":
        return cls(404, INVALID_REQUEST, f"No such {kind}: '{object_id}'",
                   code="resource_missing", param=param)

    @classmethod
    def amount_too_small(cls, param: str, message: str) -> "StripeError":
        return cls(400, INVALID_REQUEST, message, code="amount_too_small", param=param)

    @classmethod
    def amount_too_large(cls, param: str, message: str) -> "StripeError":
        return cls(400, INVALID_REQUEST, message, code="amount_too_large", param=param)

    @classmethod
    def idempotency(cls, message: str) -> "StripeError":
        return cls(400, "idempotency_error", message)

    @classmethod
    def api_error(cls, status: int,
                  message: str = "An unknown error occurred. The playground's outage "
                  "switch is on.") -> "StripeError":
        return cls(status, "api_error", message)

    @classmethod
    def no_api_key(cls) -> "StripeError":
        return cls(401, INVALID_REQUEST,
                   "You did not provide an API key. You need to provide your API key in the "
                   "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                   "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for "
                   "details, or we can help at https://support.stripe.com/.")

    @classmethod
    def bad_api_key(cls, key: str) -> "StripeError":
        shown = f"{key[:8]}{'*' * 4}{key[-4:]}" if len(key) > 12 else key
        return cls(401, INVALID_REQUEST, f"Invalid API Key provided: {shown}")

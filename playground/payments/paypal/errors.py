"""PayPal's error answers: {name, message, debug_id, details: [{issue, description}], links}."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from playground.payments.httputil import json_response
from playground.payments.ids import hex_token

_MESSAGES = {
    "INVALID_REQUEST": "Request is not well-formed, syntactically incorrect, or violates schema.",
    "UNPROCESSABLE_ENTITY": "The requested action could not be performed, semantically "
                            "incorrect, or failed business validation.",
    "RESOURCE_NOT_FOUND": "The specified resource does not exist.",
    "AUTHENTICATION_FAILURE": "Authentication failed due to invalid authentication "
                              "credentials or a missing Authorization header.",
    "INTERNAL_SERVER_ERROR": "An internal server error has occurred.",
    "SERVICE_UNAVAILABLE": "Service Unavailable.",
}
_ISSUE_TEXTS = {
    "MISSING_REQUIRED_PARAMETER": "A required field / parameter is missing.",
    "INVALID_PARAMETER_VALUE": "The value of a field is invalid.",
    "INVALID_PARAMETER_SYNTAX": "The value of a field does not conform to the expected format.",
    "DECIMAL_PRECISION": "If the currency supports decimals, only two decimal place precision "
                         "is supported.",
    "MALFORMED_REQUEST_JSON": "The request JSON is not well formed.",
    "INVALID_RESOURCE_ID": "Specified resource ID does not exist. Please check the resource ID "
                           "and try again.",
    "ORDER_NOT_APPROVED": "Payer has not yet approved the Order for payment. Please redirect "
                          "the payer to the 'rel':'approve' url returned as part of the HATEOAS "
                          "links within Create Order call or provide a valid payment_source in "
                          "the request.",
    "ORDER_ALREADY_CAPTURED": "Order already captured.If 'intent=CAPTURE' only one capture per "
                              "order is allowed.",
    "CAPTURE_FULLY_REFUNDED": "The capture has already been fully refunded.",
    "REFUND_AMOUNT_EXCEEDED": "The refund amount must be less than or equal to the capture "
                              "amount that has not yet been refunded.",
    "CURRENCY_MISMATCH": "The currency of the refund must match the currency of the capture.",
    "PAYPAL_REQUEST_ID_PREVIOUSLY_USED": "The PayPal-Request-Id has already been used for "
                                         "another request.",
}


class PayPalError(Exception):
    def __init__(self, status: int, name: str, details: list[dict[str, Any]] | None = None,
                 message: str | None = None) -> None:
        self.status = status
        self.name = name
        self.message = message or _MESSAGES.get(name, name)
        self.details = details or []
        super().__init__(f"{name}: {self.message}")

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "message": self.message,
                                "debug_id": hex_token(7)}
        if self.details:
            body["details"] = self.details
            issue = self.details[0]["issue"]
            body["links"] = [{"href": f"https://developer.paypal.com/docs/api/orders/v2/#error-{issue}",
                              "rel": "information_link", "method": "GET"}]
        return body

    def response(self) -> web.Response:
        body = self.to_json()
        return json_response(body, self.status, {"Paypal-Debug-Id": body["debug_id"]})

    # --- by kind -------------------------------------------------------------------------

    @classmethod
    def invalid(cls, field: str, issue: str, value: Any = None,
                description: str | None = None) -> "PayPalError":
        detail: dict[str, Any] = {"field": field, "location": "body", "issue": issue,
                                  "description": description or _ISSUE_TEXTS.get(issue, issue)}
        if value is not None:
            detail["value"] = str(value)
        return cls(400, "INVALID_REQUEST", [detail])

    @classmethod
    def unprocessable(cls, issue: str, description: str | None = None) -> "PayPalError":
        return cls(422, "UNPROCESSABLE_ENTITY",
                   [{"issue": issue, "description": description or _ISSUE_TEXTS.get(issue, issue)}])

    @classmethod
    def not_found(cls) -> "PayPalError":
        return cls(404, "RESOURCE_NOT_FOUND",
                   [{"issue": "INVALID_RESOURCE_ID",
                     "description": _ISSUE_TEXTS["INVALID_RESOURCE_ID"]}])

    @classmethod
    def unauthenticated(cls) -> "PayPalError":
        return cls(401, "AUTHENTICATION_FAILURE")

    @classmethod
    def outage(cls, status: int) -> "PayPalError":
        return cls(status, "SERVICE_UNAVAILABLE" if status == 503 else "INTERNAL_SERVER_ERROR")

"""An async client of the payment sandboxes' pages and control routes, for tests.

    async with PaymentsClient(base_url) as pay:
        await pay.add_stripe_webhook(receiver_url, secret="whsec_test")
        result = await pay.pay(session_id)          # the customer presses "Pay"
        await pay.set_delivery("stripe", duplicates=2)
        await pay.fail_next("stripe", 1)            # the next API call answers 503

The page actions are the same routes the HTML buttons post to; the client asks
for JSON instead of a redirect. `provider` is "stripe" or "paypal".
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Literal


from playground.httpclient import SessionOwner

Provider = Literal["stripe", "paypal"]


class PaymentsError(Exception):
    """A page action or control route refused the request."""

    def __init__(self, status: int, reason: str, body: Any = None) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason
        self.body = body


class PaymentsClient(SessionOwner):
    # --- plumbing ------------------------------------------------------------------------

    async def _request(self, method: str, path: str, *, json: Any = None,
                       params: dict[str, Any] | None = None) -> Any:
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        async with self._http().request(method, f"{self.base_url}{path}", json=json,
                                        params=query,
                                        headers={"Accept": "application/json"}) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                reason = body.get("error") if isinstance(body, dict) else body
                raise PaymentsError(response.status, str(reason), body)
            return body

    async def _page(self, path: str) -> str:
        async with self._http().get(f"{self.base_url}{path}") as response:
            text = await response.text()
            if response.status >= 400:
                raise PaymentsError(response.status, "page not found")
            return text

    # --- Stripe's hosted pay page ----------------------------------------------------------

    async def stripe_page(self, session_id: str) -> str:
        return await self._page(f"/pay/stripe/{session_id}")

    async def pay(self, session_id: str) -> dict[str, Any]:
        """Press "Pay": {"session", "redirect_url" (success_url), "error"}."""
        return await self._request("POST", f"/pay/stripe/{session_id}/pay")

    async def pay_late(self, session_id: str) -> dict[str, Any]:
        """Pay even though the session expired (a payment arriving after expiry)."""
        return await self._request("POST", f"/pay/stripe/{session_id}/pay-late")

    async def decline(self, session_id: str) -> dict[str, Any]:
        """Press "Fail": the card is declined, the session stays open and unpaid."""
        return await self._request("POST", f"/pay/stripe/{session_id}/fail")

    async def cancel_payment(self, session_id: str) -> dict[str, Any]:
        """Press "Cancel": {"redirect_url": cancel_url}; the session stays open."""
        return await self._request("POST", f"/pay/stripe/{session_id}/cancel")

    async def pay_by_debit(self, session_id: str) -> dict[str, Any]:
        """Press "Pay by SEPA Direct Debit": the session completes unpaid, the intent is
        processing until settle_debit."""
        return await self._request("POST", f"/pay/stripe/{session_id}/pay-sepa")

    async def settle_debit(self, session_id: str,
                           outcome: Literal["succeeded", "failed"]) -> dict[str, Any]:
        """The bank's answer to a processing SEPA debit; the session as Stripe shows it."""
        return await self._request("POST", f"/control/stripe/sessions/{session_id}/settle",
                                   json={"outcome": outcome})

    async def set_refund_mode(self, mode: Literal["succeeded", "pending", "failed"], *,
                              failure_reason: str | None = None) -> dict[str, Any]:
        """How the next Stripe refunds go: {"mode", "failure_reason"}."""
        return await self._request("POST", "/control/stripe/refunds/mode",
                                   json=_fields(mode=mode, failure_reason=failure_reason))

    async def refund_mode(self) -> dict[str, Any]:
        return await self._request("GET", "/control/stripe/refunds/mode")

    async def settle_refund(self, refund_id: str, outcome: Literal["succeeded", "failed"], *,
                            failure_reason: str | None = None) -> dict[str, Any]:
        """Settle a pending Stripe refund; the refund as Stripe shows it."""
        return await self._request("POST", f"/control/stripe/refunds/{refund_id}/settle",
                                   json=_fields(outcome=outcome, failure_reason=failure_reason))

    async def dashboard_refund(self, payment_intent: str) -> dict[str, Any]:
        """Refund what is left of a payment as an operator would in the Stripe Dashboard."""
        return await self._request("POST",
                                   f"/control/stripe/payment_intents/{payment_intent}/refund")

    async def open_dispute(self, payment_intent: str, *,
                           reason: str = "fraudulent") -> dict[str, Any]:
        """The customer's bank charges the payment back; the Dispute object."""
        return await self._request("POST",
                                   f"/control/stripe/payment_intents/{payment_intent}/dispute",
                                   json={"reason": reason})

    async def sweep(self) -> list[str]:
        """Expire Stripe sessions whose expires_at has passed (after moving a test clock)."""
        return (await self._request("POST", "/control/stripe/sweep"))["expired"]

    async def stripe_sessions(self) -> list[dict[str, Any]]:
        return await self._request("GET", "/control/stripe/sessions")

    # --- PayPal's approval page ---------------------------------------------------------

    async def paypal_page(self, order_id: str) -> str:
        return await self._page(f"/pay/paypal/{order_id}")

    async def approve(self, order_id: str) -> dict[str, Any]:
        """Press "Approve": {"order", "redirect_url" (return_url?token=…&PayerID=…), "error"}."""
        return await self._request("POST", f"/pay/paypal/{order_id}/approve")

    async def approve_late(self, order_id: str) -> dict[str, Any]:
        return await self._request("POST", f"/pay/paypal/{order_id}/approve-late")

    async def fail_approval(self, order_id: str) -> dict[str, Any]:
        return await self._request("POST", f"/pay/paypal/{order_id}/fail")

    async def cancel_approval(self, order_id: str) -> dict[str, Any]:
        return await self._request("POST", f"/pay/paypal/{order_id}/cancel")

    async def paypal_orders(self) -> list[dict[str, Any]]:
        return await self._request("GET", "/control/paypal/orders")

    # --- webhooks ----------------------------------------------------------------------------

    async def add_stripe_webhook(self, url: str, *, secret: str | None = None,
                                 events: list[str] | None = None) -> dict[str, Any]:
        """{"id", "url", "secret", "events"}; the secret is made when not given."""
        return await self._request("POST", "/control/stripe/webhooks",
                                   json=_fields(url=url, secret=secret, events=events))

    async def add_paypal_webhook(self, url: str, *, webhook_id: str | None = None,
                                 events: list[str] | None = None) -> dict[str, Any]:
        """{"webhook_id", "url", "events"}."""
        return await self._request("POST", "/control/paypal/webhooks",
                                   json=_fields(url=url, webhook_id=webhook_id, events=events))

    async def webhooks(self, provider: Provider) -> list[dict[str, Any]]:
        return await self._request("GET", f"/control/{provider}/webhooks")

    async def remove_webhook(self, provider: Provider, webhook_id: str) -> None:
        await self._request("DELETE", f"/control/{provider}/webhooks/{webhook_id}")

    # --- delivery switches and the log --------------------------------------------------------

    async def delivery(self, provider: Provider) -> dict[str, Any]:
        """The settings and {"pending": {endpoint id: queued deliveries}}."""
        return await self._request("GET", f"/control/{provider}/delivery")

    async def set_delivery(self, provider: Provider, **switches: Any) -> dict[str, Any]:
        """duplicates, order ("in_order"/"reverse"/"shuffle"), window, delay, paused, seed,
        max_attempts, retry_initial, retry_max, timeout."""
        return await self._request("PATCH", f"/control/{provider}/delivery", json=switches)

    async def pause(self, provider: Provider) -> dict[str, Any]:
        return await self.set_delivery(provider, paused=True)

    async def resume(self, provider: Provider) -> dict[str, Any]:
        return await self.set_delivery(provider, paused=False)

    async def deliveries(self, provider: Provider, *, event_id: str | None = None,
                         event_type: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        """Every delivery attempt: {seq, endpoint_id, url, event_id, event_type, copy,
        attempt, status, error, ok, gave_up, time}."""
        body = await self._request("GET", f"/control/{provider}/deliveries",
                                   params={"event_id": event_id, "event_type": event_type,
                                           "after": after})
        return body["deliveries"]

    async def wait_deliveries(self, provider: Provider,
                              predicate: Callable[[list[dict[str, Any]]], bool], *,
                              timeout: float = 5.0) -> list[dict[str, Any]]:
        """Long-poll the log until predicate(all attempts) holds; TimeoutError otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            body = await self._request("GET", f"/control/{provider}/deliveries")
            if predicate(body["deliveries"]):
                return body["deliveries"]
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"{provider} deliveries did not reach the expected state")
            await self._request("GET", f"/control/{provider}/deliveries",
                                params={"after": body["last_seq"], "timeout": min(left, 5.0)})

    # --- outage ---------------------------------------------------------------------------

    async def fail_next(self, provider: Provider, n: int, *, status: int = 503,
                        mode: Literal["error", "disconnect"] = "error") -> dict[str, Any]:
        """The next n API calls fail: `status` with the provider's error body, or a dropped
        connection with mode="disconnect"."""
        return await self._request("PATCH", f"/control/{provider}/outage",
                                   json={"fail_next": n, "status": status, "mode": mode})

    async def set_outage(self, provider: Provider, **fields: Any) -> dict[str, Any]:
        """fail_next, down (every call fails until false), status, mode."""
        return await self._request("PATCH", f"/control/{provider}/outage", json=fields)

    async def outage(self, provider: Provider) -> dict[str, Any]:
        """{"fail_next", "down", "status", "mode", "failed" (calls refused so far)}."""
        return await self._request("GET", f"/control/{provider}/outage")


def _fields(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}

"""The hosted pay page of a Checkout Session: GET /pay/stripe/{session_id}.

Its buttons are plain forms posting to /pay/stripe/{session_id}/{action}:
`pay`, `pay-late` (pays even an expired session), `fail` (a declined card) and
`cancel`. A browser gets a 303 redirect (success_url, cancel_url or back to the
page); a script sending `Accept: application/json` gets
{"session", "redirect_url", "error"} instead.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from aiohttp import web

from playground.payments import pages
from playground.payments.httputil import json_response, wants_json
from playground.payments.money import display, stripe_digits
from playground.payments.stripe.api import ACTION_ROUTE, PAGE_ROUTE
from playground.payments.stripe.objects import CheckoutSession
from playground.payments.stripe.sandbox import ActionRefused, StripeSandbox

ACTIONS = ("pay", "pay-late", "fail", "cancel")


class StripePayPage:
    def __init__(self, sandbox: StripeSandbox) -> None:
        self.sandbox = sandbox

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/pay/stripe/{session_id}", self.show, name=PAGE_ROUTE)
        app.router.add_post("/pay/stripe/{session_id}/{action}", self.act, name=ACTION_ROUTE)

    async def show(self, request: web.Request) -> web.Response:
        self.sandbox.sweep()
        session = self.sandbox.sessions.get(request.match_info["session_id"])
        if session is None:
            return pages.not_found("No such Checkout Session.")
        return pages.page("Stripe Checkout (playground)", self._render(request, session))

    async def act(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        session = self.sandbox.sessions.get(request.match_info["session_id"])
        if session is None or action not in ACTIONS:
            if wants_json(request):
                return json_response({"error": "no such session or action"}, 404)
            return pages.not_found("No such Checkout Session or action.")
        self.sandbox.sweep()
        error: str | None = None
        redirect: str | None = None
        refused = False
        try:
            if action == "pay":
                self.sandbox.pay(session.id)
                redirect = _fill(session.success_url, session)
            elif action == "pay-late":
                self.sandbox.pay(session.id, late=True)
                redirect = _fill(session.success_url, session)
            elif action == "fail":
                self.sandbox.decline(session.id)
                error = session.last_error
            else:
                redirect = _fill(session.cancel_url, session)
        except ActionRefused as reason:
            error = session.last_error = str(reason)
            refused = True
        if wants_json(request):
            return json_response({"session": session.to_json(), "redirect_url": redirect,
                                  "error": error}, 409 if refused else 200)
        target = redirect or str(request.app.router[PAGE_ROUTE].url_for(session_id=session.id))
        raise web.HTTPSeeOther(target)

    def _render(self, request: web.Request, session: CheckoutSession) -> str:
        digits = stripe_digits(session.currency)
        lines = [(f"{item.name} × {item.quantity}", display(item.amount, session.currency, digits))
                 for item in session.line_items]
        parts = ["<h1>Pay with card</h1>",
                 pages.message("Stripe Checkout stand-in: test mode, no money moves."),
                 pages.rows(lines, ("Total", display(session.amount_total, session.currency, digits)))]
        if session.last_error:
            parts.append(pages.message(session.last_error, "error"))

        def action(name: str) -> str:
            return str(request.app.router[ACTION_ROUTE].url_for(session_id=session.id, action=name))

        if session.status == "open":
            expires = datetime.fromtimestamp(session.expires_at, tz=timezone.utc)
            parts.append(pages.message(f"Expires at {expires:%Y-%m-%d %H:%M} UTC."))
            parts += [pages.button(action("pay"), "Pay", primary=True),
                      pages.button(action("fail"), "Fail (card declined)"),
                      pages.button(action("pay-late"), "Pay late"),
                      pages.button(action("cancel"), "Cancel")]
        elif session.status == "expired":
            parts.append(pages.message("This Checkout Session has expired.", "error"))
            parts += [pages.button(action("pay-late"), "Pay late (after expiry)"),
                      pages.button(action("cancel"), "Back")]
        else:
            parts.append(pages.message("Paid. Thank you!", "ok"))
            success = _fill(session.success_url, session)
            if success:
                parts.append(f'<p><a href="{escape(success)}">Continue</a></p>')
        return "".join(parts)


def _fill(url: str | None, session: CheckoutSession) -> str | None:
    """Stripe replaces the {CHECKOUT_SESSION_ID} template in success and cancel URLs."""
    return url.replace("{CHECKOUT_SESSION_ID}", session.id) if url else None

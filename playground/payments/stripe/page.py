"""The hosted pay page of a Checkout Session: GET /pay/stripe/{session_id}.

Its buttons are plain forms posting to /pay/stripe/{session_id}/{action}:
`pay`, `pay-late` (pays even an expired session), `fail` (a declined card),
`pay-sepa` (SEPA Direct Debit: the session completes unpaid and settles later) and
`cancel`. Card buttons show only when the session allows `card`, the SEPA one only
when it allows `sepa_debit`. While a debit is processing the page offers
`settle-succeeded` and `settle-failed`, standing in for the bank's answer days later.
A browser gets a 303 redirect (success_url, cancel_url or back to the page); a
script sending `Accept: application/json` gets {"session", "redirect_url", "error"}.
"""

from __future__ import annotations

from html import escape
from typing import Callable

from aiohttp import web

from playground.payments import page_words, pages
from playground.payments.httputil import json_response, wants_json
from playground.payments.money import stripe_digits
from playground.payments.stripe.api import ACTION_ROUTE, PAGE_ROUTE
from playground.payments.stripe.objects import CheckoutSession
from playground.payments.stripe.sandbox import ActionRefused, StripeSandbox

ACTIONS = ("pay", "pay-late", "fail", "pay-sepa", "settle-succeeded", "settle-failed", "cancel")


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
        return pages.page("Stripe Checkout (playground)", self._render(request, session),
                          lang=page_words.language(session.locale))

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
            elif action == "pay-sepa":
                # Checkout sends the customer back at once; the money follows later.
                self.sandbox.pay_by_debit(session.id)
                redirect = _fill(session.success_url, session)
            elif action.startswith("settle-"):
                self.sandbox.settle_debit(session.id, action.removeprefix("settle-"))
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
        locale = session.locale

        def amount(minor: int) -> str:
            return page_words.amount(minor, session.currency, digits, locale)

        lines = [(f"{item.name} × {item.quantity}", amount(item.amount)) for item in session.line_items]
        parts = ["<h1>Checkout</h1>",
                 pages.message("Stripe Checkout stand-in: test mode, no money moves."),
                 pages.rows(lines, (page_words.word(locale, "total"), amount(session.amount_total)))]
        if session.last_error:
            parts.append(pages.message(session.last_error, "error"))

        def action(name: str) -> str:
            return str(request.app.router[ACTION_ROUTE].url_for(session_id=session.id, action=name))

        card = "card" in session.payment_method_types
        if session.status == "open":
            # Checkout shows no expiry of its own (the session may outlive what the
            # shop sells); the shop's words beside the pay button are what the buyer reads.
            if "submit" in session.custom_text:
                parts.append(pages.message(session.custom_text["submit"], "submit"))
            if card:
                parts += [pages.button(action("pay"), page_words.word(locale, "pay"), primary=True),
                          pages.button(action("fail"), "Fail (card declined)"),
                          pages.button(action("pay-late"), "Pay late")]
            if "sepa_debit" in session.payment_method_types:
                parts.append(pages.button(action("pay-sepa"),
                                          "Pay by SEPA Direct Debit (settles later)",
                                          primary=not card))
            parts.append(pages.button(action("cancel"), page_words.word(locale, "cancel")))
        elif session.status == "expired":
            parts.append(pages.message(page_words.word(locale, "expired"), "error"))
            if card:
                parts.append(pages.button(action("pay-late"), "Pay late (after expiry)"))
            parts.append(pages.button(action("cancel"), page_words.word(locale, "back")))
        else:
            parts += self._complete(session, action)
        if "after_submit" in session.custom_text:
            parts.append(pages.message(session.custom_text["after_submit"]))
        return "".join(parts)

    def _complete(self, session: CheckoutSession, action: Callable[[str], str]) -> list[str]:
        parts: list[str] = []
        intent = self.sandbox.payment_intents.get(session.payment_intent or "")
        if session.payment_status == "paid":
            parts.append(pages.message(page_words.word(session.locale, "paid"), "ok"))
        elif intent is not None and intent.status == "processing":
            parts += [pages.message("SEPA Direct Debit submitted: the payment is processing "
                                    "and settles later."),
                      pages.button(action("settle-succeeded"), "Settle: debit succeeds"),
                      pages.button(action("settle-failed"), "Settle: debit fails")]
        else:
            parts.append(pages.message("The SEPA Direct Debit failed: nothing was paid.", "error"))
        success = _fill(session.success_url, session)
        if success:
            parts.append(f'<p><a href="{escape(success)}">{escape(page_words.word(session.locale, "continue"))}</a></p>')
        return parts


def _fill(url: str | None, session: CheckoutSession) -> str | None:
    """Stripe replaces the {CHECKOUT_SESSION_ID} template in success and cancel URLs."""
    return url.replace("{CHECKOUT_SESSION_ID}", session.id) if url else None

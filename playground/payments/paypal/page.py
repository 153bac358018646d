"""The buyer's approval page of an order: GET /pay/paypal/{order_id}.

Its buttons are plain forms posting to /pay/paypal/{order_id}/{action}:
`approve` (then back to return_url?token=<order id>&PayerID=…), `approve-late`
(approves even an order past its approval window), `fail` (funding declined, the
order stays unapproved) and `cancel` (back to cancel_url?token=<order id>). A script
sending `Accept: application/json` gets {"order", "redirect_url", "error"}.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from aiohttp import web

from playground.payments import page_words, pages
from playground.payments.httputil import json_response, wants_json
from playground.payments.money import paypal_digits
from playground.payments.paypal.api import ACTION_ROUTE, PAGE_ROUTE
from playground.payments.paypal.objects import PAYER_ID, Order
from playground.payments.paypal.sandbox import ActionRefused, PayPalSandbox

ACTIONS = ("approve", "approve-late", "fail", "cancel")


class PayPalApprovePage:
    def __init__(self, sandbox: PayPalSandbox) -> None:
        self.sandbox = sandbox

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/pay/paypal/{order_id}", self.show, name=PAGE_ROUTE)
        app.router.add_post("/pay/paypal/{order_id}/{action}", self.act, name=ACTION_ROUTE)

    async def show(self, request: web.Request) -> web.Response:
        order = self.sandbox.orders.get(request.match_info["order_id"])
        if order is None:
            return pages.not_found("No such order.")
        return pages.page("PayPal (playground)", self._render(request, order),
                          lang=page_words.language(order.locale))

    async def act(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        order = self.sandbox.orders.get(request.match_info["order_id"])
        if order is None or action not in ACTIONS:
            if wants_json(request):
                return json_response({"error": "no such order or action"}, 404)
            return pages.not_found("No such order or action.")
        error: str | None = None
        redirect: str | None = None
        refused = False
        try:
            if action in ("approve", "approve-late"):
                self.sandbox.approve(order.id, late=action == "approve-late")
                redirect = _with_query(order.return_url, token=order.id, PayerID=PAYER_ID)
            elif action == "fail":
                self.sandbox.decline(order.id)
                error = order.last_error
            else:
                redirect = _with_query(order.cancel_url, token=order.id)
        except ActionRefused as reason:
            error = order.last_error = str(reason)
            refused = True
        if wants_json(request):
            return json_response({"order": order.to_json(), "redirect_url": redirect,
                                  "error": error}, 409 if refused else 200)
        target = redirect or str(request.app.router[PAGE_ROUTE].url_for(order_id=order.id))
        raise web.HTTPSeeOther(target)

    def _render(self, request: web.Request, order: Order) -> str:
        locale = order.locale

        def amount(minor: int, currency: str) -> str:
            return page_words.amount(minor, currency, paypal_digits(currency), locale)

        lines: list[tuple[str, str]] = []
        described: list[str] = []
        for unit in order.units:
            if not unit.items:  # the unit as one line, its description naming it
                lines.append((unit.description or unit.reference_id, amount(unit.amount, unit.currency)))
                continue
            # PayPal's page lists the items and says what the purchase is above them.
            described += [unit.description] if unit.description else []
            for item in unit.items:
                name = f"{item.name} × {item.quantity}" + (f" — {item.description}" if item.description else "")
                lines.append((name, amount(item.unit_amount * item.quantity, unit.currency)))
        currency = order.units[0].currency
        total = sum(u.amount for u in order.units if u.currency == currency)
        title = (page_words.word(locale, "pay-to", brand=order.brand_name) if order.brand_name
                 else page_words.word(locale, "pay-with-paypal"))
        parts = [f"<h1>{escape(title)}</h1>",
                 pages.message("PayPal stand-in: sandbox buyer, no money moves."),
                 *(pages.message(text, "submit") for text in described),
                 pages.rows(lines, (page_words.word(locale, "total"), amount(total, currency)))]
        if order.last_error:
            parts.append(pages.message(order.last_error, "error"))

        def action(name: str) -> str:
            return str(request.app.router[ACTION_ROUTE].url_for(order_id=order.id, action=name))

        if order.status in ("CREATED", "PAYER_ACTION_REQUIRED"):
            if self.sandbox.clock() > order.expires_at:
                parts.append(pages.message("This order has expired.", "error"))
            parts += [pages.button(action("approve"), page_words.word(locale, "approve"), primary=True),
                      pages.button(action("fail"), "Fail (funding declined)"),
                      pages.button(action("approve-late"), "Approve late"),
                      pages.button(action("cancel"), page_words.word(locale, "cancel"))]
        else:
            parts.append(pages.message(f"Order {order.status.lower()}.", "ok"))
        return "".join(parts)


def _with_query(url: str | None, **params: str) -> str | None:
    if not url:
        return None
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"

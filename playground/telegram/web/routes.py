"""Routes of the web chat: the page at `/` and its assets under `/webchat/`.

The page is plain HTML, CSS and ES modules served from `static/` (no build step, no
CDN). Every address in it is relative, so the chat also works when the playground is
mounted as a sub-app (open `/prefix/`). It talks to the control API only.
"""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).with_name("static")
# Flat folder, plain names: nothing like "../" can reach past it.
_ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(js|css|svg)$")
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Telegram's rule for start payloads
_CONTENT_TYPES = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}
# Message texts are only ever set as text nodes; the policy is a second fence in case
# a future change forgets that (no inline scripts, nothing from other origins).
_POLICY = ("default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
           "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
           "frame-ancestors 'none'")
# A developer tool that changes while it runs: always revalidate.
_NO_CACHE = {"Cache-Control": "no-cache"}


async def _page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html", headers={
        **_NO_CACHE, "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": _POLICY, "X-Content-Type-Options": "nosniff"})


async def _asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    match = _ASSET_NAME.match(name)
    path = STATIC / name
    if match is None or not path.is_file():
        raise web.HTTPNotFound(text="no such web chat asset")
    content_type = _CONTENT_TYPES[match.group(1)]
    return web.FileResponse(path, headers={
        **_NO_CACHE, "Content-Type": f"{content_type}; charset=utf-8",
        "X-Content-Type-Options": "nosniff"})


async def _deep_link(request: web.Request) -> web.StreamResponse:
    """A t.me link made for the playground (`<chat>/t.me/<bot>?start=…`): back to
    the web chat, which sends `/start …` for the acting user."""
    username = request.match_info["username"]
    start = request.query.get("start", "")
    if not _USERNAME.match(username) or (start and not _PAYLOAD.match(start)):
        raise web.HTTPBadRequest(text="not a deep link: t.me/<bot>?start=<1-64 of A-Z a-z 0-9 _ ->")
    query = {"bot": username, **({"start": start} if start else {})}
    raise web.HTTPFound(request.app.router["webchat"].url_for().with_query(query))


def setup_webchat(app: web.Application) -> None:
    """Serve the web chat at `/` of `app`, which must also carry the control API
    (`setup_telegram`), since the page calls it with relative addresses."""
    app.router.add_get("/", _page, name="webchat")
    app.router.add_get("/t.me/{username}", _deep_link)
    app.router.add_get("/webchat/{name}", _asset)

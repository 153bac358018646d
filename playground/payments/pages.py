"""The hosted pages: plain HTML with inline styles, no scripts, no external assets."""

from __future__ import annotations

from html import escape
from typing import Iterable

from aiohttp import web

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:2rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem;
box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.2rem;margin-top:0}table{width:100%;border-collapse:collapse}
td{padding:.3rem 0}td.n{text-align:right}tr.total td{border-top:1px solid #ccc;font-weight:bold}
.note{color:#555;font-size:.9rem}.error{color:#b00020;font-weight:bold}.ok{color:#0a7d32;font-weight:bold}
.submit{font-weight:bold;margin-bottom:0}
form{display:inline-block;margin:.8rem .4rem 0 0}
button{padding:.5rem 1rem;border-radius:4px;border:1px solid #888;background:#fff;cursor:pointer}
button.primary{background:#635bff;color:#fff;border-color:#635bff}
"""


def page(title: str, body: str, status: int = 200, lang: str = "en") -> web.Response:
    html = (f"<!doctype html><html lang=\"{escape(lang)}\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")
    return web.Response(text=html, content_type="text/html", status=status)


def button(action: str, label: str, *, primary: bool = False) -> str:
    css = ' class="primary"' if primary else ""
    return (f'<form method="post" action="{escape(action)}">'
            f'<button type="submit"{css}>{escape(label)}</button></form>')


def rows(lines: Iterable[tuple[str, str]], total: tuple[str, str]) -> str:
    cells = "".join(f"<tr><td>{escape(name)}</td><td class=\"n\">{escape(amount)}</td></tr>"
                    for name, amount in lines)
    return (f"<table>{cells}<tr class=\"total\"><td>{escape(total[0])}</td>"
            f"<td class=\"n\">{escape(total[1])}</td></tr></table>")


def message(text: str, css: str = "note") -> str:
    return f'<p class="{css}">{escape(text)}</p>'


def not_found(what: str) -> web.Response:
    return page("Not found", f"<h1>Not found</h1>{message(what)}", status=404)

"""Stripe's form encoding: `line_items[0][price_data][unit_amount]=1250`.

Brackets nest hashes; numeric keys (or `[]`) make arrays. Values stay strings: each
parameter is converted where it is read, with Stripe's error for that parameter.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from playground.payments.stripe.errors import StripeError

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def parse_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Nest bracketed keys into dicts and lists, as Stripe reads them."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise StripeError.invalid(key, f"Invalid parameter name: {key}")
        path = [match.group(1), *_PART.findall(match.group(2))]
        node = root
        for depth, part in enumerate(path):
            if part == "":
                part = str(len(node))  # `tags[]=a&tags[]=b` appends
            last = depth == len(path) - 1
            if last:
                if isinstance(node.get(part), dict):
                    raise StripeError.invalid(_name(path), "Invalid hash")
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise StripeError.invalid(_name(path[:depth + 1]), "Invalid hash")
                node = child
    return _arrays(root, "")  # type: ignore[return-value]


def _arrays(node: Any, name: str) -> Any:
    """Dicts whose keys are all indices become lists (0, 1, 2 ... without gaps)."""
    if not isinstance(node, dict):
        return node
    converted = {k: _arrays(v, f"{name}[{k}]" if name else k) for k, v in node.items()}
    if name and converted and all(k.isdigit() for k in converted):
        indices = sorted(int(k) for k in converted)
        if indices != list(range(len(indices))):
            raise StripeError.invalid(name, f"Invalid array: {name}")
        return [converted[str(i)] for i in indices]
    return converted


def _name(path: list[str]) -> str:
    return path[0] + "".join(f"[{p}]" for p in path[1:])

"""Deep-link payloads (``/start <payload>``): the one grammar, parsed and built here.

Telegram allows up to 64 characters of A-Z a-z 0-9 _ -. Every payload is untrusted:
whatever does not match a kind exactly is no link at all, and ids are bounded so that
nothing past this point meets a number the database cannot hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_PAYLOAD = 64
# Our ids are 32-bit database keys.
MAX_ID = 2**31 - 1
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ID = re.compile(r"[1-9][0-9]{0,9}")


class LinkKind(StrEnum):
    SHOW = "show"  # a showtime's seat map
    MOVIE = "movie"  # a movie's page
    PAID = "paid"  # back from a payment page: the booking
    UNPAID = "unpaid"  # back from a cancelled payment page: the booking


@dataclass(frozen=True, slots=True)
class DeepLink:
    kind: LinkKind
    id: int

    @property
    def payload(self) -> str:
        return f"{self.kind}_{self.id}"


def parse_id(text: str) -> int | None:
    """A database id written in ASCII digits, 1..2**31-1; None for anything else
    (``'²'.isdigit()`` is true, ``int('²')`` fails; 23 digits overflow a driver)."""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def parse_link(payload: str | None) -> DeepLink | None:
    """The link a ``/start`` payload names, or None (empty, malformed or unknown)."""
    if not payload or not _PAYLOAD.fullmatch(payload):
        return None
    prefix, sep, rest = payload.partition("_")
    if not sep:
        return None
    try:
        kind = LinkKind(prefix)
    except ValueError:
        return None
    value = parse_id(rest)
    return DeepLink(kind, value) if value is not None else None


def link_payload(kind: LinkKind, value: int) -> str:
    """The payload of a link to ``value``; refuses what parse_link would refuse."""
    link = DeepLink(kind, value)
    if parse_link(link.payload) != link:
        raise ValueError(f"not a valid {kind} link: {value!r}")
    return link.payload

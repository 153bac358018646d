"""Identifiers in the providers' own formats (random, so runs never collide)."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits


def stripe_id(prefix: str, length: int = 24) -> str:
    """`cs_test_a1B2…`, `pi_3N…`: a prefix and mixed-case letters and digits."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def paypal_id(length: int = 17) -> str:
    """Order, capture and refund ids look like 5O190127TN364715T."""
    return "".join(secrets.choice(_UPPER_ALNUM) for _ in range(length))


def hex_token(nbytes: int = 16) -> str:
    return secrets.token_hex(nbytes)

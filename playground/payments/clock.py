"""The sandboxes' sense of time: an injectable wall clock (Unix seconds)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Callable

# Wall-clock seconds, like time.time: Stripe timestamps, PayPal ISO times and the
# lazy expiry of sessions are all read from it, so tests can move time by hand.
Clock = Callable[[], float]

system_clock: Clock = time.time


def iso_time(seconds: float) -> str:
    """PayPal's Internet date-time format, e.g. 2024-05-01T12:00:00Z."""
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

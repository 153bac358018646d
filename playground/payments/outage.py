"""The outage switch: make a provider's API fail, to test checkout during an outage."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

MODES = ("error", "disconnect")


@dataclass
class Outage:
    """`fail_next` calls fail (or all while `down`), with `status` or a dropped connection."""

    fail_next: int = 0
    down: bool = False
    status: int = 503
    mode: str = "error"
    failed: int = 0  # calls refused so far, for assertions

    def take(self) -> bool:
        """Whether this API call must fail; counts it."""
        if self.down:
            self.failed += 1
            return True
        if self.fail_next > 0:
            self.fail_next -= 1
            self.failed += 1
            return True
        return False

    def update(self, changes: Mapping[str, Any]) -> None:
        known = {"fail_next", "down", "status", "mode"}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown outage setting {name!r}")
        fail_next = changes.get("fail_next", self.fail_next)
        down = changes.get("down", self.down)
        status = changes.get("status", self.status)
        mode = changes.get("mode", self.mode)
        if isinstance(fail_next, bool) or not isinstance(fail_next, int) or fail_next < 0:
            raise ValueError("fail_next must be an integer of at least 0")
        if not isinstance(down, bool):
            raise ValueError("down must be true or false")
        if status not in (500, 502, 503, 504):
            raise ValueError("status must be 500, 502, 503 or 504")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.fail_next, self.down, self.status, self.mode = fail_next, down, status, mode

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

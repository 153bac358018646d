"""A real Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Playwright never downloads a browser here: it starts the system one. When that is
missing the tests skip with a loud reason, or fail in CI
(CINEBOOKER_REQUIRE_SERVICES=1), like the other tests that need a service.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import AsyncIterator

import pytest

# The booking test needs the e2e suite's sample cinema.
from tests.e2e.conftest import cinema_db  # noqa: F401 - a fixture, used by name
from tests.services import require_or_skip

CHROMIUM = Path(os.environ.get("CINEBOOKER_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        require_or_skip("Chromium", f"{CHROMIUM} is missing; install it with "
                                    "`apt-get install -y chromium chromium-driver`")
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        require_or_skip("Playwright", f"the playwright package is not installed ({exc}); run `make install`")
    # Never fetch Playwright's own browser builds: the system Chromium is the one.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

"""Storage keys: where an invoice is filed, and which keys are safe at all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.storage import InvalidStorageKey, check_key, check_link_lifetime, invoice_key


def test_invoice_key_files_by_year_and_zero_padded_month() -> None:
    issued = datetime(2026, 3, 9, 12, 0, tzinfo=timezone.utc)

    assert invoice_key("CB-2026-000001", issued) == "invoices/2026/03/CB-2026-000001.pdf"


def test_invoice_key_uses_the_utc_month() -> None:
    # 00:30 on 1 January in Berlin is still 31 December in UTC.
    issued = datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))

    assert invoice_key("CB-2026-000099", issued) == "invoices/2026/12/CB-2026-000099.pdf"


def test_invoice_key_accepts_other_offsets_the_same_way() -> None:
    issued = datetime(2026, 6, 30, 22, 0, tzinfo=timezone(timedelta(hours=-5)))

    assert invoice_key("CB-1", issued) == "invoices/2026/07/CB-1.pdf"


def test_invoice_key_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        invoice_key("CB-1", datetime(2026, 1, 1))


@pytest.mark.parametrize("number", [
    "", "../CB-1", "CB/1", "CB\\1", "CB 1", "CB-1.pdf", "-CB", ".CB", "CB-1\n", "CB\x00", "Č-1", "A" * 65, None,
])
def test_invoice_key_refuses_unsafe_numbers(number: object) -> None:
    with pytest.raises(ValueError, match="invoice number"):
        invoice_key(number, datetime(2026, 1, 1, tzinfo=timezone.utc))  # type: ignore[arg-type]


def test_every_invoice_key_is_a_valid_storage_key() -> None:
    key = invoice_key("A" * 64, datetime(2026, 1, 1, tzinfo=timezone.utc))

    assert check_key(key) == key


@pytest.mark.parametrize("key", ["a.pdf", "invoices/2026/05/CB-2026-000001.pdf", "a/b_c/d-e.f.g", "9"])
def test_safe_keys_pass(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize("key", [
    "", "/abs.pdf", "../up.pdf", "a/../../up.pdf", "a/..", "..", ".", "./a", "a\\b", "C:/x", "a//b", "a/",
    ".env", "a/.git/config", "-rf", "tab\there", "nul\x00", "ü.pdf", "a" * 513, None, 5,
])
def test_unsafe_keys_fail(key: object) -> None:
    with pytest.raises(InvalidStorageKey) as caught:
        check_key(key)  # type: ignore[arg-type]

    assert isinstance(caught.value, ValueError)  # callers may catch it as bad input
    assert caught.value.code == "invalid_storage_key"


@pytest.mark.parametrize("seconds", [1, 300, 7 * 24 * 3600])
def test_link_lifetimes_within_seven_days_pass(seconds: int) -> None:
    assert check_link_lifetime(seconds) == seconds


@pytest.mark.parametrize("seconds", [0, -1, 7 * 24 * 3600 + 1, 2.0, True, "300"])
def test_link_lifetimes_outside_fail(seconds: object) -> None:
    with pytest.raises(ValueError, match="link lifetime"):
        check_link_lifetime(seconds)  # type: ignore[arg-type]

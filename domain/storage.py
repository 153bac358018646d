"""File storage: where issued documents (invoice PDFs) are kept.

The port is small on purpose: whole files in, whole files out, and a short-lived
link to hand a customer. Adapters: S3 (production) and the local disk (embedded).

Keys are plain relative paths made of safe segments (``invoices/2026/05/CB-2026-000001.pdf``).
They are checked here, once for every adapter, so a key can never climb out of the
storage root on disk nor mean different objects on different backends.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Protocol

from domain.errors import DomainError

# A segment starts with a letter or digit: that rules out "", ".", "..", hidden files
# (the local adapter's temporary files start with a dot, so no key can name one) and
# names starting with "-" that tools could read as options.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}")
MAX_KEY_LENGTH = 512  # S3 allows 1024 bytes; room left for a prefix

_INVOICE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")

# SigV4 presigned URLs cannot live longer than seven days.
MAX_LINK_SECONDS = 7 * 24 * 3600


class StorageError(DomainError):
    """Base of the storage errors. Raised as itself when the storage refused in a
    way retrying will not fix: configuration, credentials, permissions."""

    code = "storage_error"


class StoredFileMissing(StorageError):
    code = "stored_file_missing"

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored file under {key!r}", key=key)
        self.key = key


class StorageUnavailable(StorageError):
    """The storage did not answer or was overloaded; the same call may succeed later."""

    code = "storage_unavailable"


class InvalidStorageKey(StorageError, ValueError):
    """A key that is not a safe relative path; a bug in the caller, never retried."""

    code = "invalid_storage_key"

    def __init__(self, key: object, reason: str) -> None:
        super().__init__(f"invalid storage key {key!r}: {reason}", key=key, reason=reason)
        self.key = key


class FileStorage(Protocol):
    """Port for stored files. Every adapter validates keys with :func:`check_key`."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing what was there. Readers see the old
        file or the new one, never a mix."""
        ...

    async def get(self, key: str) -> bytes:
        """The stored bytes; :class:`StoredFileMissing` when there are none."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def link(self, key: str, expires_in: int = 300) -> str:
        """A URL that serves the file: presigned for ``expires_in`` seconds on S3,
        ``file://`` on the local disk. :class:`StoredFileMissing` when absent."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file; deleting a missing file is not an error."""
        ...


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe relative path, else raise InvalidStorageKey."""
    if not isinstance(key, str) or not key:
        raise InvalidStorageKey(key, "must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidStorageKey(key, f"longer than {MAX_KEY_LENGTH} characters")
    # fullmatch per segment: "/" at either end or "//" gives an empty segment, and
    # backslashes, drive letters and control characters match no segment.
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise InvalidStorageKey(key, f"segment {segment!r} is not [A-Za-z0-9][A-Za-z0-9._-]*")
    return key


def check_link_lifetime(expires_in: int) -> int:
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 1 <= expires_in <= MAX_LINK_SECONDS:
        raise ValueError(f"link lifetime must be 1..{MAX_LINK_SECONDS} seconds, not {expires_in!r}")
    return expires_in


def invoice_key(number: str, issued_at: datetime) -> str:
    """``invoices/YYYY/MM/NUMBER.pdf``, by the UTC month the invoice was issued in."""
    if not isinstance(number, str) or not _INVOICE_NUMBER.fullmatch(number):
        raise ValueError(f"invoice number must be 1-64 of A-Z a-z 0-9 and '-', not {number!r}")
    if issued_at.tzinfo is None:
        # A naive time could be local or UTC; guessing would file an invoice issued
        # around midnight on the 1st under the wrong month.
        raise ValueError("issued_at must be timezone-aware")
    utc = issued_at.astimezone(timezone.utc)
    return f"invoices/{utc.year:04d}/{utc.month:02d}/{number}.pdf"

"""Choose the file storage from CINEBOOKER_STORAGE_URL.

Accepted forms: ``file://./relative/dir`` (relative to the working directory),
``file:///absolute/dir`` and ``s3://bucket`` or ``s3://bucket/prefix``. Nothing is
contacted here; ``S3FileStorage.ensure_bucket()`` is the start-up check.
"""

from __future__ import annotations

import re
from pathlib import Path

from domain.storage import FileStorage, InvalidStorageKey, check_key
from infrastructure.storage.local import LocalFileStorage

ACCEPTED = "file://./relative/dir, file:///absolute/dir, s3://bucket or s3://bucket/prefix"
# S3's rules for new buckets: 3-63 of a-z 0-9 . -, starting and ending alphanumeric.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# Characters that would make the rest of the URL mean something else (query,
# fragment, credentials, a Windows path) are refused rather than guessed at.
_SUSPICIOUS = set("?#@\\")


def build_storage(storage_url: str, endpoint_url: str = "", create_bucket: bool = False) -> FileStorage:
    url = storage_url.strip()
    if _SUSPICIOUS & set(url):
        raise _bad(storage_url)
    if url.startswith("file://"):
        return LocalFileStorage(_local_root(url[len("file://"):], storage_url))
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://"):].partition("/")
        prefix = prefix.strip("/")
        if not _BUCKET.fullmatch(bucket) or ".." in bucket:
            raise _bad(storage_url, f"bucket name {bucket!r} is not 3-63 of a-z 0-9 . -")
        if prefix:
            try:
                check_key(prefix)
            except InvalidStorageKey:
                raise _bad(storage_url, f"prefix {prefix!r} is not a safe path") from None
        # Imported here: boto3 is only needed (and only loaded) when S3 is configured.
        from infrastructure.storage.s3 import S3FileStorage

        return S3FileStorage(bucket, endpoint_url=endpoint_url or None, create_bucket=create_bucket, prefix=prefix)
    raise _bad(storage_url)


def _local_root(rest: str, original: str) -> Path:
    # "file://var/storage" would read as a host named "var" to any URL parser, so a
    # relative path must say so with "./" or "../".
    if rest.startswith("/"):
        path = rest
    elif rest.startswith(("./", "../")):
        path = rest
    else:
        raise _bad(original)
    if not path.strip("/."):
        raise _bad(original, "no directory given")
    return Path(path).absolute()


def _bad(storage_url: str, why: str = "") -> ValueError:
    reason = f" ({why})" if why else ""
    return ValueError(f"CINEBOOKER_STORAGE_URL={storage_url!r} is not understood{reason}; use {ACCEPTED}")

"""One contract for every FileStorage adapter: local disk and S3.

S3 is moto's server over real HTTP (one server for the module, on a free port of
127.0.0.1), so boto3 signs, sends and parses every request as it would against AWS.
Each S3 test gets a bucket of its own instead of resetting the server.

moto does not check presigned signatures or their expiry (it only refuses unsigned
reads of private objects), so the link tests verify the signature themselves with
AWS's documented SigV4 algorithm: the link must be signed by our key, for this
object, for the lifetime asked for. That is exactly what real S3 checks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import socket
import stat
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import boto3
import pytest
from botocore.config import Config

from domain.storage import (
    FileStorage,
    InvalidStorageKey,
    StorageUnavailable,
    StoredFileMissing,
    invoice_key,
)
from infrastructure.storage import LocalFileStorage, build_storage
from infrastructure.storage.s3 import BucketMissing, S3FileStorage

from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY
PDF = "application/pdf"


# --- servers and credentials ----------------------------------------------------


@pytest.fixture
def raw_s3(moto_endpoint: str) -> Any:
    """A plain boto3 client to look at what the adapter stored."""
    return boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


def new_bucket() -> str:
    return f"cb-test-{uuid.uuid4().hex[:16]}"


# --- the harness: one storage per test, either adapter ------------------------


@dataclass
class Harness:
    kind: str
    storage: FileStorage


@pytest.fixture(params=["local", "s3"])
async def h(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    if request.param == "local":
        yield Harness("local", LocalFileStorage(tmp_path / "root"))
        return
    request.getfixturevalue("aws_env")
    endpoint = request.getfixturevalue("moto_endpoint")
    storage = S3FileStorage(new_bucket(), endpoint_url=endpoint, create_bucket=True)
    await storage.ensure_bucket()
    yield Harness("s3", storage)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def every_byte() -> bytes:
    return bytes(range(256)) * 64


# --- the contract -----------------------------------------------------------------


async def test_put_then_get_returns_the_same_bytes(h: Harness) -> None:
    data = every_byte()
    await h.storage.put("invoices/2026/05/CB-2026-000001.pdf", data, PDF)

    assert await h.storage.get("invoices/2026/05/CB-2026-000001.pdf") == data


async def test_an_empty_file_is_a_file(h: Harness) -> None:
    await h.storage.put("empty.pdf", b"", PDF)

    assert await h.storage.exists("empty.pdf")
    assert await h.storage.get("empty.pdf") == b""


async def test_put_replaces_what_was_there(h: Harness) -> None:
    await h.storage.put("a.pdf", b"first version, longer than the second", PDF)
    await h.storage.put("a.pdf", b"second", PDF)

    assert await h.storage.get("a.pdf") == b"second"


async def test_a_missing_file_raises_stored_file_missing(h: Harness) -> None:
    with pytest.raises(StoredFileMissing) as caught:
        await h.storage.get("invoices/2026/05/nope.pdf")

    assert caught.value.key == "invoices/2026/05/nope.pdf"
    assert caught.value.code == "stored_file_missing"


async def test_exists_follows_put_and_delete(h: Harness) -> None:
    assert not await h.storage.exists("a.pdf")
    await h.storage.put("a.pdf", b"x", PDF)
    assert await h.storage.exists("a.pdf")
    await h.storage.delete("a.pdf")
    assert not await h.storage.exists("a.pdf")
    with pytest.raises(StoredFileMissing):
        await h.storage.get("a.pdf")


async def test_delete_is_idempotent_and_touches_only_its_key(h: Harness) -> None:
    await h.storage.put("a.pdf", b"a", PDF)
    await h.storage.put("b.pdf", b"b", PDF)

    await h.storage.delete("a.pdf")
    await h.storage.delete("a.pdf")
    await h.storage.delete("never-stored.pdf")

    assert await h.storage.get("b.pdf") == b"b"


async def test_a_key_that_is_only_a_prefix_of_others_is_not_a_file(h: Harness) -> None:
    await h.storage.put("invoices/2026/05/CB-1.pdf", b"x", PDF)

    assert not await h.storage.exists("invoices/2026")
    with pytest.raises(StoredFileMissing):
        await h.storage.get("invoices/2026")
    with pytest.raises(StoredFileMissing):
        await h.storage.link("invoices/2026")
    await h.storage.delete("invoices/2026")
    assert await h.storage.get("invoices/2026/05/CB-1.pdf") == b"x"


async def test_invoice_keys_are_stored_under_their_month(h: Harness) -> None:
    key = invoice_key("CB-2026-000042", datetime(2026, 2, 28, 23, 30, tzinfo=timezone.utc))
    await h.storage.put(key, b"%PDF-1.7", PDF)

    assert await h.storage.get("invoices/2026/02/CB-2026-000042.pdf") == b"%PDF-1.7"


async def test_link_serves_the_stored_bytes(h: Harness) -> None:
    data = every_byte()
    await h.storage.put("invoices/2026/05/CB-7.pdf", data, PDF)

    url = await h.storage.link("invoices/2026/05/CB-7.pdf", expires_in=60)

    assert url.startswith("file://" if h.kind == "local" else "http://")
    assert await asyncio.to_thread(fetch, url) == data


async def test_link_to_a_missing_file_raises(h: Harness) -> None:
    with pytest.raises(StoredFileMissing):
        await h.storage.link("invoices/2026/05/nope.pdf")


@pytest.mark.parametrize("expires_in", [0, -5, 7 * 24 * 3600 + 1, 1.5, True])
async def test_link_lifetime_out_of_range_is_refused(h: Harness, expires_in: object) -> None:
    await h.storage.put("a.pdf", b"x", PDF)

    with pytest.raises(ValueError, match="link lifetime"):
        await h.storage.link("a.pdf", expires_in=expires_in)  # type: ignore[arg-type]


BAD_KEYS = [
    "", "../escape.pdf", "a/../../escape.pdf", "/etc/passwd", "a\\..\\escape.pdf", "C:/escape.pdf",
    "a//b.pdf", "a/b/", "./a.pdf", "a/./b.pdf", ".hidden", "a/..", "nul\x00.pdf", "new\nline.pdf",
    "space in.pdf", "x" * 600,
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_unsafe_keys_are_refused_by_every_method(h: Harness, key: str) -> None:
    for call in (
        h.storage.put(key, b"x", PDF), h.storage.get(key), h.storage.exists(key),
        h.storage.link(key), h.storage.delete(key),
    ):
        with pytest.raises(InvalidStorageKey):
            await call


async def test_concurrent_writers_never_leave_a_torn_file(h: Harness) -> None:
    """Readers racing writers see one whole version or another, never a mix or a
    truncated file (the local adapter writes a temp file and renames it)."""
    versions = [bytes([i]) * 200_000 for i in range(8)]
    await h.storage.put("race.pdf", versions[0], PDF)

    writes = [h.storage.put("race.pdf", v, PDF) for v in versions]
    reads = [h.storage.get("race.pdf") for _ in range(24)]
    results = await asyncio.gather(*writes, *reads)

    for seen in results[len(writes):]:
        assert seen in versions
    assert await h.storage.get("race.pdf") in versions


# --- local disk only --------------------------------------------------------------


async def test_local_escape_attempts_write_nothing_outside_the_root(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "root")
    for key in ("../escape.pdf", "/tmp/escape.pdf", "..\\escape.pdf"):
        with pytest.raises(InvalidStorageKey):
            await storage.put(key, b"x", PDF)

    assert sorted(p.name for p in tmp_path.iterdir()) == []


async def test_local_writes_leave_no_temporary_files_and_are_private(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path)
    await asyncio.gather(*(storage.put("d/a.pdf", bytes([i]) * 1000, PDF) for i in range(10)))

    assert [p.name for p in (tmp_path / "d").iterdir()] == ["a.pdf"]
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "d" / "a.pdf").stat().st_mode) == 0o600


async def test_local_link_is_an_absolute_file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    storage = LocalFileStorage(Path("store"))
    await storage.put("a.pdf", b"x", PDF)
    monkeypatch.chdir("/")  # a later chdir must not move the storage

    assert await storage.link("a.pdf") == (tmp_path / "store" / "a.pdf").as_uri()
    assert await storage.get("a.pdf") == b"x"


async def test_local_disk_trouble_is_storage_unavailable(tmp_path: Path) -> None:
    # A root that is a regular file: the directory for the key cannot be made.
    (tmp_path / "not-a-dir").write_bytes(b"")
    storage = LocalFileStorage(tmp_path / "not-a-dir")

    with pytest.raises(StorageUnavailable):
        await storage.put("a.pdf", b"x", PDF)


# --- S3 only ------------------------------------------------------------------------


@pytest.fixture
async def s3(aws_env: None, moto_endpoint: str) -> S3FileStorage:
    storage = S3FileStorage(new_bucket(), endpoint_url=moto_endpoint, create_bucket=True)
    await storage.ensure_bucket()
    return storage


async def test_s3_objects_are_encrypted_at_rest(s3: S3FileStorage, raw_s3: Any) -> None:
    await s3.put("a.pdf", b"x", PDF)

    head = raw_s3.head_object(Bucket=s3.bucket, Key="a.pdf")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == PDF


async def test_s3_objects_are_not_public(s3: S3FileStorage, moto_endpoint: str, raw_s3: Any) -> None:
    await s3.put("a.pdf", b"secret invoice", PDF)

    with pytest.raises(urllib.error.HTTPError) as caught:
        await asyncio.to_thread(fetch, f"{moto_endpoint}/{s3.bucket}/a.pdf")
    assert caught.value.code == 403
    grants = raw_s3.get_object_acl(Bucket=s3.bucket, Key="a.pdf")["Grants"]
    assert all("URI" not in g["Grantee"] for g in grants)  # no AllUsers / AuthenticatedUsers


def sigv4_query_signature_ok(url: str, secret_key: str) -> bool:
    """Verify a presigned GET URL as S3 does (AWS SigV4, query-string auth)."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(params).get("X-Amz-Signature", "")
    unsigned = sorted((k, v) for k, v in params if k != "X-Amz-Signature")
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in unsigned)
    canonical = "\n".join(["GET", parts.path, query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
    fields = dict(unsigned)
    scope = fields["X-Amz-Credential"].split("/", 1)[1]
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256", fields["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest(),
    ])
    key = ("AWS4" + secret_key).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True)) | changes
    return urlunsplit(parts._replace(query="&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())))


async def test_s3_link_is_signed_for_this_object_and_lifetime(s3: S3FileStorage) -> None:
    await s3.put("invoices/2026/05/CB-1.pdf", b"x", PDF)
    await s3.put("invoices/2026/05/CB-2.pdf", b"y", PDF)
    before = datetime.now(timezone.utc).replace(microsecond=0)

    url = await s3.link("invoices/2026/05/CB-1.pdf", expires_in=120)

    fields = dict(parse_qsl(urlsplit(url).query))
    assert fields["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert fields["X-Amz-Expires"] == "120"
    assert fields["X-Amz-Credential"].split("/")[0] == ACCESS_KEY
    signed_at = datetime.strptime(fields["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    assert before - timedelta(seconds=1) <= signed_at <= datetime.now(timezone.utc)
    assert urlsplit(url).path == f"/{s3.bucket}/invoices/2026/05/CB-1.pdf"
    assert sigv4_query_signature_ok(url, SECRET_KEY)

    # Forgeries S3 refuses: another object, a longer life, someone else's secret.
    other_object = url.replace("CB-1.pdf", "CB-2.pdf")
    assert not sigv4_query_signature_ok(other_object, SECRET_KEY)
    assert not sigv4_query_signature_ok(with_query(url, **{"X-Amz-Expires": "604800"}), SECRET_KEY)
    assert not sigv4_query_signature_ok(url, "not-our-secret")


async def test_s3_prefix_is_prepended_to_keys(aws_env: None, moto_endpoint: str, raw_s3: Any) -> None:
    bucket = new_bucket()
    storage = build_storage(f"s3://{bucket}/tenant-1/files/", endpoint_url=moto_endpoint, create_bucket=True)
    assert isinstance(storage, S3FileStorage)
    await storage.ensure_bucket()

    await storage.put("a.pdf", b"x", PDF)

    listed = [o["Key"] for o in raw_s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == ["tenant-1/files/a.pdf"]
    assert await storage.get("a.pdf") == b"x"
    assert "/tenant-1/files/a.pdf?" in await storage.link("a.pdf")


async def test_ensure_bucket_creates_a_missing_bucket_when_allowed(aws_env: None, moto_endpoint: str, raw_s3: Any) -> None:
    storage = S3FileStorage(new_bucket(), endpoint_url=moto_endpoint, create_bucket=True)

    await storage.ensure_bucket()
    await storage.ensure_bucket()  # a restart finds it there

    raw_s3.head_bucket(Bucket=storage.bucket)
    await storage.put("a.pdf", b"x", PDF)
    assert await storage.get("a.pdf") == b"x"


async def test_ensure_bucket_from_replicas_at_once_outside_us_east_1(aws_env: None, moto_endpoint: str) -> None:
    """Outside us-east-1 the replicas that lose the race get BucketAlreadyOwnedByYou."""
    bucket = new_bucket()
    replicas = [
        S3FileStorage(bucket, endpoint_url=moto_endpoint, region="eu-west-1", create_bucket=True) for _ in range(6)
    ]

    await asyncio.gather(*(r.ensure_bucket() for r in replicas))

    await replicas[0].put("a.pdf", b"x", PDF)
    assert await replicas[-1].get("a.pdf") == b"x"


async def test_ensure_bucket_refuses_a_missing_bucket_when_not_allowed(
    aws_env: None, moto_endpoint: str, raw_s3: Any
) -> None:
    storage = S3FileStorage(new_bucket(), endpoint_url=moto_endpoint, create_bucket=False)

    with pytest.raises(BucketMissing) as caught:
        await storage.ensure_bucket()

    message = str(caught.value)
    assert storage.bucket in message and "CINEBOOKER_S3_CREATE_BUCKET" in message
    assert storage.bucket not in [b["Name"] for b in raw_s3.list_buckets()["Buckets"]]


async def test_ensure_bucket_accepts_an_existing_bucket_when_not_allowed(
    aws_env: None, moto_endpoint: str, raw_s3: Any
) -> None:
    bucket = new_bucket()
    raw_s3.create_bucket(Bucket=bucket)

    await S3FileStorage(bucket, endpoint_url=moto_endpoint).ensure_bucket()


async def test_s3_calls_on_a_missing_bucket_say_so(aws_env: None, moto_endpoint: str) -> None:
    storage = S3FileStorage(new_bucket(), endpoint_url=moto_endpoint)

    with pytest.raises(BucketMissing, match=storage.bucket):
        await storage.put("a.pdf", b"x", PDF)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_s3_unreachable_is_storage_unavailable(aws_env: None) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    # One attempt: botocore's own retries would only make the test slower.
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2),
    )
    storage = S3FileStorage("cb-unreachable", client=client)

    for call in (
        storage.put("a.pdf", b"x", PDF), storage.get("a.pdf"), storage.exists("a.pdf"),
        storage.link("a.pdf"), storage.delete("a.pdf"), storage.ensure_bucket(),
    ):
        with pytest.raises(StorageUnavailable, match="unreachable"):
            await call


# --- the factory ------------------------------------------------------------------


async def test_factory_file_url_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    storage = build_storage("file://./var/storage")

    assert isinstance(storage, LocalFileStorage)
    assert storage.root == tmp_path / "var" / "storage"
    await storage.put("invoices/2026/05/CB-1.pdf", b"x", PDF)
    assert (tmp_path / "var/storage/invoices/2026/05/CB-1.pdf").read_bytes() == b"x"


def test_factory_file_url_absolute(tmp_path: Path) -> None:
    storage = build_storage(f"file://{tmp_path}/files", create_bucket=True)

    assert isinstance(storage, LocalFileStorage)
    assert storage.root == tmp_path / "files"


def test_factory_s3_url(aws_env: None) -> None:
    plain = build_storage("s3://cinebooker-invoices")
    assert isinstance(plain, S3FileStorage)
    assert (plain.bucket, plain.prefix, plain.create_bucket) == ("cinebooker-invoices", "", False)
    assert "amazonaws.com" in plain.endpoint_url

    custom = build_storage("s3://cinebooker-invoices/prod", endpoint_url="http://minio:9000", create_bucket=True)
    assert isinstance(custom, S3FileStorage)
    assert (custom.prefix, custom.endpoint_url, custom.create_bucket) == ("prod", "http://minio:9000", True)


@pytest.mark.parametrize("url", [
    "", "var/storage", "/var/storage", "ftp://host/x", "file://", "file://var/storage", "file://./",
    "file:///", "file://./a?x=1", "file:///a#b", "s3://", "s3://Bad_Bucket", "s3://ab", "s3://-bucket",
    "s3://bucket/../escape", "s3://bucket/a//b", "s3://user@bucket", "s3://bucket?region=x", "S3://bucket",
    "s3://bucket\nrm",
])
def test_factory_refuses_bad_urls_in_one_line(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        build_storage(url)

    message = str(caught.value)
    assert "CINEBOOKER_STORAGE_URL" in message
    assert "file:///absolute/dir" in message and "s3://bucket" in message
    assert "\n" not in message

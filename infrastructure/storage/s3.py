"""Stored files in S3 (or an S3-compatible server such as moto or MinIO).

Objects are private: no ACL is sent, so only the bucket owner can read them, and
customers get a presigned GET link that lives a few minutes. Each object asks for
SSE-S3 (AES256) encryption at rest.

boto3 is synchronous, so every call that may touch the network runs in a worker
thread (a boto3 client is safe to share between threads). botocore already retries
throttling, 5xx answers and dropped connections; what still fails after that
becomes a domain error: StorageUnavailable (try again later), StoredFileMissing,
or StorageError (configuration: bucket, credentials, permissions).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError as BotoConnectionError,
    HTTPClientError,
    IncompleteReadError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
)

from domain.storage import (
    StorageError,
    StorageUnavailable,
    StoredFileMissing,
    check_key,
    check_link_lifetime,
)

T = TypeVar("T")

DEFAULT_REGION = "us-east-1"
# Codes that mean "busy or broken right now" although the status is not always 5xx.
_RETRY_LATER = {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "ServiceUnavailable", "InternalError"}
_MISSING = {"NoSuchKey", "NotFound", "404"}


class BucketMissing(StorageError):
    """The configured bucket does not exist and we may not create it."""

    code = "storage_bucket_missing"


class S3FileStorage:
    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        create_bucket: bool = False,
        client: Any = None,
        prefix: str = "",
    ) -> None:
        self.bucket = bucket
        self.create_bucket = create_bucket
        self.prefix = check_key(prefix.strip("/")) if prefix.strip("/") else ""
        self._client = client if client is not None else _make_client(endpoint_url or None, region)
        self.region: str = self._client.meta.region_name
        self.endpoint_url: str = self._client.meta.endpoint_url

    # --- the FileStorage port ------------------------------------------------

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        # No ACL argument: new objects are private to the bucket owner, and buckets
        # with ACLs disabled (the AWS default) reject most explicit ACLs anyway.
        await self._run(
            key,
            self._client.put_object,
            Bucket=self.bucket,
            Key=self._object_key(key),
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )

    async def get(self, key: str) -> bytes:
        object_key = self._object_key(key)

        def read() -> bytes:
            body = self._client.get_object(Bucket=self.bucket, Key=object_key)["Body"]
            try:
                return body.read()
            finally:
                body.close()

        return await self._run(key, read)

    async def exists(self, key: str) -> bool:
        try:
            await self._run(key, self._client.head_object, Bucket=self.bucket, Key=self._object_key(key))
        except StoredFileMissing:
            return False
        return True

    async def link(self, key: str, expires_in: int = 300) -> str:
        check_link_lifetime(expires_in)
        object_key = self._object_key(key)

        def presign() -> str:
            # Presigning alone never asks the server; without this HEAD a customer
            # would get a link that answers 404.
            self._client.head_object(Bucket=self.bucket, Key=object_key)
            return self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": object_key}, ExpiresIn=expires_in
            )

        return await self._run(key, presign)

    async def delete(self, key: str) -> None:
        # S3 answers 204 for a missing key too, so this is idempotent as it stands.
        await self._run(key, self._client.delete_object, Bucket=self.bucket, Key=self._object_key(key))

    # --- start-up ------------------------------------------------------------

    async def ensure_bucket(self) -> None:
        """Check that the bucket exists; create it if allowed (``create_bucket``).

        Call once at start-up, so that a wrong bucket name fails the deployment and
        not the first customer's invoice.
        """
        await self._run(None, self._ensure_bucket)

    def _ensure_bucket(self) -> None:
        try:
            self._client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            status = _status(exc)
            if status == 403:
                raise StorageError(
                    f"S3 bucket {self.bucket!r} at {self.endpoint_url}: access denied; check the credentials and "
                    "the bucket policy"
                ) from exc
            if status != 404:
                raise
        if not self.create_bucket:
            raise BucketMissing(
                f"S3 bucket {self.bucket!r} does not exist at {self.endpoint_url}; create it, or set "
                "CINEBOOKER_S3_CREATE_BUCKET=true to let CineBooker create it"
            )
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != DEFAULT_REGION:  # us-east-1 refuses an explicit location
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            self._client.create_bucket(**kwargs)
        except ClientError as exc:
            code = _code(exc)
            if code == "BucketAlreadyOwnedByYou":  # another replica created it meanwhile
                return
            if code == "BucketAlreadyExists":
                raise StorageError(
                    f"S3 bucket name {self.bucket!r} belongs to another account; choose another bucket in "
                    "CINEBOOKER_STORAGE_URL"
                ) from exc
            raise

    # --- helpers -------------------------------------------------------------

    def _object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def _run(self, key: str | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except ParamValidationError:
            raise  # a bug in the caller (say, a str for data), not a storage failure
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, key) from exc

    def _translate(self, exc: Exception, key: str | None) -> StorageError:
        where = f"S3 bucket {self.bucket!r} at {self.endpoint_url}"
        if isinstance(exc, ClientError):
            code, status = _code(exc), _status(exc)
            if code == "NoSuchBucket":
                return BucketMissing(f"{where} does not exist")
            if key is not None and (code in _MISSING or status == 404):
                return StoredFileMissing(key)
            if status >= 500 or code in _RETRY_LATER:
                return StorageUnavailable(f"{where} failed: {code} ({status})")
            return StorageError(f"{where} refused the request: {code} ({status})")
        if isinstance(exc, (BotoConnectionError, HTTPClientError, IncompleteReadError)):
            return StorageUnavailable(f"{where} unreachable: {exc}")
        if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
            return StorageError(f"{where}: no usable credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        return StorageError(f"{where}: {exc}")


def _make_client(endpoint_url: str | None, region: str | None) -> Any:
    # Credentials come from boto3's usual chain (environment, config files, an
    # instance role); the region too, falling back to us-east-1.
    session = boto3.session.Session()
    config = Config(
        # SigV4 everywhere: required outside us-east-1, and the only presigned
        # scheme whose links carry an expiry S3 enforces up to seven days.
        signature_version="s3v4",
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=5,
        read_timeout=30,
        # S3-compatible servers (moto, MinIO) are addressed by path: bucket names
        # as subdomains of 127.0.0.1 or a private host name do not resolve.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region or session.region_name or DEFAULT_REGION,
        config=config,
    )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)

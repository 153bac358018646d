"""Files in Bot API calls: an upload (attach://name), a file_id, or an HTTP URL."""

from __future__ import annotations

import asyncio
import mimetypes
from urllib.parse import urlsplit

import aiohttp

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.files import StoredFile, image_size, image_type
from playground.telegram.methods.base import Call
from playground.telegram.params import Upload


async def resolve_file(call: Call, value: str | None, *, kind: str, field: str) -> StoredFile:
    """The file a parameter names, stored (or found) as a `kind` file."""
    if kind == "photo":
        await _photo_faults(call)
    upload = call.params.files.get(field)
    if value and value.startswith("attach://"):
        upload = call.params.files.get(value[len("attach://"):])
        if upload is None:
            raise bad_request(e.WRONG_FILE)
    if upload is not None:
        return _store_upload(call, upload, kind)
    if not value:
        raise bad_request(f"there is no {field} in the request")
    if urlsplit(value).scheme in ("http", "https"):
        return await _store_url(call, value, kind)
    stored = call.server.files.by_id(value)
    if stored is None:
        raise bad_request(e.WRONG_FILE)
    if stored.kind != kind:
        raise bad_request(e.FILE_TYPE_MISMATCH)
    return stored


async def _photo_faults(call: Call) -> None:
    """The faults switched on for photos (faults.py)."""
    faults = call.server.faults
    if faults.photo_delay > 0:
        await asyncio.sleep(faults.photo_delay)
    if faults.refuse_photos:
        faults.photos_refused += 1
        raise bad_request(e.IMAGE_PROCESS_FAILED)


def _store_upload(call: Call, upload: Upload, kind: str) -> StoredFile:
    return _store_bytes(call, upload.data, kind, upload.filename, upload.content_type)


def _store_bytes(call: Call, data: bytes, kind: str, file_name: str | None,
                 mime_type: str | None) -> StoredFile:
    limits = call.limits
    if not data:
        raise bad_request("file must be non-empty")
    if mime_type in (None, "application/octet-stream") and file_name:
        mime_type = mimetypes.guess_type(file_name)[0] or mime_type
    if kind != "photo":
        return call.server.store_file(kind, data, file_name=file_name, mime_type=mime_type)
    if len(data) > limits.max_photo_bytes:
        raise bad_request(e.FILE_TOO_BIG)
    size = image_size(data)
    if size is None or min(size) <= 0:
        raise bad_request(e.IMAGE_PROCESS_FAILED)
    width, height = size
    if width + height > limits.max_photo_dimension_sum or \
            max(width, height) / min(width, height) > limits.max_photo_ratio:
        raise bad_request(e.PHOTO_INVALID_DIMENSIONS)
    # Telegram re-encodes photos as JPEG; we keep the bytes and their real type.
    return call.server.store_file("photo", data, file_name=None, mime_type=image_type(data),
                                  size=size)


async def _store_url(call: Call, url: str, kind: str) -> StoredFile:
    """Telegram downloads a URL itself; here that works for local services only."""
    limit = call.limits.max_photo_bytes if kind == "photo" else call.limits.max_download_bytes
    timeout = aiohttp.ClientTimeout(total=call.limits.url_fetch_timeout)
    try:
        async with call.server.http().get(url, timeout=timeout) as response:
            if response.status != 200:
                raise bad_request(e.URL_CONTENT)
            data = await response.content.read(limit + 1)
            content_type = response.content_type
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        raise bad_request(e.URL_CONTENT) from None
    if len(data) > limit:
        raise bad_request(e.FILE_TOO_BIG)
    name = urlsplit(url).path.rsplit("/", 1)[-1] or None
    return _store_bytes(call, data, kind, name, content_type)

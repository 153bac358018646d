"""Bot API parameters from JSON, url-encoded or multipart bodies (and query strings).

Telegram accepts all three; aiogram sends url-encoded forms, or multipart when it
uploads a file, with nested objects as JSON strings. `Params` hides the difference:
the typed getters accept a JSON value or its string form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from playground.telegram.errors import ApiError, bad_request


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def get_int(self, name: str, *, missing: str | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if missing:
                raise bad_request(missing)
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return bool(value)

    def get_json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


async def read_params(request: web.Request, *, max_upload_bytes: int) -> Params:
    values: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    if request.method != "POST" or not request.can_read_body:
        return Params(values)
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        values.update(body)
        return Params(values)
    if content_type == "multipart/form-data":
        return await read_multipart(await request.multipart(), values, max_upload_bytes)
    form = await request.post()
    values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(values)


async def read_multipart(
    reader: MultipartReader, values: dict[str, Any], max_upload_bytes: int
) -> Params:
    """Read a multipart body, refusing more than `max_upload_bytes` in all."""
    files: dict[str, Upload] = {}
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        chunks: list[bytes] = []
        while chunk := await part.read_chunk():
            total += len(chunk)
            if total > max_upload_bytes:
                raise ApiError(413, "Request Entity Too Large")
            chunks.append(chunk)
        data = bytes(part.decode(b"".join(chunks)))
        if part.filename is not None:
            files[part.name] = Upload(part.filename, part.headers.get("Content-Type"), data)
        else:
            values[part.name] = data.decode(part.get_charset(default="utf-8"))
    return Params(values, files)

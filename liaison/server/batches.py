"""Reading a pushed batch change by change, and answering it change by change: shared by push and the revoked-device delivery."""

from __future__ import annotations

import zlib
from typing import Any

import pydantic
from fastapi import Request

from liaison.core.protocol import MAX_BODY_BYTES, Change, RefusedChange
from liaison.server.apply import check_shape, held
from liaison.server.errors import ApiError, invalid


def read_changes(raw_changes: list[Any], device_id: str) -> tuple[list[tuple[int, Change]], dict[str, ApiError]]:
    """Each change read and shape-checked on its own: the sound ones with their place in the batch, and the refusals.

    A refusal keyed by position (`#3`) is one too malformed to name; a sound change
    that follows a refused one to the same record waits for it (`held`).
    """
    checked: list[tuple[int, Change]] = []
    refused: dict[str, ApiError] = {}
    blocked: dict[tuple[str, str], str] = {}
    for index, raw in enumerate(raw_changes):
        try:
            change = Change.model_validate(raw)
        except pydantic.ValidationError as exc:
            name = _named(raw)
            error = invalid(exc)
            refused[name or f"#{index}"] = ApiError(error.status, error.code, f"change {name or index}: {error.message}", error.field)
            if name and isinstance(raw.get("table"), str) and isinstance(raw.get("record_id"), str):
                blocked[(raw["table"], raw["record_id"])] = name
            continue
        key = (change.table, change.record_id)
        if key in blocked:
            refused[change.change_id] = held(change, blocked[key])
            continue
        try:
            check_shape(change, device_id)
        except ApiError as error:
            refused[change.change_id] = error
            blocked[key] = change.change_id
            continue
        checked.append((index, change))
    return checked, refused


def _named(raw: Any) -> str | None:
    """The id of a change that failed validation, when it has a usable one to answer by."""
    name = raw.get("change_id") if isinstance(raw, dict) else None
    return name if isinstance(name, str) and 0 < len(name) <= 64 and "\x00" not in name else None


def answers(raw_changes: list[Any], checked: list[tuple[int, Change]], refused: dict[str, ApiError]) -> list[RefusedChange]:
    """The refusals in batch order, each with its change id (when it has one) and its place."""
    places = {change.change_id: index for index, change in checked}
    for index, raw in enumerate(raw_changes):
        name = _named(raw)
        if name is not None:
            places.setdefault(name, index)
    answers = []
    for key, error in refused.items():
        index = int(key[1:]) if key.startswith("#") else places.get(key, -1)
        change_id = None if key.startswith("#") else key
        message = error.message if error.message.startswith("change ") else f"change {change_id}: {error.message}"
        answers.append(RefusedChange(change_id=change_id, index=index, code=error.code, message=message, field=error.field))
    return sorted(answers, key=lambda answer: answer.index)


async def read_body(request: Request) -> bytes:
    """The request body, un-gzipped, refused with 413 past MAX_BODY_BYTES whichever way it came."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes; send smaller batches")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes; send smaller batches")
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return bytes(raw)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(bytes(raw), MAX_BODY_BYTES + 1)
    except zlib.error:
        raise ApiError(400, "invalid", "body: Content-Encoding says gzip but the body is not gzip") from None
    if len(body) > MAX_BODY_BYTES or inflater.unconsumed_tail:
        raise ApiError(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes once decompressed; send smaller batches")
    return body

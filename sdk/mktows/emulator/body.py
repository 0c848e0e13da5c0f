"""Reading a request body within a cap, for both faces (SOAP: the configured ``max_body_bytes``; REST: 1 MB,
10 MB for a bulk import)."""

from __future__ import annotations

from typing import Any

CHUNK = 64 * 1024


class RequestTooLarge(Exception):
    """The request body is over the configured cap."""


def read_body(environ: dict[str, Any], cap: int) -> bytes:
    """The request body, read in chunks and never more than ``cap`` bytes (RequestTooLarge beyond): a
    declared Content-Length over the cap is refused unread, and a body longer than declared is not trusted."""
    declared = environ.get("CONTENT_LENGTH") or ""
    length: int | None = None
    if declared.strip():
        try:
            length = int(declared)
        except ValueError:
            length = None
        if length is not None and length > cap:
            raise RequestTooLarge(f"Content-Length {length} exceeds the {cap}-byte limit")
    if length is None and not environ.get("wsgi.input_terminated"):
        return b""
    stream = environ["wsgi.input"]
    budget = cap + 1 if length is None else length
    parts: list[bytes] = []
    total = 0
    while total < budget:
        chunk = stream.read(min(CHUNK, budget - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    if total > cap:
        raise RequestTooLarge(f"the body exceeds the {cap}-byte limit")
    return b"".join(parts)

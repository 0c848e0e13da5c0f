"""One REST request as the handlers read it: query parameters (repeated or comma-separated), the JSON body,
form fields, multipart files, and the ``_method=GET`` form of a long query (rest-api.md: a POST whose body
carries the parameters, form-encoded or JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

from mktows.emulator.rest.envelope import RestError

FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass
class UploadedFile:
    """A file part of a multipart body."""

    filename: str
    content: bytes


@dataclass
class RestRequest:
    """The parts of a REST call a handler needs; ``params`` merges the query string with form fields."""

    method: str
    path: str
    params: dict[str, list[str]]
    body: bytes
    content_type: str
    path_args: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    _json: Any = None
    _json_read: bool = False

    @classmethod
    def build(cls, method: str, path: str, query: str, body: bytes, content_type: str) -> RestRequest:
        """Read the query string and, for form and multipart bodies, their fields."""
        params = parse_qs(query, keep_blank_values=True)
        request = cls(method, path, params, body, content_type.strip())
        media = request.content_type.split(";", 1)[0].strip().lower()
        if media == FORM_TYPE and body:
            for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif media == "multipart/form-data" and body:
            request._read_multipart()
        return request

    def _read_multipart(self) -> None:
        head = f"Content-Type: {self.content_type}\r\n\r\n".encode("latin-1")
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        if not message.is_multipart():
            raise RestError(613, "Invalid multipart request")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                self.files[name] = UploadedFile(filename, content)
            else:
                self.params.setdefault(name, []).append(content.decode("utf-8", "replace"))

    @property
    def effective_method(self) -> str:
        """GET for a POST with ``_method=GET``, else the HTTP method."""
        if self.method == "POST" and (self.param("_method") or "").upper() == "GET":
            return "GET"
        return self.method

    def param(self, name: str) -> str | None:
        """The first value of a parameter, or None."""
        values = self.params.get(name)
        return values[0] if values else None

    def values(self, name: str) -> list[str]:
        """Every value of a parameter, repeated (``id=1&id=2``) or comma-separated (``id=1,2``)."""
        found: list[str] = []
        for value in self.params.get(name, []):
            found.extend(part.strip() for part in value.split(",") if part.strip())
        return found

    def int_param(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; 1001 when it is not one."""
        text = self.param(name)
        if text is None or not text.strip():
            return default
        try:
            return int(text)
        except ValueError:
            raise RestError(1001, f"Invalid value '{text}'. Required of type 'Integer'") from None

    def window(self) -> tuple[int, int]:
        """The asset API's ``offset`` and ``maxReturn`` (20 by default, 1 to 200; 1003 beyond)."""
        size = self.int_param("maxReturn", 20) or 20
        if not 1 <= size <= 200:
            raise RestError(1003, "Invalid data: maxReturn must be between 1 and 200")
        offset = self.int_param("offset", 0) or 0
        if offset < 0:
            raise RestError(1003, "Invalid data: offset must be 0 or more")
        return offset, size

    def json(self) -> Any:
        """The JSON body (None when empty); 609 when it is not JSON."""
        if not self._json_read:
            self._json_read = True
            media = self.content_type.split(";", 1)[0].strip().lower()
            if self.body.strip() and media not in (FORM_TYPE, "multipart/form-data"):
                try:
                    self._json = json.loads(self.body)
                except ValueError:
                    raise RestError(609, "Invalid JSON") from None
        return self._json

    def json_object(self) -> dict[str, Any]:
        """The JSON body as an object ({} when empty); 609 for another JSON value."""
        data = self.json()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise RestError(609, "Invalid JSON: the body must be an object")
        return data

    def input_list(self, limit: int) -> list[Any]:
        """The body's ``input`` array; 1003 beyond ``limit`` records (REST's 300)."""
        data = self.json_object().get("input")
        if data is None:
            raise RestError(701, "input cannot be blank")
        if not isinstance(data, list):
            raise RestError(1003, "Invalid data: input must be an array")
        if len(data) > limit:
            raise RestError(1003, f"Invalid data: {len(data)} records in one call; the maximum is {limit}")
        return data

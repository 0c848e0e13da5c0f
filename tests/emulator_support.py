"""Helpers of the emulator tests: talk to an emulator over 127.0.0.1 with plain ``requests``, ``mktows.codec``
and ``mktows.signing`` (never the client, so a bug shared by client and emulator cannot hide)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from mktows import codec, operations, signing
from mktows.emulator import Emulator
from mktows.errors import SoapFault
from mktows.operations import MKTOWS_NS, SOAP_ENV_NS
from mktows.types import AuthenticationHeader, ParamsListMObjects

TIMEOUT = 10
REPO = Path(__file__).resolve().parent.parent


def auth_header(user_id: str, key: str, moment: datetime | None = None) -> AuthenticationHeader:
    """A signed AuthenticationHeader for ``moment`` (default: now)."""
    stamp = signing.format_timestamp(moment or datetime.now(UTC))
    return AuthenticationHeader(
        mktows_user_id=user_id,
        request_signature=signing.signature(key, stamp, user_id),
        request_timestamp=stamp,
    )


def request_bytes(
    emulator: Emulator,
    operation: str,
    params: Any,
    *,
    moment: datetime | None = None,
    user_id: str | None = None,
    key: str | None = None,
    context_header: Any = None,
) -> bytes:
    """The encoded request envelope of one call, signed for the emulator's first user unless told otherwise."""
    op = operations.get(operation)
    headers = [auth_header(user_id or emulator.user_id, key or emulator.encryption_key, moment)]
    if context_header is not None:
        headers.append(context_header)
    return codec.encode(op.request(params, headers))


ENVELOPE_OPEN = (
    b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:ns1="http://www.marketo.com/mktows/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
)


def signed(emulator: Emulator, body: bytes, **options: Any) -> bytes:
    """An envelope with a valid AuthenticationHeader around an arbitrary body."""
    header = request_bytes(emulator, "listMObjects", ParamsListMObjects(), **options)
    start = header.index(b"<SOAP-ENV:Header>")
    end = header.index(b"</SOAP-ENV:Header>") + len(b"</SOAP-ENV:Header>")
    return (
        ENVELOPE_OPEN
        + header[start:end]
        + b"<SOAP-ENV:Body>"
        + body
        + b"</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )


def post(emulator: Emulator, data: bytes, **headers: str) -> requests.Response:
    """POST raw bytes to the emulator's SOAP endpoint."""
    return requests.post(
        emulator.endpoint,
        data=data,
        headers={"Content-Type": "text/xml; charset=UTF-8", **headers},
        timeout=TIMEOUT,
    )


def call(emulator: Emulator, operation: str, params: Any, **options: Any) -> Any:
    """One call; returns the ``Result…`` object or raises the typed ``SoapFault`` the emulator answered."""
    response = post(emulator, request_bytes(emulator, operation, params, **options))
    envelope = codec.decode_response(operation, response.content, strict=True)
    assert response.status_code == 200, response.status_code
    return codec.result_of(operation, envelope)


def fault_of(emulator: Emulator, operation: str, params: Any, **options: Any) -> SoapFault:
    """The fault a call is answered with (fails the test when it succeeds)."""
    with pytest.raises(SoapFault) as caught:
        call(emulator, operation, params, **options)
    return caught.value


def assert_fault(response: requests.Response, code: int, faultcode: str = "SOAP-ENV:Client") -> None:
    """The response is Marketo's documented fault for ``code``: HTTP 500, text/xml, the serviceException."""
    assert response.status_code == 500, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP_ENV_NS}}}Body/{{{SOAP_ENV_NS}}}Fault")
    assert fault is not None, response.text[:300]
    exception = fault.find(f"detail/{{{MKTOWS_NS}}}serviceException")
    assert exception is not None
    assert fault.findtext("faultcode") == faultcode
    assert exception.findtext("code") == str(code)
    assert exception.findtext("name") == "mktServiceException"
    title = fault.findtext("faultstring", "").split(" - ", 1)[1]
    assert fault.findtext("faultstring") == f"{code} - {title}"
    assert exception.findtext("message") == f"{title} ({code})"


# --- documented XML -----------------------------------------------------------------------------------------

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")


def envelope_around(bare: bytes) -> bytes:
    """A SOAP envelope around a bare ``params…`` element (kept byte for byte, namespace declarations too)."""
    inner = _XML_DECLARATION.sub(b"", bare)
    return (
        b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        b'xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Header/><SOAP-ENV:Body>'
        + inner
        + b"</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )


def with_auth(data: bytes, user_id: str, key: str, moment: datetime | None = None) -> bytes:
    """The same envelope with its AuthenticationHeader replaced by a valid one (created when absent)."""
    root = etree.fromstring(data)
    header = root.find(f"{{{SOAP_ENV_NS}}}Header")
    if header is None:
        header = etree.Element(f"{{{SOAP_ENV_NS}}}Header")
        root.insert(0, header)
    for old in header.findall(f"{{{MKTOWS_NS}}}AuthenticationHeader"):
        header.remove(old)
    fresh = etree.fromstring(codec.encode(auth_header(user_id, key, moment)))
    header.insert(0, fresh)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def is_envelope(data: bytes) -> bool:
    """Whether documented XML is a whole SOAP envelope (not a bare body element)."""
    return etree.fromstring(data).tag == f"{{{SOAP_ENV_NS}}}Envelope"


# --- emulators ----------------------------------------------------------------------------------------------


def running(**options: Any) -> Iterator[Emulator]:
    """A started emulator on a free port, stopped when the generator is closed (for fixtures)."""
    emulator = Emulator(**options).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@contextlib.contextmanager
def emulator_process(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m mktows.emulator ARGS`` running with its stderr piped; killed if still running at the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mktows.emulator", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=REPO,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)

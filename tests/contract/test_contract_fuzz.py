"""Fuzzing at the codec level: hostile or broken bytes give a mktows.errors exception (or a value), nothing else.

Inputs: documented responses and requests mutated byte by byte and element by element, truncated, random
bytes, wrong namespaces, XXE (a local file and http://127.0.0.1), billion laughs, huge text nodes, deep nesting.
Where a decode returns, encoding its value must work too, and the fast codec and xsdata's reference must agree
on the outcome. A watchdog turns a hang into a failure (generous bound: it is not a speed test).
"""

from __future__ import annotations

import copy
import signal
import socket
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from mktows import codec, operations
from mktows.errors import MktowsError, ProtocolError
from mktows.operations import MKTOWS_NS, SOAP_ENV_NS, XML_CONTEXT, XSI_NS
from mktows.testing.strategies import xml_text
from tests.conftest import fixture_bytes, fixture_index
from tests.contract.shared import fixture_params

# Lenient decoding of broken values warns (xsdata ConverterWarning) before the codec refuses them: expected here.
pytestmark = pytest.mark.filterwarnings("ignore::xsdata.exceptions.ConverterWarning")

HANG_LIMIT_SECONDS = 120

DOCUMENTS = [e for e in fixture_index() if e["well_formed"] and e["kind"] in ("request", "response")]
RESPONSES = [e for e in DOCUMENTS if e["kind"] == "response"]


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """Fail a test that runs for minutes instead of hanging the suite (SIGALRM; main thread only)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"codec call still running after {HANG_LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(HANG_LIMIT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _decoder(kind: str) -> Callable[..., Any]:
    return codec.decode_request if kind == "request" else codec.decode_response


def outcome(kind: str, operation: str, data: bytes, *, strict: bool, reference: bool) -> tuple[str, Any]:
    """('ok', value) or ('error', exception class); anything but a mktows error propagates and fails."""
    try:
        value = _decoder(kind)(operation, data, strict=strict, reference=reference)
    except MktowsError as exc:
        return "error", type(exc)
    assert_well_typed(value, strict)
    codec.encode(value, reference=reference)  # whatever decodes can be written again
    return "ok", value


def assert_well_typed(obj: Any, strict: bool) -> None:
    """Every field of a decoded object holds what its annotation promises (no raw text in an int field).

    The one tolerance: lenient decoding keeps an enumeration value the WSDL does not list as its text.
    """
    for var in XML_CONTEXT.build(type(obj)).get_all_vars():
        value = getattr(obj, var.name)
        for item in value if var.list_element else [value]:
            if item is None:
                continue
            where = f"{type(obj).__qualname__}.{var.name} = {item!r}"
            if var.clazz is not None:
                assert isinstance(item, var.clazz), where
                assert_well_typed(item, strict)
            elif object not in var.types and not isinstance(item, tuple(var.types)):
                unknown_enum = isinstance(item, str) and item and all(issubclass(t, Enum) for t in var.types)
                assert unknown_enum and not strict, where


def assert_only_mktows_errors(kind: str, operation: str, data: bytes) -> None:
    """Both codec paths, strict and lenient: only mktows errors, and the same outcome from both paths."""
    for strict in (False, True):
        fast = outcome(kind, operation, data, strict=strict, reference=False)
        reference = outcome(kind, operation, data, strict=strict, reference=True)
        assert fast == reference, (
            f"fast codec and reference disagree (strict={strict}): {fast} vs {reference}"
        )


# --- mutations of the documented XML ---------------------------------------------------------------------


@st.composite
def byte_mutations(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif action == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=16))]
        elif action == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8) | st.sampled_from([b"<", b"&", b"]]>", b"<x>"])
            )
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(min_value=1, max_value=64))]
        else:
            del data[at:]
    return bytes(data)


_NAMES = ["attrName", "attrValue", "result", "leadRecord", "status", "Id", "unknown", "offset", "faultcode"]


@st.composite
def tree_mutations(draw: st.DrawFn, base: bytes) -> bytes:
    """Well-formed but unexpected documents: elements removed, repeated, renamed, retyped, refilled."""
    root = etree.fromstring(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        element = elements[draw(st.integers(min_value=0, max_value=len(elements) - 1))]
        parent = element.getparent()
        action = draw(
            st.sampled_from(
                ["remove", "duplicate", "rename", "text", "nil", "xsi_type", "attribute", "child"]
            )
        )
        if action == "remove" and parent is not None:
            parent.remove(element)
        elif action == "duplicate" and parent is not None:
            parent.insert(parent.index(element), copy.deepcopy(element))
        elif action == "rename":
            name = draw(st.sampled_from(_NAMES))
            namespace = draw(st.sampled_from(["", MKTOWS_NS, SOAP_ENV_NS, "urn:other"]))
            element.tag = f"{{{namespace}}}{name}" if namespace else name
        elif action == "text":
            element.text = draw(
                xml_text() | st.sampled_from(["", "-1", "99999999999999999999", "true", "x" * 500])
            )
        elif action == "nil":
            element.set(f"{{{XSI_NS}}}nil", draw(st.sampled_from(["true", "1", "false", "maybe"])))
        elif action == "xsi_type":
            element.set(
                f"{{{XSI_NS}}}type", draw(st.sampled_from(["ns1:LeadKeySelector", "xs:int", "nope:X", "::"]))
            )
        elif action == "attribute":
            element.set(draw(st.sampled_from(["a", "id", f"{{{MKTOWS_NS}}}b"])), draw(xml_text()))
        else:
            etree.SubElement(element, draw(st.sampled_from(_NAMES))).text = draw(xml_text())
    return etree.tostring(root)


@pytest.mark.shared
@pytest.mark.parametrize("entry", fixture_params(DOCUMENTS))
@given(data=st.data())
def test_mutated_documents_raise_only_mktows_errors(entry: dict[str, Any], data: st.DataObject) -> None:
    base = fixture_bytes(entry["file"])
    mutated = data.draw(byte_mutations(base) | tree_mutations(base), label="document")
    assert_only_mktows_errors(entry["kind"], entry["operation"], mutated)


@pytest.mark.shared
@pytest.mark.parametrize("entry", fixture_params(RESPONSES))
def test_truncated_responses_raise_protocol_error(entry: dict[str, Any]) -> None:
    data = fixture_bytes(entry["file"])
    end = data.rstrip().rfind(b"<")  # every cut before the last tag's start leaves an unclosed element
    for cut in sorted({1, *range(0, end, max(1, end // 40)), end - 1}):
        for strict in (False, True):
            with pytest.raises(ProtocolError):
                codec.decode_response(entry["operation"], data[:cut], strict=strict)


@settings(max_examples=200)
@given(data=st.binary(max_size=512), operation=st.sampled_from(sorted(operations.OPERATIONS)))
def test_random_bytes_raise_only_mktows_errors(data: bytes, operation: str) -> None:
    assert_only_mktows_errors("response", operation, data)
    assert_only_mktows_errors("request", operation, data)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (SOAP_ENV_NS.encode(), b"http://www.w3.org/2003/05/soap-envelope"),  # SOAP 1.2
        (MKTOWS_NS.encode(), b"http://www.marketo.com/mktows/2_6/"),
        (MKTOWS_NS.encode(), b""),
    ],
    ids=["soap12-envelope", "other-mktows-namespace", "no-namespace"],
)
@pytest.mark.parametrize(
    "entry", fixture_params(RESPONSES[:4] + [e for e in DOCUMENTS if e["kind"] == "request"][:4])
)
def test_wrong_namespaces_raise_protocol_error(entry: dict[str, Any], old: bytes, new: bytes) -> None:
    data = fixture_bytes(entry["file"]).replace(old, new)
    for strict in (False, True):
        with pytest.raises(ProtocolError):
            _decoder(entry["kind"])(entry["operation"], data, strict=strict)


# --- hostile XML ---------------------------------------------------------------------------------------


def _success_envelope(value: str, *, doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV_NS}" xmlns:ns1="{MKTOWS_NS}"><SOAP-ENV:Body>'
        "<ns1:successGetImportToListStatus><result><status>COMPLETE</status>"
        f"<importSummary>{value}</importSummary></result></ns1:successGetImportToListStatus>"
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP listener that must never see a connection (what an XXE fetch would hit)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


def _assert_no_connection(server: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        connection, _ = server.accept()
        connection.close()


def _hostile_documents(secret_file: Path, port: int) -> dict[str, bytes]:
    file_url = secret_file.as_uri()
    http_closed = "http://127.0.0.1:1/"
    http_listening = f"http://127.0.0.1:{port}/"
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return {
        "xxe-local-file": _success_envelope(
            "&xxe;", doctype=f'<!DOCTYPE e [<!ENTITY xxe SYSTEM "{file_url}">]>'
        ),
        "xxe-http-closed-port": _success_envelope(
            "&xxe;", doctype=f'<!DOCTYPE e [<!ENTITY xxe SYSTEM "{http_closed}">]>'
        ),
        "xxe-http-listener": _success_envelope(
            "&xxe;", doctype=f'<!DOCTYPE e [<!ENTITY xxe SYSTEM "{http_listening}x">]>'
        ),
        "parameter-entity": _success_envelope(
            "x", doctype=f'<!DOCTYPE e [<!ENTITY % p SYSTEM "{http_listening}p.dtd"> %p;]>'
        ),
        "external-dtd": _success_envelope("x", doctype=f'<!DOCTYPE e SYSTEM "{http_listening}e.dtd">'),
        "external-dtd-file": _success_envelope("x", doctype=f'<!DOCTYPE e SYSTEM "{file_url}">'),
        "billion-laughs": _success_envelope("&lol9;", doctype=f"<!DOCTYPE e [{laughs}]>"),
        "xinclude": _success_envelope(
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{file_url}" parse="text"/>'
        ),
    }


HOSTILE = [
    "xxe-local-file",
    "xxe-http-closed-port",
    "xxe-http-listener",
    "parameter-entity",
    "external-dtd",
    "external-dtd-file",
    "billion-laughs",
    "xinclude",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_is_refused_and_fetches_nothing(
    name: str, tmp_path: Path, listener: socket.socket
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    data = _hostile_documents(secret, listener.getsockname()[1])[name]
    for reference in (False, True):
        for strict in (False, True):
            try:
                value = codec.decode_response(
                    "getImportToListStatus", data, strict=strict, reference=reference
                )
            except ProtocolError as exc:
                assert "TOP-SECRET" not in str(exc)
                continue
            assert name == "xinclude", (
                f"{name} was accepted"
            )  # XInclude is not processed: plain unknown markup
            assert "TOP-SECRET" not in repr(value)
            assert not strict, "strict decoding accepted an unknown xi:include element"
    _assert_no_connection(listener)


def test_the_closed_port_is_really_closed() -> None:
    """The XXE test's http://127.0.0.1:1/ would fail fast if fetched; make sure nothing listens there."""
    with socket.socket() as probe:
        probe.settimeout(2)
        assert probe.connect_ex(("127.0.0.1", 1)) != 0


@pytest.mark.parametrize("size", [1_000_000, 9_000_000])
def test_large_text_node_decodes_intact(size: int) -> None:
    value = "x" * size
    envelope = codec.decode_response("getImportToListStatus", _success_envelope(value), strict=True)
    assert codec.result_of("getImportToListStatus", envelope).import_summary == value


def test_huge_text_node_is_refused() -> None:
    with pytest.raises(ProtocolError):
        codec.decode_response("getImportToListStatus", _success_envelope("x" * 12_000_000))


def test_document_over_the_size_limit_is_refused() -> None:
    data = _success_envelope(" " * 8) + b" " * (codec.MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(ProtocolError, match="exceeds"):
        codec.decode_response("getImportToListStatus", data)


@pytest.mark.parametrize("depth", [200, 5_000, 100_000])
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_deeply_nested_elements(depth: int, strict: bool) -> None:
    """Markup in a text field: strict decoding refuses it; lenient decoding keeps it as the field's text,
    exactly, unless the document is too deep for the parser (libxml2 stops at 256 levels): then it refuses."""
    nested = "<a>" * depth + "</a>" * depth
    data = _success_envelope(nested)
    for reference in (False, True):
        if strict or depth > 250:
            with pytest.raises(MktowsError):
                codec.decode_response("getImportToListStatus", data, strict=strict, reference=reference)
            continue
        envelope = codec.decode_response("getImportToListStatus", data, reference=reference)
        kept = codec.result_of("getImportToListStatus", envelope).import_summary
        assert etree.tostring(etree.fromstring(f"<v>{kept}</v>"), method="c14n") == etree.tostring(
            etree.fromstring(f"<v>{nested}</v>"), method="c14n"
        )


@pytest.mark.parametrize("depth", [200, 5_000])
def test_deeply_nested_unknown_elements_are_skipped_or_refused(depth: int) -> None:
    """Deep unknown content where the schema has a complex type: lenient decoding skips it or refuses it."""
    nested = "<unknown>" * depth + "</unknown>" * depth
    data = _success_envelope("x").replace(b"<status>", nested.encode() + b"<status>")
    for reference in (False, True):
        try:
            value = codec.decode_response("getImportToListStatus", data, reference=reference)
        except MktowsError:
            continue
        assert codec.result_of("getImportToListStatus", value).import_summary == "x"
        with pytest.raises(ProtocolError):
            codec.decode_response("getImportToListStatus", data, strict=True, reference=reference)


@pytest.mark.parametrize("data", ["<a/>", None, 42, ["<a/>"]], ids=["str", "none", "int", "list"])
def test_non_bytes_input_raises_protocol_error(data: Any) -> None:
    with pytest.raises(ProtocolError):
        codec.decode_response("getLead", data)

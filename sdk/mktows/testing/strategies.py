"""Hypothesis strategies derived from the generated dataclasses, for property tests of mktows code.

``for_type(cls)`` draws any valid instance of a generated class, read from its xsdata metadata: enumerations
take their declared values, optional (minOccurs=0) and nillable fields may be None, repeated (maxOccurs>1)
fields are lists, an abstract type (``LeadSelector``) is one of its derived types (sent with ``xsi:type``),
xs:dateTime is an ``XmlDateTime``, and text holds only characters XML 1.0 can carry.
``request_envelopes(operation)`` / ``response_envelopes(operation)`` draw whole envelopes of one operation.

This module needs hypothesis (the ``test`` extra); importing it without hypothesis raises ImportError.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, TypeVar

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "mktows.testing.strategies needs hypothesis: install it with `pip install mktows[test]`"
    ) from exc
from xsdata.formats.dataclass.models.elements import XmlVar
from xsdata.models.datatype import XmlDateTime

from mktows import operations
from mktows.operations import XML_CONTEXT, Operation
from mktows.testing import derived_types

__all__ = ["for_type", "request_envelopes", "response_envelopes", "xml_datetimes", "xml_text"]

T = TypeVar("T")

MAX_LIST_SIZE = 3
"""Longest list drawn for a repeated element: enough to see order and repetition, small enough to stay fast."""

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # xs:int, the WSDL's integer type

# Characters XML 1.0 cannot carry at all: C0 controls other than tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_NOT_XML = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def xml_text(*, min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[str]:
    """Strings of characters that XML 1.0 can carry (any other Unicode character, markup characters included)."""
    alphabet = st.characters(exclude_categories=["Cs"], exclude_characters=_NOT_XML)
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def xml_datetimes() -> st.SearchStrategy[XmlDateTime]:
    """xs:dateTime values: years 1-9999, nanosecond fractions, no offset or one within +-14:00."""
    offsets = st.none() | st.integers(min_value=-14 * 60, max_value=14 * 60)
    return st.builds(
        lambda moment, nanos, offset: XmlDateTime(
            moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, nanos, offset
        ),
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)),
        st.integers(min_value=0, max_value=999_999_999),
        offsets,
    )


def _primitive(kind: type[Any]) -> st.SearchStrategy[Any]:
    if issubclass(kind, Enum):
        return st.sampled_from(list(kind))
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(min_value=INT_MIN, max_value=INT_MAX)
    if kind is XmlDateTime:
        return xml_datetimes()
    if kind is bytes:
        return st.binary(max_size=32)
    if kind in (str, object):  # object: xs:anySimpleType, sent as text
        return xml_text()
    raise NotImplementedError(f"no strategy for the XML value type {kind!r}")


_CACHE: dict[type[Any], st.SearchStrategy[Any]] = {}


def _var_strategy(var: XmlVar) -> st.SearchStrategy[Any]:
    if var.is_wildcard or var.is_attributes or var.is_elements:
        raise NotImplementedError(f"no strategy for the wildcard/compound field {var.name}")
    if var.clazz is not None:
        value: st.SearchStrategy[Any] = for_type(var.clazz)
    else:
        value = st.one_of([_primitive(kind) for kind in var.types])
    if var.list_element:
        return st.lists(value, max_size=MAX_LIST_SIZE)
    if not var.required or var.nillable:
        return st.none() | value
    return value


def _build(cls: type[Any]) -> st.SearchStrategy[Any]:
    subtypes = derived_types(cls)
    fields = {var.name: _var_strategy(var) for var in XML_CONTEXT.build(cls).get_all_vars()}
    own: list[st.SearchStrategy[Any]] = []
    if (
        fields or not subtypes
    ):  # a type with no content of its own and derived types is abstract (LeadSelector)
        own.append(st.builds(cls, **fields))
    return st.one_of(own + [for_type(subtype) for subtype in subtypes])


def for_type(cls: type[T]) -> st.SearchStrategy[T]:
    """Any valid instance of a generated dataclass (element, type or envelope class), per the WSDL's rules."""
    if cls not in _CACHE:
        _CACHE[cls] = st.deferred(lambda: _build(cls))
    return _CACHE[cls]


def request_envelopes(operation: str | Operation) -> st.SearchStrategy[Any]:
    """Request envelopes of one operation (WSDL or method name): header and params drawn from their types."""
    op = operation if isinstance(operation, Operation) else operations.get(operation)
    return for_type(op.input)


def response_envelopes(operation: str | Operation) -> st.SearchStrategy[Any]:
    """Successful response envelopes of one operation (a success body, never a fault)."""
    op = operation if isinstance(operation, Operation) else operations.get(operation)
    return st.builds(op.response, for_type(op.result))

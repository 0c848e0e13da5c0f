"""Emit ``mktows_generated/_fastcodec.py``: a specialised encoder and decoder for every generated class.

xsdata's generic serializer and parser look up metadata and dispatch on it for every element, 60-80 µs per
record. The functions written here are straight-line code derived from the same metadata (xsdata's
``XmlContext``), so they walk an lxml tree or build a string in a few µs per record and produce the same
objects and the same bytes as the reference.

They cover the plain shapes the WSDL uses and nothing more. Whenever a function meets anything else (an
unknown, repeated or missing element, an ``xsi`` attribute it cannot resolve exactly like xsdata, a value it
cannot convert or write exactly like xsdata, text lxml would refuse), it raises ``Fallback`` and the codec
runs xsdata's reference serializer or parser on the same input instead. The codec's wire policies are
mirrored here: request envelopes leave unset optional fields out and write ``xsi:nil`` for unset required
nillable ones, response envelopes write ``xsi:nil`` for every unset nillable field, and a present object is never
written as nil.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from codegen.formatting import format_python

MODULE_NAME = "_fastcodec"

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
MKTOWS_NS = "http://www.marketo.com/mktows/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

WIRE_PREFIXES = {"SOAP-ENV": SOAP_ENV_NS, "ns1": MKTOWS_NS, "xsi": XSI_NS}
"""Prefix -> namespace declared on every encoded root, in this order: the prefixes of Marketo's envelopes."""

_PREFIX_OF = {uri: prefix for prefix, uri in WIRE_PREFIXES.items()}
_NIL_ATTR = ' xsi:nil="true"'

MODULE_DOC = '''"""Specialised lxml decoders and string encoders for every generated class, written by codegen/fastcodec.py.

``encode(obj, response)`` and ``decode(cls, element)`` give the same bytes and objects as xsdata's generic
serializer and parser as ``mktows.codec`` configures them, or raise ``Fallback`` when the input is outside the
plain shapes handled here; the codec then runs the reference on the same input.
"""
'''

_IMPORTS = """
from base64 import b64decode, b64encode
from collections.abc import Callable
from typing import Any, TypeVar, cast

from lxml.etree import _Element
from xsdata.models.datatype import XmlDateTime
"""

_PRELUDE = '''
__all__ = ["NS_MAP", "Fallback", "decode", "encode"]

_T = TypeVar("_T")

NS_MAP = {ns_map!r}
"""Prefixes declared on every encoded root; pass the same map to xsdata's serializer."""


class Fallback(Exception):
    """The input is outside what the fast path handles exactly like the reference: use the reference."""


class _Unset:
    """Marks a field whose element has not been seen yet."""


_UNSET: Any = _Unset()
_new = object.__new__
_XSI_NIL = "{{{xsi}}}nil"
_XSI_TYPE = "{{{xsi}}}type"
_BOOL: dict[str | None, bool] = {{"true": True, "1": True, "false": False, "0": False}}
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))

_Decoder = Callable[[_Element], Any]
_Encoder = Callable[[Any, list[str], bool], None]


def _esc(text: str) -> str:
    """Escape element text the way libxml2 writes it (``&``, ``<``, ``>`` and carriage return)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\\r" in text:
        text = text.replace("\\r", "&#13;")
    return text


def _xsi(element: _Element, nillable: bool, types: dict[str | None, _Decoder]) -> Any:
    """Decode a complex element that carries attributes: honour ``xsi:nil`` and ``xsi:type`` like xsdata."""
    nil = element.get(_XSI_NIL)
    type_name = element.get(_XSI_TYPE)
    if nil is not None:
        if nil == "true" and nillable and type_name is None and not len(element):
            return None
        raise Fallback
    if type_name is None:
        return types[None](element)
    prefix, colon, local = type_name.partition(":")
    namespace = element.nsmap.get(prefix) if colon else None
    decoder = types.get(f"{{{{{{namespace}}}}}}{{local}}") if namespace else None
    if decoder is None:
        raise Fallback
    return decoder(element)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _poly(
    value: Any, out: list[str], response: bool, table: dict[type, tuple[str, str, str, _Encoder]]
) -> None:
    """Write an object whose class may be a subclass of the field's type (with ``xsi:type``)."""
    entry = table.get(type(value))
    if entry is None:
        raise Fallback
    start, empty, end, encoder = entry
    out.append(start)
    size = len(out)
    encoder(value, out, response)
    if len(out) == size:
        out[-1] = empty
    else:
        out.append(end)
'''

_EPILOGUE = '''

def decode(cls: type[_T], element: _Element) -> _T:
    """Decode ``element`` (the root of what xsdata would parse) into ``cls``; ``Fallback`` if outside the fast path."""
    decoder = _DECODERS.get(cls)
    if decoder is None or element.get(_XSI_TYPE) is not None or element.get(_XSI_NIL) is not None:
        raise Fallback
    return cast(_T, decoder(element))


def encode(obj: object, response: bool) -> bytes:
    """Encode ``obj`` as the root element, UTF-8 with an XML declaration; ``response`` selects the nil policy."""
    entry = _ROOTS.get(type(obj))
    if entry is None:
        raise Fallback
    start, empty, end, encoder = entry
    out = [start]
    encoder(obj, out, response)
    if len(out) == 1:
        out[0] = empty
    else:
        out.append(end)
    text = "".join(out)
    data = text.encode("utf-8")
    if len(data.translate(None, _CONTROL)) != len(data):
        raise Fallback
    if not text.isascii() and ("\\ufffe" in text or "\\uffff" in text):
        raise Fallback
    return data
'''


class FastCodecError(Exception):
    """The generated metadata has a shape the fast codec generator cannot reason about safely."""


@contextmanager
def loaded_models(models_path: Path) -> Iterator[ModuleType]:
    """Import a freshly generated models file under a private name, registered while the caller uses it.

    xsdata resolves the postponed annotations through ``sys.modules``, so the module must stay registered
    while its metadata is built.
    """
    name = "_mktows_codegen_fastcodec_models"
    spec = importlib.util.spec_from_file_location(name, models_path)
    if spec is None or spec.loader is None:
        raise FastCodecError(f"cannot import {models_path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]


def _model_classes(module: ModuleType) -> list[type]:
    """Every dataclass of the module, inner classes right after their owner, in source order."""
    found: list[type] = []

    def visit(cls: type) -> None:
        found.append(cls)
        for inner in vars(cls).values():
            if (
                isinstance(inner, type)
                and dataclasses.is_dataclass(inner)
                and inner.__qualname__ == f"{cls.__qualname__}.{inner.__name__}"
            ):
                visit(inner)

    for obj in vars(module).values():
        if (
            isinstance(obj, type)
            and dataclasses.is_dataclass(obj)
            and obj.__module__ == module.__name__
            and "." not in obj.__qualname__
        ):
            visit(obj)
    return found


def _split(qname: str) -> tuple[str | None, str]:
    if qname.startswith("{"):
        namespace, local = qname[1:].split("}", 1)
        return namespace, local
    return None, qname


def _tag(qname: str) -> str | None:
    """The element name as written on the wire (``ns1:local`` or ``local``); None if the namespace has no prefix."""
    namespace, local = _split(qname)
    if not namespace:
        return local
    prefix = _PREFIX_OF.get(namespace)
    return f"{prefix}:{local}" if prefix else None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _plain_init(cls: type) -> bool:
    """Whether ``cls``'s ``__init__`` only stores its keyword arguments (a mutable dataclass without slots,
    ``__post_init__`` or init-less fields, as xsdata writes them): then setting each field does the same."""
    params = getattr(cls, "__dataclass_params__", None)
    return (
        params is not None
        and params.init
        and not params.frozen
        and "__slots__" not in cls.__dict__
        and not hasattr(cls, "__post_init__")
        and all(f.init for f in dataclasses.fields(cls))
    )


def _schema_required(cls: type) -> frozenset[str]:
    """Fields the schema requires (minOccurs=1): those without a default; xsdata's ``XmlVar.required`` is
    False for them when their type is Optional (required nillable fields), so it cannot tell."""
    return frozenset(
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def _ident(cls: type) -> str:
    return cls.__qualname__.replace(".", "_")


_PRIMITIVES = {str: "str", int: "int", bool: "bool"}


class _Plan:
    """What the generator knows about one class: its metadata and how each element field is handled."""

    def __init__(self, cls: type, meta: Any, supported: bool, reason: str) -> None:
        self.cls = cls
        self.meta = meta
        self.supported = supported
        self.reason = reason
        self.ident = _ident(cls)


class _Generator:
    def __init__(self, module: ModuleType) -> None:
        from xsdata.formats.dataclass.context import XmlContext

        self.context = XmlContext()
        self.classes = _model_classes(module)
        self.top = {name: obj for name, obj in vars(module).items() if isinstance(obj, type)}
        self.plans = {cls: self._plan(cls) for cls in self.classes}
        self.constants: list[str] = []
        self.enum_tables: dict[type, str] = {}
        self.decode_tables: dict[type, str] = {}
        self.encode_tables: dict[tuple[str, type], str] = {}
        self.enum_element_tables: dict[tuple[type, str], str] = {}

    # -- metadata checks -------------------------------------------------------------------------------------

    def _signature(self, meta: Any) -> list[tuple[Any, ...]]:
        return [
            (v.name, v.qname, tuple(v.types), v.nillable, v.required, v.list_element, v.any_type)
            for v in meta.get_element_vars()
        ]

    def _field_kind(self, var: Any) -> str | None:
        """How a field is handled: str, int, bool, datetime, enum, any, complex; None when it is not."""
        if (
            var.is_elements
            or var.is_wildcard
            or var.tokens
            or var.mixed
            or var.is_text
            or not var.is_element
            or var.sequence is not None
            or var.wrapper_qname
            or var.is_clazz_union
            or not var.init
            or _tag(var.qname) is None
        ):
            return None
        if var.clazz is not None:
            return "complex" if var.clazz in self.classes else None
        if len(var.types) != 1:
            return None
        (tp,) = var.types
        if tp is bytes and var.format == "base64":
            return "base64"
        if var.format:
            return None
        if var.any_type:
            if tp is object and self.context.find_type(var.qname) is None and not var.nillable:
                return "any"
            return None
        if tp in _PRIMITIVES:
            return _PRIMITIVES[tp]
        if tp.__name__ == "XmlDateTime" and tp.__module__.startswith("xsdata."):
            return "datetime"
        if isinstance(tp, type) and issubclass(tp, enum.Enum) and all(isinstance(m.value, str) for m in tp):
            return "enum"
        return None

    def _plan(self, cls: type) -> _Plan:
        meta = self.context.build(cls)
        if meta.get_attribute_vars() or meta.text or meta.mixed_content or meta.nillable or meta.wildcards:
            return _Plan(cls, meta, False, "attributes, text or wildcards")
        if meta.choices:
            return _Plan(cls, meta, False, "compound fields")
        element_vars = meta.get_element_vars()
        if len({v.qname for v in element_vars}) != len(element_vars):
            return _Plan(cls, meta, False, "two fields share an element name")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for var in element_vars:
            field = fields.get(var.name)
            if field is None or self._field_kind(var) is None:
                return _Plan(cls, meta, False, f"field {var.name} has an unsupported shape")
            if var.list_element:
                if field.default_factory is not list:
                    return _Plan(cls, meta, False, f"list field {var.name} without a list default")
            elif field.default_factory is not dataclasses.MISSING or field.default not in (
                None,
                dataclasses.MISSING,
            ):
                return _Plan(cls, meta, False, f"field {var.name} has a default other than None")
        if _tag(meta.qname) is None:
            return _Plan(cls, meta, False, "its element namespace has no wire prefix")
        return _Plan(cls, meta, True, "")

    def check_parent_namespaces(self) -> None:
        """Refuse metadata that depends on the parent's namespace: one function per class must fit every use."""
        for plan in self.plans.values():
            for var in plan.meta.get_element_vars():
                if var.clazz is None:
                    continue
                base = self._signature(self.context.build(var.clazz))
                parser_view = self._signature(self.context.fetch(var.clazz, plan.meta.namespace))
                writer_view = self._signature(self.context.build(var.clazz, _split(var.qname)[0]))
                if base != parser_view or base != writer_view:
                    raise FastCodecError(
                        f"metadata of {var.clazz.__qualname__} depends on the namespace of its parent "
                        f"{plan.cls.__qualname__}; the fast codec generator does not handle that"
                    )

    def _ref(self, cls: type) -> str:
        """Python expression naming ``cls`` in the generated module."""
        outer = cls.__qualname__.split(".", 1)[0]
        if outer not in self.top:
            raise FastCodecError(f"class {cls.__qualname__} is not reachable from the models module")
        return cls.__qualname__

    def _subclasses(self, cls: type) -> list[type]:
        """``cls`` and its generated subclasses: the classes an ``xsi:type`` may select for a field of type ``cls``."""
        return [cls] + [k for k in self.classes if k is not cls and issubclass(k, cls)]

    # -- tables -----------------------------------------------------------------------------------------------

    def _enum_table(self, tp: type) -> str:
        """Name of the table text -> member, holding each value xsdata's converter reads back as that member."""
        from xsdata.formats.converter import converter

        if tp not in self.enum_tables:
            name = f"_V_{_ident(tp)}"
            members = [m for m in tp if converter.deserialize(m.value, [tp]) is m]  # type: ignore[attr-defined]
            items = ", ".join(f"{m.value!r}: {self._ref(tp)}.{m.name}" for m in members)
            self.constants.append(f"{name}: dict[str | None, {self._ref(tp)}] = {{{items}}}")
            self.enum_tables[tp] = name
        return self.enum_tables[tp]

    def _enum_elements(self, tp: type, tag: str) -> str:
        key = (tp, tag)
        if key not in self.enum_element_tables:
            name = f"_W{len(self.enum_element_tables)}"
            items = []
            for member in tp:  # type: ignore[attr-defined]
                text = _esc(member.value)
                element = f"<{tag}>{text}</{tag}>" if text else f"<{tag}/>"
                items.append(f"{self._ref(tp)}.{member.name}: {element!r}")
            self.constants.append(f"{name}: dict[Any, str] = {{{', '.join(items)}}}")
            self.enum_element_tables[key] = name
        return self.enum_element_tables[key]

    def _decode_table(self, cls: type) -> str:
        """Name of the ``xsi:type`` table of a field of type ``cls`` (rendered once every use is known)."""
        return self.decode_tables.setdefault(cls, f"_X_{_ident(cls)}")

    def _decode_table_entries(self, cls: type, parents: list[Any]) -> list[tuple[str, type]]:
        entries = []
        for candidate in self._subclasses(cls):
            if not self.plans[candidate].supported:
                continue
            target = self.context.build(candidate).target_qname
            if not target:
                continue
            if all(self.context.fetch(cls, ns, target).clazz is candidate for ns in parents):
                entries.append((target, candidate))
        return entries

    def _encode_table(self, field_var: Any, cls: type) -> str:
        """Name of the table class -> (start, empty, end, encoder) for a field whose type has subclasses."""
        key = (field_var.qname, cls)
        if key in self.encode_tables:
            return self.encode_tables[key]
        name = f"_P{len(self.encode_tables)}"
        tag = _tag(field_var.qname)
        items = []
        for candidate in self._subclasses(cls):
            if not self.plans[candidate].supported:
                continue
            xsi_type = ""
            if candidate is not cls:
                target = self.context.build(candidate).target_qname
                if target == field_var.qname:
                    target = None
                if target:
                    written = _tag(target)
                    if written is None:
                        continue
                    xsi_type = f' xsi:type="{written}"'
            start, empty, end = f"<{tag}{xsi_type}>", f"<{tag}{xsi_type}/>", f"</{tag}>"
            items.append(f"{self._ref(candidate)}: ({start!r}, {empty!r}, {end!r}, _e_{_ident(candidate)})")
        self.constants.append(f"{name}: dict[type, tuple[str, str, str, _Encoder]] = {{{', '.join(items)}}}")
        self.encode_tables[key] = name
        return name

    # -- decoders ---------------------------------------------------------------------------------------------

    def _decode_value(self, var: Any, kind: str, target: str, plan: _Plan) -> list[str]:
        """Lines that convert the child element ``c`` and store it with ``target`` (an assignment or append)."""
        nillable = var.nillable
        if kind == "complex":
            table = self._decode_table(var.clazz)
            return [
                f"{target}(_d_{_ident(var.clazz)}(c) if not c.attrib else _xsi(c, {nillable}, {table}))"
                if target.endswith(".append")
                else f"{target} _d_{_ident(var.clazz)}(c) if not c.attrib else _xsi(c, {nillable}, {table})"
            ]
        lines = []
        if kind == "any":
            lines.append("if c.attrib or len(c) or not _blank(c.tail):")
            lines.append("    raise Fallback")
        lines.append("t = c.text")
        if kind in ("str", "any"):  # only xsi:nil="true" is None: an empty element is ""
            expr = (
                '("" if c.get(_XSI_NIL) != "true" else None) if t is None else t'
                if nillable
                else '"" if t is None else t'
            )
        elif kind == "base64":  # xsdata strips whitespace first: text with whitespace is left to it
            expr = (
                "None if t is None else b64decode(t, validate=True)"
                if nillable
                else ('b"" if t is None else b64decode(t, validate=True)')
            )
        elif kind == "bool":
            expr = "None if t is None else _BOOL[t]" if nillable else "_BOOL[t]"
        elif kind == "enum":
            table = self._enum_table(var.types[0])
            expr = f"None if t is None else {table}[t]" if nillable else f"{table}[t]"
        else:
            call = "int(t)" if kind == "int" else "XmlDateTime.from_string(t)"
            if nillable:
                expr = f"None if t is None else {call}"
            else:
                lines.append("if t is None:")
                lines.append("    raise Fallback")
                expr = call
        if target.endswith(".append"):
            lines.append(f"{target}({expr})")
        else:
            lines.append(f"{target} {expr}")
        return lines

    def _decoder(self, plan: _Plan) -> list[str]:
        cls_ref = self._ref(plan.cls)
        head = f"def _d_{plan.ident}(el: _Element) -> {cls_ref}:"
        if not plan.supported:
            return [
                head,
                f'    """Not handled here ({plan.reason}): always the reference."""',
                "    raise Fallback",
            ]
        element_vars = plan.meta.get_element_vars()
        if not element_vars:
            return [head, "    if len(el):", "        raise Fallback", f"    return {cls_ref}()"]
        lines = [head]
        for index, var in enumerate(element_vars):
            lines.append(
                f"    f{index}: list[Any] = []" if var.list_element else f"    f{index}: Any = _UNSET"
            )
        lines.append("    for c in el:")
        lines.append("        tag = c.tag")
        for index, var in enumerate(element_vars):
            kind = self._field_kind(var)
            assert kind is not None
            keyword = "if" if index == 0 else "elif"
            lines.append(f"        {keyword} tag == {var.qname!r}:")
            body: list[str] = []
            # xsdata resolves any xsi:type, even on a simple element (an unknown prefix is an error)
            simple_guard = "len(c) or _XSI_TYPE in c.keys()"
            if var.list_element:
                if kind != "complex":
                    body += [f"if {simple_guard}:", "    raise Fallback"]
                body += self._decode_value(var, kind, f"f{index}.append", plan)
            else:
                guard = f"f{index} is not _UNSET" + ("" if kind == "complex" else f" or {simple_guard}")
                body += [f"if {guard}:", "    raise Fallback"]
                body += self._decode_value(var, kind, f"f{index} =", plan)
            lines.extend(f"            {line}" for line in body)
        lines.append("        else:")
        lines.append("            raise Fallback")
        fields = {f.name: f for f in dataclasses.fields(plan.cls)}
        required = [
            f"f{i}"
            for i, var in enumerate(element_vars)
            if not var.list_element
            and fields[var.name].default is dataclasses.MISSING
            and fields[var.name].default_factory is dataclasses.MISSING
        ]
        if required:
            lines.append(f"    if {' or '.join(f'{name} is _UNSET' for name in required)}:")
            lines.append("        raise Fallback")
        values = [
            f"f{index}"
            if var.list_element or f"f{index}" in required
            else f"None if f{index} is _UNSET else f{index}"
            for index, var in enumerate(element_vars)
        ]
        if not _plain_init(plan.cls):
            arguments = ", ".join(
                f"{var.name}={value}" for var, value in zip(element_vars, values, strict=True)
            )
            lines.append(f"    return {cls_ref}({arguments})")
            return lines
        # what the dataclass __init__ would do (every field set, in order), without its call overhead
        lines.append(f"    o = _new({cls_ref})")
        lines += [f"    o.{var.name} = {value}" for var, value in zip(element_vars, values, strict=True)]
        lines.append("    return o")
        return lines

    # -- encoders ---------------------------------------------------------------------------------------------

    def _encode_value(self, var: Any, kind: str, value: str) -> list[str]:
        """Lines that write ``value`` (not None) as the field's element, raising Fallback on a type mismatch."""
        tag = _tag(var.qname)
        start, end, empty = f"<{tag}>", f"</{tag}>", f"<{tag}/>"
        if kind in ("str", "any"):
            return [
                f"if type({value}) is not str:",
                "    raise Fallback",
                f"a({start!r} + _esc({value}) + {end!r} if {value} else {empty!r})",
            ]
        if kind == "int":
            return [
                f"if type({value}) is not int:",
                "    raise Fallback",
                f"a({start!r} + str({value}) + {end!r})",
            ]
        if kind == "bool":
            return [
                f"if {value} is True:",
                f"    a({start + 'true' + end!r})",
                f"elif {value} is False:",
                f"    a({start + 'false' + end!r})",
                "else:",
                "    raise Fallback",
            ]
        if kind == "base64":
            return [
                f"if type({value}) is not bytes:",
                "    raise Fallback",
                f"s = b64encode({value}).decode()",
                f"a({start!r} + s + {end!r} if s else {empty!r})",
            ]
        if kind == "datetime":
            return [
                f"if type({value}) is not XmlDateTime:",
                "    raise Fallback",
                f"s = str({value})",
                f"a({start!r} + _esc(s) + {end!r} if s else {empty!r})",
            ]
        if kind == "enum":
            return [f"a({self._enum_elements(var.types[0], tag)}[{value}])"]  # type: ignore[arg-type]
        # complex
        cls = var.clazz
        if len(self._subclasses(cls)) > 1:
            return [f"_poly({value}, out, r, {self._encode_table(var, cls)})"]
        return [
            f"if type({value}) is not {self._ref(cls)}:",
            "    raise Fallback",
            f"a({start!r})",
            "n = len(out)",
            f"_e_{_ident(cls)}({value}, out, r)",
            "if len(out) == n:",
            f"    out[-1] = {empty!r}",
            "else:",
            f"    a({end!r})",
        ]

    def _encoder(self, plan: _Plan) -> list[str]:
        head = f"def _e_{plan.ident}(o: Any, out: list[str], r: bool) -> None:"
        if not plan.supported:
            return [
                head,
                f'    """Not handled here ({plan.reason}): always the reference."""',
                "    raise Fallback",
            ]
        element_vars = plan.meta.get_element_vars()
        if not element_vars:
            return [head, "    pass"]
        lines = [head, "    a = out.append"]
        required = _schema_required(plan.cls)
        for var in element_vars:
            kind = self._field_kind(var)
            assert kind is not None
            tag = _tag(var.qname)
            nil = f"<{tag}{_NIL_ATTR}/>"
            lines.append(f"    v = o.{var.name}")
            if var.nillable and (var.required or var.name in required):
                lines += ["    if v is None:", f"        a({nil!r})", "    else:"]
            elif var.nillable:
                lines += ["    if v is None:", "        if r:", f"            a({nil!r})", "    else:"]
            else:
                lines.append("    if v is not None:")
            if var.list_element:
                body = ["if type(v) is not list:", "    raise Fallback", "for x in v:"]
                body += [f"    {line}" for line in self._encode_value(var, kind, "x")]
            else:
                body = self._encode_value(var, kind, "v")
            lines.extend(f"        {line}" for line in body)
        return lines

    def _root_entry(self, plan: _Plan) -> str:
        tag = _tag(plan.meta.qname)
        declarations = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in WIRE_PREFIXES.items())
        prolog = '<?xml version="1.0" encoding="UTF-8"?>\n'
        start = f"{prolog}<{tag}{declarations}>"
        empty = f"{prolog}<{tag}{declarations}/>"
        return f"{self._ref(plan.cls)}: ({start!r}, {empty!r}, {f'</{tag}>'!r}, _e_{plan.ident})"

    # -- module -----------------------------------------------------------------------------------------------

    def render(self, package: str, models_module: str) -> str:
        self.check_parent_namespaces()
        functions: list[str] = []
        for plan in self.plans.values():
            functions.append("\n".join(self._decoder(plan)))
            functions.append("\n".join(self._encoder(plan)))
        # decode tables, now that every referenced one is known
        parents: dict[type, list[Any]] = {}
        for plan in self.plans.values():
            for var in plan.meta.get_element_vars():
                if var.clazz is not None:
                    parents.setdefault(var.clazz, []).append(plan.meta.namespace)
        for cls, name in self.decode_tables.items():
            items = [f"None: _d_{_ident(cls)}"]
            items += [
                f"{target!r}: _d_{_ident(candidate)}"
                for target, candidate in self._decode_table_entries(cls, parents.get(cls, [None]))
            ]
            self.constants.append(f"{name}: dict[str | None, _Decoder] = {{{', '.join(items)}}}")
        top_level = sorted(
            {cls.__qualname__.split(".", 1)[0] for cls in self.classes}
            | {tp.__name__ for tp in self.enum_tables}
        )
        supported = [plan for plan in self.plans.values() if plan.supported]
        decoders = ", ".join(f"{self._ref(p.cls)}: _d_{p.ident}" for p in supported)
        roots = ", ".join(self._root_entry(p) for p in supported)
        parts = [
            MODULE_DOC,
            "from __future__ import annotations",
            _IMPORTS,
            f"from {package}.{models_module} import (\n" + "".join(f"    {n},\n" for n in top_level) + ")",
            _PRELUDE.format(ns_map=WIRE_PREFIXES, xsi=XSI_NS),
            "\n\n\n".join(functions),
            "",
            "\n".join(self.constants),
            "",
            f"_DECODERS: dict[type, _Decoder] = {{{decoders}}}",
            f"_ROOTS: dict[type, tuple[str, str, str, _Encoder]] = {{{roots}}}",
            _EPILOGUE,
        ]
        return "\n".join(parts)


def render_module(models_path: Path, package: str, models_module: str) -> str:
    """The source of ``_fastcodec.py`` for the models file at ``models_path`` (unformatted)."""
    with loaded_models(models_path) as module:
        return _Generator(module).render(package, models_module)


def write_module(package_dir: Path, package: str, models_module: str) -> Path:
    """Write ``_fastcodec.py`` beside the models, formatted with the pinned ruff, and return its path."""
    source = render_module(package_dir / f"{models_module}.py", package, models_module)
    target = package_dir / f"{MODULE_NAME}.py"
    target.write_text(source, encoding="utf-8")
    format_python(target)
    return target

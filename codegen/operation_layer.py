"""Emit ``mktows_generated/operations.py``: the operation table and the typed ``Operations`` facade.

For each operation of the WSDL the table holds its WSDL and Python names, its SOAPAction, the classes of its
envelopes, body elements, result and SOAP headers, and the field names that join them, all read from the
generated models with xsdata's ``XmlContext`` (the same metadata the codec runs on). ``Operation`` builds the
operation's envelopes; ``Operations`` gives every operation a method typed with its ``Params…`` and
``Result…`` classes, documented with the first sentence of Marketo's page for it.

The facade calls an ``Invoke`` callable it is given, so the generated package needs nothing of ``mktows``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from xsdata.formats.dataclass.context import XmlContext

from codegen.docs import DocPages
from codegen.fastcodec import loaded_models
from codegen.formatting import format_python

MODULE_NAME = "operations"
NAMES_MODULE = "wsdl_names"
DOCSTRING_WIDTH = 100


class OperationLayerError(Exception):
    """The generated models do not have the shape the operation layer expects."""


def method_name(operation: str) -> str:
    """``syncCustomObjects`` -> ``sync_custom_objects``; Marketo's ``MObject`` is one word (``get_mobjects``)."""
    text = operation.replace("MObject", "Mobject")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", text).lower()


@dataclass(frozen=True)
class _Header:
    field: str
    element: type[Any]
    required: bool


@dataclass(frozen=True)
class _Operation:
    name: str
    soap_action: str
    input: type[Any]
    output: type[Any]
    params: type[Any]
    success: type[Any]
    result: type[Any]
    params_field: str
    success_field: str
    result_field: str
    params_qname: str
    success_qname: str
    headers: tuple[_Header, ...]

    @property
    def method(self) -> str:
        return method_name(self.name)

    @property
    def constant(self) -> str:
        return self.method.upper()


def _read_operations(models: ModuleType) -> list[_Operation]:
    """Every operation class of the models (the ones with a ``soap_action``), in WSDL-name order."""
    context = XmlContext()
    found: list[_Operation] = []
    for candidate in vars(models).values():
        if not isinstance(candidate, type) or not hasattr(candidate, "soap_action"):
            continue
        op: Any = candidate
        name = op.soap_action.rsplit("/", 1)[-1]
        params_vars = context.build(op.input.Body).get_element_vars()
        success_vars = [
            v for v in context.build(op.output.Body).get_element_vars() if v.local_name != "Fault"
        ]
        if len(params_vars) != 1 or len(success_vars) != 1:
            raise OperationLayerError(f"{name}: expected one body element each way")
        params_var, success_var = params_vars[0], success_vars[0]
        result_vars = context.build(success_var.clazz).get_element_vars()
        if len(result_vars) != 1:
            raise OperationLayerError(
                f"{name}: success element should hold one element, has {len(result_vars)}"
            )
        headers = tuple(
            _Header(var.name, var.clazz, var.required)
            for var in context.build(op.input.Header).get_element_vars()
        )
        found.append(
            _Operation(
                name=name,
                soap_action=op.soap_action,
                input=op.input,
                output=op.output,
                params=params_var.clazz,
                success=success_var.clazz,
                result=result_vars[0].clazz,
                params_field=params_var.name,
                success_field=success_var.name,
                result_field=result_vars[0].name,
                params_qname=params_var.qname,
                success_qname=success_var.qname,
                headers=headers,
            )
        )
    return sorted(found, key=lambda op: op.name)


MODULE_DOC = '''"""The {count} operations of mktows WSDL {version} as data, and ``Operations``: one typed method for each.

Written by codegen/operation_layer.py from the WSDL (names, SOAPActions, envelope, body and header classes) and
Marketo's documentation pages (each method's summary). ``Operation.request`` and ``Operation.response`` build an
operation's envelopes. ``Operations`` sends nothing itself: it hands every call to the ``Invoke`` callable it
is given (``mktows.Client`` gives its call path), so this package imports nothing of ``mktows``.
"""
'''

_PRELUDE = '''
ParamsT = TypeVar("ParamsT", default=Any)
ResultT = TypeVar("ResultT", default=Any)
InputT = TypeVar("InputT", default=Any)
OutputT = TypeVar("OutputT", default=Any)
_P = TypeVar("_P")
_R = TypeVar("_R")

HeaderElement: TypeAlias = {header_union}
"""An element a request may carry in its SOAP header."""


class HeaderPart(NamedTuple):
    """A SOAP header an operation declares: its field in the envelope's ``Header``, its class, whether required."""

    field: str
    element: type[Any]
    required: bool


@dataclass(frozen=True)
class Operation(Generic[ParamsT, ResultT, InputT, OutputT]):
    """One WSDL operation and the generated classes that carry it; builds its envelopes."""

    name: str  # WSDL name: "syncCustomObjects"
    method: str  # Python name: "sync_custom_objects"
    soap_action: str
    input: type[InputT]  # request envelope
    output: type[OutputT]  # response envelope
    params: type[ParamsT]  # request body element (paramsSyncCustomObjects)
    success: type[Any]  # response body element (successSyncCustomObjects)
    result: type[ResultT]  # the success element's one child (leadActivityList for getLeadActivity)
    params_field: str  # attribute of input.Body holding params
    success_field: str  # attribute of output.Body holding success
    result_field: str  # attribute of success holding the result
    params_qname: str  # "{{http://www.marketo.com/mktows/}}paramsSyncCustomObjects"
    success_qname: str
    headers: tuple[HeaderPart, ...]
    summary: str  # first sentence of Marketo's page for the operation ("" when there is none)

    @property
    def header_fields(self) -> tuple[str, ...]:
        """Attributes of ``input.Header``: ``authentication_header`` (and ``mktows_context_header`` on syncLead)."""
        return tuple(part.field for part in self.headers)

    def request(self, params: ParamsT, headers: Iterable[HeaderElement] = ()) -> InputT:
        """The request envelope: ``params`` as the body and each header element in its place in the SOAP header.

        With no headers the envelope has none (as a bare params element decodes). ValueError for a header the
        operation does not declare, one given twice, or a required one missing.
        """
        values: dict[str, HeaderElement] = {{}}
        for element in headers:
            for part in self.headers:
                if isinstance(element, part.element):
                    break
            else:
                raise ValueError(f"{{self.name}} takes no {{type(element).__name__}} header")
            if part.field in values:
                raise ValueError(f"{{self.name}} request: {{type(element).__name__}} given twice")
            values[part.field] = element
        envelope: Any = self.input
        header = None
        if values:
            for part in self.headers:
                if part.required and part.field not in values:
                    raise ValueError(f"{{self.name}} request needs the {{part.element.__name__}} header")
            header = envelope.Header(**values)
        built: InputT = envelope(header=header, body=envelope.Body(**{{self.params_field: params}}))
        return built

    def response(self, result: ResultT) -> OutputT:
        """The success response envelope holding ``result``."""
        envelope: Any = self.output
        success = self.success(**{{self.result_field: result}})
        built: OutputT = envelope(body=envelope.Body(**{{self.success_field: success}}))
        return built

    def fault(
        self, faultcode: str, faultstring: str, service_exception: ServiceException | None = None
    ) -> OutputT:
        """A response envelope holding a SOAP fault, with Marketo's ``serviceException`` as its detail if given."""
        envelope: Any = self.output
        fault_class = envelope.Body.Fault
        detail = None if service_exception is None else fault_class.Detail(service_exception=service_exception)
        fault = fault_class(faultcode=faultcode, faultstring=faultstring, detail=detail)
        built: OutputT = envelope(body=envelope.Body(fault=fault))
        return built

    def params_of(self, request: InputT) -> ParamsT:
        """The params element of a request envelope."""
        body: Any = getattr(request, "body")
        params: ParamsT = getattr(body, self.params_field)
        return params

    def success_of(self, response: OutputT) -> Any:
        """The success element of a response envelope (None when it holds a fault instead)."""
        body: Any = getattr(response, "body")
        return getattr(body, self.success_field)


class Invoke(Protocol):
    """What ``Operations`` hands each call to: ``invoke(operation, params)`` returns the operation's result."""

    def __call__(self, operation: Operation[_P, _R, Any, Any], params: _P, /) -> _R: ...
'''


def _wrapped_docstring(text: str, indent: str) -> str:
    lines = textwrap.wrap(text, width=DOCSTRING_WIDTH - len(indent), break_long_words=False)
    if lines[-1].endswith('"'):  # would run into the closing quotes
        lines[-1] += " "
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}\n{indent}"""'


class _Renderer:
    def __init__(self, operations: list[_Operation], aliases: dict[str, str], docs: DocPages) -> None:
        self.operations = operations
        self.docs = docs
        self.wsdl_name: dict[str, str] = {}
        for wsdl_name, python_name in sorted(aliases.items()):
            self.wsdl_name.setdefault(python_name, wsdl_name)
        self.used: set[str] = set()

    def ref(self, cls: type[Any]) -> str:
        """The WSDL name under which ``mktows_generated.wsdl_names`` exports ``cls``."""
        try:
            name = self.wsdl_name[cls.__qualname__]
        except KeyError:
            raise OperationLayerError(f"{cls.__qualname__} has no WSDL name in {NAMES_MODULE}") from None
        self.used.add(name)
        return name

    def summary(self, op: _Operation) -> str:
        return self.docs.summary(op.name) or ""

    def constant(self, op: _Operation) -> str:
        kinds = ", ".join(self.ref(cls) for cls in (op.params, op.result, op.input, op.output))
        headers = "".join(
            f"HeaderPart({h.field!r}, {self.ref(h.element)}, {h.required!r}), " for h in op.headers
        )
        fields = [
            ("name", repr(op.name)),
            ("method", repr(op.method)),
            ("soap_action", repr(op.soap_action)),
            ("input", self.ref(op.input)),
            ("output", self.ref(op.output)),
            ("params", self.ref(op.params)),
            ("success", self.ref(op.success)),
            ("result", self.ref(op.result)),
            ("params_field", repr(op.params_field)),
            ("success_field", repr(op.success_field)),
            ("result_field", repr(op.result_field)),
            ("params_qname", repr(op.params_qname)),
            ("success_qname", repr(op.success_qname)),
            ("headers", f"({headers})"),
            ("summary", repr(self.summary(op))),
        ]
        arguments = "".join(f"    {key}={value},\n" for key, value in fields)
        return f"{op.constant}: Operation[{kinds}] = Operation(\n{arguments})"

    def method(self, op: _Operation) -> str:
        summary = self.summary(op) or f"(Marketo's documentation has no page {self.docs.page(op.name)}.)"
        docstring = _wrapped_docstring(f"{op.name}: {summary}", " " * 8)
        return (
            f"    def {op.method}(self, params: {self.ref(op.params)}) -> {self.ref(op.result)}:\n"
            f"{docstring}\n"
            f"        return self._invoke({op.constant}, params)\n"
        )

    def render(self, package: str, version: str) -> str:
        header_classes = sorted({h.element for op in self.operations for h in op.headers}, key=self.ref)
        header_union = " | ".join(self.ref(cls) for cls in header_classes)
        self.ref_service_exception()
        constants = "\n\n".join(self.constant(op) for op in self.operations)
        table = "".join(f"        {op.name!r}: {op.constant},\n" for op in self.operations)
        methods = "\n".join(self.method(op) for op in self.operations)
        names = [
            "OPERATIONS",
            "HeaderElement",
            "HeaderPart",
            "Invoke",
            "Operation",
            "Operations",
            *(op.constant for op in self.operations),
        ]
        parts = [
            MODULE_DOC.format(count=len(self.operations), version=version),
            "from __future__ import annotations\n",
            "from collections.abc import Iterable, Mapping",
            "from dataclasses import dataclass",
            "from types import MappingProxyType",
            "from typing import Any, Generic, NamedTuple, Protocol, TypeAlias\n",
            "from typing_extensions import TypeVar\n",
            f"from {package}.{NAMES_MODULE} import (\n"
            + "".join(f"    {name},\n" for name in sorted(self.used))
            + ")\n",
            "__all__ = [\n" + "".join(f"    {name!r},\n" for name in names) + "]",
            _PRELUDE.format(header_union=header_union),
            constants,
            "",
            "OPERATIONS: Mapping[str, Operation] = MappingProxyType(\n    {\n" + table + "    }\n)",
            '"""Every operation by its WSDL name, in name order."""\n',
            "",
            "class Operations:",
            f'    """The {len(self.operations)} operations as typed methods named in snake_case; '
            'each is one call of the ``Invoke`` given."""\n',
            '    __slots__ = ("_invoke",)\n',
            "    def __init__(self, invoke: Invoke) -> None:",
            "        self._invoke = invoke\n",
            methods,
        ]
        return "\n".join(parts)

    def ref_service_exception(self) -> None:
        if "ServiceException" not in self.wsdl_name.values():
            raise OperationLayerError("the models have no ServiceException (the fault detail)")
        self.used.add("ServiceException")


def write_module(
    package_dir: Path, package: str, models_module: str, aliases: dict[str, str], docs: DocPages, version: str
) -> Path:
    """Write ``operations.py`` beside the models, formatted with the pinned ruff, and return its path."""
    with loaded_models(package_dir / f"{models_module}.py") as models:
        operations = _read_operations(models)
        source = _Renderer(operations, aliases, docs).render(package, version)
    target = package_dir / f"{MODULE_NAME}.py"
    target.write_text(source, encoding="utf-8")
    format_python(target)
    return target

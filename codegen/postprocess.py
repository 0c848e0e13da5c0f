"""Changes to xsdata's class model before it is rendered, for facts the WSDL cannot express.

Each function says why it exists. They work on xsdata's codegen model (not on the rendered text), so they
survive formatting changes and stay deterministic.
"""

from __future__ import annotations

from typing import Any


def make_context_header_optional(classes: list[Any]) -> None:
    """syncLead's ``MktowsContextHeader`` becomes optional.

    Why: the binding lists it as a second ``soap:header`` of syncLead, which xsdata renders as a required
    field, but Marketo documents it as optional ("Optionally, a Context Header can be specified") and every
    documented syncLead request omits it.
    """
    for cls in classes:
        if cls.name != "MktowsPort_syncLead_input":
            continue
        for inner in cls.inner:
            if inner.name == "Header":
                for attr in inner.attrs:
                    if attr.name == "MktowsContextHeader":
                        attr.restrictions.min_occurs = 0
                        attr.default = None


POSTPROCESSORS = (make_context_header_optional,)


def postprocess_classes(classes: list[Any]) -> list[Any]:
    for step in POSTPROCESSORS:
        step(classes)
    return classes

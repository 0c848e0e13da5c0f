"""The typed SOAP objects a translation answers with in bulk, built as the generated decoder builds them.

A call's answer holds hundreds of them (300 statuses with their keys, a page of 100 objects with theirs), and
the bridge's time per call is a measured goal (PRODUCT.md section 9): ``object.__new__`` with every field set
takes half the time of the keyword-only dataclass ``__init__`` and gives an equal object. Each builder sets
every field of its class (tests hold them to ``dataclasses.fields``, so a field added to the models is not
missed).
"""

from __future__ import annotations

from mktows import types as t

_new = object.__new__


def attribute(name: str, value: str) -> t.Attribute:
    """``Attribute(attr_name=name, attr_value=value)``."""
    built = _new(t.Attribute)
    built.attr_name = name
    built.attr_type = None
    built.attr_value = value
    return built


def attribute_list(items: list[t.Attribute]) -> t.ArrayOfAttribute:
    """``ArrayOfAttribute(attribute=items)``."""
    built = _new(t.ArrayOfAttribute)
    built.attribute = items
    return built


def sync_status(
    obj_type_name: str, keys: t.ArrayOfAttribute, status: t.SyncStatusEnum, error: str | None
) -> t.SyncCustomObjStatus:
    """``SyncCustomObjStatus`` of one custom object."""
    built = _new(t.SyncCustomObjStatus)
    built.obj_type_name = obj_type_name
    built.custom_obj_key_list = keys
    built.status = status
    built.error = error
    return built


def custom_obj(keys: t.ArrayOfAttribute, values: t.ArrayOfAttribute) -> t.CustomObj:
    """``CustomObj`` with its key and attribute lists."""
    built = _new(t.CustomObj)
    built.custom_obj_key_list = keys
    built.custom_obj_attribute_list = values
    return built

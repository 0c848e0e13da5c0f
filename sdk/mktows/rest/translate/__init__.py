"""The REST translations of the SOAP operations, in one table keyed by WSDL operation name.

``translate(ctx, operation, params)`` serves one typed SOAP call (``Params…`` in, ``Result…`` out) by REST
calls. Each translation lives in one module of this package and cites the documentation of its mapping.
An operation without a REST successor raises ``UnsupportedOperationError`` with the documented reason; one
not translated yet says so. A whole-call REST error a translation lets through is raised as the SOAP fault
the SOAP docs give for the same case (``faults``), with REST's code kept as ``rest_code``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from mktows import operations
from mktows.errors import SoapFault, UnsupportedOperationError
from mktows.marketo_limits import REST_MAX_RECORDS_PER_CALL
from mktows.rest.translate import activities, campaigns, custom_objects, imports, leads, lists, mobjects, tags
from mktows.rest.translate.context import ObjectType, TranslationContext
from mktows.rest.translate.faults import as_soap_fault

Translation = Callable[[TranslationContext, Any], Any]

TRANSLATIONS: Mapping[str, Translation] = MappingProxyType(
    {
        "syncCustomObjects": custom_objects.sync_custom_objects,
        "getCustomObjects": custom_objects.get_custom_objects,
        "deleteCustomObjects": custom_objects.delete_custom_objects,
        "listOperation": lists.list_operation,
        "importToList": imports.import_to_list,
        "getImportToListStatus": imports.get_import_to_list_status,
        "requestCampaign": campaigns.request_campaign,
        "scheduleCampaign": campaigns.schedule_campaign,
        "getCampaignsForSource": campaigns.get_campaigns_for_source,
        "getLead": leads.get_lead,
        "getMultipleLeads": leads.get_multiple_leads,
        "syncLead": leads.sync_lead,
        "syncMultipleLeads": leads.sync_multiple_leads,
        "mergeLeads": leads.merge_leads,
        "getTags": tags.get_tags,
        "getChannels": tags.get_channels,
        "getLeadActivity": activities.get_lead_activity,
        "getLeadChanges": activities.get_lead_changes,
        "syncMObjects": mobjects.sync_mobjects,
        "getMObjects": mobjects.get_mobjects,
        "deleteMObjects": mobjects.delete_mobjects,
        "describeMObject": mobjects.describe_mobject,
    }
)
"""WSDL operation name -> the function serving it over REST."""

NO_REST_SUCCESSOR: Mapping[str, str] = MappingProxyType(
    {
        "listMObjects": "the SOAP migration page (migration.md, M Objects) maps listMObjects to no REST "
        "method (N/A); REST describes Opportunities and Opportunity Roles one by one instead",
    }
)
"""Operations that REST does not replace, with the documented reason."""

MAX_CUSTOM_OBJECTS_PER_CALL = REST_MAX_RECORDS_PER_CALL
"""Sync and Delete Custom Objects take up to 300 records per call (custom-objects.md), SOAP's took 100."""


def translate(ctx: TranslationContext, operation: str, params: Any) -> Any:
    """The ``Result…`` of ``operation`` (a WSDL name) for ``params``, obtained over REST."""
    name = operations.get(operation).name
    translation = TRANSLATIONS.get(name)
    if translation is not None:
        try:
            return translation(ctx, params)
        except SoapFault as error:
            if error.protocol != "rest":
                raise
            raise as_soap_fault(error) from error
    reason = NO_REST_SUCCESSOR.get(name)
    if reason is not None:
        raise UnsupportedOperationError(f"{name} has no REST successor: {reason}", operation=name)
    raise UnsupportedOperationError(
        f"{name} is not translated to REST yet (translated: {', '.join(sorted(TRANSLATIONS))})",
        operation=name,
    )


__all__ = [
    "MAX_CUSTOM_OBJECTS_PER_CALL",
    "NO_REST_SUCCESSOR",
    "TRANSLATIONS",
    "ObjectType",
    "Translation",
    "TranslationContext",
    "translate",
]

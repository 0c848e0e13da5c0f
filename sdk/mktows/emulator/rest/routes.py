"""The REST face's route table: every endpoint it serves, by Swagger path template and operationId."""

from __future__ import annotations

from mktows.emulator.rest import custom_objects
from mktows.emulator.rest.routing import Route

CO = "/rest/v1/customobjects/{customObjectName}"

ROUTES: list[Route] = [
    Route("GET", "/rest/v1/customobjects.json", "listCustomObjectsUsingGET", custom_objects.list_types),
    Route("GET", f"{CO}/describe.json", "describeUsingGET_1", custom_objects.describe),
    Route("GET", f"{CO}.json", "getCustomObjectsUsingGET", custom_objects.get),
    Route("POST", f"{CO}.json", "syncCustomObjectsUsingPOST", custom_objects.sync, writes=True),
    Route("POST", f"{CO}/delete.json", "deleteCustomObjectsUsingPOST", custom_objects.delete, writes=True),
]

OPERATION_IDS: frozenset[str] = frozenset(route.operation_id for route in ROUTES)

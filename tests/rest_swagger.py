"""Validating the REST face's answers against Marketo's Swagger 2.0 definitions (../shared/marketo-docs/rest/
openapi), with jsonschema: the 200 response schema of the operation a request reached, its ``$ref``s resolved
in the definitions of the same file.

Where Marketo's own documented examples disagree with a definition, the definition is relaxed here, once,
with the example that shows it (``DIFFERENCES``); nothing else is changed."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

from tests.conftest import DOCS_DIR

OPENAPI_DIR = DOCS_DIR / "rest" / "openapi"
SWAGGER_FILES = ("swagger-mapi.json", "swagger-asset.json", "swagger-identity.json")
REST_MISSING = not all((OPENAPI_DIR / name).is_file() for name in SWAGGER_FILES)
REST_REASON = (
    f"needs Marketo's REST Swagger definitions in {OPENAPI_DIR} (the ../shared folder beside the checkout)"
)

# (file, definition, property or "required"): what is used instead, and the documented example that forces it.
DIFFERENCES: dict[tuple[str, str, str], tuple[Any, str]] = {
    ("swagger-mapi.json", "Attribute", "value"): (
        {"description": "Value of the attribute (any JSON value)"},
        "Attribute.value is 'type: object', but activities.md:167 (Get Lead Changes) documents"
        ' "value": "Web service API" and "value": 775',
    ),
    ("swagger-mapi.json", "CustomObject", "required"): (
        ["seq"],
        "CustomObject requires marketoGUID, but custom-objects.md:350 (Sync) and :406 (Delete) document a"
        ' skipped record as {"seq": 2, "status": "skipped", "reasons": [...]}, without one',
    ),
    ("swagger-asset.json", "Recurrence", "required"): (
        ["weekdayOnly"],
        "Recurrence requires nine members, but smart-campaigns.md:62 (Get Smart Campaign by Id) documents"
        ' "recurrence": {"weekdayOnly": false}',
    ),
    ("swagger-asset.json", "ProgramResponse", "type"): (
        {"type": "string"},
        "ProgramResponse.type is one of default/event/webinar/nurture, but programs.md:76, :170 and :188"
        ' document "Default", "Engagement" and "Email"',
    ),
    ("swagger-asset.json", "BrowseAllPrograms", "type"): (
        {"type": "string"},
        "BrowseAllPrograms.type is one of program/event/webinar/nurture, but programs.md:170 and :188"
        ' (Browse) document "Engagement" and "Email"',
    ),
}

# operationId: the schema of its result records instead of the definition's, and the example that forces it.
RESULT_DIFFERENCES: dict[str, tuple[dict[str, Any], str]] = {
    op: (
        {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        f"{op} answers ResponseOfCampaign, whose Campaign requires name, type, createdAt and updatedAt, but"
        ' smart-campaigns.md:395 (Schedule) and :444 (Trigger) document "result": [{"id": 3713}]',
    )
    for op in ("scheduleCampaignUsingPOST", "triggerCampaignUsingPOST")
}

# Answers that are files, not JSON: the definition names an object, the docs a file in the import's format.
FILE_SCHEMAS = {"ObservableOfInputStreamContent"}
FILE_DIFFERENCE = (
    "getImportLeadFailuresUsingGET / getImportLeadWarningsUsingGET answer 'ObservableOfInputStreamContent'"
    " ({type: object}); bulk-lead-import.md: 'The API returns a file ... in the format specified by the"
    " format parameter' (CSV), so these answers are checked as text/csv"
)


@dataclass(frozen=True)
class Operation:
    """One Swagger operation: where it is defined and its 200 response schema."""

    file: str
    method: str
    template: str
    operation_id: str
    schema_name: str
    pattern: re.Pattern[str]


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OPENAPI_DIR / name).read_text(encoding="utf-8"))
    definitions = copy.deepcopy(data["definitions"])
    for (file, definition, member), (replacement, _) in DIFFERENCES.items():
        if file != name:
            continue
        if member == "required":
            definitions[definition]["required"] = replacement
        else:
            definitions[definition]["properties"][member] = replacement
    data["definitions"] = definitions
    return data


class SwaggerCatalog:
    """The operations of the three definition files and a validator per response schema."""

    def __init__(self, directory: Path = OPENAPI_DIR) -> None:
        self.files = {name: _load(name) for name in SWAGGER_FILES}
        self.operations: list[Operation] = []
        for name, data in self.files.items():
            for template, methods in data["paths"].items():
                regex = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
                for method, spec in methods.items():
                    if method not in ("get", "post", "delete", "put"):
                        continue
                    ref = spec["responses"]["200"]["schema"]["$ref"]
                    self.operations.append(
                        Operation(
                            name,
                            method.upper(),
                            template,
                            spec["operationId"],
                            ref.rsplit("/", 1)[1],
                            re.compile(f"^{regex}$"),
                        )
                    )
        # literal paths before templated ones (smartCampaign/byName.json before smartCampaign/{id}.json)
        self.operations.sort(key=lambda op: op.template.count("{"))

    def operation(self, method: str, path: str) -> Operation:
        """The operation a request reaches (a POST with _method=GET reaches the GET of the path)."""
        for op in self.operations:
            if op.method == method and op.pattern.match(path):
                return op
        raise LookupError(f"no Swagger operation for {method} {path}")

    def errors(self, op: Operation, body: Any) -> list[str]:
        """Why ``body`` does not validate against the operation's 200 schema (empty when it does)."""
        definitions = self.files[op.file]["definitions"]
        name = op.schema_name
        if op.operation_id in RESULT_DIFFERENCES:
            definitions = copy.deepcopy(definitions)
            name = f"{name}_{op.operation_id}"
            definitions[name] = copy.deepcopy(definitions[op.schema_name])
            definitions[name]["properties"]["result"]["items"] = RESULT_DIFFERENCES[op.operation_id][0]
        schema = {"$ref": f"#/definitions/{name}", "definitions": definitions}
        validator = Draft4Validator(schema)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]

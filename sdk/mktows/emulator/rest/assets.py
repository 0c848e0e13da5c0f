"""Programs, channels and tag types over the asset API (programs.md, channels.md, tags.md): the successors of
the SOAP Program MObject (period costs, tags), getChannels and getTags, over the same stored programs and
configured channels and tags."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from mktows.emulator.model import mobjects
from mktows.emulator.model.mobjects import PROGRAM, MObject
from mktows.emulator.operations.mobjects import ObjectFailure, program_details_with
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.envelope import Answer, RestError
from mktows.emulator.rest.values import instant

PROGRAM_TYPES = "Default,Event,Event with Webinar,Engagement,Email"
# The SOAP Program Type values as REST's program types (programs.md examples: "Default", "Engagement", "Email").
REST_PROGRAM_TYPES = {"marketing event": "Event", "nurture program": "Engagement", "email program": "Email"}


def _month_instant(month: str) -> str:
    """A stored cost month (``2011-07`` or ``2011-07-01``) as REST's startDate."""
    day = month if len(month) > 7 else f"{month}-01"
    return f"{day}T00:00:00Z"


def program_json(program: MObject) -> dict[str, Any]:
    """A ProgramResponse."""
    attributes, details = program.attributes, program.details
    costs = []
    for cost in details.get("costs", []):
        entry: dict[str, Any] = {
            "startDate": _month_instant(str(cost.get("month", ""))),
            "cost": int(float(cost.get("amount", 0) or 0)),
        }
        if cost.get("note"):
            entry["note"] = str(cost["note"])
        costs.append(entry)
    return {
        "id": program.id,
        "name": attributes.get("Name", ""),
        "description": attributes.get("Description", ""),
        "type": REST_PROGRAM_TYPES.get(attributes.get("Type", "").casefold(), "Default"),
        "channel": details.get("channel") or "",
        "status": "unlocked",
        "workspace": attributes.get("Workspace Name", "Default"),
        "folder": {"id": 1, "type": "Folder"},
        "createdAt": instant(program.created_at),
        "updatedAt": instant(program.updated_at),
        "tags": [{"tagType": t, "tagValue": v} for t, v in details.get("tags", {}).items()],
        "costs": costs,
    }


def _program_by_id(conn: sqlite3.Connection, program_id: int) -> MObject | None:
    return mobjects.get(conn, PROGRAM, program_id)


def _program_of_path(ctx: RestContext) -> MObject:
    return ctx.found(_program_by_id, "id", 702, "No data found for a given search scenario")


def program_by_id(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/program/{id}.json."""
    return Answer([program_json(_program_of_path(ctx))])


def program_by_name(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/program/byName.json?name=.."""
    name = ctx.request.param("name")
    if not name:
        raise RestError(701, "name cannot be blank")
    program = mobjects.program_by_name(ctx.conn, name)
    if program is None:
        raise RestError(702, "No data found for a given search scenario")
    return Answer([program_json(program)])


def browse_programs(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/programs.json (``maxReturn`` up to 200, ``offset``)."""
    offset, size = ctx.request.window()
    programs = list(mobjects.all_of(ctx.conn, PROGRAM))[offset : offset + size]
    return Answer([program_json(p) for p in programs])


def _json_param(ctx: RestContext, name: str) -> list[dict[str, Any]]:
    text = ctx.request.param(name)
    if text is None:
        body = ctx.request.json_object() if "json" in ctx.request.content_type else {}
        data = body.get(name, [])
    else:
        try:
            data = json.loads(text)
        except ValueError:
            raise RestError(609, f"Invalid JSON in '{name}'") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise RestError(1003, f"Invalid data: {name} must be a list of objects")
    return data


def update_program(ctx: RestContext) -> Answer:
    """POST /rest/asset/v1/program/{id}.json: period costs (``costs``, ``costsDestructiveUpdate``) and tags."""
    program = _program_of_path(ctx)
    changes: list[tuple[str, dict[str, str]]] = []
    for cost in _json_param(ctx, "costs"):
        start = str(cost.get("startDate", ""))[:10]
        changes.append(
            ("Cost", {"Month": start, "Amount": str(cost.get("cost", "")), "Note": str(cost.get("note", ""))})
        )
    for tag in _json_param(ctx, "tags"):
        changes.append(("Tag", {"Type": str(tag.get("tagType", "")), "Value": str(tag.get("tagValue", ""))}))
    current = dict(program.details)
    if (ctx.request.param("costsDestructiveUpdate") or "").lower() == "true":
        current["costs"] = []
    try:
        details = program_details_with(ctx.config, current, changes)
    except ObjectFailure as failure:
        raise RestError(709, f"Business Rule Violation: {failure}") from None
    if details != program.details:
        program.details = details
        mobjects.save(ctx.conn, program, ctx.now_us)
    return Answer([program_json(program)])


def _channel_json(name: str, ctx: RestContext) -> dict[str, Any]:
    statuses = ctx.config.channels[name]
    return {
        "id": sorted(ctx.config.channels).index(name) + 1,
        "name": name,
        "applicableProgramType": "event" if name in ("Tradeshow", "Webinar") else "program",
        "createdAt": instant(0),
        "updatedAt": instant(0),
        "progressionStatuses": [
            {"name": s.status, "step": s.step, "success": s.success, "hidden": False, "description": ""}
            for s in statuses
        ],
    }


def channels(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/channels.json (``maxReturn``, ``offset``)."""
    offset, size = ctx.request.window()
    names = sorted(ctx.config.channels)[offset : offset + size]
    return Answer([_channel_json(name, ctx) for name in names])


def channel_by_name(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/channel/byName.json?name=.."""
    wanted = (ctx.request.param("name") or "").strip().casefold()
    found = [name for name in ctx.config.channels if name.casefold() == wanted]
    if not found:
        raise RestError(702, "No data found for a given search scenario")
    return Answer([_channel_json(found[0], ctx)])


def tag_types(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/tagTypes.json (``maxReturn``, ``offset``)."""
    offset, size = ctx.request.window()
    return Answer(
        [
            {"tagType": name, "applicableProgramTypes": PROGRAM_TYPES, "required": False}
            for name in list(ctx.config.tags)[offset : offset + size]
        ]
    )


def tag_type_by_name(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/tagType/byName.json?name=..: the tag type with its allowed values."""
    wanted = (ctx.request.param("name") or "").strip().casefold()
    found = [name for name in ctx.config.tags if name.casefold() == wanted]
    if not found:
        raise RestError(702, "No data found for a given search scenario")
    name = found[0]
    return Answer(
        [
            {
                "tagType": name,
                "applicableProgramTypes": PROGRAM_TYPES,
                "required": False,
                "allowableValues": f"[{', '.join(ctx.config.tags[name])}]",  # tags.md "By Name"
            }
        ]
    )

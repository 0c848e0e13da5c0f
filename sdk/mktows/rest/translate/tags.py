"""getTags and getChannels served by the asset API's tag types and channels.

The SOAP migration page (migration.md, "M Objects") names the successors: Get Channels for getChannels, Get Tag
Types and Get Tag by Name for getTags; channels.md and tags.md document their requests and answers. Each
function takes and returns exactly the generated SOAP types.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mktows import types as t
from mktows.errors import NotFoundError, ProtocolError
from mktows.rest.translate.context import TranslationContext

ASSET = "/rest/asset/v1"
PAGE = 200
"""Browse endpoints of the asset API return up to 200 records per call (``maxReturn``, programs.md)."""
MAX_PAGES = 1000
NO_DATA = 702
"""Asset API's "No data found for a given search scenario" (error-codes.md): a name that names nothing."""


def _wanted(values: t.ArrayOfString | None) -> list[str]:
    """The non-blank names of a SOAP string list, trimmed."""
    return [v.strip() for v in (values.string_item if values is not None else []) if v and v.strip()]


def _browse(ctx: TranslationContext, path: str, operation: str) -> Iterator[Mapping[str, Any]]:
    """Every record of an asset browse endpoint, paged by ``offset``/``maxReturn``."""
    for page in range(MAX_PAGES):
        answer = ctx.rest.get(path, {"maxReturn": PAGE, "offset": page * PAGE}, operation=operation)
        yield from (r for r in answer.result if isinstance(r, Mapping))
        if len(answer.result) < PAGE:
            return
    raise ProtocolError(f"{path} did not end within {MAX_PAGES} pages", operation=operation)


def _by_name(ctx: TranslationContext, path: str, name: str, operation: str) -> Mapping[str, Any] | None:
    """The one record a by-name endpoint answers for ``name``; None when it names nothing (702)."""
    try:
        answer = ctx.rest.get(path, {"name": name}, operation=operation)
    except NotFoundError as error:
        if error.code == NO_DATA:
            return None
        raise
    records = [r for r in answer.result if isinstance(r, Mapping)]
    return records[0] if records else None


def allowable_values(text: Any) -> list[str]:
    """A tag type's ``allowableValues`` as a list: tags.md shows ``"[AAA1 RT1, AAA1 RT2]"``, a bracketed,
    comma-separated text (a JSON list is taken as it is)."""
    if isinstance(text, list):
        return [str(v) for v in text]
    body = str(text or "").strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    return [v.strip() for v in body.split(",") if v.strip()]


def get_tags(ctx: TranslationContext, params: t.ParamsGetTags) -> t.ResultGetTags:
    """Get Tag Types, then Get Tag by Name for each type's allowed values (tags.md "Query"). Requested types
    are looked up by name; a name REST does not know (702) is left out, as gettags.md answers only known
    types; requested values narrow the values (case-insensitively)."""
    op = "getTags"
    requested = [tag for tag in (params.tag_list.tag if params.tag_list is not None else [])]
    if requested:
        names = [(tag.type_value or "").strip() for tag in requested]
        filters = [{v.casefold() for v in _wanted(tag.values)} for tag in requested]
    else:
        names = [str(r.get("tagType", "")) for r in _browse(ctx, f"{ASSET}/tagTypes.json", op)]
        filters = [set() for _ in names]
    tags: list[t.Tag] = []
    for name, wanted in zip(names, filters, strict=True):
        found = _by_name(ctx, f"{ASSET}/tagType/byName.json", name, op) if name else None
        if found is None:
            continue
        values = allowable_values(found.get("allowableValues"))
        if wanted:
            values = [v for v in values if v.casefold() in wanted]
        tags.append(
            t.Tag(type_value=str(found.get("tagType", name)), values=t.ArrayOfString(string_item=values))
        )
    return t.ResultGetTags(tag_list=t.ArrayOfTag(tag=tags))


def _progression(status: Mapping[str, Any]) -> t.ProgressionStatus:
    """One REST progression status (channels.md: name, step, success) as SOAP's Status/Step/Success attribs."""
    attribs = [
        t.Attrib(name="Status", value=str(status.get("name", ""))),
        t.Attrib(name="Step", value=str(status.get("step", ""))),
        t.Attrib(name="Success", value="true" if status.get("success") is True else "false"),
    ]
    return t.ProgressionStatus(progression_status=t.ArrayOfAttrib(attrib=attribs))


def get_channels(ctx: TranslationContext, params: t.ParamsGetChannels) -> t.ResultGetChannels:
    """Get Channels (channels.md "Browse"), or Get Channel by Name for each requested name (unknown names are
    left out, 702); channels in name order as getchannels.md lists them, statuses in REST's order."""
    op = "getChannels"
    wanted = _wanted(params.tag.values) if params.tag is not None else []
    if wanted:
        found = [_by_name(ctx, f"{ASSET}/channel/byName.json", name, op) for name in wanted]
        channels = list({str(c.get("name")): c for c in found if c is not None}.values())
    else:
        channels = list(_browse(ctx, f"{ASSET}/channels.json", op))
    result = [
        t.TagStatus(
            tag_value=str(channel.get("name", "")),
            status_list=t.ArrayOfProgressionStatus(
                progression_status_item=[
                    _progression(s)
                    for s in channel.get("progressionStatuses") or []
                    if isinstance(s, Mapping)
                ]
            ),
        )
        for channel in sorted(channels, key=lambda c: str(c.get("name", "")).casefold())
    ]
    return t.ResultGetChannels(tags=t.ArrayOfTagStatus(tag_status=result))

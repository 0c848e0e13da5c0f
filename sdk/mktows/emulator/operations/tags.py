"""getTags and getChannels (gettags.md, getchannels.md): the configured tag types with their values, and
the channels with their progression statuses. Unknown names in a filter are left out of the answer."""

from __future__ import annotations

from mktows.emulator.operations.base import Context
from mktows.types import (
    ArrayOfAttrib,
    ArrayOfProgressionStatus,
    ArrayOfString,
    ArrayOfTag,
    ArrayOfTagStatus,
    Attrib,
    ParamsGetChannels,
    ParamsGetTags,
    ProgressionStatus,
    ResultGetChannels,
    ResultGetTags,
    Tag,
    TagStatus,
)


def _wanted(values: ArrayOfString | None) -> list[str]:
    return [v.strip() for v in (values.string_item if values is not None else []) if v.strip()]


def get_tags(ctx: Context, params: ParamsGetTags) -> ResultGetTags:
    """Every non-channel tag type with its values, or only the requested types (and values)."""
    configured = ctx.config.tags
    requested = params.tag_list.tag if params.tag_list is not None else []
    tags: list[Tag] = []
    if not requested:
        tags = [Tag(type_value=t, values=ArrayOfString(string_item=list(v))) for t, v in configured.items()]
    for tag in requested:
        name = next(
            (t for t in configured if t.casefold() == (tag.type_value or "").strip().casefold()), None
        )
        if name is None:
            continue
        values = list(configured[name])
        wanted = {v.casefold() for v in _wanted(tag.values)}
        if wanted:
            values = [v for v in values if v.casefold() in wanted]
        tags.append(Tag(type_value=name, values=ArrayOfString(string_item=values)))
    return ResultGetTags(tag_list=ArrayOfTag(tag=tags))


def get_channels(ctx: Context, params: ParamsGetChannels) -> ResultGetChannels:
    """Every channel with its progression statuses (Status, Step, Success, extras), or only those named."""
    channels = ctx.config.channels
    names = list(channels)
    wanted = _wanted(params.tag.values) if params.tag is not None else []
    if wanted:
        lowered = {w.casefold() for w in wanted}
        names = [n for n in names if n.casefold() in lowered]
    result: list[TagStatus] = []
    for name in sorted(names, key=str.casefold):
        items = []
        for status in channels[name]:
            attribs = [
                Attrib(name="Status", value=status.status),
                Attrib(name="Step", value=str(status.step)),
            ]
            attribs += [Attrib(name=k, value=v) for k, v in status.extra.items()]
            attribs.append(Attrib(name="Success", value="true" if status.success else "false"))
            items.append(ProgressionStatus(progression_status=ArrayOfAttrib(attrib=attribs)))
        result.append(
            TagStatus(tag_value=name, status_list=ArrayOfProgressionStatus(progression_status_item=items))
        )
    return ResultGetChannels(tags=ArrayOfTagStatus(tag_status=result))

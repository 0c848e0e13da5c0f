"""The generic paginator against scripted pages (no network)."""

from __future__ import annotations

from typing import Any

import pytest

from mktows import types as t
from mktows._convenience import ConvenienceMethods
from mktows.errors import ProtocolError


class PagedOps:
    """Serves ``total`` custom objects ``page`` at a time; positions are opaque tokens it checks."""

    def __init__(self, total: int, page: int) -> None:
        self.total, self.page = total, page
        self.positions_seen: list[str | None] = []
        self.stuck = False

    def get_custom_objects(self, params: t.ParamsGetCustomObjects) -> t.ResultGetCustomObjects:
        self.positions_seen.append(params.stream_position)
        start = 0 if params.stream_position is None else int(params.stream_position.removeprefix("tok-"))
        end = min(start + self.page, self.total)
        objects = [
            t.CustomObj(
                custom_obj_key_list=t.ArrayOfAttribute(
                    attribute=[t.Attribute(attr_name="MKTOID", attr_value=str(i))]
                )
            )
            for i in range(start, end)
        ]
        return t.ResultGetCustomObjects(
            obj_type_name=params.obj_type_name,
            return_count=len(objects),
            remaining_count=self.total - end,
            new_stream_position=f"tok-{start if self.stuck else end}" if end < self.total else "",
            custom_obj_list=t.ArrayOfCustomObj(custom_obj=objects),
        )


class PagingClient(ConvenienceMethods):
    def __init__(self, ops: Any) -> None:
        self.ops = ops


def mktoid(obj: t.CustomObj) -> int:
    assert obj.custom_obj_key_list is not None
    return int(obj.custom_obj_key_list.attribute[0].attr_value)


def test_follows_positions_until_remaining_count_is_zero() -> None:
    ops = PagedOps(total=250, page=100)
    records = list(PagingClient(ops).get_custom_objects("RoadShow"))
    assert [mktoid(r) for r in records] == list(range(250))
    assert ops.positions_seen == [None, "tok-100", "tok-200"]


def test_position_is_passed_back_unedited_and_resume_continues() -> None:
    ops = PagedOps(total=250, page=100)
    pages = PagingClient(ops).get_custom_objects("RoadShow")
    iterator = iter(pages)
    first_page = [next(iterator) for _ in range(100)]
    assert pages.position is None  # page 1 not finished until the next one is asked for
    next(iterator)
    saved = pages.position
    assert saved == "tok-100"
    rest = list(PagingClient(PagedOps(total=250, page=100)).get_custom_objects("RoadShow", resume_from=saved))
    assert [mktoid(r) for r in first_page + rest] == list(range(250))


def test_a_stream_that_does_not_advance_is_a_protocol_error() -> None:
    ops = PagedOps(total=250, page=100)
    ops.stuck = True
    with pytest.raises(ProtocolError, match="did not advance"):
        list(PagingClient(ops).get_custom_objects("RoadShow"))


def test_empty_stream_makes_one_call() -> None:
    ops = PagedOps(total=0, page=100)
    assert list(PagingClient(ops).get_custom_objects("RoadShow")) == []
    assert ops.positions_seen == [None]


class RecordingOps:
    """Answers any paged operation with one last, empty page, recording the params it was called with."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    def __getattr__(self, method: str) -> Any:
        def call(params: Any) -> Any:
            self.params.append(params)
            return _EmptyPage()

        return call


class _EmptyPage:
    remaining_count = 0
    has_more = False
    new_stream_position = ""
    new_start_position = None
    custom_obj_list = m_object_list = lead_record_list = None
    activity_record_list = lead_change_record_list = None


STREAM = "id:1:to:2"
START = t.StreamPosition(offset="saved")
FIVE = [
    ("get_custom_objects", ("RoadShow",), STREAM, "stream_position"),
    ("get_mobjects", (t.ParamsGetMObjects(type_value="Opportunity"),), STREAM, "stream_position"),
    ("get_multiple_leads", (t.ParamsGetMultipleLeads(),), STREAM, "stream_position"),
    (
        "get_lead_activity",
        (t.ParamsGetLeadActivity(lead_key=t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="1")),),
        START,
        "start_position",
    ),
    (
        "get_lead_changes",
        (t.ParamsGetLeadChanges(start_position=t.StreamPosition()),),
        START,
        "start_position",
    ),
]


@pytest.mark.parametrize(("method", "args", "position", "old"), FIVE, ids=[m for m, *_ in FIVE])
def test_all_five_paginators_resume_from_one_keyword(
    method: str, args: tuple[Any, ...], position: Any, old: str
) -> None:
    ops = RecordingOps()
    list(getattr(PagingClient(ops), method)(*args, resume_from=position))
    assert getattr(ops.params[0], old) is position  # passed on unedited


@pytest.mark.parametrize(("method", "args", "position", "old"), FIVE, ids=[m for m, *_ in FIVE])
def test_the_old_resume_keywords_still_work_with_a_warning(
    method: str, args: tuple[Any, ...], position: Any, old: str
) -> None:
    ops = RecordingOps()
    with pytest.warns(DeprecationWarning, match=f"{old}= is deprecated"):
        paginator = getattr(PagingClient(ops), method)(*args, **{old: position})
    list(paginator)
    assert getattr(ops.params[0], old) is position
    with pytest.raises(TypeError, match=f"resume_from or {old}"):
        getattr(PagingClient(ops), method)(*args, **{old: position, "resume_from": position})

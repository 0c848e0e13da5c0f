"""MObjects in the emulator: syncMObjects (modes, external keys, associations, Program costs and tags),
getMObjects (criteria, associations, paging), deleteMObjects, describeMObject and listMObjects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mktows.emulator import Emulator
from mktows.types import (
    ArrayOfAttrib,
    ArrayOfMObjAssociation,
    ArrayOfMObjCriteria,
    ArrayOfMObject,
    ArrayOfTypeAttrib,
    Attrib,
    ComparisonEnum,
    MObjAssociation,
    MObjCriteria,
    MObject,
    ParamsDeleteMObjects,
    ParamsDescribeMObject,
    ParamsGetMObjects,
    ParamsListMObjects,
    ParamsSyncMObjects,
    SyncOperationEnum,
    TypeAttrib,
)
from tests.emulator_support import call, fault_of, running


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    yield from running(limits={"rate_calls": None})


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    server.reset()
    return server


def attribs(**values: str) -> ArrayOfAttrib:
    return ArrayOfAttrib(attrib=[Attrib(name=k.replace("_", " "), value=v) for k, v in values.items()])


def opportunity(
    external: str | None = None, mid: int | None = None, company: str | None = None, **values: str
) -> MObject:
    associations = None
    if company:
        associations = ArrayOfMObjAssociation(
            m_obj_association=[
                MObjAssociation(m_obj_type="Company", external_key=Attrib(name="cAccountFSID", value=company))
            ]
        )
    return MObject(
        type_value="Opportunity",
        id=mid,
        external_key=Attrib(name="opportunityId", value=external) if external else None,
        attrib_list=attribs(**values) if values else None,
        association_list=associations,
    )


def sync(
    emulator: Emulator, objects: list[MObject], mode: str = "UPSERT"
) -> list[tuple[int | None, str, str | None]]:
    params = ParamsSyncMObjects(
        m_object_list=ArrayOfMObject(m_object=objects), operation=SyncOperationEnum(mode)
    )
    result = call(emulator, "syncMObjects", params)
    return [(s.id, s.status.value, s.error) for s in result.m_obj_status_list.m_obj_status]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("INSERT", ["CREATED", "SKIPPED", "FAILED"]),
        ("UPDATE", ["SKIPPED", "UPDATED", "SKIPPED"]),
        ("UPSERT", ["CREATED", "UPDATED", "FAILED"]),
    ],
)
def test_opportunity_modes(emulator: Emulator, mode: str, expected: list[str]) -> None:
    statuses = sync(
        emulator,
        [
            opportunity("Opp_new", Name="New"),
            opportunity(mid=4, Stage="Closed Won"),
            opportunity(mid=999, Name="ghost"),
        ],
        mode,
    )
    assert [s for _, s, _ in statuses] == expected
    if expected[0] == "CREATED":
        assert statuses[0][0] is not None and statuses[0][0] > 40


def test_an_unchanged_update_and_per_object_failures(emulator: Emulator) -> None:
    statuses = sync(
        emulator,
        [
            opportunity(mid=4, Stage="Prospecting"),
            opportunity(mid=7, Colour="blue"),
            opportunity(mid=7, Probability="likely"),
            MObject(type_value="Lead", id=1),
            opportunity("Opportunity_4", company="NOPE"),
        ],
    )
    assert [s for _, s, _ in statuses] == ["UNCHANGED", "FAILED", "FAILED", "FAILED", "FAILED"]
    assert all(error for _, status, error in statuses if status == "FAILED")


def test_external_keys_and_associations(emulator: Emulator) -> None:
    [(opp_id, status, _)] = sync(emulator, [opportunity("Opportunity_4", Amount="501.00", company="C123")])
    assert (opp_id, status) == (40, "UPDATED")  # the seeded opportunity with that external key
    role = MObject(
        type_value="OpportunityPersonRole",
        attrib_list=attribs(Role="Buyer", IsPrimary="1"),
        association_list=ArrayOfMObjAssociation(
            m_obj_association=[
                MObjAssociation(m_obj_type="Lead", external_key=Attrib(name="FSPID", value="12346")),
                MObjAssociation(m_obj_type="Opportunity", id=40),
            ]
        ),
    )
    [(role_id, status, _)] = sync(emulator, [role])
    assert status == "CREATED"
    stored = next(r for r in emulator.state.mobjects("OpportunityPersonRole") if r["id"] == role_id)
    assert (stored["attributes"]["PersonId"], stored["attributes"]["OpportunityId"]) == ("6", "40")
    orphan = MObject(type_value="OpportunityPersonRole", attrib_list=attribs(Role="x"))
    assert sync(emulator, [orphan])[0][1] == "FAILED"


def test_program_costs_and_tags_update_only(emulator: Emulator) -> None:
    cost = TypeAttrib(attr_type="Cost", attr_list=attribs(Month="2013-06", Amount="2000", Id="153"))
    new_cost = TypeAttrib(attr_type="Cost", attr_list=attribs(Month="2013-07", Amount="10"))
    tag = TypeAttrib(attr_type="Tag", attr_list=attribs(Type="Region", Value="Region A"))
    channel = TypeAttrib(attr_type="Tag", attr_list=attribs(Type="Channel", Value="Webinar"))
    program = MObject(
        type_value="Program",
        id=1970,
        type_attrib_list=ArrayOfTypeAttrib(type_attrib=[cost, new_cost, tag, channel]),
    )
    assert sync(emulator, [program], "UPDATE") == [(1970, "UPDATED", None)]
    details = next(p for p in emulator.state.mobjects("Program") if p["id"] == 1970)["details"]
    assert details["costs"][0] == {"id": 153, "month": "2013-06", "amount": "2000", "note": ""}
    assert details["costs"][1]["month"] == "2013-07"
    assert (details["tags"], details["channel"]) == ({"Region": "Region A"}, "Webinar")
    same = MObject(type_value="Program", id=1970, type_attrib_list=ArrayOfTypeAttrib(type_attrib=[tag]))
    undefined = TypeAttrib(attr_type="Tag", attr_list=attribs(Type="Region", Value="Atlantis"))
    statuses = sync(
        emulator,
        [
            same,
            MObject(
                type_value="Program", id=1970, type_attrib_list=ArrayOfTypeAttrib(type_attrib=[undefined])
            ),
            MObject(type_value="Program", id=4242),
        ],
        "UPDATE",
    )
    assert [s for _, s, _ in statuses] == ["UNCHANGED", "FAILED", "SKIPPED"]
    assert sync(emulator, [program], "UPSERT")[0][1] == "FAILED"  # Programs are updated only


def test_more_than_100_mobjects_is_a_fault(emulator: Emulator) -> None:
    params = ParamsSyncMObjects(
        m_object_list=ArrayOfMObject(m_object=[opportunity(f"o{n}", Name="x") for n in range(101)]),
        operation=SyncOperationEnum.INSERT,
    )
    assert fault_of(emulator, "syncMObjects", params).code == 20110


def get(emulator: Emulator, mtype: str, position: str | None = None, **options: object) -> object:
    return call(
        emulator, "getMObjects", ParamsGetMObjects(type_value=mtype, stream_position=position, **options)
    )  # type: ignore[arg-type]


def criteria(*triples: tuple[str, str, str]) -> ArrayOfMObjCriteria:
    return ArrayOfMObjCriteria(
        m_obj_criteria=[
            MObjCriteria(attr_name=n, comparison=ComparisonEnum(c), attr_value=v) for n, c, v in triples
        ]
    )


def test_get_programs_by_criteria(emulator: Emulator) -> None:
    result = get(
        emulator,
        "Program",
        m_obj_criteria_list=criteria(("Id", "LE", "1010"), ("Name", "NE", "elizprogramtest")),
    )
    ids = [o.id for o in result.m_object_list.m_object]  # type: ignore[attr-defined]
    assert ids == [1001, 1002, 1004, 1005, 1006, 1007]
    webinar = get(emulator, "Program", m_obj_criteria_list=criteria(("Tag Value", "EQ", "Webinar")))
    [program] = webinar.m_object_list.m_object  # type: ignore[attr-defined]
    kinds = [t.attr_type for t in program.type_attrib_list.type_attrib]
    assert kinds == ["Tag", "Cost", "Cost"]
    assert (
        fault_of(
            emulator,
            "getMObjects",
            ParamsGetMObjects(type_value="Program", m_obj_criteria_list=criteria(("Colour", "EQ", "x"))),
        ).code
        == 20110
    )


def test_get_pages_with_has_more_and_an_opaque_position(emulator: Emulator) -> None:
    sync(emulator, [opportunity(f"page{n}", Name=f"P{n}", Stage="Pipeline") for n in range(100)], "INSERT")
    sync(
        emulator, [opportunity(f"page{n}", Name=f"P{n}", Stage="Pipeline") for n in range(100, 130)], "INSERT"
    )
    where = criteria(("Stage", "EQ", "Pipeline"))
    first = get(emulator, "Opportunity", m_obj_criteria_list=where)
    assert (first.return_count, first.has_more) == (100, True)  # type: ignore[attr-defined]
    second = get(emulator, "Opportunity", first.new_stream_position, m_obj_criteria_list=where)  # type: ignore[attr-defined]
    assert (second.return_count, second.has_more) == (30, False)  # type: ignore[attr-defined]
    other_query = ParamsGetMObjects(type_value="Opportunity", stream_position=first.new_stream_position)  # type: ignore[attr-defined]
    assert fault_of(emulator, "getMObjects", other_query).code == 20122


def test_get_roles_by_association(emulator: Emulator) -> None:
    by_lead = MObjAssociation(m_obj_type="Lead", id=6)
    result = get(
        emulator,
        "OpportunityPersonRole",
        m_obj_association_list=ArrayOfMObjAssociation(m_obj_association=[by_lead]),
    )
    assert [o.id for o in result.m_object_list.m_object] == [11]  # type: ignore[attr-defined]
    nobody = MObjAssociation(m_obj_type="Lead", id=2)
    empty = get(
        emulator,
        "OpportunityPersonRole",
        m_obj_association_list=ArrayOfMObjAssociation(m_obj_association=[nobody]),
    )
    assert empty.return_count == 0  # type: ignore[attr-defined]


def test_delete_mobjects(emulator: Emulator) -> None:
    params = ParamsDeleteMObjects(
        m_object_list=ArrayOfMObject(
            m_object=[
                MObject(type_value="Opportunity", id=4),
                MObject(type_value="Opportunity", id=4),
                MObject(type_value="Program", id=1001),
                MObject(type_value="OpportunityPersonRole"),
            ]
        )
    )
    result = call(emulator, "deleteMObjects", params)
    assert [s.status.value for s in result.m_obj_status_list.m_obj_status] == [
        "DELETED",
        "UNCHANGED",
        "FAILED",
        "FAILED",
    ]
    assert 4 not in [o["id"] for o in emulator.state.mobjects("Opportunity")]


@pytest.mark.parametrize("name", ["ActivityRecord", "LeadRecord", "Opportunity", "opportunitypersonrole"])
def test_describe_each_listed_object(emulator: Emulator, name: str) -> None:
    metadata = call(emulator, "describeMObject", ParamsDescribeMObject(object_name=name)).metadata
    assert metadata.name.lower() == name.lower()
    names = [f.name for f in metadata.field_list.field_value]
    assert len(names) == len(set(names)) > 3
    listed = call(emulator, "listMObjects", ParamsListMObjects()).objects
    assert metadata.name in listed


def test_describe_refuses_other_objects(emulator: Emulator) -> None:
    assert fault_of(emulator, "describeMObject", ParamsDescribeMObject(object_name="Program")).code == 20110

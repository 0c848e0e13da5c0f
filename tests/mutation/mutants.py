"""The planted bugs: each replaces one snippet of the emulator or the codec and names the fast tests that
should catch it. A snippet that no longer occurs (the code moved on) is reported as stale, not as caught."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # relative to the project root
    old: str  # every occurrence is replaced
    new: str
    tests: tuple[str, ...]


CO = "sdk/mktows/emulator/operations/custom_objects.py"
FAST = "generated/mktows_generated/_fastcodec.py"
CUSTOM_OBJECT_TESTS = ("tests/test_emulator_custom_objects.py", "tests/contract/test_contract_emulator.py")
PAGING_TESTS = ("tests/test_bulk_helpers_emulator.py", "tests/test_paging.py")

MUTANTS = [
    Mutant(
        "swapped statuses: a new object answers UPDATED",
        CO,
        "        return CREATED\n",
        "        return UPDATED\n",
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "skipped UNCHANGED: a no-op update answers UPDATED",
        CO,
        "    if merged == existing.attributes:\n        return UNCHANGED\n",
        "    if False:\n        return UNCHANGED\n",
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "INSERT overwrites an existing object",
        CO,
        '    if mode == "INSERT":\n        return SKIPPED\n',
        '    if mode == "INSERTED":\n        return SKIPPED\n',
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "deleting a missing object answers DELETED",
        CO,
        "                status = UNCHANGED\n",
        "                status = DELETED\n",
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "101 objects in one call accepted",
        CO,
        "    if len(objects) > limit:\n",
        "    if len(objects) > limit + 1:\n",
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "an empty value no longer clears the field",
        CO,
        '        if value == "":\n',
        "        if value is None:\n",
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "statuses in reverse order",
        CO,
        "sync_custom_obj_status=statuses)",
        "sync_custom_obj_status=statuses[::-1])",
        CUSTOM_OBJECT_TESTS,
    ),
    Mutant(
        "custom object paging loses the last match",
        "sdk/mktows/emulator/model/custom_objects.py",
        "    return matched[:limit], max(0, len(matched) - limit)\n",
        "    return matched[:limit], max(0, len(matched) - limit - 1)\n",
        (*PAGING_TESTS, *CUSTOM_OBJECT_TESTS),
    ),
    Mutant(
        "activity pages one record too long",
        "sdk/mktows/emulator/model/activities.py",
        "        if len(page) < limit:\n",
        "        if len(page) <= limit:\n",
        (*PAGING_TESTS, "tests/test_emulator_leads.py"),
    ),
    Mutant(
        "activity order reversed",
        "sdk/mktows/emulator/model/activities.py",
        'order = "DESC" if newest_first else "ASC"',
        'order = "ASC" if newest_first else "DESC"',
        (*PAGING_TESTS, "tests/test_emulator_leads.py"),
    ),
    Mutant(
        "activity attribute dropped",
        "sdk/mktows/emulator/operations/activities.py",
        "for n, v in activity.attributes.items()]",
        "for n, v in list(activity.attributes.items())[1:]]",
        (*PAGING_TESTS, "tests/test_emulator_leads.py", "tests/test_emulator_replay.py"),
    ),
    Mutant(
        "getMObjects hasMore off by one",
        "sdk/mktows/emulator/operations/mobjects.py",
        "has_more=len(matched) > len(page),",
        "has_more=len(matched) > len(page) + 1,",
        (*PAGING_TESTS, "tests/test_emulator_mobjects.py"),
    ),
    Mutant(
        "getMultipleLeads skips the first lead of each page",
        "sdk/mktows/emulator/operations/leads.py",
        "    page_ids = candidates[: min(batch, limit)]\n",
        "    page_ids = candidates[1 : min(batch, limit) + 1]\n",
        (*PAGING_TESTS, "tests/test_emulator_leads.py"),
    ),
    Mutant(
        "ISMEMBEROFLIST answers the opposite",
        "sdk/mktows/emulator/operations/lists.py",
        "ok = lead is not None and lists.is_member(",
        "ok = lead is not None and not lists.is_member(",
        (
            "tests/test_emulator_leads.py",
            "tests/test_bulk_helpers_emulator.py",
            "tests/test_emulator_campaigns.py",
        ),
    ),
    Mutant(
        "import status swapped with PROCESSING",
        "sdk/mktows/emulator/operations/lists.py",
        'status = ImportToListStatusEnum(row["status"]) if ready else ImportToListStatusEnum.PROCESSING',
        'status = ImportToListStatusEnum.PROCESSING if ready else ImportToListStatusEnum(row["status"])',
        ("tests/test_emulator_campaigns.py", "tests/test_emulator_replay.py"),
    ),
    Mutant(
        "freshness window 100 times too wide",
        "sdk/mktows/emulator/auth.py",
        "if skew > settings.freshness_window:",
        "if skew > settings.freshness_window * 100:",
        ("tests/test_emulator_protocol.py", "tests/test_emulator_server.py"),
    ),
    Mutant(
        "concurrency limit answers 20023 (wrong fault code)",
        "sdk/mktows/emulator/limits.py",
        "raise ServiceFault(20024,",
        "raise ServiceFault(20023,",
        ("tests/test_emulator_limits.py", "tests/test_emulator_faults.py"),
    ),
    Mutant(
        "faults sent as SOAP-ENV:Server",
        "sdk/mktows/emulator/failures.py",
        'faultcode: str = "SOAP-ENV:Client"',
        'faultcode: str = "SOAP-ENV:Server"',
        ("tests/test_emulator_protocol.py", "tests/test_emulator_faults.py"),
    ),
    Mutant(
        "injected delay a tenth as long",
        "sdk/mktows/emulator/app.py",
        "time.sleep(float(injection.seconds))",
        "time.sleep(float(injection.seconds) / 10)",
        ("tests/test_emulator_faults.py",),
    ),
    Mutant(
        "codec: fault message read from faultstring",
        "sdk/mktows/codec.py",
        '        message = (exception.findtext("message") or "").strip() or faultstring\n',
        "        message = faultstring\n",
        (
            "tests/test_client_ops.py",
            "tests/contract/test_contract_emulator.py",
            "tests/test_emulator_faults.py",
        ),
    ),
    Mutant(
        "codec: empty attrType decoded as nil",
        FAST,
        '            f1 = ("" if c.get(_XSI_NIL) != "true" else None) if t is None else t\n',
        "            f1 = None if t is None else t\n",
        (
            "tests/test_fast_codec.py",
            "tests/contract/test_contract_roundtrip.py",
            "tests/contract/test_contract_zeep.py",
        ),
    ),
    Mutant(
        "codec: empty attrValue written as nil",
        FAST,
        'a("<attrValue>" + _esc(v) + "</attrValue>" if v else "<attrValue/>")',
        'a("<attrValue>" + _esc(v) + "</attrValue>" if v else \'<attrValue xsi:nil="true"/>\')',
        (
            "tests/test_fast_codec.py",
            "tests/contract/test_contract_zeep.py",
            "tests/contract/test_contract_wire.py",
        ),
    ),
    Mutant(
        "codec: required nillable field left out of requests",
        "sdk/mktows/codec.py",
        "                and not (var.nillable and var.name in _schema_required(meta.clazz))\n",
        "",
        (
            "tests/test_fast_codec.py",
            "tests/contract/test_contract_zeep.py",
            "tests/contract/test_contract_wire.py",
        ),
    ),
    Mutant(
        "codec: attribute values lose surrounding whitespace on decode",
        FAST,
        "    o.attr_value = f2\n",
        "    o.attr_value = f2.strip()\n",
        ("tests/test_fast_codec.py", "tests/test_client_ops.py", "tests/contract/test_contract_fixtures.py"),
    ),
]

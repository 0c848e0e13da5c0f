"""The emulator's default configuration: the users, objects and seed data of Marketo's own documented examples.

Written in the same shape as a config file (``--config FILE``, JSON or TOML), so a user's file can copy any
section and change it. Values come from the documented request and response examples (fixtures/), so that
replaying a documented request against a fresh emulator finds the lead, list, program or campaign it names.
"""

from __future__ import annotations

from typing import Any

from mktows import marketo_limits as documented

DEFAULT_USER_ID = "demo17_1_809934544BFABAE58E5D27"
"""The user id printed by the Java samples of synclead.md, syncmultipleleads.md and gettags.md."""

DEFAULT_ENCRYPTION_KEY = "27272727aa"
"""The key those samples print; it reproduces the signature of 18 documented requests."""

DEFAULT_CLIENT_ID = "mktows-emulator"
DEFAULT_CLIENT_SECRET = "mktows-emulator-secret"
"""The REST face's OAuth client credentials (client credentials grant; authentication.md)."""


def _lead(lead_id: int, email: str, **attributes: str) -> dict[str, Any]:
    return {"id": lead_id, "email": email, "attributes": attributes}


def _program(
    program_id: int,
    name: str,
    tree: str,
    channel: str,
    program_type: str = "Marketing Program",
    **extra: Any,
) -> dict[str, Any]:
    program: dict[str, Any] = {
        "id": program_id,
        "name": name,
        "type": program_type,
        "workspace_id": 1,
        "workspace": "Default",
        "tree_path": f"/Marketing Activities/Default/{tree}/{name}",
        "archived": False,
        "channel": channel,
    }
    program.update(extra)
    return program


def _statuses(*rows: tuple[str, int, bool]) -> list[dict[str, Any]]:
    return [{"status": status, "step": step, "success": success} for status, step, success in rows]


_TRIGGER_CAMPAIGNS = [
    (3374, "ER Demo.Triggered Campaign"),
    (4240, "Fulfillment Email Trigger for Social App:"),
    (4038, "Fulfillment Email Trigger for Social App: 398"),
    (4040, "Fulfillment Email Trigger for Social App: 400"),
    (4242, "Fulfillment Email Trigger for Social App: 442"),
    (4335, "Fulfillment Email Trigger for Social App: 442"),
    (4477, "Fulfillment Email Trigger for Social App: 465"),
    (4239, "Sign-Up Email Trigger for Social App:"),
    (4037, "Sign-Up Email Trigger for Social App: 398"),
    (4039, "Sign-Up Email Trigger for Social App: 400"),
    (4241, "Sign-Up Email Trigger for Social App: 442"),
    (4334, "Sign-Up Email Trigger for Social App: 442"),
    (4476, "Sign-Up Email Trigger for Social App: 465"),
]

DEFAULT_CONFIG: dict[str, Any] = {
    "users": [
        {"user_id": DEFAULT_USER_ID, "encryption_key": DEFAULT_ENCRYPTION_KEY},
        # the published vector of authentication-signature.md
        {
            "user_id": "bigcorp1_461839624B16E06BA2D663",
            "encryption_key": "899756834129871744AAEE88DDCC77CDEEDEC1AAAD66",
        },
    ],
    "workspaces": ["Default"],
    # Lead fields: name, displayName (the importToList header uses these), data type.
    "lead_fields": [
        {"name": "Email", "display_name": "Email Address", "type": "email", "size": 255},
        {"name": "FirstName", "display_name": "First Name", "type": "string", "size": 255},
        {"name": "LastName", "display_name": "Last Name", "type": "string", "size": 255},
        {"name": "Company", "display_name": "Company Name", "type": "string", "size": 255},
        {"name": "Title", "display_name": "Job Title", "type": "string", "size": 255},
        {"name": "Phone", "display_name": "Phone Number", "type": "phone", "size": 255},
        {"name": "MobilePhone", "display_name": "Mobile Phone Number", "type": "phone", "size": 255},
        {"name": "Website", "display_name": "Website", "type": "url", "size": 255},
        {"name": "Address", "display_name": "Address", "type": "text"},
        {"name": "City", "display_name": "City", "type": "string", "size": 255},
        {"name": "State", "display_name": "State", "type": "string", "size": 255},
        {"name": "PostalCode", "display_name": "Postal Code", "type": "string", "size": 255},
        {"name": "Country", "display_name": "Country", "type": "string", "size": 255},
        {"name": "Industry", "display_name": "Industry", "type": "string", "size": 255},
        {"name": "LeadSource", "display_name": "Lead Source", "type": "string", "size": 255},
        {"name": "LeadStatus", "display_name": "Lead Status", "type": "string", "size": 255},
        {"name": "LeadScore", "display_name": "Lead Score", "type": "integer", "size": 10},
        {"name": "AnnualRevenue", "display_name": "Annual Revenue", "type": "currency"},
        {"name": "NumberOfEmployees", "display_name": "Num Employees", "type": "integer", "size": 10},
        {"name": "Unsubscribed", "display_name": "Unsubscribed", "type": "boolean"},
        {"name": "AnonymousIP", "display_name": "Anonymous IP", "type": "string", "size": 255},
        {"name": "InferredCompany", "display_name": "Inferred Company", "type": "string", "size": 255},
        {"name": "InferredCountry", "display_name": "Inferred Country", "type": "string", "size": 255},
        {"name": "Date_of_purchase", "display_name": "Date of purchase", "type": "date", "custom": True},
        {"name": "LeadOwnerEmail", "display_name": "Lead Owner Email Address", "type": "email"},
        {"name": "SFDCLeadId", "display_name": "SFDC Lead Id", "type": "string", "size": 18},
        {"name": "SFDCContactId", "display_name": "SFDC Contact Id", "type": "string", "size": 18},
        {"name": "SFDCAccountId", "display_name": "SFDC Account Id", "type": "string", "size": 18},
        {"name": "SFDCLeadOwnerId", "display_name": "SFDC Lead Owner Id", "type": "string", "size": 18},
        {"name": "SFDCOpptyId", "display_name": "SFDC Oppty Id", "type": "string", "size": 18},
        # custom fields of the blog's "Opportunity Sync via SOAP API" example
        {"name": "FSPID", "display_name": "FSPID", "type": "string", "custom": True},
        {"name": "cAccountFSID", "display_name": "cAccountFSID", "type": "string", "custom": True},
    ],
    "opportunity_fields": [
        {"name": "Amount", "type": "currency"},
        {"name": "CloseDate", "type": "date"},
        {"name": "Description", "type": "text"},
        {"name": "ExpectedRevenue", "type": "currency"},
        {"name": "ExternalCreatedDate", "type": "datetime"},
        {"name": "Fiscal", "type": "string"},
        {"name": "FiscalQuarter", "type": "integer"},
        {"name": "FiscalYear", "type": "integer"},
        {"name": "ForecastCategoryName", "type": "string"},
        {"name": "IsClosed", "type": "boolean"},
        {"name": "IsWon", "type": "boolean"},
        {"name": "LastActivityDate", "type": "date"},
        {"name": "LeadSource", "type": "string"},
        {"name": "Name", "type": "string"},
        {"name": "NextStep", "type": "string"},
        {"name": "Probability", "type": "integer"},
        {"name": "Quantity", "type": "float"},
        {"name": "Stage", "type": "string"},
        {"name": "Type", "type": "string"},
        {"name": "CRM Id", "type": "string"},
        # the external key of the blog's opportunity examples ("created through a support request")
        {"name": "opportunityId", "type": "string", "custom": True},
    ],
    "opportunity_role_fields": [
        {"name": "OpportunityId", "type": "integer"},
        {"name": "PersonId", "type": "integer"},
        {"name": "Role", "type": "string"},
        {"name": "ExternalCreatedDate", "type": "datetime"},
        {"name": "IsPrimary", "type": "boolean"},
    ],
    "custom_object_types": [
        {
            "name": "RoadShow",
            "description": "The custom object of synccustomobjects.md",
            "dedupe_fields": ["MKTOID", "rid"],
            "fields": {
                "MKTOID": "integer",
                "rid": "string",
                "city": "string",
                "zip": "string",
                "state": "string",
            },
        }
    ],
    "tags": {
        "Regions": ["North", "South", "East", "West", "EMEA", "Africa", "South Africa"],
        "Author": ["Angelo", "JohnG", "Chrism", "Cathal", "Carra", "Bob"],
        "Products": ["Lead Management", "Revenue Cycle Analytics", "Sales Insights"],
        "Cost Center": ["a"],
        "Presenter": ["Dana", "John", "Krishna", "Liz", "Paul"],
        "Region": ["North America", "Region A", "Region B"],
        "Content Channel": ["SEM", "Email", "Website"],
        "Industry": ["Printing", "Gambling", "Technology", "Marketing"],
    },
    "channels": {
        "Blog": _statuses(("Visited", 10, False), ("Engaged", 20, True), ("Subscribed", 30, True)),
        "Content": _statuses(("Engaged", 20, True), ("Visited", 10, False)),
        "Email Blast": _statuses(("Member", 10, False), ("Clicked", 20, True)),
        "Tradeshow": [
            {
                "status": "Attended Show",
                "step": 20,
                "success": False,
                "extra": {"Check-in Status": "Attended"},
            },
            {"status": "Engaged", "step": 40, "success": True, "extra": {"Check-in Status": "None"}},
            {"status": "Invited", "step": 10, "success": False, "extra": {"Check-in Status": "None"}},
            {"status": "Visited Booth", "step": 30, "success": True, "extra": {"Check-in Status": "None"}},
        ],
        "Webinar": [
            {"status": "Attended", "step": 70, "success": True, "extra": {"Webinar Behavior": "Attended"}},
            {"status": "Downloaded", "step": 5, "success": True},
            {"status": "Invited", "step": 10, "success": False},
            {"status": "No Show", "step": 50, "success": False, "extra": {"Webinar Behavior": "No Show"}},
            {
                "status": "Registered",
                "step": 40,
                "success": False,
                "extra": {"Webinar Behavior": "Registered"},
            },
        ],
    },
    "programs": [
        _program(1001, "Program01", "Training", "Content"),
        _program(1002, "Coffee Promotion", "Neelesh", "Content", tokens={"testtoken": "<p>Coffee</p>"}),
        _program(1003, "elizprogramtest", "Elizabeth", "Email Blast"),
        _program(1004, "elizprogramtest2", "Elizabeth", "Email Blast"),
        _program(1005, "elizprogramtest3", "Elizabeth", "Email Blast", tokens={"My Token": "2011-12-25"}),
        _program(
            1006,
            "Big Launch Webinar",
            "MKTO Training/MKTO Events",
            "Webinar",
            program_type="Marketing Event",
            start_date="2011-08-01 11:00:00",
            end_date="2011-08-01 02:00:00",
            costs=[
                {"id": 1, "month": "2011-07-01", "amount": "3000", "note": "Speaker"},
                {"id": 2, "month": "2011-07-01", "amount": "1000", "note": "Post-production"},
            ],
        ),
        _program(1007, "Lead Scoring", "MKTO Training/MKTO Lead Lifecycle", "Blog"),
        # the program of schedulecampaign.md / importtolist.md; syncmobjects.md updates its cost 153
        _program(
            1970,
            "Trav-Demo-Program",
            "Trav",
            "Email Blast",
            costs=[{"id": 153, "month": "2013-05", "amount": "1500", "note": ""}],
        ),
    ],
    "campaigns": [
        *[
            {"id": cid, "name": name, "description": "", "type": "trigger", "sources": ["MKTOWS"]}
            for cid, name in _TRIGGER_CAMPAIGNS
        ],
        {
            "id": 4496,
            "name": "Send Welcome Email",
            "description": "requestcampaign.md's campaign",
            "type": "trigger",
            "sources": ["MKTOWS", "SALES"],
            "program": "Trav-Demo-Program",
        },
        {
            "id": 4501,
            "name": "Batch Campaign Example",
            "description": "schedulecampaign.md's batch campaign",
            "type": "batch",
            "sources": [],
            "program": "Trav-Demo-Program",
        },
    ],
    "lists": [
        {"id": 1001, "name": "Trav-Test-List", "program": "Trav-Demo-Program", "members": [1089946]},
    ],
    "leads": [
        _lead(
            1089965,
            "rufus@marketo.com",
            AnonymousIP="172.249.34.240",
            Company="Marketo",
            FirstName="Travis",
            InferredCompany="Time Warner Cable",
            InferredCountry="United States",
            LastName="Kaufman",
            LeadScore="62",
            Website="gmail.com",
        ),
        _lead(
            65835,
            "formtest1@marketo.com",
            Company="Marketo Test",
            FirstName="FnameForm1",
            LastName="LnameForm1",
            LeadScore="16",
            Website="marketo.com",
        ),
        _lead(67508, "joe@marketo.com", Company="Marketo", Date_of_purchase="2012-04-04", FirstName="Joe"),
        _lead(1090240, "t@t.com", FirstName="Tom"),
        _lead(1090001, "leademail@company.com", FirstName="Lee", LastName="Demail"),
        _lead(318815, "demo318815@company.com", FirstName="Demo"),
        _lead(2, "winner@company.com", FirstName="Winnie", Company="ACME"),
        _lead(15, "loser15@company.com", FirstName="Lou", Phone="650-555-0015"),
        _lead(16, "loser16@company.com", Title="Buyer"),
        _lead(87710, "notamember@company.com", FirstName="Nat"),
        _lead(1089946, "member@company.com", FirstName="Mem"),
        _lead(4001, "lead@company.com", FirstName="Lead"),
        _lead(4002, "anotherlead@company.com", FirstName="Another"),
        {
            "id": 6,
            "email": "acme.buyer@acme.com",
            "foreign_sys_person_id": "12346",
            "foreign_sys_type": "CUSTOM",
            "attributes": {"FirstName": "Ada", "Company": "ACME", "FSPID": "12346", "cAccountFSID": "C123"},
        },
    ],
    "activities": [
        {
            "lead_id": 1090001,
            "type": "New Lead",
            "created_at": "2013-07-09T16:40:00-05:00",
            "asset": "",
            "attributes": {"Source Type": "Web service API"},
        },
        {
            "lead_id": 1090001,
            "type": "Visit Webpage",
            "created_at": "2013-07-09T16:44:28-05:00",
            "asset": "ClickDemo",
            "attributes": {"Webpage URL": "/ClickDemo.html", "Client IP Address": "12.234.36.130"},
        },
        {
            "lead_id": 1090001,
            "type": "Fill Out Form",
            "created_at": "2013-07-09T16:45:02-05:00",
            "asset": "ClickDemo.Form",
            "attributes": {"Webpage ID": "2547"},
        },
    ],
    "custom_objects": {
        "RoadShow": [
            {
                "keys": {"MKTOID": "1090177", "rid": "123456"},
                "attributes": {"city": "city4", "state": "state4", "zip": "zip4"},
            },
            *[
                {
                    "keys": {"MKTOID": "1090177", "rid": f"rid{n}"},
                    "attributes": {"city": f"city{n}", "state": f"state{n}", "zip": f"zip{n}"},
                }
                for n in range(5)
            ],
        ]
    },
    "opportunities": [
        {"id": 4, "attributes": {"Name": "Opportunity 4", "Stage": "Prospecting", "Amount": "1000"}},
        {"id": 7, "attributes": {"Name": "Opportunity 7", "Stage": "Closed Won", "Amount": "2500"}},
        {
            "id": 40,
            "attributes": {"Name": "Opportunity 4 for ACME", "opportunityId": "Opportunity_4"},
            "company": "C123",
        },
    ],
    "opportunity_roles": [
        {"id": 11, "attributes": {"OpportunityId": "40", "PersonId": "6", "Role": "Buyer", "IsPrimary": "1"}},
    ],
    "settings": {
        "freshness_check": True,
        "freshness_window": 900.0,
        "latency": 0.0,
        "import_duration": 0.0,
        "admin": False,
        "output_utc_offset_minutes": 0,
    },
    "rest": {
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "token_lifetime": 3600.0,
        "scope": "mktows-emulator@example.com",
    },
    "limits": {
        "rate_calls": documented.CALLS_PER_WINDOW,
        "rate_window": documented.RATE_WINDOW,
        "max_concurrent": documented.MAX_CONCURRENT_CALLS,
        "daily_quota": documented.DAILY_QUOTA,
        "max_body_bytes": documented.MAX_BODY_BYTES,
        "receive_timeout": 30.0,
        "sync_custom_objects": documented.MAX_CUSTOM_OBJECTS_PER_CALL,
        "sync_mobjects": documented.MAX_MOBJECTS_PER_CALL,
        "sync_multiple_leads": documented.DEFAULT_LEADS_PER_SYNC,
        "lead_keys": documented.MAX_LEAD_KEYS_PER_CALL,
        "list_operation_leads": documented.MAX_LIST_MEMBERS_PER_CALL,
        "multiple_leads_batch": documented.MAX_MULTIPLE_LEADS_BATCH,
        "custom_objects_batch": documented.MAX_CUSTOM_OBJECTS_PER_CALL,
        "mobjects_batch": documented.MAX_MOBJECTS_PER_CALL,
        "lead_activity_batch": documented.MAX_LEAD_ACTIVITY_BATCH,
        "lead_changes_batch": documented.MAX_LEAD_CHANGES_BATCH,
        "time_range_days": documented.MAX_TIME_RANGE_DAYS,
        "clone_calls_per_day": 10,
    },
}
"""The default configuration; each top-level section of a config file replaces the section of the same name
here, except ``settings`` and ``limits``, whose keys are merged one by one."""

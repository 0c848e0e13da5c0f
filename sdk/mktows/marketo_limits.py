"""Marketo's documented API limits, in one place: the clients, batching, the CLI and the emulator read them.

Sources: ``marketo-docs`` (error-codes.md for 20015/20023/20024, OPERATIONS.md for the per-call sizes) and, for
the REST API, ``marketo-docs/rest/pages`` (marketo-integration-best-practices.md, error-codes.md). The rate,
concurrency and daily limits are the instance's, shared by both APIs.
Nothing here enforces anything; each reader decides what to do with the number.
"""

from __future__ import annotations

CALLS_PER_WINDOW = 100
"""Calls per ``RATE_WINDOW`` seconds per instance (20023 Rate Limit Exceeded past it)."""

RATE_WINDOW = 20.0
"""The rate window, in seconds."""

MAX_CONCURRENT_CALLS = 10
"""Calls in flight at once per instance (20024 Concurrency Limit Exceeded past it)."""

DAILY_QUOTA = 10_000
"""The default subscription's calls per day, the day starting at 12:00 AM CST (20015 past it)."""

MAX_BODY_BYTES = 10 * 1024 * 1024
"""The largest request body accepted."""

MAX_CUSTOM_OBJECTS_PER_CALL = 100
"""Custom objects per syncCustomObjects / deleteCustomObjects call, and per getCustomObjects page."""

MAX_MOBJECTS_PER_CALL = 100
"""MObjects per syncMObjects / deleteMObjects call, and per getMObjects page."""

MAX_LEAD_KEYS_PER_CALL = 100
"""Lead keys per requestCampaign / scheduleCampaign call (Marketo ignores keys past it)."""

DEFAULT_LEADS_PER_SYNC = 300
"""Leads per syncMultipleLeads call: Marketo's recommended maximum."""

MAX_LIST_MEMBERS_PER_CALL = 1000
"""Lead keys per listOperation call."""

MAX_MULTIPLE_LEADS_BATCH = 1000
"""The largest ``batchSize`` of getMultipleLeads."""

MAX_LEAD_ACTIVITY_BATCH = 100
"""The largest ``batchSize`` of getLeadActivity."""

MAX_LEAD_CHANGES_BATCH = 1000
"""The largest ``batchSize`` of getLeadChanges."""

MAX_TIME_RANGE_DAYS = 30
"""Days between oldestUpdatedAt and latestUpdatedAt in one query (20022 past it)."""

REST_MAX_RECORDS_PER_CALL = 300
"""Records per REST lead-database call (sync, delete, filter values): 1003 beyond (custom-objects.md, leads.md)."""

REST_MAX_BODY_BYTES = 1_000_000
"""The largest REST request body: HTTP 413 beyond (rest/pages/error-codes.md says 1 MB; read here as the
stricter 1,000,000 bytes, so a client that keeps under it is under either reading)."""

REST_MAX_BULK_BODY_BYTES = 10 * 1024 * 1024
"""The largest bulk import file (bulk-lead-import.md: 10 MB)."""

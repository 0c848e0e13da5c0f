"""Read access to an emulator's state, for tests and the pytest fixture: snapshots as plain dicts and lists,
so a test can check what a client's calls did without going through the SOAP API."""

from __future__ import annotations

from typing import Any

from mktows.emulator.config import EmulatorConfig
from mktows.emulator.store import Store, loads


class StateView:
    """Snapshots of the records of one emulator. Every method reads the database afresh."""

    def __init__(self, store: Store, config: EmulatorConfig) -> None:
        self._store = store
        self._config = config

    def custom_objects(self, type_name: str) -> list[dict[str, Any]]:
        """The records of a custom object type, in creation order: ``{"keys": {...}, "attributes": {...}}``."""
        co_type = self._config.custom_object_type(type_name)
        if co_type is None:
            raise KeyError(f"no custom object type {type_name!r}")
        rows = self._store.query(
            "SELECT keys, attributes FROM custom_objects WHERE type = ? ORDER BY seq", (co_type.name,)
        )
        return [{"keys": loads(row["keys"]), "attributes": loads(row["attributes"])} for row in rows]

    def custom_object(self, type_name: str, **keys: str) -> dict[str, Any] | None:
        """The record with these dedupe key values (``MKTOID="1090177", rid="rid1"``), or None."""
        wanted = {k: str(v) for k, v in keys.items()}
        return next((r for r in self.custom_objects(type_name) if r["keys"] == wanted), None)

    def leads(self) -> list[dict[str, Any]]:
        """Every lead, in id order: id, email, foreign_sys_person_id, foreign_sys_type, workspace, attributes."""
        rows = self._store.query("SELECT * FROM leads ORDER BY id")
        return [self._lead(row) for row in rows]

    def lead(self, lead_id: int) -> dict[str, Any] | None:
        """One lead by id, or None."""
        rows = self._store.query("SELECT * FROM leads WHERE id = ?", (lead_id,))
        return self._lead(rows[0]) if rows else None

    @staticmethod
    def _lead(row: Any) -> dict[str, Any]:
        return {
            "id": row["id"],
            "email": row["email"],
            "foreign_sys_person_id": row["foreign_sys_person_id"],
            "foreign_sys_type": row["foreign_sys_type"],
            "cookie": row["cookie"],
            "workspace": row["workspace"],
            "attributes": loads(row["attributes"]),
        }

    def list_members(self, list_name: str) -> list[int]:
        """The lead ids of a static list (by name), in id order."""
        rows = self._store.query(
            "SELECT m.lead_id FROM list_members m JOIN lists l ON l.id = m.list_id "
            "WHERE l.name = ? COLLATE NOCASE ORDER BY m.lead_id",
            (list_name,),
        )
        return [int(row["lead_id"]) for row in rows]

    def mobjects(self, mtype: str) -> list[dict[str, Any]]:
        """The MObjects of a type (Opportunity, OpportunityPersonRole, Program), in id order."""
        rows = self._store.query("SELECT * FROM mobjects WHERE type = ? ORDER BY id", (mtype,))
        return [
            {"id": row["id"], "attributes": loads(row["attributes"]), "details": loads(row["details"])}
            for row in rows
        ]

    def activities(self, lead_id: int | None = None) -> list[dict[str, Any]]:
        """Activities (of one lead, or of all), oldest first: id, lead_id, type, asset, attributes, campaign."""
        sql = (
            "SELECT * FROM activities"
            + (" WHERE lead_id = ?" if lead_id is not None else "")
            + " ORDER BY id"
        )
        rows = self._store.query(sql, (lead_id,) if lead_id is not None else ())
        return [
            {
                "id": row["id"],
                "lead_id": row["lead_id"],
                "type": row["type"],
                "asset": row["asset"],
                "attributes": loads(row["attributes"]),
                "campaign": row["campaign"],
            }
            for row in rows
        ]

    def campaign_runs(self) -> list[dict[str, Any]]:
        """requestCampaign and scheduleCampaign runs (REST trigger and schedule too), oldest first; ``run_at``
        and ``created_at`` in microseconds since the epoch."""
        rows = self._store.query(
            "SELECT r.*, c.name AS campaign FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id ORDER BY r.id"
        )
        return [
            {
                "campaign_id": row["campaign_id"],
                "campaign": row["campaign"],
                "kind": row["kind"],
                "source": row["source"],
                "lead_ids": loads(row["lead_ids"]),
                "tokens": loads(row["tokens"]),
                "run_at": row["run_at"],
                "created_at": row["created_at"],
            }
            for row in rows
        ]

    def imports(self) -> list[dict[str, Any]]:
        """importToList jobs, oldest first."""
        rows = self._store.query("SELECT * FROM imports ORDER BY id")
        return [
            {
                "program": row["program"],
                "list": row["list"],
                "status": row["status"],
                "rows_imported": row["rows_imported"],
                "rows_failed": row["rows_failed"],
                "rows_ignored": row["rows_ignored"],
                "summary": row["summary"],
            }
            for row in rows
        ]

    def counts(self) -> dict[str, int]:
        """How many leads, custom objects, MObjects and activities there are."""
        result: dict[str, int] = {}
        for table in ("leads", "custom_objects", "mobjects", "activities", "list_members"):
            result[table] = int(self._store.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])
        return result

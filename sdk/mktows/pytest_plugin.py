"""pytest plugin (entry point ``pytest11``/``mktows``): the ``mktows_emulator`` fixture.

```python
def test_sync(mktows_emulator):
    client = mktows_emulator.client()
    report = client.sync_custom_objects("RoadShow", [{"keys": {"MKTOID": "1", "rid": "a"}, "attributes": {}}])
    assert mktows_emulator.state.custom_object("RoadShow", MKTOID="1", rid="a") is not None

@pytest.mark.mktows_emulator(settings={"latency": 0.05}, limits={"rate_calls": 100, "rate_window": 2.0})
def test_slow_service(mktows_emulator):
    mktows_emulator.inject("syncCustomObjects", "fault", code=20023, count=1)
```

The emulator also answers REST (``.rest_endpoint``, ``.identity_endpoint``, ``.client_id``,
``.client_secret``: see the README's "The emulator's REST face").

Each test gets its own emulator on a free 127.0.0.1 port with its state in the test's ``tmp_path``, stopped
when the test ends. Its admin path is on, so a test (or a tool it drives) can inject faults over HTTP:
``POST {handle.admin_url}inject`` with ``Authorization: Bearer {handle.admin_token}`` and a JSON body.
Override the ``mktows_emulator_config`` fixture to change the configuration for a module or a whole suite;
the ``mktows_emulator`` marker overrides ``settings`` and ``limits`` per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mktows.client import Client
    from mktows.emulator import CallRecord, Emulator, EmulatorConfig, Injection, StateView

MARKER = "mktows_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(settings=None, limits=None): settings/limits of the mktows_emulator fixture for this test",
    )


class EmulatorHandle:
    """What a test sees of its emulator: where it is, who may call it, a ready client, fault injection and
    read access to its state."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._clients: list[Client] = []

    @property
    def endpoint(self) -> str:
        """The SOAP endpoint URL."""
        return self.emulator.endpoint

    @property
    def rest_endpoint(self) -> str:
        """The REST API base URL (``http://127.0.0.1:<port>/rest``), as Marketo gives it."""
        return f"{self.emulator.base_url}/rest"

    @property
    def identity_endpoint(self) -> str:
        """The identity service base URL (``http://127.0.0.1:<port>/identity``)."""
        return f"{self.emulator.base_url}/identity"

    @property
    def client_id(self) -> str:
        """The REST face's OAuth client id."""
        return self.emulator.config.rest.client_id

    @property
    def client_secret(self) -> str:
        """The REST face's OAuth client secret."""
        return self.emulator.config.rest.client_secret

    @property
    def user_id(self) -> str:
        """The configured user's mktowsUserId."""
        return self.emulator.user_id

    @property
    def encryption_key(self) -> str:
        """The configured user's encryption key."""
        return self.emulator.encryption_key

    @property
    def admin_url(self) -> str:
        """The admin path's base URL (``http://127.0.0.1:<port>/_admin/``)."""
        return f"{self.emulator.base_url}/_admin/"

    @property
    def admin_token(self) -> str | None:
        """The token the admin path wants (``Authorization: Bearer <token>``); None if a test turned it off."""
        return self.emulator.admin_token

    def client(self, **options: Any) -> Client:
        """A ``mktows.Client`` for this emulator (``strict=True`` unless given); closed when the test ends."""
        from mktows.client import Client  # the emulator itself never imports the client

        options.setdefault("strict", True)
        client = Client(self.endpoint, self.user_id, self.encryption_key, **options)
        self._clients.append(client)
        return client

    def inject(self, operation: str | None = None, kind: str = "fault", **options: Any) -> Injection:
        """Make the next calls fail: see ``Emulator.inject``."""
        return self.emulator.inject(operation, kind, **options)

    def clear_injections(self) -> None:
        """Cancel every pending injection."""
        self.emulator.clear_injections()

    @property
    def state(self) -> StateView:
        """Read access to the emulator's records (``state.custom_objects("RoadShow")``, ``state.leads()``...)."""
        return self.emulator.state

    @property
    def calls(self) -> list[CallRecord]:
        """The calls the emulator answered, oldest first."""
        return self.emulator.calls

    def reset(self) -> None:
        """Back to the seeded state."""
        self.emulator.reset()

    def close(self) -> None:
        """Close the clients handed out (the fixture stops the emulator)."""
        for client in self._clients:
            client.close()
        self._clients.clear()


@pytest.fixture
def mktows_emulator_config() -> EmulatorConfig:
    """The configuration of ``mktows_emulator``: the documented defaults. Override to change it."""
    from mktows.emulator import EmulatorConfig

    return EmulatorConfig.default()


@pytest.fixture
def mktows_emulator(
    request: pytest.FixtureRequest, mktows_emulator_config: EmulatorConfig, tmp_path: Path
) -> Iterator[EmulatorHandle]:
    """A running mktows emulator for one test, stopped afterwards."""
    from mktows.emulator import Emulator

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    unknown = sorted(set(options) - {"settings", "limits"})
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes settings= and limits=, not {', '.join(unknown)}"
        )
    emulator = Emulator(
        mktows_emulator_config,
        db_path=tmp_path / "mktows-emulator.sqlite3",
        settings={"admin": True, **(options.get("settings") or {})},
        limits=options.get("limits"),
    )
    emulator.start()
    handle = EmulatorHandle(emulator)
    try:
        yield handle
    finally:
        handle.close()
        emulator.stop()

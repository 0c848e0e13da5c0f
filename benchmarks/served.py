"""The emulator under test in its own process: ``python -m mktows.emulator`` on a database, until ``close()``.

A benchmark's server runs apart from the process that measures it, so the two do not share one interpreter
lock. The addresses come from the banner the emulator prints at start; its later output is read in a thread
(so a full pipe never stalls it) and the last lines are kept for an error message. While it runs, the
benchmark sees it only as a client does, plus its admin path (``admin=True``: call totals, fault injection);
its records are read from the database file once it has stopped (``stored()``).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from benchmarks.bulk import BulkUnavailable

if TYPE_CHECKING:
    from mktows.emulator import StateView

LIMITS_OFF: Mapping[str, Any] = {"rate_calls": None, "max_concurrent": None, "daily_quota": None}
"""Service-side limits switched off (the ``limits`` section of a config file)."""

_SOAP = re.compile(r"serving (http://\S+/soap/mktows/\S+) ")
_REST = re.compile(r"REST: (http://\S+/rest) \(identity: (http://\S+/identity)\)")
_ADMIN = re.compile(r"admin path: \S+ with 'Authorization: Bearer (\S+)'")
_BANNER_END = "Ctrl-C stops it."
START_TIMEOUT_S = 60.0


class Served:
    """``python -m mktows.emulator`` in a child process, configured by ``config`` (a config file's mapping);
    ``admin=True`` turns the admin path on (``admin_get("calls")``, ``admin_post("inject", {...})``)."""

    def __init__(
        self, db: Path, workdir: Path, config: Mapping[str, Any] | None = None, *, admin: bool = False
    ) -> None:
        from mktows.emulator.config import EmulatorConfig

        self.db = db
        self.config = EmulatorConfig.from_mapping(config or {})  # what the child reads from its config file
        self.user = self.config.users[0]  # the API user a benchmark's client signs as
        command = [sys.executable, "-m", "mktows.emulator", "--port", "0", "--db", str(db)]
        if config:
            path = workdir / f"{db.stem}-config.json"
            path.write_text(json.dumps(config), encoding="utf-8")
            command += ["--config", str(path)]
        if admin:
            command.append("--admin")
        self.process = subprocess.Popen(
            command,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            text=True,
        )
        self.output: deque[str] = deque(maxlen=20)
        self.endpoint = self.rest_endpoint = self.identity_endpoint = ""
        self.admin_token: str | None = None
        started = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(started,), daemon=True)
        self._reader.start()
        if not started.wait(START_TIMEOUT_S) or not self.endpoint:
            self.close()
            raise BulkUnavailable(f"the emulator did not start: {' | '.join(self.output)}")
        address = urlsplit(self.endpoint)
        self.host, self.port, self.path = address.hostname or "127.0.0.1", address.port or 80, address.path

    def _read(self, started: threading.Event) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if not _ADMIN.search(line):  # the admin token stays out of error messages
                self.output.append(line.rstrip())
            if not started.is_set():
                if found := _SOAP.search(line):
                    self.endpoint = found.group(1)
                if found := _REST.search(line):
                    self.rest_endpoint, self.identity_endpoint = found.group(1), found.group(2)
                if found := _ADMIN.search(line):
                    self.admin_token = found.group(1)
                if _BANNER_END in line:
                    started.set()
        started.set()  # the process ended (before or after its banner)

    def connection(self) -> http.client.HTTPConnection:
        """A new kept-alive connection to the emulator."""
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def processor_seconds(self) -> float | None:
        """Processor time (user + system) the emulator has used so far, from ``/proc``; None without it."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="ascii")
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[
            1
        ].split()  # after the command name: state is field 3, utime 14, stime 15
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def admin_get(self, route: str) -> Any:
        """The JSON answer of ``GET /_admin/<route>`` (the emulator must run with ``admin=True``)."""
        return self._admin("GET", route)

    def admin_post(self, route: str, data: Mapping[str, Any]) -> Any:
        """The JSON answer of ``POST /_admin/<route>`` with ``data`` as its JSON body (``admin=True``)."""
        return self._admin("POST", route, data)

    def _admin(self, method: str, route: str, data: Mapping[str, Any] | None = None) -> Any:
        if self.admin_token is None:
            raise RuntimeError("the emulator runs without its admin path")
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        body = None
        if data is not None:
            body = json.dumps(data).encode("utf-8")
            headers["Content-Type"] = "application/json"
        conn = self.connection()
        try:
            conn.request(method, f"/_admin/{route}", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"{method} /_admin/{route} answered HTTP {response.status}: {answer[:300]!r}")
        return json.loads(answer)

    @contextmanager
    def stored(self) -> Iterator[StateView]:
        """The records the emulator left in its database, read from the file after ``close()``: the benchmark
        never opens the database while the server under test writes to it."""
        from mktows.emulator import StateView
        from mktows.emulator.store import Store

        if self.process.poll() is None:
            raise RuntimeError("the emulator is still running: close() it before reading its database")
        store = Store(self.db)
        try:
            yield StateView(store, self.config)
        finally:
            store.close()

    def close(self) -> None:
        """Stop the emulator (SIGTERM, then SIGKILL after 30 s)."""
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)
        self._reader.join(5)

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

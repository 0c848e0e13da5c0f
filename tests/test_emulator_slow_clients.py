"""Slow clients: the emulator gives a client ``receive_timeout`` seconds to send a whole request, so
connections trickling a byte at a time (or sending nothing) are closed and cannot take every connection."""

from __future__ import annotations

import select
import socket
import threading
import time

from mktows.emulator import Emulator
from mktows.types import ParamsListMObjects
from tests.emulator_support import TIMEOUT, call, request_bytes

RECEIVE_TIMEOUT = 3.0
SLOW_CLIENTS = 100
SILENT_CLIENTS = 5  # of which these send nothing at all
STOP_AFTER = 25.0  # the trickle would need 1,000 s to finish a request


def _closed_by_peer(sock: socket.socket) -> bool:
    """Whether the other side has closed the connection (EOF or reset), without blocking."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1024) == b""  # an answer (a 408 page, say) then EOF also ends it
    except OSError:
        return True


class Trickler(threading.Thread):
    """Keeps ``SLOW_CLIENTS`` connections sending one byte a second of a request that never ends, and notes
    how long each stayed open."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        head = (
            "POST /soap/mktows/2_6 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=UTF-8\r\n"
            "Content-Length: 1000\r\n\r\n"
        )
        self.data = head.encode() + b" " * 1000
        self.opened = time.monotonic()
        self.sockets = [
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(SLOW_CLIENTS)
        ]
        self.open_for: dict[int, float] = {}
        self.started_trickling = threading.Event()

    def run(self) -> None:
        deadline = self.opened + STOP_AFTER
        sent = 0
        while len(self.open_for) < len(self.sockets) and time.monotonic() < deadline:
            for index, sock in enumerate(self.sockets):
                if index in self.open_for:
                    continue
                if _closed_by_peer(sock):
                    self.open_for[index] = time.monotonic() - self.opened
                    continue
                if index >= SILENT_CLIENTS:
                    try:
                        sock.sendall(self.data[sent : sent + 1])
                    except OSError:
                        self.open_for[index] = time.monotonic() - self.opened
            sent += 1
            self.started_trickling.set()
            time.sleep(1.0)

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


def test_trickling_clients_are_cut_off_and_lock_nobody_out() -> None:
    with Emulator(limits={"receive_timeout": RECEIVE_TIMEOUT}) as emulator:
        trickler = Trickler(emulator.port)
        trickler.start()
        try:
            assert trickler.started_trickling.wait(TIMEOUT)
            # while the slow clients hold their connections, a normal call is answered
            assert call(emulator, "listMObjects", ParamsListMObjects()).objects
            trickler.join(STOP_AFTER + TIMEOUT)
            assert not trickler.is_alive()
        finally:
            trickler.close()
    assert len(trickler.open_for) == SLOW_CLIENTS, f"still open after {STOP_AFTER} s"
    # closed after the bound, with room for a loaded machine; never because they finished
    assert all(RECEIVE_TIMEOUT - 1 < seconds < STOP_AFTER for seconds in trickler.open_for.values())


def _exchange(sock: socket.socket, body: bytes) -> bytes:
    """Send one POST on an open connection and read its answer (headers and Content-Length body)."""
    head = (
        "POST /soap/mktows/2_6 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=UTF-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before the answer"
        received += chunk
    headers, _, rest = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in headers.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed in the middle of the answer"
        rest += chunk
    return headers.split(b"\r\n", 1)[0]


def test_a_kept_alive_connection_may_idle_between_requests() -> None:
    """The bound counts from the first byte of each request, not from the end of the previous answer."""
    with (
        Emulator(limits={"receive_timeout": RECEIVE_TIMEOUT}) as emulator,
        socket.create_connection(("127.0.0.1", emulator.port), timeout=TIMEOUT) as sock,
    ):
        first = _exchange(sock, request_bytes(emulator, "listMObjects", ParamsListMObjects()))
        time.sleep(RECEIVE_TIMEOUT + 1.5)
        second = _exchange(sock, request_bytes(emulator, "listMObjects", ParamsListMObjects()))
    assert first == second == b"HTTP/1.1 200 OK"

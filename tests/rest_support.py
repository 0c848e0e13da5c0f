"""Plain-requests helpers for the REST face's tests (independent of any REST client in the SDK)."""

from __future__ import annotations

from typing import Any

import requests


def identity(handle: Any, method: str = "GET", **params: str) -> requests.Response:
    """A call of the emulator's identity service with its client credentials (``params`` override them)."""
    query = {
        "grant_type": "client_credentials",
        "client_id": handle.client_id,
        "client_secret": handle.client_secret,
    }
    query.update(params)
    return requests.request(method, f"{handle.identity_endpoint}/oauth/token", params=query, timeout=10)


def token(handle: Any) -> str:
    """A fresh access token from the emulator's identity service."""
    answer = identity(handle)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


class Rest:
    """Calls to ``handle.rest_endpoint`` (or the base URL for /bulk) with a bearer token; every answer kept."""

    def __init__(self, handle: Any) -> None:
        self.base = handle.rest_endpoint.rsplit("/rest", 1)[0]
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token(handle)}"
        self.answers: list[tuple[str, str, requests.Response]] = []

    def call(self, method: str, path: str, **options: Any) -> requests.Response:
        options.setdefault("timeout", 10)
        answer = self.session.request(method, self.base + path, **options)
        self.answers.append((method, path.split("?", 1)[0], answer))
        return answer

    def json(self, method: str, path: str, **options: Any) -> dict[str, Any]:
        answer = self.call(method, path, **options)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert isinstance(data, dict)
        return data

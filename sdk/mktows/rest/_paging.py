"""Following REST's position paging: ``nextPageToken`` from page to page while ``moreResult`` is true."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mktows.errors import ProtocolError
from mktows.rest._client import Params, RestClient
from mktows.rest._envelope import RestResponse


def iter_pages(
    client: RestClient,
    path: str,
    params: Params | None = None,
    *,
    query: Mapping[str, Any] | None = None,
    next_page_token: str | None = None,
    operation: str | None = None,
) -> Iterator[RestResponse]:
    """Each page of a paged read, first to last (paging-tokens.md, lead-database.md).

    ``params`` go in the query (a GET, sent as ``_method=GET`` when long); ``query`` instead is a JSON body
    sent as ``POST path?_method=GET`` (compound-key queries). Start from ``next_page_token`` to resume: each
    page's ``next_page_token`` is the position after it. Raises ``ProtocolError`` when ``moreResult`` is true
    but the token is missing or did not advance, which would otherwise loop forever.
    """
    token = next_page_token
    while True:
        if query is not None:
            body = dict(query)
            if token:
                body["nextPageToken"] = token
            page = client.post(path, body, params={"_method": "GET"}, operation=operation)
        else:
            page = client.get(path, {**(params or {}), "nextPageToken": token}, operation=operation)
        yield page
        if not page.more_result:
            return
        if not page.next_page_token:
            raise ProtocolError("moreResult is true but no nextPageToken came with it", operation=operation)
        if page.next_page_token == token:
            raise ProtocolError("nextPageToken did not advance; stopping", operation=operation)
        token = page.next_page_token


def iter_records(
    client: RestClient,
    path: str,
    params: Params | None = None,
    *,
    query: Mapping[str, Any] | None = None,
    next_page_token: str | None = None,
    operation: str | None = None,
) -> Iterator[Any]:
    """The ``result`` records of every page, in order (``iter_pages`` flattened)."""
    for page in iter_pages(
        client, path, params, query=query, next_page_token=next_page_token, operation=operation
    ):
        yield from page.result

"""Following Marketo's stream positions, declared as data and walked by one generic paginator.

Each ``PageSpec`` (one per paged operation, in ``_operation_facts``) names the params field that carries the position in (``streamPosition`` or
``startPosition``), the result field that carries the next one out, where the records are, and how the
result says whether more remain. The position is opaque: it is passed back exactly as received, never edited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mktows.errors import ProtocolError

Record = TypeVar("Record")

MAX_PAGES = 1_000_000
"""A hard bound on pages in one walk, so that a server that never ends its stream cannot loop us forever."""


@dataclass(frozen=True)
class PageSpec:
    """How one operation pages (each operation's spec is in ``_operation_facts.FACTS``)."""

    input_token: str  # params field taking the position
    output_token: str  # result field holding the next position
    records: tuple[str, str]  # result field holding the array, then the array's list field
    more: Callable[[Any], bool]  # does the result say more records remain?


@dataclass(frozen=True)
class Page(Generic[Record]):
    """One call's records, the position that fetched it and the position of the next page."""

    records: list[Record]
    position: Any
    next_position: Any
    result: Any
    last: bool


class Paginator(Generic[Record]):
    """Iterates the records of a paged operation, call after call, until the stream says nothing remains.

    ``position`` is where to resume: the position of the first page whose records have not all been
    consumed yet (resuming from it may repeat records of a half-read page; it never skips any). Save it,
    then pass it as ``start_position`` / ``stream_position`` to the same helper later to continue.
    """

    def __init__(
        self,
        call: Callable[[str, Any], Any],
        operation: str,
        spec: PageSpec,
        params: Any,
        position: Any = None,
    ) -> None:
        self._call = call
        self.operation = operation
        self._spec = spec
        self._params = params
        self.position: Any = position
        self.finished = False
        self.pages_fetched = 0

    def pages(self) -> Iterator[Page[Record]]:
        """Yield whole pages; ``position`` moves past a page once the next one is requested."""
        spec = self._spec
        while not self.finished:
            if self.pages_fetched >= MAX_PAGES:
                raise ProtocolError(f"{self.operation}: stream did not end after {MAX_PAGES} pages")
            params = dataclasses.replace(self._params, **{spec.input_token: self.position})
            result = self._call(self.operation, params)
            self.pages_fetched += 1
            array = getattr(result, spec.records[0])
            records: list[Record] = list(getattr(array, spec.records[1])) if array is not None else []
            next_position = getattr(result, spec.output_token)
            last = not spec.more(result)
            if not last and next_position == self.position:
                raise ProtocolError(
                    f"{self.operation}: more records remain but the stream position did not advance"
                )
            page = Page(records, self.position, next_position, result, last)
            yield page
            if last:
                self.finished = True
            self.position = next_position

    def __iter__(self) -> Iterator[Record]:
        for page in self.pages():
            yield from page.records

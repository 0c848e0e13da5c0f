"""REST routes: a path template of the Swagger definitions (``/rest/v1/lists/{listId}/leads.json``), the HTTP
method, the Swagger ``operationId`` (fault injection and the call log name calls by it), the handler, and
whether the call writes (reads run in a read transaction)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mktows.emulator.rest.context import RestHandler
from mktows.emulator.rest.envelope import RestError

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    """One REST endpoint."""

    method: str  # GET, POST or DELETE; a GET route also answers POST with _method=GET
    template: str
    operation_id: str
    handler: RestHandler
    writes: bool = False
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = _PLACEHOLDER.sub(
            lambda m: f"(?P<{m[1]}>[^/]+)", re.escape(self.template).replace(r"\{", "{").replace(r"\}", "}")
        )
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def args(self, path: str) -> dict[str, str]:
        """The path's values for the template's placeholders."""
        match = self.pattern.match(path)
        return dict(match.groupdict()) if match else {}


def choose(routes: list[Route], method: str, path: str, tunnelled_get: bool) -> Route:
    """The route for a request; 610 when no resource has the path, 605 when the resource lacks the method.
    ``tunnelled_get`` is a POST carrying ``_method=GET``."""
    matching = [route for route in routes if route.pattern.match(path)]
    if not matching:
        raise RestError(610, "Requested resource not found")
    wanted = "GET" if tunnelled_get else method
    for route in matching:
        if route.method == wanted:
            return route
    raise RestError(605, f"HTTP Method {method} not supported for {path}")

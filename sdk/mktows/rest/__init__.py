"""mktows.rest: Marketo's REST API over requests, with the SOAP client's limits, retries and errors.

``RestClient(rest_endpoint, client_id, client_secret)`` authenticates with OAuth client credentials and
returns each call's ``RestResponse``; failures raise the ``mktows.errors`` families with REST's ``code``
(``protocol == "rest"``). ``iter_pages`` / ``iter_records`` follow ``nextPageToken``; ``batches`` splits
records at REST's 300 per call and 1 MB per body. This package uses the errors and is used by the client;
it never imports the emulator.
"""

from mktows.rest._batches import MAX_BODY_BYTES, MAX_RECORDS_PER_CALL, batches
from mktows.rest._client import MAX_URL_BYTES, Params, RestClient
from mktows.rest._envelope import RestResponse
from mktows.rest._paging import iter_pages, iter_records

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_RECORDS_PER_CALL",
    "MAX_URL_BYTES",
    "Params",
    "RestClient",
    "RestResponse",
    "batches",
    "iter_pages",
    "iter_records",
]

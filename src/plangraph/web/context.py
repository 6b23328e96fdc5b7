"""What the routes share: the app's context, errors, the update token, deadlines."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from plangraph.library.answers import examples_query
from plangraph.namespaces import BASE, PREFIXES
from plangraph.rebase import Rebase
from plangraph.settings import Settings
from plangraph.web import negotiation, problems
from plangraph.web.answer_cache import AnswerCache
from plangraph.web.engine import Engine, jobs
from plangraph.web.engine.jobs import Failed
from plangraph.web.limits import ClientLimiter
from plangraph.web.querylog import QueryLog
from plangraph.web.report_store import ReportStore

if TYPE_CHECKING:
    from plangraph.validation.report import Report


@dataclass
class AppContext:
    """What every request handler shares: the settings, the engine, the per-client limiter and
    the answer cache; built once by the app factory."""

    settings: Settings
    engine: Engine
    limiter: ClientLimiter
    cache: AnswerCache
    reports: ReportStore | None = None
    """Where validation reports are kept at their URLs (``/validate/reports/{id}``)."""

    def keep(self, request: Request, report: Report) -> dict[str, str]:
        """Keep ``report`` at its own URL; the ``Link`` header that names it (none if it is not
        kept)."""
        if self.reports is None:
            return {}
        try:
            report_id = self.reports.save(report)
        except OSError as error:  # a folder it cannot write: the report is answered, not kept
            logging.getLogger("plangraph.reports").warning("a report was not kept: %s", error)
            return {}
        if report_id is None:
            return {}
        url = f"{public_url(request, self.settings)}validate/reports/{report_id}"
        return {"Link": f'<{url}>; rel="describedby"'}

    @property
    def allowlist(self) -> frozenset[str]:
        return frozenset(self.settings.service_allowlist)

    @property
    def writable(self) -> bool:
        return self.settings.update_token is not None


def context_of(request: Request) -> AppContext:
    """The context of the app that ``request`` came to."""
    context: AppContext = request.app.state.context
    return context


class ProtocolError(Exception):
    """A request the endpoint answers with an error status and a plain-text message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int,
    message: str,
    log: QueryLog | None = None,
    headers: dict[str, str] | None = None,
    request: Request | None = None,
) -> Response:
    """A SPARQL-style error answer (as Fuseki gives): ``Error 400: …`` in plain text; given the
    ``request`` of a JSON API route, an RFC 9457 problem (:mod:`plangraph.web.problems`) unless
    the client asks for HTML."""
    all_headers = dict(headers or {})
    if log is not None:
        all_headers["X-Request-Id"] = log.id
    if request is not None and not problems.wants_html(request):
        return problems.for_request(request, status, message, headers=all_headers)
    return Response(
        f"Error {status}: {message}\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers=all_headers,
    )


def too_many(context: AppContext) -> ProtocolError:
    """The 429 for a client that already has as many requests running as it may."""
    return ProtocolError(
        429,
        f"this client already has {context.limiter.limit} requests running "
        "(PLANGRAPH_MAX_CONCURRENT_PER_CLIENT); wait for one to finish",
        {"Retry-After": "1"},
    )


def negotiated(
    request: Request,
    family: negotiation.Family,
    format_values: list[str] | None = None,
    *,
    html: bool = False,
) -> negotiation.Format | None:
    """The format to answer ``request`` in, from its ``Accept`` and its ``format=`` values (the
    URL's, unless ``format_values`` gives them); None means HTML. A 406 if none is acceptable."""
    if format_values is None:
        format_values = request.query_params.getlist("format")
    try:
        return negotiation.negotiate(
            family, request.headers.get("accept"), format_values, html=html
        )
    except negotiation.NotAcceptable as error:
        raise ProtocolError(406, str(error)) from None


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authorize(request: Request, context: AppContext) -> None:
    """Raise ProtocolError unless the request holds the update token."""
    token = context.settings.update_token
    if token is None:
        raise ProtocolError(
            403,
            "this endpoint is read-only: updates and Graph Store writes are turned off "
            "(the server has no PLANGRAPH_UPDATE_TOKEN)",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.get_secret_value().encode()
    ):
        raise ProtocolError(
            401,
            "writing needs the update token: send 'Authorization: Bearer <token>'",
            {"WWW-Authenticate": 'Bearer realm="plangraph"'},
        )


def deadline(values: list[str], settings: Settings) -> float:
    """The deadline of a request, in seconds: ``timeout=`` if given (at most the maximum),
    else the default."""
    if not values:
        return settings.query_timeout
    if len(values) > 1:
        raise ProtocolError(400, "give timeout= once")
    try:
        asked = float(values[0])
    except ValueError:
        raise ProtocolError(400, f"timeout={values[0]!r} is not a number of seconds") from None
    if not asked > 0:
        raise ProtocolError(400, "timeout= must be a positive number of seconds")
    return min(asked, settings.max_query_timeout)


def check_iri(value: str, parameter: str) -> str:
    """``value`` if it is an absolute IRI, else a 400 naming the parameter."""
    try:
        ox.NamedNode(value)
    except ValueError as error:
        raise ProtocolError(
            400, f"{parameter}={value!r} is not an absolute IRI ({error})"
        ) from None
    return value


_URLS: dict[tuple[Any, ...], str] = {}
_URLS_KEPT = 256


def endpoint_url(request: Request) -> str:
    """The URL of the resource asked for, without its query string (remembered for the few
    addresses a server is called by)."""
    scope = request.scope
    key = (
        scope.get("scheme"),
        scope.get("server"),
        request.headers.get("host"),
        scope.get("root_path"),
        scope.get("path"),
    )
    url = _URLS.get(key)
    if url is None:
        url = str(request.url.replace(query="", fragment=""))
        if len(_URLS) < _URLS_KEPT:  # the Host header is the client's: keep the memo bounded
            _URLS[key] = url
    return url


def failure_message(failed: Failed) -> str:
    """What to tell the client about a job that failed."""
    message = failed.message
    if failed.cap:
        message += (
            "; the answer was not sent (a cut answer would look complete): narrow the query or "
            "add LIMIT (caps: PLANGRAPH_MAX_ROWS, PLANGRAPH_MAX_RESULT_BYTES)"
        )
    return message


def output_prefixes() -> dict[str, str]:
    """The prefixes graph answers are written with (Turtle, TriG, RDF/XML)."""
    return dict(PREFIXES)


def public_url(request: Request, settings: Settings) -> str:
    """Where clients reach this server (ending in ``/``): ``PLANGRAPH_PUBLIC_URL`` if set, else
    the address the request came to."""
    return settings.public_url or str(request.base_url)


def rebase(settings: Settings) -> Rebase:
    """The mapping between the stored IRIs and those the server publishes."""
    return Rebase(BASE, settings.base_iri)


def job_rebase(settings: Settings) -> Rebase | None:
    """The rebase a worker job needs to write (and read) IRIs under the public base (None: the
    server publishes the stored IRIs)."""
    return None if settings.base_iri == BASE else rebase(settings)


def content_disposition(filename: str, kind: str = "inline") -> str:
    """A ``Content-Disposition`` value for ``filename`` in any script: an ASCII ``filename``
    for old clients and, when that had to change it, the exact name as RFC 6266 and RFC 5987
    say (``filename*=UTF-8''…``). HTTP headers are Latin-1; a name outside it must not fail."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\%' else "_" for c in filename)
    value = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


EXAMPLES_HEADER = "Plangraph-Includes-Examples"
"""Sent (``true``) with an answer from a store that holds the illustrative examples."""


def holds_examples(context: AppContext) -> bool:
    """Whether the newest generation holds the illustrative examples (asked once per
    generation, then kept by the engine)."""
    job = jobs.Query(examples_query(), "application/sparql-results+json", 1, 1 << 16)
    found = context.engine.per_generation(job, min(context.settings.query_timeout, 10.0))
    return found is not None and found.value.rows > 0

"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

One answer for every API route: ``type`` (a URI naming the kind of problem; ``about:blank`` when
the status says it all), ``title`` (the status's phrase, or the kind's), ``status``, ``detail``
(what went wrong with this request) and ``instance`` (the request's path), and any extension
members the route adds (a validation report, the problems of a plain plan).

A client that asks for HTML (a browser) gets the route's page instead; the SPARQL protocol
endpoint (``/sparql``) keeps the plain-text errors its protocol's tests expect.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from plangraph.namespaces import BASE
from plangraph.web.negotiation import media_ranges

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = BASE + "problem/"
"""Problem types plangraph names: ``{base}{kind}`` (``invalid-plan``, ``unreadable``, …)."""


def title_of(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    kind: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """An ``application/problem+json`` answer; ``kind`` names a plangraph problem type."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind if kind else "about:blank",
        "title": title or title_of(status),
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def wants_html(request: Request) -> bool:
    """Whether the client asks for HTML before JSON (a browser)."""
    best_html = best_json = -1.0
    for media, quality, position in media_ranges(request.headers.get("accept") or ""):
        rank = quality - position * 1e-6
        if media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html, rank)
        elif media in ("application/json", MEDIA_TYPE, "application/*"):
            best_json = max(best_json, rank)
    return best_html > 0 and best_html > best_json


def for_request(
    request: Request,
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    kind: str | None = None,
    **extensions: Any,
) -> JSONResponse:
    """:func:`problem` about ``request`` (its path the ``instance``)."""
    return problem(
        status, detail, instance=request.url.path, kind=kind, headers=headers, **extensions
    )


_PLAIN = ("/sparql",)
"""Paths whose errors their protocol specifies (plain text), never problem details."""


def _plain_text(request: Request) -> bool:
    return request.url.path.startswith(_PLAIN) or wants_html(request)


async def http_exception(request: Request, error: Exception) -> Response:
    """FastAPI's and Starlette's HTTP errors (an unknown path, a method not allowed) as
    problem details, unless the client asks for HTML."""
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if _plain_text(request):
        return Response(
            f"Error {error.status_code}: {error.detail}\n",
            status_code=error.status_code,
            media_type="text/plain; charset=utf-8",
            headers=headers,
        )
    detail = error.detail if isinstance(error.detail, str) else title_of(error.status_code)
    return for_request(request, error.status_code, detail, headers=headers)


async def validation_exception(request: Request, error: Exception) -> Response:
    """A request whose parameters FastAPI cannot read: a 422 problem with every error."""
    assert isinstance(error, RequestValidationError)
    errors = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
        for e in error.errors()
    ]
    detail = "; ".join(f"{e['where']}: {e['message']}" for e in errors) or "bad request"
    return for_request(request, 422, detail, errors=errors)

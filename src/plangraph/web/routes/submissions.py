"""``POST /submissions``: take a plan into the register, if it conforms.

The body is a plan in any format ``POST /validate`` reads (Turtle, JSON-LD, plain YAML or
JSON; by ``Content-Type``, ``?format=``, or a ``multipart/form-data`` field ``file``), sent with
the update token (``Authorization: Bearer …``, as for updates and Graph Store writes). It is
read and validated by the engine, in a reader, against the register the store holds now (names
of a plain plan resolved there), within the request's deadline (``timeout=``) and the
per-client limit; then, if it conforms (warnings and info allowed, and kept in the report), the
writer stores it as the plan's new version with its provenance
(:mod:`plangraph.validation.intake`), and the inferences are refreshed after it as after any
write. Should the store change between the two, the plan is validated again.

Answers (errors as RFC 9457 problem details):

* ``201``: stored; ``Location`` is the version's graph in the Graph Store, ``Link`` the report's
  own URL; the body says the plan, its graph, version and the version it replaced, and the report;
* ``422``: the plan has violations; nothing was stored; the report is in the problem's ``report``;
* ``400`` (unreadable, or not one plan with an IRI of its own), ``401``/``403`` (no or a wrong
  token, or a read-only server), ``413``, ``415``, ``429``, ``503`` (deadline).
"""

from __future__ import annotations

import time
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from plangraph.validation.intake import provenance
from plangraph.web import problems
from plangraph.web.context import (
    ProtocolError,
    authorize,
    client_of,
    context_of,
    deadline,
    failure_message,
    job_rebase,
    public_url,
    rebase,
    too_many,
)
from plangraph.web.engine import jobs
from plangraph.web.engine.jobs import Failed
from plangraph.web.querylog import QueryLog
from plangraph.web.routes.validate import Upload, read_upload

ATTEMPTS = 5
"""How many times a plan is validated again when the store changed meanwhile."""

RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "The plan conforms and is stored as its new version."},
    400: {"description": "The submission cannot be read, or is not one plan with an IRI."},
    401: {"description": "No update token, or a wrong one."},
    403: {"description": "The server is read-only (no update token configured)."},
    413: {"description": "The submission is too large."},
    415: {"description": "The submission's format is not one plangraph reads."},
    422: {"description": "The plan has violations; nothing was stored (the report is in it)."},
    429: {"description": "This client already has as many requests running as it may."},
    503: {"description": "The validation or the write did not finish by its deadline."},
}
"""The answers of ``POST /submissions``, for the OpenAPI document."""


def authorized(request: Request) -> None:
    """The update token, checked before the body is read (a 401 or 403 problem otherwise)."""
    try:
        authorize(request, context_of(request))
    except ProtocolError as error:
        raise HTTPException(error.status, error.message, headers=error.headers) from None


def submit(
    request: Request,
    token: Annotated[None, Depends(authorized)],
    upload: Annotated[Upload, Depends(read_upload)],
) -> Response:
    """Validate a plan against the register and, if it conforms, store it as its new version."""
    context = context_of(request)
    settings = context.settings
    log = QueryLog(op="submission", client=client_of(request))
    try:
        if upload.error is not None:
            error = upload.error
            raise ProtocolError(error.status, str(error))
        started = time.monotonic()
        timeout = deadline(request.query_params.getlist("timeout"), settings)
        with context.limiter.slot(log.client) as allowed:
            if not allowed:
                raise too_many(context)
            return _submit(request, upload, timeout, started, log)
    except ProtocolError as error:
        log.set(error=error.message)
        log.write(error.status)
        headers = {**error.headers, "X-Request-Id": log.id}
        return problems.for_request(request, error.status, error.message, headers=headers)


def _submit(
    request: Request, upload: Upload, timeout: float, started: float, log: QueryLog
) -> Response:
    context = context_of(request)
    settings = context.settings
    check = jobs.CheckSubmission(
        upload.data,
        upload.name,
        upload.media_type,
        upload.declared,
        register=f"the store at {settings.store}",
        rebase=job_rebase(settings),
    )
    for _ in range(ATTEMPTS):
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            break
        answer = context.engine.read(check, left)
        if isinstance(answer, Failed):
            raise ProtocolError(answer.status, failure_message(answer))
        checked = answer.value
        if checked.report is None:  # unreadable
            refused = dict(checked.refused or {})
            status = int(refused.pop("status", 400))
            message = str(refused.pop("message", "the submission cannot be read"))
            log.write(status)
            return problems.for_request(
                request, status, message, kind="unreadable", headers=_ids(log), error=refused
            )
        report = checked.report
        link = context.keep(request, report)
        report_json = report.to_dict()
        if not report.conforms:
            log.write(422)
            counts = report.counts()
            return problems.for_request(
                request,
                422,
                f"the plan has {counts.get('violation', 0)} violation(s) and was not stored",
                kind="invalid-plan",
                title="The plan does not conform",
                headers={**_ids(log), **link},
                report=report_json,
            )
        if checked.refused is not None or checked.plan is None:
            message = str((checked.refused or {}).get("message", "no plan"))
            log.write(400)
            return problems.for_request(
                request,
                400,
                message,
                kind="not-one-plan",
                headers={**_ids(log), **link},
                report=report_json,
            )
        record = provenance(settings.update_token_name, upload.name, upload.data, report)
        store = jobs.StoreSubmission(checked.plan, checked.triples, record, answer.generation)
        left = max(0.1, timeout - (time.monotonic() - started))
        written = context.engine.write(store, left)
        if isinstance(written, Failed):
            if written.status == 409:
                continue  # the store changed since the plan was validated
            raise ProtocolError(written.status, failure_message(written))
        stored = written.value
        public = rebase(settings)
        graph = public.to_public(stored.graph)
        location = f"{public_url(request, settings)}store?graph={quote(graph, safe='')}"
        body = {
            "plan": public.to_public(stored.plan),
            "graph": graph,
            "version": stored.version,
            "revision_of": public.to_public(stored.revision_of) if stored.revision_of else None,
            "attributed_to": settings.update_token_name,
            "sha256": record.sha256,
            "report_url": link["Link"][1:].split(">", 1)[0] if link else None,
            "report": report_json,
        }
        log.set(graph=stored.graph)
        log.write(201)
        return JSONResponse(
            body, status_code=201, headers={**_ids(log), **link, "Location": location}
        )
    raise ProtocolError(
        503,
        "the plan was not stored by its deadline: the register kept changing while it was "
        "validated; try again",
    )


def _ids(log: QueryLog) -> dict[str, str]:
    return {"X-Request-Id": log.id}

"""``/validate``: validate a plan submission over HTTP, and a page with a form to do it by hand.

* ``GET /validate`` — the form (upload a file or paste the plan), in nb or en (``?lang=``).
* ``POST /validate`` — the submission as the request body (its format by ``Content-Type``, or
  ``?format=``), or as a form (``multipart/form-data`` or urlencoded: field ``file`` or ``data``,
  optional ``format`` and ``lang``; with multipart, ``shapes`` parts of SHACL shapes of the
  user's own, repeatable, and ``only_shapes`` to leave plangraph's shapes out). The answer's
  format follows ``Accept``: JSON (the default), Turtle or JSON-LD (a W3C SHACL validation
  report), CSV (one row per finding), HTML (the report grouped by rule) or plain text.

The submission is read and validated by the engine (:class:`plangraph.web.engine.jobs.Validate`):
in a reader process, against the register that the store's current generation holds (the names
of a plain plan are looked up in it too), so that it sees every write before it, within the
request's deadline (``timeout=`` as for ``/sparql``) and the per-client limit. The fast path
only: pyshacl never runs for a request (it is slow and unbounded), so shapes it alone could
judge are refused with 422 naming them; nothing is written to the store.

A report is answered with 200 whether or not the submission conforms (see ``conforms``). A
submission that cannot be read is answered with 400 (malformed or refused), 413 (too large) or
415 (unknown format), with a message that names the problem and where; shapes that cannot be
parsed with 400, shapes that are not valid SHACL or need pyshacl with 422, each naming the part;
406 if ``Accept`` names nothing this can answer with; 503 if the validation does not finish by
its deadline. The body is read with a cap (the rest is never read).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.datastructures import UploadFile

from plangraph.validation import Format, SubmissionError, render
from plangraph.validation.render import MEDIA_TYPES, OutputFormat, page, words
from plangraph.validation.submission import MAX_BYTES
from plangraph.web import problems
from plangraph.web.context import ProtocolError, client_of, context_of, deadline, too_many
from plangraph.web.engine import jobs
from plangraph.web.engine.jobs import Failed
from plangraph.web.negotiation import media_ranges

_ACCEPTED = {
    "application/json": OutputFormat.json,
    "application/ld+json": OutputFormat.jsonld,
    "text/turtle": OutputFormat.turtle,
    "text/html": OutputFormat.html,
    "application/xhtml+xml": OutputFormat.html,
    "text/plain": OutputFormat.text,
    "text/csv": OutputFormat.csv,
}
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MAX_SHAPES_PARTS = 8
"""The most ``shapes`` parts one form may carry."""
_TRUE = ("on", "true", "1", "yes")


@dataclass(frozen=True)
class Upload:
    """What a request submitted, read with a cap; or why it could not be read."""

    data: bytes = b""
    name: str = "request body"
    media_type: str | None = None
    declared: str | None = None
    lang: str = "nb"
    error: SubmissionError | None = None
    shapes: tuple[tuple[str, bytes], ...] = ()
    """The ``shapes`` parts of a form: (file name, bytes) each."""
    only_shapes: bool = False


def _limit(request: Request) -> int:
    return min(context_of(request).settings.max_body_bytes, MAX_BYTES)


def _lang(value: object, request: Request) -> str:
    if value in ("nb", "en"):
        return str(value)
    accepted = request.headers.get("accept-language", "").lower()
    if accepted.startswith("en"):
        return "en"
    return "nb"


async def read_upload(request: Request) -> Upload:
    """Read the request body (at most the limit) and, for a form, its fields.

    Only I/O happens here, on the event loop; parsing and validation happen in the handler.
    """
    limit = _limit(request)
    lang = _lang(request.query_params.get("lang"), request)
    declared = request.query_params.get("format")
    too_large = SubmissionError(
        "request body", f"the submission is larger than {limit:,} bytes", status=413
    )
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        return Upload(lang=lang, error=too_large)
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            return Upload(lang=lang, error=too_large)
        chunks.append(chunk)
    body = b"".join(chunks)
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith(_FORM_TYPES):
        name = request.query_params.get("name") or "request body"
        return Upload(body, name, content_type or None, declared, lang)
    return await _read_form(request, body, limit, lang, declared)


async def _read_form(
    request: Request, body: bytes, limit: int, lang: str, declared: str | None
) -> Upload:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    receive: Callable[[], Awaitable[dict[str, Any]]] = replay
    form_request = Request(request.scope, receive=receive)
    try:
        form = await form_request.form(
            max_files=1 + MAX_SHAPES_PARTS, max_fields=10, max_part_size=limit
        )
    except Exception as error:  # a malformed form, from python-multipart or starlette
        return Upload(lang=lang, error=SubmissionError("form", f"the form cannot be read: {error}"))
    try:
        lang = _lang(form.get("lang") or request.query_params.get("lang"), request)
        chosen = form.get("format")
        if isinstance(chosen, str) and chosen and chosen != "auto":
            declared = chosen
        shapes, only_shapes, refused = await _shapes_parts(form.getlist("shapes"), form, lang)
        if refused is not None:
            return Upload(lang=lang, error=refused)
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            if data.strip():
                media = upload.content_type
                return Upload(
                    data, upload.filename, media, declared, lang, None, shapes, only_shapes
                )
        pasted = form.get("data")
        if isinstance(pasted, str) and pasted.strip():
            return Upload(
                pasted.encode("utf-8"),
                "pasted text",
                None,
                declared,
                lang,
                None,
                shapes,
                only_shapes,
            )
        message = (
            "ingen innsending: last opp en fil eller lim inn planen"
            if lang == "nb"
            else "nothing submitted: upload a file or paste the plan"
        )
        return Upload(lang=lang, error=SubmissionError("form", message))
    finally:
        await form.close()


async def _shapes_parts(
    parts: list[UploadFile | str], form: Any, lang: str
) -> tuple[tuple[tuple[str, bytes], ...], bool, SubmissionError | None]:
    """The form's ``shapes`` files (an empty file input is no part), whether ``only_shapes`` is
    set, and the error if they cannot be used together."""
    shapes: list[tuple[str, bytes]] = []
    for number, part in enumerate(parts, 1):
        if isinstance(part, str):
            if part.strip():
                message = "the shapes part must be a file upload, not a text field"
                return (), False, SubmissionError(f"shapes part {number}", message)
            continue
        data = await part.read()
        if part.filename or data.strip():
            shapes.append((part.filename or f"shapes-{number}.ttl", data))
    chosen = form.get("only_shapes")
    only = isinstance(chosen, str) and chosen.strip().lower() in _TRUE
    if only and not shapes:
        message = (
            "only_shapes krever minst én shapes-fil"
            if lang == "nb"
            else "only_shapes needs one or more shapes files"
        )
        return (), False, SubmissionError("only_shapes", message)
    return tuple(shapes), only, None


def _output(request: Request) -> OutputFormat | None:
    """The answer's format by ``Accept`` (quality values respected); None if none fits."""
    header = request.headers.get("accept", "").strip()
    if not header:
        return OutputFormat.json
    best: tuple[float, int, OutputFormat] | None = None
    for media, quality, position in media_ranges(header):
        if quality <= 0:
            continue
        if media in _ACCEPTED:
            fmt = _ACCEPTED[media]
        elif media in ("*/*", "application/*"):
            fmt = OutputFormat.json
        elif media == "text/*":
            fmt = OutputFormat.html
        else:
            continue
        candidate = (quality, -position, fmt)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def validation_form(request: Request, lang: str = "nb") -> HTMLResponse:
    """A page to validate a plan by hand: upload a file or paste it, and read the report."""
    chosen = _lang(lang, request)
    return HTMLResponse(page(str(words(chosen)["title"]), form_html(chosen), chosen))


SUBMISSION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The validation report (conforms or not)."},
    400: {"description": "The submission or a shapes part is malformed or refused."},
    406: {"description": "Accept names no format this can answer with."},
    413: {"description": "The submission is too large."},
    415: {"description": "The submission's format is not one plangraph reads."},
    422: {"description": "The shapes are not valid SHACL, or need pyshacl (not run here)."},
    429: {"description": "This client already has as many requests running as it may."},
    503: {"description": "The validation did not finish by its deadline."},
}
"""The answers of ``POST /validate``, for the OpenAPI document."""


def validate_submission(
    request: Request, upload: Annotated[Upload, Depends(read_upload)]
) -> Response:
    """Validate the submission against the store's register and answer with the report."""
    output = _output(request)
    if output is None:
        return PlainTextResponse(
            "Error 406: this answers with application/json, application/ld+json, text/turtle, "
            "text/csv, text/html or text/plain\n",
            status_code=406,
        )
    if upload.error is not None:
        return _error(upload.error, output, upload.lang)
    context = context_of(request)
    settings = context.settings
    job = jobs.Validate(
        upload.data,
        upload.name,
        upload.media_type,
        upload.declared,
        register=f"the store at {settings.store}",
        shapes=upload.shapes,
        shipped_shapes=not upload.only_shapes,
    )
    try:
        timeout = deadline(request.query_params.getlist("timeout"), settings)
        with context.limiter.slot(client_of(request)) as allowed:
            if not allowed:
                raise too_many(context)
            answer = context.engine.read(job, timeout)
    except ProtocolError as error:
        return _failure(error.status, error.message, output, upload.lang, error.headers)
    if isinstance(answer, Failed):
        return _failure(answer.status, answer.message, output, upload.lang)
    report = answer.value
    if isinstance(report, SubmissionError):
        return _error(report, output, upload.lang)
    kept = context.keep(request, report)  # the report's own URL, in a Link header
    if output is OutputFormat.html:
        body = render.html_report(report, upload.lang)
        body += f'\n<p><a href="validate?lang={upload.lang}">{escape(_again(upload.lang))}</a></p>'
        title = str(words(upload.lang)["title"])
        text = page(title, f"<h1>{escape(title)}</h1>\n{body}", upload.lang)
        return HTMLResponse(text, headers=kept)
    text = render.render(report, output, upload.lang)
    return Response(text, media_type=MEDIA_TYPES[output], headers=kept)


def _again(lang: str) -> str:
    return "Valider en annen plan" if lang == "nb" else "Validate another plan"


def _error(error: SubmissionError, output: OutputFormat, lang: str) -> Response:
    details = {
        "status": error.status,
        "message": error.message,
        "source": error.source,
        "line": error.line,
        "column": error.column,
        "where": error.where,
    }
    if output in (OutputFormat.json, OutputFormat.jsonld):
        return problems.problem(error.status, str(error), kind="unreadable", error=details)
    if output is OutputFormat.html:
        heading = "Innsendingen kan ikke leses" if lang == "nb" else "The submission cannot be read"
        body = (
            f'<h1>{escape(heading)}</h1>\n<p class="fail">{escape(str(error))}</p>\n'
            f"{form_html(lang)}"
        )
        return HTMLResponse(page(heading, body, lang), status_code=error.status)
    return PlainTextResponse(f"Error {error.status}: {error}\n", status_code=error.status)


def _failure(
    status: int,
    message: str,
    output: OutputFormat,
    lang: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The answer to a submission that was read but not validated (a deadline, a limit, shapes
    that cannot be used)."""
    if output in (OutputFormat.json, OutputFormat.jsonld):
        error = {"status": status, "message": message}
        return problems.problem(status, message, headers=headers, error=error)
    if output is OutputFormat.html:
        if status in (400, 422):  # the shapes parts
            heading = "Reglene kan ikke brukes" if lang == "nb" else "The shapes cannot be used"
        else:
            heading = (
                "Valideringen ble ikke fullført"
                if lang == "nb"
                else "The validation did not finish"
            )
        body_html = f'<h1>{escape(heading)}</h1>\n<p class="fail">{escape(message)}</p>'
        if status in (400, 422):
            body_html += f"\n{form_html(lang)}"
        return HTMLResponse(page(heading, body_html, lang), status_code=status, headers=headers)
    return PlainTextResponse(f"Error {status}: {message}\n", status_code=status, headers=headers)


def form_html(lang: str) -> str:
    """The validation form as an HTML fragment."""
    nb = lang == "nb"
    title = str(words(lang)["title"])
    other = "en" if nb else "nb"
    formats = [("auto", "automatisk" if nb else "automatic")] + [(f.value, f.value) for f in Format]
    options = "".join(f'<option value="{v}">{escape(label)}</option>' for v, label in formats)
    intro = (
        "Last opp en plan eller lim den inn (Turtle, JSON-LD, JSON eller YAML). Planen "
        "kontrolleres sammen med registeret mot reglene i plansystemet, og hvert funn viser "
        "regelen og lovgrunnlaget."
        if nb
        else "Upload a plan or paste it (Turtle, JSON-LD, JSON or YAML). The plan is checked "
        "together with the register against the rules of the plan system, and every finding "
        "shows its rule and legal basis."
    )
    return f"""<h1>{escape(title)}</h1>
<p>{escape(intro)} <a href="validate?lang={other}">{"English" if nb else "Norsk"}</a></p>
<form method="post" action="validate" enctype="multipart/form-data">
<input type="hidden" name="lang" value="{escape(lang)}">
<fieldset><legend>{"Fil" if nb else "File"}</legend>
<input type="file" name="file" accept=".ttl,.nt,.rdf,.owl,.xml,.jsonld,.json,.yaml,.yml"></fieldset>
<fieldset><legend>{"… eller lim inn" if nb else "… or paste"}</legend>
<textarea name="data" rows="16"></textarea></fieldset>
<label>Format: <select name="format">{options}</select></label>
<fieldset><legend>{
        "Egne regler (SHACL), valgfritt" if nb else "Your own rules (SHACL), optional"
    }</legend>
<input type="file" name="shapes" multiple accept=".ttl,.nt,.rdf,.owl,.xml,.jsonld,.json">
<label><input type="checkbox" name="only_shapes" value="on"> {
        "bare disse reglene, ikke plangraphs egne"
        if nb
        else "only these rules, not plangraph's own"
    }</label></fieldset>
<button type="submit">{"Valider" if nb else "Validate"}</button>
</form>"""

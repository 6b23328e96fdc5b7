"""The FastAPI app factory. Nothing is built at import time; tests build their own app.

:func:`create_app` registers every route of the app, in one place; each route's handler lives
in :mod:`plangraph.web.routes`. The query engine (:mod:`plangraph.web.engine`) starts with the
app and stops with it: worker processes over the store at ``settings.store``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from plangraph import __version__
from plangraph.settings import Settings
from plangraph.web import problems
from plangraph.web.answer_cache import AnswerCache
from plangraph.web.context import AppContext
from plangraph.web.engine import Engine
from plangraph.web.limits import BodySizeLimit, ClientLimiter
from plangraph.web.report_store import ReportStore
from plangraph.web.routes import (
    graph_store,
    linked_data,
    publish,
    queries,
    reports,
    sparql,
    submissions,
    validate,
    yasgui,
)
from plangraph.web.routes.public import ROUTERS as PUBLIC_PAGES
from plangraph.web.security import SecurityHeaders


class _App(FastAPI):
    """FastAPI, with routes answered before its middleware stack.

    A request to a path in ``direct`` goes straight to that path's ASGI app, which brings its
    own wrappers (the body-size limit, CORS), past FastAPI's middleware stack (error handling,
    exception handlers, the router: a dozen layers of coroutines, each resumed at every wait).
    Every other request goes the usual way.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.direct: dict[str, ASGIApp] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            root = scope.get("root_path", "")
            handler = self.direct.get(path[len(root) :] if path.startswith(root) else path)
            if handler is not None:
                scope["app"] = self
                await handler(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app for ``settings`` (read from the environment when not given)."""
    settings = settings or Settings()
    engine = Engine(
        settings.store,
        readers=settings.workers,
        max_readers=settings.max_workers,
        refresh_inferences=settings.refresh_inferences,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(engine.start)
        try:
            yield
        finally:
            await run_in_threadpool(engine.stop)

    app = _App(
        title="plangraph",
        version=__version__,
        lifespan=lifespan,
        description="SPARQL 1.1 endpoint over Norway's municipal plan system. "
        "The default graph is the union of all named graphs.",
    )
    app.state.context = AppContext(
        settings,
        engine,
        ClientLimiter(settings.max_concurrent_per_client),
        AnswerCache(settings.answer_cache_bytes),
        ReportStore.beside(settings.store, settings.report_ttl, settings.max_reports),
    )
    app.add_exception_handler(HTTPException, problems.http_exception)
    app.add_exception_handler(RequestValidationError, problems.validation_exception)

    def health(request: Request) -> JSONResponse:
        """What the server can do now (see :meth:`Engine.health`): 200 while it answers
        queries, ``status`` "degraded" when it cannot take writes (``problems`` says why).
        Inferences behind the data are listed among the problems too, but do not make the
        server degraded nor unready: it answers queries and takes writes meanwhile."""
        state: dict[str, Any] = {"status": "ok", "version": __version__, **engine.health()}
        answering = engine.running and state["readers"] > 0
        if not answering:
            state["status"] = "unavailable"
        elif state["problems"]:
            state["status"] = "degraded"
        if state["inferences"]["problem"]:
            state["problems"] = [*state["problems"], state["inferences"]["problem"]]
        return JSONResponse(state, status_code=200 if answering else 503)

    def ready(request: Request) -> JSONResponse:
        """For a load balancer: 200 when the server answers queries and takes writes, else 503
        with the problems in words."""
        problems = engine.health()["problems"]
        body = {"ready": not problems, "problems": problems}
        return JSONResponse(body, status_code=503 if problems else 200)

    cors: dict[str, Any] | None = None
    if settings.cors_origins:
        cors = {
            "allow_origins": settings.cors_origins,
            "allow_credentials": False,  # the update token goes in a header, never a cookie
            "allow_methods": ["GET", "HEAD", "POST", "PUT", "DELETE"],
            "allow_headers": ["Authorization", "Content-Type", "Accept"],
            "expose_headers": ["X-Request-Id", "Location", "Link", sparql.CACHE_HEADER],
            "max_age": 600,
        }

    # -- every route ---------------------------------------------------------------------------

    # The SPARQL protocol: past FastAPI's middleware (see _App), with the same wrappers.
    app.direct["/sparql"] = _wrapped(sparql.asgi, settings, cors)
    # The Graph Store Protocol: plain Starlette routes, which read the request themselves.
    app.add_route(
        "/store",
        graph_store.graph_store,
        methods=graph_store.METHODS,
        name="graph-store",
        include_in_schema=False,
    )
    app.add_route(
        "/store/{path:path}",
        graph_store.graph_store_direct,
        methods=graph_store.METHODS,
        include_in_schema=False,
    )
    app.add_api_route(
        "/validate",
        validate.validation_form,
        methods=["GET"],
        response_class=HTMLResponse,
        summary="The validation form",
        tags=["validation"],
    )
    app.add_api_route(
        "/validate",
        validate.validate_submission,
        methods=["POST"],
        summary="Validate a plan submission",
        responses=validate.SUBMISSION_RESPONSES,
        tags=["validation"],
    )
    app.add_api_route(
        "/validate/reports/{name}",
        reports.report,
        methods=["GET"],
        summary="A validation report kept at its own URL (HTML, or JSON with .json)",
        tags=["validation"],
    )
    app.add_api_route(
        "/submissions",
        submissions.submit,
        methods=["POST"],
        status_code=201,
        summary="Take a plan into the register if it conforms",
        responses=submissions.RESPONSES,
        tags=["validation"],
    )
    app.add_api_route(
        "/schema/plan.json",
        reports.plan_schema,
        methods=["GET", "HEAD"],
        summary="The JSON Schema of plain YAML and JSON plans",
        tags=["validation"],
    )
    app.add_api_route("/queries.json", queries.catalogue_json, methods=["GET"])
    app.add_api_route(
        "/queries", queries.catalogue_page, methods=["GET"], response_class=HTMLResponse
    )
    app.add_api_route("/queries/{slug}", queries.query_page, methods=["GET"])
    app.add_api_route(
        "/catalog", publish.catalog_page, methods=["GET", "HEAD"], include_in_schema=False
    )
    app.add_api_route(
        "/dumps/{name}", publish.dump, methods=["GET", "HEAD"], include_in_schema=False
    )
    for public in PUBLIC_PAGES:  # the public pages (/, /plans, /sdg), before /id/…
        app.include_router(public)
    for path, name in linked_data.served_paths():
        app.add_api_route(
            path, linked_data.resource, methods=["GET", "HEAD"], name=name, include_in_schema=False
        )
    app.add_api_route(
        "/graph/{rest:path}",
        linked_data.graph_redirect,
        methods=["GET", "HEAD"],
        include_in_schema=False,
    )
    app.mount("/static", StaticFiles(directory=yasgui.STATIC_DIR), name="static")
    app.add_api_route("/health", health, methods=["GET"])
    app.add_api_route("/health/ready", ready, methods=["GET"])

    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, script_hashes=[yasgui.SCRIPT_HASH])
    if cors is not None:
        # Outermost, so that every answer (a 413 too) carries the CORS headers.
        app.add_middleware(CORSMiddleware, **cors)
    return app


def _wrapped(handler: ASGIApp, settings: Settings, cors: dict[str, Any] | None) -> ASGIApp:
    """``handler`` behind the wrappers every request meets: the body-size limit, the security
    headers, then CORS."""
    wrapped: ASGIApp = BodySizeLimit(handler, limit=settings.max_body_bytes)
    wrapped = SecurityHeaders(wrapped, script_hashes=[yasgui.SCRIPT_HASH])
    return CORSMiddleware(wrapped, **cors) if cors is not None else wrapped

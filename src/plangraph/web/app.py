"""The FastAPI app factory. Nothing is built at import time; tests build their own app.

The app serves the SPARQL endpoint (``/sparql``, see :mod:`plangraph.web.routes.sparql`), the Graph
Store Protocol (``/store``, :mod:`plangraph.web.routes.graph_store`), the named queries (``/queries``),
the catalogue and the dumps (``/catalog``, ``/dumps``, :mod:`plangraph.web.routes.publish`), the data's
IRIs as Linked Data (``/id/…``, ``/concept/…``, ``/ontology``, :mod:`plangraph.web.routes.linked_data`),
YASGUI's files (``/static``) and ``/health``. Its query engine (:mod:`plangraph.web.engine`) starts with the app and stops with
it: worker processes over the store at ``settings.store``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from plangraph import __version__
from plangraph.settings import Settings
from plangraph.web.answer_cache import AnswerCache
from plangraph.web.context import Endpoint
from plangraph.web.engine import Engine
from plangraph.web.limits import BodySizeLimit, ClientLimiter
from plangraph.web.routes import graph_store, linked_data, publish, queries, sparql, yasgui
from plangraph.web.routes.public import ROUTERS as PUBLIC_PAGES
from plangraph.web.routes.validate import router as validation_router


class _App(FastAPI):
    """FastAPI, with a short way in for ``/sparql``.

    Every request to FastAPI passes its middleware stack (error handling, exception handlers,
    telemetry, body limits, the router: a dozen layers of coroutines, each resumed at every
    wait), about as long as a quick query takes. ``GET``/``POST /sparql`` go straight to
    :func:`plangraph.web.routes.sparql.asgi` behind the same body-size limit and CORS; every other
    request goes the usual way.
    """

    sparql_asgi: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.sparql_asgi is not None
            and scope["type"] == "http"
            and scope["path"] == "/sparql"
            and scope["method"] in sparql.METHODS
        ):
            scope["app"] = self
            await self.sparql_asgi(scope, receive, send)
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
    app.state.settings = settings
    app.state.endpoint = Endpoint(
        settings,
        engine,
        ClientLimiter(settings.max_concurrent_per_client),
        AnswerCache(settings.answer_cache_bytes),
    )
    # The protocol endpoints are plain Starlette routes: they read the request themselves, and
    # FastAPI's parameter machinery would only add time to every query.
    app.add_route("/sparql", sparql.sparql, methods=sparql.METHODS, include_in_schema=False)
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
    app.include_router(validation_router)
    app.include_router(queries.router)
    app.include_router(publish.router)
    for public in PUBLIC_PAGES:  # the public pages (/, /plans, /sdg), before /id/…
        app.include_router(public)
    app.include_router(linked_data.router)
    app.mount("/static", StaticFiles(directory=yasgui.STATIC_DIR), name="static")

    @app.get("/health")
    def health(request: Request) -> JSONResponse:
        state: dict[str, Any] = {"status": "ok", "version": __version__, **engine.health()}
        healthy = engine.running and state["readers"] > 0 and state["writer"]
        if not healthy:
            state["status"] = "unavailable"
        return JSONResponse(state, status_code=200 if healthy else 503)

    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    fast: ASGIApp = BodySizeLimit(sparql.asgi, limit=settings.max_body_bytes)
    if settings.cors_origins:
        # Outermost, so that every answer (a 413 too) carries the CORS headers.
        cors: dict[str, Any] = {
            "allow_origins": settings.cors_origins,
            "allow_credentials": False,  # the update token goes in a header, never a cookie
            "allow_methods": ["GET", "HEAD", "POST", "PUT", "DELETE"],
            "allow_headers": ["Authorization", "Content-Type", "Accept"],
            "expose_headers": ["X-Request-Id", "Location", sparql.CACHE_HEADER],
            "max_age": 600,
        }
        app.add_middleware(CORSMiddleware, **cors)
        fast = CORSMiddleware(fast, **cors)
    app.sparql_asgi = fast
    return app

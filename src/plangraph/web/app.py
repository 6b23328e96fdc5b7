"""The FastAPI app factory. Nothing is built at import time; tests build their own app."""

from __future__ import annotations

from fastapi import FastAPI

from plangraph import __version__
from plangraph.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app for ``settings`` (read from the environment when not given)."""
    settings = settings or Settings()
    app = FastAPI(title="plangraph", version=__version__)
    app.state.settings = settings

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app

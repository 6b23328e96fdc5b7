"""Typed settings, read from the environment (prefix ``PLANGRAPH_``) and overridable in code."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from plangraph.namespaces import BASE
from plangraph.rebase import check_base


def default_workers() -> int:
    """One query worker per core, and never fewer than two (one runaway query must not starve)."""
    return max(2, os.cpu_count() or 1)


def default_max_workers() -> int:
    """Two per core, at least eight: slow queries share the cores, quick ones still get in."""
    return max(8, 2 * (os.cpu_count() or 1))


def _split(value: object) -> object:
    """A list setting from the environment: comma-separated, or a JSON list."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            import json

            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


def default_store_path() -> Path:
    """``$XDG_DATA_HOME/plangraph/store``, by default ``~/.local/share/plangraph/store``."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "plangraph" / "store"


class Settings(BaseSettings):
    """Everything plangraph can be configured with. Nothing reads the environment elsewhere."""

    model_config = SettingsConfigDict(
        env_prefix="PLANGRAPH_", env_ignore_empty=True, extra="forbid"
    )

    store: Path = Field(
        default_factory=default_store_path,
        description="Folder of the embedded store on disk (PLANGRAPH_STORE).",
    )

    # -- a remote backend: any SPARQL 1.1 store instead of the embedded one -------------------

    backend_url: str | None = Field(
        default=None,
        description="SPARQL query endpoint of a remote store to use instead of the embedded "
        "one (PLANGRAPH_BACKEND_URL); unset: the embedded store.",
    )
    backend_update_url: str | None = Field(
        default=None,
        description="SPARQL Update endpoint of the remote store [default: backend_url].",
    )
    backend_store_url: str | None = Field(
        default=None,
        description="Graph Store Protocol endpoint of the remote store [default: backend_url].",
    )
    backend_user: str | None = Field(
        default=None, description="User name for HTTP authentication (basic or digest)."
    )
    backend_password: SecretStr | None = Field(
        default=None, description="Password for HTTP authentication to the remote store."
    )
    backend_timeout: float = Field(
        default=300.0,
        gt=0,
        description="Seconds one request to the remote store may take (loads and reads).",
    )

    # -- the SPARQL endpoint (``plangraph serve``) ------------------------------------------

    host: str = Field(default="127.0.0.1", description="Address `plangraph serve` listens on.")
    port: int = Field(
        default=8000, ge=0, le=65535, description="Port `plangraph serve` listens on."
    )
    update_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that allows SPARQL Update and Graph Store writes; "
        "unset means the endpoint is read-only.",
    )
    query_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Deadline of a query or update in seconds, unless the request asks "
        "otherwise with `timeout=`.",
    )
    max_query_timeout: float = Field(
        default=120.0, gt=0, description="The longest deadline a request may ask for, in seconds."
    )
    max_rows: int = Field(
        default=500_000, gt=0, description="Most result rows (or triples) one answer may hold."
    )
    max_result_bytes: int = Field(
        default=256 * 1024 * 1024, gt=0, description="Most bytes one answer may hold."
    )
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024, gt=0, description="Largest request body accepted (else 413)."
    )
    max_concurrent_per_client: int = Field(
        default=4,
        gt=0,
        description="Requests one client address may have running at once (else 429).",
    )
    read_timeout: float = Field(
        default=20.0,
        gt=0,
        description="Seconds a client has to send a whole request (headers and body) once the "
        "server waits for one, an idle new connection included; then the connection is closed.",
    )
    max_connections_per_client: int = Field(
        default=64,
        gt=0,
        description="Connections one client address may hold open at once; more are refused "
        "(429, then closed).",
    )
    workers: int = Field(
        default_factory=default_workers,
        gt=0,
        description="Query worker processes kept running (default: one per core, at least two).",
    )
    max_workers: int = Field(
        default_factory=default_max_workers,
        gt=0,
        description="Most query worker processes at once: more start when all are busy, so "
        "that quick queries do not wait behind slow ones (default: two per core, at least 8).",
    )
    answer_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Bytes of complete query answers kept for repeated queries, for the current "
        "store generation only (every write starts afresh); 0 turns the cache off.",
    )
    refresh_inferences: bool = Field(
        default=True,
        description="After a write to a store that holds inferences (`plangraph reason`), bring "
        "them up to date in the background; false leaves them as they are until the next "
        "`plangraph reason`.",
    )
    update_token_name: str = Field(
        default="update-token",
        min_length=1,
        max_length=200,
        description="Who holds the update token: the agent a plan submitted with it is "
        "attributed to (`prov:wasAttributedTo` in the submission's provenance).",
    )
    report_ttl: float = Field(
        default=7 * 24 * 3600.0,
        gt=0,
        description="Seconds a validation report stays at its URL (`/validate/reports/{id}`); "
        "reports are kept on disk beside the store (`<store>.reports/`) and survive a restart.",
    )
    max_reports: int = Field(
        default=10_000,
        gt=0,
        description="Most validation reports kept at their URLs; the oldest go first.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the endpoint from a browser "
        "(comma-separated; `*` for any, never with credentials). Empty: no CORS headers.",
    )
    service_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Endpoints a query may call with SERVICE (comma-separated IRIs). "
        "Empty: SERVICE is refused.",
    )

    # -- publishing: Linked Data, the catalogue, the dumps ------------------------------------

    base_iri: str = Field(
        default=BASE,
        description="The base IRI the data is published under. The server answers for the IRIs "
        "under it at the matching paths (`{base}id/…` at `/id/…`); set it to the server's own "
        "address and every resource is served at its IRI. The store keeps the canonical IRIs "
        f"(under {BASE}); the server rewrites them to this base in what it serves.",
    )
    public_url: str | None = Field(
        default=None,
        description="Where the server is reached from outside (for example "
        "https://plangraph.example.org/): the absolute URLs of the catalogue's distributions. "
        "Unset: the address each request came to.",
    )

    @field_validator("backend_url", "backend_update_url", "backend_store_url")
    @classmethod
    def _backend_urls(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("base_iri")
    @classmethod
    def _base_iri(cls, value: str) -> str:
        return check_base(value)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_base(value if value.endswith("/") else value + "/")

    @model_validator(mode="before")
    @classmethod
    def _lists_from_text(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in ("cors_origins", "service_allowlist"):
                if key in data:
                    data[key] = _split(data[key])
        return data

    @model_validator(mode="after")
    def _deadlines_agree(self) -> Self:
        if self.max_workers < self.workers:
            self.max_workers = self.workers
        if self.query_timeout > self.max_query_timeout:
            raise ValueError(
                f"query_timeout ({self.query_timeout} s) is longer than "
                f"max_query_timeout ({self.max_query_timeout} s)"
            )
        return self

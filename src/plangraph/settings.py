"""Typed settings, read from the environment (prefix ``PLANGRAPH_``) and overridable in code."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

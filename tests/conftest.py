"""Shared fixtures: real stores on disk in temporary folders, and the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from plangraph import datasets
from plangraph.store import PlanStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_items() -> list[tuple[str, Path]]:
    """``(graph, file)`` for every file of the default datasets."""
    return [item for ds in datasets.default_datasets() for item in ds.graphs()]


@pytest.fixture(scope="session")
def loaded_store_path(
    tmp_path_factory: pytest.TempPathFactory, default_items: list[tuple[str, Path]]
) -> Path:
    """A store on disk with the default datasets loaded, shared by the tests that only read."""
    path = tmp_path_factory.mktemp("loaded") / "store"
    store = PlanStore.open(path)
    store.load(default_items)
    store.close()
    return path


@pytest.fixture
def loaded_store(loaded_store_path: Path) -> Iterator[PlanStore]:
    """The shared loaded store, opened for the test (and closed after it)."""
    store = PlanStore.open(loaded_store_path)
    yield store
    store.close()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``plangraph`` command in a child process, as a user would."""
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "plangraph", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
        check=False,
    )

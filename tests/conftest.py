"""Shared fixtures: real stores on disk in temporary folders, real servers, the registers
submissions are checked against. They are defined in ``tests/support/`` beside the helpers they
use, and registered here for the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plangraph.data import datasets
from plangraph.store import PlanStore

pytest_plugins = [
    "tests.support.stores",
    "tests.support.server",
    "tests.support.registers",
    "tests.support.pages",
    "tests.support.closure",
    "tests.support.engines",
]


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

"""Stores for the question library's tests: Bergen's register with the saved SSB answers
imported and its inferences (with and without the illustrative examples), and a small synthetic
register, each on disk in a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import reasoning, resources
from plangraph.data import datasets, synthetic
from plangraph.importers import base, ssb
from plangraph.store import PlanStore
from tests.support.paths import ROOT

SYNTHETIC_MUNICIPALITIES = 3


def bergen_files() -> ox.Store:
    """Bergen's plans and organisation read straight from data/bergen/ into a store in memory:
    what the tests expect, read without the code under test."""
    store = ox.Store()
    for name in ("plans", "organisation"):
        store.load(path=ROOT / "data" / "bergen" / f"{name}.ttl", format=ox.RdfFormat.TURTLE)
    return store


#: The saved SSB answers the question library is tested with, and the imports that read them.
SSB_SAVED = (
    (lambda: ssb.job("07459", "all"), "07459-municipalities-2022.json"),
    (lambda: ssb.job("05300", "none"), "05300-culture-distance-1991-2021.json"),
)


IMPORTED_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
"""When the test stores' imports ran, by their provenance: the same on every run, so that the
register is (owlrl's closure of it is kept between runs, see tests/support/closure.py)."""


def _reasoned_copy(target: Path, loaded: Path, extra: list[tuple[str, Path]]) -> Path:
    """A copy of a loaded store, with more files loaded, the saved SSB answers imported as
    `plangraph import ssb --saved` does (at :data:`IMPORTED_AT`), and the inferences of
    `reason`."""
    shutil.copytree(loaded, target)
    store = PlanStore.open(target)
    if extra:
        store.load(extra)
    saved = resources.root() / "data" / "saved" / "ssb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(base, "_now", lambda: IMPORTED_AT)
        for job, file in SSB_SAVED:
            base.run(job(), store, saved=[saved / file])
    reasoning.reason(store)
    store.close()
    return target


@pytest.fixture(scope="session")
def reasoned_store_path(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    """A copy of the default datasets' store (Bergen's register, no illustrative examples),
    with the saved SSB answers imported and the inferences of `reason`."""
    return _reasoned_copy(tmp_path_factory.mktemp("reasoned") / "store", loaded_store_path, [])


@pytest.fixture
def reasoned_store(reasoned_store_path: Path) -> Iterator[PlanStore]:
    store = PlanStore.open(reasoned_store_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def examples_store_path(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    """As :func:`reasoned_store_path`, with the illustrative examples loaded too (as
    `plangraph load --with-examples` does): the store the examples' tests ask."""
    return _reasoned_copy(
        tmp_path_factory.mktemp("reasoned-examples") / "store",
        loaded_store_path,
        datasets.examples_dataset().graphs(),
    )


@pytest.fixture
def examples_store(examples_store_path: Path) -> Iterator[PlanStore]:
    store = PlanStore.open(examples_store_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.nt"
    synthetic.write(path, municipalities=SYNTHETIC_MUNICIPALITIES)
    return path


@pytest.fixture(scope="session")
def synthetic_reasoned(
    tmp_path_factory: pytest.TempPathFactory, synthetic_file: Path
) -> tuple[Path, reasoning.ReasonResult]:
    """The ontology, the reference data and a small synthetic register, with inferences; and
    what `reason` said of them (it read the graphs from their files)."""
    target = tmp_path_factory.mktemp("synthetic-store") / "store"
    store = PlanStore.open(target)
    items = [
        item
        for ds in datasets.default_datasets()
        if ds.id in ("ontology", "sdg", "reference")
        for item in ds.graphs()
    ]
    store.load([*items, (synthetic.SYNTHETIC_GRAPH, synthetic_file)])
    result = reasoning.reason(store)
    store.close()
    return target, result


@pytest.fixture(scope="session")
def synthetic_store_path(synthetic_reasoned: tuple[Path, reasoning.ReasonResult]) -> Path:
    """The store of :func:`synthetic_reasoned`."""
    return synthetic_reasoned[0]

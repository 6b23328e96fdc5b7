"""Validation with a remote backend: the register copied into memory, taken again only when the
backend changed; the same findings as against the embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from plangraph.backend import RemoteBackend
from plangraph.cli import app
from plangraph.store import PlanStore
from plangraph.validation.register import BackendRegister, Register
from tests.support.engines import RemoteEngine
from tests.support.remote import copy_into
from tests.support.validation_cases import EXAMPLES

MISTAKES = EXAMPLES / "mistakes"


@pytest.fixture
def backend(engine: RemoteEngine, loaded_store_path: Path) -> Iterator[RemoteBackend]:
    remote = RemoteBackend.of(engine.settings())
    embedded = PlanStore.open(loaded_store_path)
    try:
        copy_into(embedded, remote)
    finally:
        embedded.close()
    yield remote
    remote.close()


def findings(output: str) -> list[tuple[str, str]]:
    report = json.loads(output)
    return sorted(
        (f["rule"], json.dumps(f.get("focus"), sort_keys=True)) for f in report["findings"]
    )


@pytest.mark.parametrize(
    "file", [EXAMPLES / "theme-plan.ttl", MISTAKES / "briefing-with-goals.ttl"]
)
def test_a_submission_is_judged_as_against_the_embedded_store(
    file: Path, engine: RemoteEngine, backend: RemoteBackend, loaded_store_path: Path
) -> None:
    runner = CliRunner()
    embedded = runner.invoke(
        app, ["validate", str(file), "--format", "json", "--store", str(loaded_store_path)]
    )
    remote = runner.invoke(
        app, ["validate", str(file), "--format", "json"], env=engine.environment()
    )
    assert embedded.exit_code == (1 if file.parent == MISTAKES else 0), embedded.output
    assert remote.exit_code == embedded.exit_code, remote.output
    assert findings(remote.stdout) == findings(embedded.stdout)


def test_the_register_copy_is_taken_again_only_when_the_backend_changed(
    engine: RemoteEngine, backend: RemoteBackend
) -> None:
    kept = BackendRegister(backend)
    first = kept.current()
    assert kept.current() is first
    graph = f"urn:plangraph:test:{engine.name}:validation"
    triple = ox.Triple(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("x"))
    backend.replace_graph(graph, [triple], sha256="v1", loaded_from="test")
    try:
        second = kept.current()
        assert second is not first
        assert second.triples == first.triples + 1
        assert kept.current() is second
    finally:
        backend.drop(graph)
    assert kept.current().triples == first.triples
    assert isinstance(first, Register)

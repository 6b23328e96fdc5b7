"""``plangraph submit`` as a user runs it, into a real store on disk: exit 0 stored, 1 refused
with violations (nothing of it stored), 2 usage or input error or a store held elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.store import PlanStore
from plangraph.validation.intake import PROVENANCE_GRAPH, version_graph
from tests.support.paths import run_cli
from tests.support.validation_cases import EXAMPLES

PLAN = "https://w3id.org/plangraph/id/4601/example-sub-action-plan"


@pytest.fixture
def store(tmp_path: Path, loaded_store_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(loaded_store_path, target)
    return target


def quads(store: Path) -> set[ox.Quad]:
    opened = PlanStore.open(store)
    try:
        return set(opened.raw.quads_for_pattern(None, None, None, None))
    finally:
        opened.close()


def test_a_conforming_plan_is_stored_and_a_new_version_replaces_it(store: Path) -> None:
    file = str(EXAMPLES / "action-plan.ttl")
    first = run_cli("submit", file, "--store", str(store), "--as", "BBS", "--lang", "en")
    assert first.returncode == 0, first.stderr
    assert "The submission follows the rules." in first.stdout
    assert f"stored {PLAN} as version 1" in first.stderr
    second = run_cli("submit", file, "--store", str(store))
    assert second.returncode == 0, second.stderr
    assert f"replacing {version_graph(PLAN, 1)}" in second.stderr
    held = quads(store)
    graphs = {q.graph_name for q in held}
    assert ox.NamedNode(version_graph(PLAN, 2)) in graphs
    revision = ox.Quad(
        ox.NamedNode(version_graph(PLAN, 2)),
        ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf"),
        ox.NamedNode(version_graph(PLAN, 1)),
        ox.NamedNode(PROVENANCE_GRAPH),
    )
    assert revision in held
    agent_labels = {
        q.object.value
        for q in held
        if q.graph_name == ox.NamedNode(PROVENANCE_GRAPH)
        and q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
    }
    assert agent_labels == {"BBS", "update-token"}


def test_a_plan_with_violations_is_refused_with_exit_1_and_nothing_is_stored(store: Path) -> None:
    before = quads(store)
    broken = EXAMPLES / "mistakes" / "theme-plan-broken-links.ttl"
    result = run_cli("submit", str(broken), "--store", str(store), "--lang", "en")
    assert result.returncode == 1, result.stderr
    assert "not stored (violations)" in result.stderr
    assert quads(store) == before


def test_unreadable_input_is_exit_2_and_nothing_is_stored(store: Path, tmp_path: Path) -> None:
    before = quads(store)
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    good = str(EXAMPLES / "action-plan.ttl")
    result = run_cli("submit", good, str(bad), "--store", str(store))
    assert result.returncode == 2
    assert "bad.ttl:1" in result.stderr
    missing = run_cli("submit", str(tmp_path / "missing.ttl"), "--store", str(store))
    assert missing.returncode == 2
    no_id = run_cli("submit", str(EXAMPLES / "action-plan.yaml"), "--store", str(store))
    assert no_id.returncode == 2
    assert "no IRI of its own" in no_id.stderr
    assert quads(store) == before


def test_a_store_held_by_another_process_is_exit_2(store: Path) -> None:
    held = PlanStore.open(store)
    try:
        result = run_cli("submit", str(EXAMPLES / "action-plan.ttl"), "--store", str(store))
    finally:
        held.close()
    assert result.returncode == 2
    assert "error:" in result.stderr

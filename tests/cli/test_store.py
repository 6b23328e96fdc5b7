"""The main job, as the README runs it: ``plangraph load`` on a store on disk, then ``info``."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import invoke
from tests.support.paths import run_cli


def test_load_loads_the_default_data_and_shows_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = run_cli("load", "--store", str(store), "--lang", "en")  # the real process
    assert first.returncode == 0, first.stderr
    assert "loaded 9 file(s), 0 unchanged" in first.stdout
    for graph in ("ontology/plangraph", "reference/schemes", "bergen/plans"):
        assert graph in first.stdout
    assert "theme plan" in first.stdout
    assert "municipal planning strategy" in first.stdout

    again = invoke("load", "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert "loaded 0 file(s), 9 unchanged" in again.stdout
    assert "temaplan" in again.stdout, "labels are in bokmål unless asked otherwise"


def test_info_speaks_norwegian_when_asked(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert invoke("load", "--store", str(store)).returncode == 0
    shown = run_cli("info", "--store", str(store), "--lang", "nb")  # the real process
    assert shown.returncode == 0, shown.stderr
    assert "temaplan" in shown.stdout
    assert "kommunal planstrategi" in shown.stdout


def test_a_bad_language_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("info", "--store", str(tmp_path / "store"), "--lang", "de")
    assert result.returncode == 2
    assert "de" in result.stderr


def test_graph_takes_one_file(tmp_path: Path) -> None:
    result = invoke(
        "load", "a.ttl", "b.ttl", "--graph", "https://example.org/g", "--store", str(tmp_path)
    )
    assert result.returncode == 2
    assert "--graph takes exactly one file" in result.stderr


def test_the_illustrative_examples_are_loaded_only_when_asked_for(tmp_path: Path) -> None:
    store = tmp_path / "store"
    plain = invoke("load", "--store", str(store))
    assert plain.returncode == 0, plain.stderr
    assert "examples/illustrative" not in plain.stdout
    asked = invoke("load", "--store", str(store), "--with-examples")
    assert asked.returncode == 0, asked.stderr
    assert "loaded 1 file(s), 9 unchanged" in asked.stdout
    assert "examples/illustrative" in asked.stdout

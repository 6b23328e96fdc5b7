"""`plangraph reason` as a user runs it: it materialises, knows when it is up to date, and
exits 1 on an inconsistency (the real command in a child process once)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.cli import invoke
from tests.support.paths import run_cli


def test_reason_materialises_then_knows_it_is_up_to_date(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "store"
    shutil.copytree(loaded_store_path, target)
    first = run_cli("reason", "--store", str(target))  # the real process
    assert first.returncode == 0, first.stderr
    assert "inferred" in first.stdout and "triples" in first.stdout
    second = invoke("reason", "--store", str(target))
    assert second.returncode == 0
    assert "up to date" in second.stdout


def test_reason_exits_1_on_an_inconsistency(loaded_store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "store"
    shutil.copytree(loaded_store_path, target)
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix pg: <https://w3id.org/plangraph/ontology#> .\n"
        "<https://example.org/p> a pg:Briefing, pg:ActionPlan .\n",
        encoding="utf-8",
    )
    assert invoke("load", str(extra), "--store", str(target)).returncode == 0
    result = invoke("reason", "--store", str(target))
    assert result.returncode == 1
    assert "cax-dw" in result.stdout

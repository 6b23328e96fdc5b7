"""What every ``plangraph`` command shares: one way to open the store, one way to fail."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT, run_cli

HOLD = (
    "import sys\n"
    "from plangraph.store import PlanStore\n"
    "store = PlanStore.open(sys.argv[1])\n"
    "print('open', flush=True)\n"
    "sys.stdin.read()\n"
    "store.close()\n"
)


_HOLDER: dict[Path, int] = {}


@pytest.fixture(scope="module")
def held_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store another process holds open for writing, as ``plangraph load`` does."""
    path = tmp_path_factory.mktemp("held") / "store"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    _HOLDER[path] = holder.pid
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        yield path
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
        assert holder.stdout is not None
        holder.stdout.close()


@pytest.mark.parametrize(
    "command",
    [
        ("load",),
        ("catalog",),
        ("reason",),
        ("query", "plans-due"),
        ("import", "klass-orgnr", "--saved", "data/saved/klass/correspondencetables-1236.csv"),
    ],
    ids=lambda command: command[0],
)
def test_a_store_another_process_holds_is_exit_2_with_one_message(
    held_store: Path, info_on_held_store: str, command: tuple[str, ...]
) -> None:
    args = [str(ROOT / a) if a.startswith("data/") else a for a in command]
    result = run_cli(*args, "--store", str(held_store))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", info_on_held_store)


@pytest.fixture(scope="module")
def info_on_held_store(held_store: Path) -> str:
    """What ``plangraph info`` says on a held store: the message every command gives."""
    info = run_cli("info", "--store", str(held_store))
    assert (info.returncode, info.stdout) == (2, "")
    assert info.stderr == (
        f"error: the store at {held_store} is held by process {_HOLDER[held_store]}, which is "
        "writing to it: wait until it has finished, then try again (or use another --store)\n"
    )
    return info.stderr


def test_validate_reads_a_held_store_in_place(held_store: Path, info_on_held_store: str) -> None:
    """``validate`` opens the store read-only, so a running server does not stand in its way."""
    result = run_cli("validate", "--register", "--store", str(held_store), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["register"] == f"the store at {held_store}"

"""The README's map of the repository and of the package matches the tree."""

from __future__ import annotations

import re
import subprocess

from tests.support.paths import ROOT

PACKAGE = ROOT / "src" / "plangraph"


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    return text[start : text.index("\n## ", start + 1)]


def named(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def table_rows(text: str) -> list[list[str]]:
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| `")]
    return [[c.strip() for c in row] for row in rows]


def test_every_top_level_folder_is_in_the_table_and_every_row_exists() -> None:
    rows = [r for r in table_rows(section("What is here")) if len(r) == 2]
    listed = {named(r[0])[0].rstrip("/") for r in rows}
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = {path.split("/")[0] for path in tracked if "/" in path and not path.startswith(".")}
    assert listed - {"src/plangraph"} <= folders, "a row names a folder that is not there"
    assert folders - {"src"} <= listed, "a folder of the repository is missing from the table"


def test_the_package_map_names_every_module_and_package_there_is() -> None:
    rows = [r for r in table_rows(section("What is here")) if len(r) == 3]
    listed = {name.rstrip("/") for r in rows for name in named(r[0])}
    there = {
        p.name
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
    }
    assert listed == there

"""The datasets plangraph loads by default, read from ``data/datasets.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from plangraph import resources
from plangraph.namespaces import GRAPH_BASE


@dataclass(frozen=True)
class Dataset:
    """A group of files with one title, source and licence; each file is one named graph."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    files: tuple[Path, ...]
    source: str
    license: str
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def graphs(self) -> list[tuple[str, Path]]:
        """``(graph IRI, file)`` for each file of the dataset."""
        return [(graph_iri(file), file) for file in self.files]


def graph_iri(file: Path) -> str:
    """The named graph a file is loaded into.

    A file shipped with the project gets ``…/graph/{path}``: its path below the project root
    without the extension and without a leading ``data/``. Any other file gets
    ``…/graph/file/{name}``: its name without the extension.
    """
    resolved = Path(file).resolve()
    try:
        relative = resolved.relative_to(resources.root().resolve())
    except ValueError:
        return f"{GRAPH_BASE}file/{resolved.stem}"
    parts = list(relative.with_suffix("").parts)
    if parts and parts[0] == "data":
        parts = parts[1:]
    return GRAPH_BASE + "/".join(parts)


def default_datasets() -> list[Dataset]:
    """The datasets of ``data/datasets.toml``, in order, with their files' paths resolved."""
    manifest = resources.datasets_manifest()
    with manifest.open("rb") as handle:
        raw = tomllib.load(handle)
    root = resources.root()
    return [
        Dataset(
            id=entry["id"],
            title=dict(entry["title"]),
            description=dict(entry["description"]),
            files=tuple(root / name for name in entry["files"]),
            source=entry["source"],
            license=entry["license"],
            themes=tuple(entry.get("themes", ())),
            keywords=tuple(entry.get("keywords", ())),
        )
        for entry in raw["dataset"]
    ]

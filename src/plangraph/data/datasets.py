"""The datasets plangraph ships, read from ``data/datasets.toml``: the ones loaded by default,
and the illustrative examples, loaded only when asked for."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from plangraph import resources
from plangraph.namespaces import GRAPH_BASE

EXAMPLES: Final = "examples"
"""The id of the illustrative examples' dataset (made-up data that shows the model)."""


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
    default: bool = True

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


def all_datasets() -> list[Dataset]:
    """Every dataset of ``data/datasets.toml``, in order, with their files' paths resolved."""
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
            default=bool(entry.get("default", True)),
        )
        for entry in raw["dataset"]
    ]


def default_datasets(with_examples: bool = False) -> list[Dataset]:
    """The datasets loaded by default (the ontology, the reference data, Bergen's register), in
    order; with ``with_examples``, the illustrative examples after them."""
    return [ds for ds in all_datasets() if ds.default or (with_examples and ds.id == EXAMPLES)]


def examples_dataset() -> Dataset:
    """The illustrative examples: made-up measures, status reports and indicators that show the
    data model. Not facts about Bergen, so never loaded unless asked for."""
    (found,) = [ds for ds in all_datasets() if ds.id == EXAMPLES]
    return found

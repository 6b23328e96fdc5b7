"""Where the project's shipped files (ontology, data) are found.

An installed wheel carries them in ``plangraph/_resources``; a source checkout (an editable
install, the tests) reads them from the repository root. Nothing else in the package builds
paths to these files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def root() -> Path:
    """The folder that holds ``ontology/`` and ``data/``."""
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE.parent.parent
    if (checkout / "ontology").is_dir() and (checkout / "data").is_dir():
        return checkout
    raise FileNotFoundError(
        f"plangraph's ontology and data were not found beside {_PACKAGE}; reinstall the package"
    )


def ontology_file() -> Path:
    """The plangraph ontology (Turtle)."""
    return root() / "ontology" / "plangraph.ttl"


def datasets_manifest() -> Path:
    """The manifest of the datasets loaded by default."""
    return root() / "data" / "datasets.toml"

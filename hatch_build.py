"""Build hook: generate the ontology's HTML documentation whenever the package is built.

Runs for wheels and for editable installs alike, so a fresh clone's ``pip install -e .`` writes
``docs/ontology/`` from ``ontology/plangraph.ttl``; a wheel carries the pages in the package.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        try:
            from plangraph.publish import ontodoc
        finally:
            sys.path.pop(0)
        out = root / "docs" / "ontology"
        ontodoc.write(out, root / "ontology" / "plangraph.ttl")
        if version != "editable":
            build_data["force_include"][str(out)] = "plangraph/_resources/docs/ontology"

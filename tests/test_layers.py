"""The layering gate: the package's folders are its layers, and no import runs up a layer.

Read from the source (AST), every import counted, at module level or inside a function, under
``TYPE_CHECKING`` too: an arrow is a dependency whenever Python runs it.

- **kernel** (top-level modules): settings, namespaces, resources, terms, lang, rebase, the store.
  They import only each other.
- **services** (packages): ``data``, ``importers``, ``reasoning``, ``validation``, ``library``,
  ``publish``. They import the kernel and each other, with no circle between them.
- **faces**: ``web`` (inside it, ``engine/`` below the shared HTTP helpers, below ``routes/``,
  below ``app``), then ``cli`` (``plangraph serve`` starts the web app), then ``__main__``.

No circle between modules anywhere either.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import ROOT

PACKAGE = ROOT / "src" / "plangraph"
KERNEL = {"settings", "namespaces", "resources", "terms", "lang", "rebase", "store", "backend"}
SERVICES = {"data", "importers", "reasoning", "validation", "library", "publish"}
WEB_LAYERS = ("engine", None, "routes", "app")  # None: the helpers directly in web/


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("plangraph", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """The plangraph modules ``path`` imports, with the line of each import."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "plangraph":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            if node.module.split(".")[0] != "plangraph":
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield (full if full in known else node.module), node.lineno


def rank(module: str) -> tuple[int, int]:
    """(layer, sub-layer) of a module: a module may import only modules of a rank not above."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in KERNEL:
        return (0, 0)
    if parts[1] in SERVICES:
        return (1, 0)
    if parts[1] == "web":
        sub = parts[2] if len(parts) > 2 and parts[2] in ("engine", "routes", "app") else None
        return (2, WEB_LAYERS.index(sub))
    if parts[1] == "cli":
        return (3, 0)
    if parts[1] == "__main__":
        return (4, 0)
    raise AssertionError(f"{module} belongs to no layer: add it to the gate's map")


def unit(module: str) -> str:
    """The unit whose circles count between packages: a service package, or the module."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 and parts[1] in SERVICES else module


def edges() -> list[tuple[str, str, Path, int]]:
    known = modules()
    return [
        (module, target, path, line)
        for module, path in sorted(known.items())
        for target, line in imports(path, known)
        if target != module
    ]


def test_every_module_has_a_layer() -> None:
    for module in modules():
        rank(module)


def test_no_import_runs_up_a_layer() -> None:
    upward = [
        f"{path.relative_to(ROOT)}:{line}: {module} imports {target}"
        for module, target, path, line in edges()
        if rank(target) > rank(module)
    ]
    assert not upward, "\n".join(upward)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_circle_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for module, target, _, _ in edges():
        graph.setdefault(module, set()).add(target)
    assert not _circles(graph)


def test_no_circle_between_service_packages() -> None:
    graph: dict[str, set[str]] = {}
    for module, target, _, _ in edges():
        if unit(module) != unit(target):
            graph.setdefault(unit(module), set()).add(unit(target))
    assert not _circles(graph)


def test_the_gate_sees_an_upward_arrow() -> None:
    # The gate itself: a kernel module importing a face, or web's engine importing a route,
    # must rank as upward.
    assert rank("plangraph.web.app") > rank("plangraph.store")
    assert rank("plangraph.web.routes.sparql") > rank("plangraph.web.engine.worker")
    assert rank("plangraph.cli.common") > rank("plangraph.web.app")
    assert _circles({"a": {"b"}, "b": {"a"}}) == [["a", "b"]]

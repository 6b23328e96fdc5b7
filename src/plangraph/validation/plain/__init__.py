"""The plain plan format: a plan written in YAML or JSON in a planner's words.

One kind field (``kind: temaplan``), statuses and kinds in bokmål or English, dates as
``2025-06-18`` or ``18.06.2025``, shortcuts for the common events (``adopted: {date, by}``,
``public: {from, to}``, ``consultation: {from, to}``), and links by name (``owner: BBS``)
resolved against the register. Read strictly: every key and value becomes data or is an error
that names the key, its line and column, and what would be right.

* :func:`read` reads a document (bytes of JSON or YAML) into triples and the names it resolved;
* :func:`.sheets.measures` reads measures from XLSX or CSV, for :func:`read` to add to the plan;
* :mod:`.spec` describes the format once; :func:`.spec.json_schema` and
  :func:`.spec.context_document` are generated from it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from typing import Literal

from plangraph.validation.plain.names import Names, names_of
from plangraph.validation.plain.problems import PlainError, Problem, Where
from plangraph.validation.plain.reader import Reader, Resolution, Result, finish
from plangraph.validation.plain.sheets import MeasureFile, read_measures
from plangraph.validation.plain.spec import SCHEMA_IRI, json_schema, schema_text
from plangraph.validation.plain.tree import Node, json_tree, yaml_tree
from plangraph.validation.register import Register

__all__ = [
    "SCHEMA_IRI",
    "MeasureFile",
    "Names",
    "Node",
    "PlainError",
    "Problem",
    "Resolution",
    "Result",
    "Where",
    "json_schema",
    "read",
    "read_tree",
    "schema_text",
    "tree_of",
]


def tree_of(text: str, *, source: str, syntax: Literal["json", "yaml"]) -> Node:
    """The document as a tree that keeps every key's place.

    Raises:
        PlainError: if the text is not well-formed JSON or YAML.
    """
    return json_tree(text, source) if syntax == "json" else yaml_tree(text, source)


def read_tree(
    root: Node,
    *,
    register: Register | Callable[[], Register] | None,
    sheets: Sequence[MeasureFile] = (),
) -> Result:
    """A plain plan (and measures from sheets) as triples, with its names resolved against
    ``register`` (or the register the callable gives, called only if a name or a short id needs
    one; no register: a name is an error).

    Raises:
        PlainError: with every problem found, if there is any.
    """
    with _collector_paused():
        extra, problems = read_measures(sheets)
        reader = Reader()
        reader.draft.problems.extend(problems)
        reader.plan(root, extra)
        needed = bool(reader.draft.pending) or any(t.id_text for t in reader.draft.things)
        if register is None or not needed:
            return finish(reader, None)
        chosen = register if isinstance(register, Register) else register()
        return finish(reader, names_of(chosen))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading makes many small objects at once, and the cyclic garbage collector would walk the
    whole heap several times meanwhile (see benchmarks/README.md). Reference counting still
    frees them; the collector is switched on again afterwards (if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(
    text: str,
    *,
    source: str,
    syntax: Literal["json", "yaml"],
    register: Register | Callable[[], Register] | None,
    sheets: Sequence[MeasureFile] = (),
) -> Result:
    """:func:`tree_of` and :func:`read_tree` in one."""
    return read_tree(tree_of(text, source=source, syntax=syntax), register=register, sheets=sheets)

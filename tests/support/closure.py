"""owlrl's OWL 2 RL closure of a set of triples, kept between runs in pytest's cache folder.

owlrl is the reference the reasoning tests hold plangraph's inferences against, and it is slow
(minutes on Bergen's register on a busy machine). Its closure depends only on its inputs and on
the versions of owlrl and rdflib, so it is kept under a key made of exactly those: a change to the
ontology, the data or either library makes a new key, and the closure is computed again. With
pytest's cache turned off (``-p no:cacheprovider``) it is computed every time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import owlrl
import pytest
import rdflib

Triple = tuple[Any, Any, Any]


def _blank(term: object) -> bool:
    """A blank node: rdflib's, or one named ``urn:bnode:…`` as the reasoning tests name them."""
    return isinstance(term, rdflib.BNode) or (
        isinstance(term, rdflib.URIRef) and str(term).startswith("urn:bnode:")
    )


def canonical_blanks(triples: Iterable[Triple]) -> dict[Any, Any]:
    """New names for the blank nodes of ``triples`` that depend on the graph only, not on the
    labels a parser or a store happened to give them (which differ from run to run): each is
    named by a hash of what it is linked to, refined until the names stop telling more nodes
    apart. Nodes that no refinement tells apart are numbered in the order met."""
    found = list(triples)
    blanks = {t for s, _, o in found for t in (s, o) if _blank(t)}
    out: dict[Any, list[tuple[Any, Any]]] = {b: [] for b in blanks}
    into: dict[Any, list[tuple[Any, Any]]] = {b: [] for b in blanks}
    for s, p, o in found:
        if s in blanks:
            out[s].append((p, o))
        if o in blanks:
            into[o].append((s, p))
    names = {b: "" for b in blanks}
    kinds = 1
    for _ in range(len(blanks) + 1):
        refined = {}
        for b in blanks:
            lines = sorted(f"> {p.n3()} {_name(o, names)}" for p, o in out[b])
            lines += sorted(f"< {_name(s, names)} {p.n3()}" for s, p in into[b])
            refined[b] = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32]
        names = refined
        if len(set(names.values())) == kinds:
            break
        kinds = len(set(names.values()))
    counts: dict[str, int] = {}
    mapping = {}
    for b in sorted(blanks, key=lambda t: names[t]):
        index = counts.get(names[b], 0)
        counts[names[b]] = index + 1
        label = f"{names[b]}-{index}"
        mapping[b] = (
            rdflib.BNode(label)
            if isinstance(b, rdflib.BNode)
            else rdflib.URIRef("urn:bnode:" + label)
        )
    return mapping


def _name(term: Any, names: dict[Any, str]) -> str:
    return names[term] if term in names else str(term.n3())


def relabel(triples: Iterable[Triple], mapping: dict[Any, Any]) -> set[Triple]:
    """``triples`` with the blank nodes of ``mapping`` renamed."""
    return {(mapping.get(s, s), p, mapping.get(o, o)) for s, p, o in triples}


def closure_key(triples: Iterable[Triple]) -> str:
    """The SHA-256 of the inputs (sorted N-Triples lines) and of the two libraries' versions."""
    digest = hashlib.sha256(f"owlrl {version('owlrl')} rdflib {version('rdflib')}\n".encode())
    for line in sorted(" ".join(term.n3() for term in triple) for triple in triples):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def owlrl_closure(triples: Iterable[Triple], folder: Path | None) -> set[Triple]:
    """owlrl's closure (``OWLRL_Semantics``) of ``triples``: read from ``folder`` when it was
    computed for the same inputs before, else computed (and kept there). Give the inputs with
    their blank nodes named by :func:`canonical_blanks`, or the key differs on every run."""
    inputs = set(triples)
    kept = None if folder is None else folder / f"{closure_key(inputs)}.pickle"
    if kept is not None and kept.exists():
        with kept.open("rb") as file:
            found: set[Triple] = pickle.load(file)
        return found
    graph = rdflib.Graph()
    for triple in inputs:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    closure = set(graph)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=kept.parent, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(closure, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, kept)  # whole or not at all, even with two runs at once
    return closure


@pytest.fixture(scope="session")
def closures(request: pytest.FixtureRequest) -> Path | None:
    """The folder closures are kept in (None when pytest's cache is off)."""
    cache = getattr(request.config, "cache", None)
    return None if cache is None else Path(cache.mkdir("owlrl-closures"))

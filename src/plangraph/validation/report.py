"""The one typed validation report that the library, the CLI and the HTTP API all return."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pyoxigraph as ox

from plangraph.namespaces import PREFIXES
from plangraph.validation import messages as messages_module
from plangraph.validation import sparql_text
from plangraph.validation.engines.oxigraph import RawResult
from plangraph.validation.shapes import Path_, Rule, Severity, ShapesModel, path_sparql
from plangraph.validation.submission import BLANK_PREFIX

LANGUAGES = ("nb", "en")
_SEVERITY_ORDER = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


@functools.lru_cache(maxsize=65536)
def compact(iri: str) -> str:
    """An IRI as a prefixed name when one of plangraph's prefixes fits, else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "-_." for c in local):
                best = namespace
                name = f"{prefix}:{local}"
    return name if best else iri


@dataclass(frozen=True)
class Node:
    """An RDF term as a report shows it: kind, value, and the labels the data gives it."""

    kind: Literal["iri", "blank", "literal"]
    value: str
    datatype: str | None = None
    language: str | None = None
    label: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, term: RawTerm, labels: Mapping[str, Mapping[str, str]]) -> Node:
        if isinstance(term, ox.NamedNode):
            if term.value.startswith(BLANK_PREFIX):
                return cls(
                    "blank", term.value[len(BLANK_PREFIX) :], label=labels.get(term.value, {})
                )
            return cls("iri", term.value, label=labels.get(term.value, {}))
        if isinstance(term, ox.BlankNode):
            return cls("blank", term.value, label=labels.get("_:" + term.value, {}))
        return cls(
            "literal",
            term.value,
            datatype=term.datatype.value if term.language is None else None,
            language=term.language,
        )

    def text(self, lang: str) -> str:
        """The label in ``lang`` (or another), else a short form of the term."""
        label = self.label.get(lang) or self.label.get("") or next(iter(self.label.values()), "")
        if label:
            return label
        if self.kind == "iri":
            return compact(self.value)
        if self.kind == "blank":
            return "(uten navn)" if lang == "nb" else "(unnamed)"
        return self.value

    def reference(self) -> str:
        """The term itself, short: a prefixed name, an IRI, ``_:id`` or the literal's text."""
        if self.kind == "iri":
            return compact(self.value)
        if self.kind == "blank":
            return "_:" + self.value
        return self.value

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "value": self.value}
        if self.datatype:
            found["datatype"] = self.datatype
        if self.language:
            found["language"] = self.language
        if self.label:
            found["label"] = dict(self.label)
        return found


RawTerm = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Basis:
    """The legal basis (a Lovdata section page) or source of a rule, with its name."""

    url: str
    label: Mapping[str, str]

    def text(self, lang: str) -> str:
        return self.label.get(lang) or next(iter(self.label.values()), "") or self.url


@dataclass(frozen=True)
class Finding:
    """One thing the validation found: where, what, how serious, and why (the rule).

    ``shape`` is the shape's IRI (or ``_:`` and its blank node id in the shapes graph);
    ``path`` is the result path written short, ``result_path`` the same path as a model;
    ``severity_iri`` is the severity as the shape gives it (a severity of the user's own counts
    as a violation); ``engine`` is the engine that judged the finding.
    """

    severity: Severity
    rule: str
    shape: str
    focus: Node
    path: str | None
    value: Node | None
    message: Mapping[str, str]
    basis: Basis
    component: str
    severity_iri: str = ""
    result_path: Path_ | None = None
    engine: str = "oxigraph"

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "shape": self.shape,
            "focus": self.focus.to_dict(),
            "path": self.path,
            "value": self.value.to_dict() if self.value is not None else None,
            "message": dict(self.message),
            "basis": {"url": self.basis.url, "label": dict(self.basis.label)},
            "component": self.component,
            "severity_iri": self.severity_iri or self.severity.iri,
            "engine": self.engine,
        }


@dataclass(frozen=True)
class Report:
    """The result of one validation. It conforms when it has no violations."""

    findings: tuple[Finding, ...]
    rules: Mapping[str, Rule]
    checked: Literal["submission", "register"]
    sources: tuple[str, ...]
    register: str
    engine: str
    triples: int
    elapsed_ms: float
    unsupported: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # about the shapes: terms that have no effect
    resolved: tuple[Mapping[str, Any], ...] = ()
    """What each name in a plain plan was taken to mean (``Resolution.to_dict()`` of
    :mod:`plangraph.validation.plain`): where, key, the text, the IRI, its label and how."""

    @property
    def conforms(self) -> bool:
        """No violations (warnings and info allowed, as in the EU ITB validator)."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    @property
    def shacl_conforms(self) -> bool:
        """SHACL's own ``sh:conforms``: no results at all, of any severity."""
        return not self.findings

    def judged_by(self) -> dict[str, int]:
        """How many findings each engine judged."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.engine] = counts.get(f.engine, 0) + 1
        return counts

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}

    def by_rule(self) -> list[tuple[Rule, list[Finding]]]:
        """The findings grouped by rule, in the rules' order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.rule, []).append(finding)
        return [
            (rule, groups[rule_id]) for rule_id, rule in self.rules.items() if rule_id in groups
        ]

    def to_dict(self) -> dict[str, Any]:
        used = {f.rule for f in self.findings}
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "checked": self.checked,
            "sources": list(self.sources),
            "register": self.register,
            "engine": self.engine,
            "judged_by": self.judged_by(),
            "judged_by_pyshacl": dict(self.unsupported),
            "shape_notes": list(self.notes),
            "triples": self.triples,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "rules": {
                rule_id: {"title": dict(rule.title), "basis": rule.basis}
                for rule_id, rule in self.rules.items()
                if rule_id in used
            },
            "findings": [f.to_dict() for f in self.findings],
            "resolved": [dict(r) for r in self.resolved],
        }


def label_keys(results: Iterable[RawResult], model: ShapesModel) -> set[str]:
    """The IRIs (and blank nodes) whose labels a report of these results shows."""
    keys: set[str] = set()
    for result in results:
        for term in (result.focus, result.value):
            if isinstance(term, ox.NamedNode):
                keys.add(term.value)
            elif isinstance(term, ox.BlankNode):
                keys.add("_:" + term.value)
    for shape in model.shapes:
        keys.add(shape.basis)
        if shape.legal_basis:
            keys.add(shape.legal_basis)
    return keys


def build(
    results: Iterable[RawResult],
    model: ShapesModel,
    labels: Mapping[str, Mapping[str, str]],
    **meta: Any,
) -> Report:
    """The report of a run: one finding per distinct result, with messages and labels."""
    findings: dict[tuple[str, ...], Finding] = {}
    chosen: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, str] | None] = {}
    paths: dict[Path_, str] = {}
    for result in results:
        key = result.key()
        if key in findings:
            continue
        findings[key] = _finding(result, model, labels, chosen, paths)
    rule_order = {rule_id: i for i, rule_id in enumerate(model.rules)}
    ordered = sorted(
        findings.values(),
        key=lambda f: (
            rule_order.get(f.rule, len(rule_order)),
            _SEVERITY_ORDER[f.severity],
            f.focus.value,
            f.shape,
            f.value.value if f.value is not None else "",
            f.path or "",
        ),
    )
    return Report(findings=tuple(ordered), rules=model.rules, notes=model.notes, **meta)


def _finding(
    result: RawResult,
    model: ShapesModel,
    labels: Mapping[str, Mapping[str, str]],
    chosen: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, str] | None],
    paths: dict[Path_, str],
) -> Finding:
    shape = model.by_id[result.shape]
    focus = Node.of(result.focus, labels)
    value = Node.of(result.value, labels) if result.value is not None else None
    path = None
    if result.path is not None:
        path = paths.get(result.path)
        if path is None:
            path = paths[result.path] = path_sparql(result.path, compact)
    basis_label = labels.get(shape.legal_basis or "", {}) or labels.get(shape.basis, {})
    key = (shape.iri, result.messages)
    if key not in chosen:
        chosen[key] = messages_module.templates(shape.message, dict(result.messages))
    templates = chosen[key]
    if templates is None:
        reference = value.reference() if value is not None else None
        message = messages_module.generated(shape, result.component, path, reference, compact)
    else:
        bindings = (
            {name: Node.of(term, labels) for name, term in result.bindings}
            if result.bindings
            else {}
        )
        message = {
            lang: _render(templates[lang], lang, focus, value, path, bindings) for lang in LANGUAGES
        }
    return Finding(
        severity=shape.severity,
        rule=shape.rule,
        shape=shape.iri,
        focus=focus,
        path=path,
        value=value,
        message=message,
        basis=Basis(shape.basis, basis_label),
        component=result.component,
        severity_iri=shape.severity_iri,
        result_path=result.path,
        engine=result.engine,
    )


def _render(
    template: str,
    lang: str,
    focus: Node,
    value: Node | None,
    path: str | None,
    bindings: Mapping[str, Node],
) -> str:
    """A message template with ``{$this}``, ``{?value}``, ``{?path}`` and the solution's other
    variables written in."""
    if "{" not in template:
        return template

    def value_of(name: str) -> str | None:
        if name == "this":
            return focus.text(lang)
        if name == "value":
            return value.text(lang) if value is not None else None
        if name == "path":
            return path
        found = bindings.get(name)
        return found.text(lang) if found is not None else None

    return sparql_text.render(template, value_of)

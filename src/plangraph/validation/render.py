"""The report written out: plain text, JSON, CSV, HTML, or a W3C SHACL validation report.

Text and HTML group the findings by rule, in one language (nb or en); JSON and the SHACL report
carry both languages, and so does CSV (one row per finding). The HTML is one self-contained page
(no scripts, no outside assets). The SHACL report (``sh:ValidationReport``, as the spec and the
EU ITB validator give it) is written in Turtle or JSON-LD: ``sh:conforms`` as SHACL defines it
(false when there is any result, of any severity), each result with its focus node, path,
value, severity, source shape, constraint component and messages, and plangraph's own
annotations beside them (``pgsh:rule``, ``pgsh:basis``, ``pgsh:engine``, and on the report
``pgsh:passes``: no violations).
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Mapping
from html import escape
from typing import Any

import pyoxigraph as ox

from plangraph.namespaces import PREFIXES
from plangraph.validation.report import Basis, Finding, Node, Report
from plangraph.validation.shapes import (
    AlternativePath,
    InversePath,
    Path_,
    PredicatePath,
    RepeatPath,
    SequencePath,
    Severity,
)


class OutputFormat(enum.StrEnum):
    """The formats a report can be written in."""

    text = "text"
    json = "json"
    csv = "csv"
    turtle = "turtle"
    jsonld = "jsonld"
    html = "html"


MEDIA_TYPES = {
    OutputFormat.text: "text/plain; charset=utf-8",
    OutputFormat.json: "application/json",
    OutputFormat.csv: "text/csv; charset=utf-8",
    OutputFormat.turtle: "text/turtle; charset=utf-8",
    OutputFormat.jsonld: "application/ld+json",
    OutputFormat.html: "text/html; charset=utf-8",
}

_WORDS = {
    "nb": {
        Severity.VIOLATION: "brudd",
        Severity.WARNING: "advarsel",
        Severity.INFO: "merknad",
        "conforms": "Innsendingen oppfyller reglene.",
        "fails": "Innsendingen bryter reglene.",
        "register_conforms": "Registeret oppfyller reglene.",
        "register_fails": "Registeret bryter reglene.",
        "checked": "Kontrollert",
        "against": "mot",
        "triples": "tripler",
        "basis": "Grunnlag",
        "more": "… og {n} til (se JSON-utdata for alle)",
        "resolved": "Navn i planen tolket som",
        "line": "linje",
        "nothing": "Ingen funn.",
        "title": "Validering av plan",
        "where": "Hvor",
        "what": "Hva",
        "severity": "Alvor",
        "value": "verdi",
        "path": "egenskap",
        "note": "Merk (formene)",
    },
    "en": {
        Severity.VIOLATION: "violation",
        Severity.WARNING: "warning",
        Severity.INFO: "info",
        "conforms": "The submission follows the rules.",
        "fails": "The submission breaks the rules.",
        "register_conforms": "The register follows the rules.",
        "register_fails": "The register breaks the rules.",
        "checked": "Checked",
        "against": "against",
        "triples": "triples",
        "basis": "Basis",
        "more": "… and {n} more (see the JSON output for all)",
        "resolved": "Names in the plan taken to mean",
        "line": "line",
        "nothing": "No findings.",
        "title": "Plan validation",
        "where": "Where",
        "what": "What",
        "severity": "Severity",
        "value": "value",
        "path": "property",
        "note": "Note (shapes)",
    },
}


def words(lang: str) -> dict[object, str]:
    return _WORDS.get(lang, _WORDS["en"])  # type: ignore[return-value]


def render(report: Report, fmt: OutputFormat, lang: str = "nb", limit: int | None = None) -> str:
    """The report in the format; ``limit`` caps the findings listed per rule (text and HTML)."""
    if fmt is OutputFormat.json:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt is OutputFormat.turtle:
        return turtle(report)
    if fmt is OutputFormat.jsonld:
        return jsonld(report)
    if fmt is OutputFormat.csv:
        return table(report)
    if fmt is OutputFormat.html:
        return page(words(lang)["title"], html_report(report, lang, limit), lang)
    return text(report, lang, limit)


def summary(report: Report, lang: str) -> str:
    w = words(lang)
    key = ("" if report.checked == "submission" else "register_") + (
        "conforms" if report.conforms else "fails"
    )
    counts = report.counts()
    parts = ", ".join(f"{counts[s.value]} {w[s]}" for s in Severity)
    return f"{w[key]} ({parts})"


def _focus(node: Node, lang: str) -> str:
    shown = node.text(lang)
    reference = node.reference()
    return shown if shown == reference or node.kind == "blank" else f"{shown} ({reference})"


def text(report: Report, lang: str = "nb", limit: int | None = None) -> str:
    w = words(lang)
    sources = ", ".join(report.sources) or report.register
    lines = [
        summary(report, lang),
        f"{w['checked']}: {sources} {w['against']} {report.register} "
        f"({report.triples:,} {w['triples']}, {report.elapsed_ms:.0f} ms, {report.engine})",
    ]
    for note in report.notes:
        lines.append(f"{w['note']}: {note}")
    if not report.findings:
        lines.append(w["nothing"])
    if report.resolved:
        lines.append("")
        lines.append(f"{w['resolved']}:")
        lines += [f"  {_resolution(r, lang)}" for r in report.resolved]
    for rule, findings in report.by_rule():
        lines.append("")
        lines.append(f"{rule.id}  {rule.title.get(lang) or rule.title.get('en', '')}")
        shared = _shared_basis(findings)
        if shared is not None:
            lines.append(f"    {w['basis']}: {shared.text(lang)} <{shared.url}>")
        shown = findings if limit is None else findings[:limit]
        for f in shown:
            lines.append(f"  {w[f.severity].upper():<10} {_focus(f.focus, lang)}")
            lines.append(f"             {f.message.get(lang) or f.message.get('en', '')}")
            if shared is None:
                lines.append(f"             {w['basis']}: {f.basis.text(lang)} <{f.basis.url}>")
        if len(shown) < len(findings):
            lines.append("  " + str(w["more"]).format(n=len(findings) - len(shown)))
    return "\n".join(lines) + "\n"


def _resolution(resolved: Mapping[str, Any], lang: str) -> str:
    """One name and what it was taken to mean: ``"BKS" (owner, line 4) → label <IRI> (label)``."""
    where = resolved.get("where", {})
    place = f", {words(lang)['line']} {where['line']}" if where.get("line") else ""
    return (
        f'"{resolved["text"]}" ({resolved["key"]}{place}) → {resolved["label"]} '
        f"<{resolved['iri']}> ({resolved['via']})"
    )


def _shared_basis(findings: list[Finding]) -> Basis | None:
    """The basis all the findings share, if they share one."""
    urls = {f.basis.url for f in findings}
    return findings[0].basis if len(urls) == 1 else None


def page(title: str, body: str, lang: str) -> str:
    """A complete HTML page around ``body``."""
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem;
  color: #1b1b1b; line-height: 1.45; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #ddd; }}
.violation {{ color: #a30000; font-weight: 600; }} .warning {{ color: #8a5300; font-weight: 600; }}
.info {{ color: #2b5797; }} .ok {{ color: #1e6b1e; font-weight: 600; }} .fail {{ color: #a30000; font-weight: 600; }}
.ref {{ color: #555; font-size: .85em; word-break: break-all; }}
textarea {{ width: 100%; font-family: monospace; }}
fieldset {{ border: 1px solid #ccc; margin-bottom: 1rem; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def html_report(report: Report, lang: str = "nb", limit: int | None = None) -> str:
    """The report as an HTML fragment, grouped by rule."""
    w = words(lang)
    status = "ok" if report.conforms else "fail"
    sources = ", ".join(report.sources) or report.register
    out = [
        '<section class="report">',
        f'<p class="{status}">{escape(summary(report, lang))}</p>',
        f"<p>{escape(w['checked'])}: {escape(sources)} {escape(w['against'])} "
        f"{escape(report.register)} ({report.triples:,} {escape(w['triples'])}, "
        f"{report.elapsed_ms:.0f} ms)</p>",
    ]
    if not report.findings:
        out.append(f"<p>{escape(w['nothing'])}</p>")
    if report.resolved:
        out.append(f'<section class="resolved"><h2>{escape(w["resolved"])}</h2><ul>')
        out += [f"<li>{escape(_resolution(r, lang))}</li>" for r in report.resolved]
        out.append("</ul></section>")
    for rule, findings in report.by_rule():
        basis = _shared_basis(findings)
        out.append(f'<section class="rule" id="rule-{escape(rule.id)}">')
        title = rule.title.get(lang) or rule.title.get("en", "")
        out.append(f"<h2>{escape(rule.id)} · {escape(title)}</h2>")
        if basis is not None:
            out.append(
                f'<p>{escape(w["basis"])}: <a href="{escape(basis.url)}">'
                f"{escape(basis.text(lang))}</a></p>"
            )
        out.append(
            f"<table><thead><tr><th>{escape(w['severity'])}</th><th>{escape(w['where'])}</th>"
            f"<th>{escape(w['what'])}</th></tr></thead><tbody>"
        )
        shown = findings if limit is None else findings[:limit]
        for f in shown:
            out.append(_row(f, lang, with_basis=basis is None))
        out.append("</tbody></table>")
        if len(shown) < len(findings):
            out.append(f"<p>{escape(str(w['more']).format(n=len(findings) - len(shown)))}</p>")
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _row(f: Finding, lang: str, *, with_basis: bool = False) -> str:
    w = words(lang)
    focus = (
        f'{escape(f.focus.text(lang))}<br><span class="ref">{escape(f.focus.reference())}</span>'
    )
    detail = ""
    if f.path:
        detail += f'<br><span class="ref">{escape(w["path"])}: {escape(f.path)}</span>'
    if f.value is not None and f.value != f.focus:
        detail += (
            f'<br><span class="ref">{escape(w["value"])}: {escape(f.value.reference())}</span>'
        )
    if with_basis:
        detail += (
            f'<br><span class="ref">{escape(str(w["basis"]))}: '
            f'<a href="{escape(f.basis.url)}">{escape(f.basis.text(lang))}</a></span>'
        )
    message = escape(f.message.get(lang) or f.message.get("en", ""))
    return (
        f'<tr><td class="{f.severity.value}">{escape(str(w[f.severity]))}</td>'
        f"<td>{focus}</td><td>{message}{detail}</td></tr>"
    )


CSV_COLUMNS = (
    "rule",
    "severity",
    "focus",
    "focus_label",
    "path",
    "value",
    "message_nb",
    "message_en",
    "basis",
    "shape",
)


def table(report: Report) -> str:
    """The findings as CSV, one row per finding, messages in both languages; a cell that a
    spreadsheet would run as a formula (a submitted label that starts with ``=`` …) is made
    text (:func:`plangraph.library.answers.spreadsheet_safe`)."""
    from plangraph.library.answers import spreadsheet_safe

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        cells = (
            f.rule,
            f.severity.value,
            f.focus.reference(),
            f.focus.text("nb"),
            f.path or "",
            f.value.reference() if f.value is not None else "",
            f.message.get("nb", ""),
            f.message.get("en", ""),
            f.basis.url,
            f.shape,
        )
        writer.writerow(spreadsheet_safe(cell) for cell in cells)
    return out.getvalue()


# -- a W3C SHACL validation report (Turtle, JSON-LD) -------------------------------------------

_SH = "http://www.w3.org/ns/shacl#"
_PGSH = "https://w3id.org/plangraph/shapes#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode(_RDF + "type")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _term(node: Node) -> Term:
    if node.kind == "iri":
        return ox.NamedNode(node.value)
    if node.kind == "blank":
        return ox.BlankNode(node.value)
    if node.language:
        return ox.Literal(node.value, language=node.language)
    return ox.Literal(node.value, datatype=ox.NamedNode(node.datatype or _XSD + "string"))


def _path(path: Path_, out: list[ox.Triple]) -> ox.NamedNode | ox.BlankNode:
    """The SHACL property path as RDF (its triples added to ``out``)."""
    if isinstance(path, PredicatePath):
        return ox.NamedNode(path.iri)
    node = ox.BlankNode()
    if isinstance(path, InversePath):
        out.append(ox.Triple(node, ox.NamedNode(_SH + "inversePath"), _path(path.path, out)))
    elif isinstance(path, AlternativePath):
        out.append(ox.Triple(node, ox.NamedNode(_SH + "alternativePath"), _list(path.paths, out)))
    elif isinstance(path, SequencePath):
        return _list(path.paths, out)
    elif isinstance(path, RepeatPath):
        name = {"*": "zeroOrMorePath", "+": "oneOrMorePath", "?": "zeroOrOnePath"}[path.operator]
        out.append(ox.Triple(node, ox.NamedNode(_SH + name), _path(path.path, out)))
    return node


def _list(paths: tuple[Path_, ...], out: list[ox.Triple]) -> ox.BlankNode:
    head = ox.BlankNode()
    current = head
    for i, p in enumerate(paths):
        out.append(ox.Triple(current, ox.NamedNode(_RDF + "first"), _path(p, out)))
        rest: ox.NamedNode | ox.BlankNode = (
            ox.BlankNode() if i < len(paths) - 1 else ox.NamedNode(_RDF + "nil")
        )
        out.append(ox.Triple(current, ox.NamedNode(_RDF + "rest"), rest))
        if isinstance(rest, ox.BlankNode):
            current = rest
    return head


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal(str(value).lower(), datatype=ox.NamedNode(_XSD + "boolean"))


def shacl_triples(report: Report) -> list[ox.Triple]:
    """The report as a ``sh:ValidationReport`` graph."""

    def sh(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SH + name)

    root = ox.BlankNode()
    triples = [
        ox.Triple(root, _RDF_TYPE, sh("ValidationReport")),
        ox.Triple(root, sh("conforms"), _boolean(report.shacl_conforms)),
        ox.Triple(root, ox.NamedNode(_PGSH + "passes"), _boolean(report.conforms)),
    ]
    for f in report.findings:
        r = ox.BlankNode()
        shape: ox.NamedNode | ox.BlankNode = (
            ox.BlankNode(f.shape[2:]) if f.shape.startswith("_:") else ox.NamedNode(f.shape)
        )  # a blank shape keeps its id in the shapes graph
        triples += [
            ox.Triple(root, sh("result"), r),
            ox.Triple(r, _RDF_TYPE, sh("ValidationResult")),
            ox.Triple(r, sh("focusNode"), _term(f.focus)),
            ox.Triple(r, sh("resultSeverity"), ox.NamedNode(f.severity_iri or f.severity.iri)),
            ox.Triple(r, sh("sourceShape"), shape),
            ox.Triple(r, sh("sourceConstraintComponent"), ox.NamedNode(f.component)),
            ox.Triple(r, ox.NamedNode(_PGSH + "rule"), ox.Literal(f.rule)),
            ox.Triple(r, ox.NamedNode(_PGSH + "basis"), ox.NamedNode(f.basis.url)),
            ox.Triple(r, ox.NamedNode(_PGSH + "engine"), ox.Literal(f.engine)),
        ]
        if f.result_path is not None:
            triples.append(ox.Triple(r, sh("resultPath"), _path(f.result_path, triples)))
        if f.value is not None:
            triples.append(ox.Triple(r, sh("value"), _term(f.value)))
        for lang, message in sorted(f.message.items()):
            triples.append(ox.Triple(r, sh("resultMessage"), ox.Literal(message, language=lang)))
    return triples


def turtle(report: Report) -> str:
    """The report as a ``sh:ValidationReport`` in Turtle, with messages in nb and en."""
    prefixes = {"sh": _SH, "pgsh": _PGSH, **PREFIXES}
    data = ox.serialize(shacl_triples(report), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def jsonld(report: Report) -> str:
    """The report as a ``sh:ValidationReport`` in JSON-LD (expanded form)."""
    data = ox.serialize(shacl_triples(report), format=ox.RdfFormat.JSON_LD)
    assert isinstance(data, bytes)
    return json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n"

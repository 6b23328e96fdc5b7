"""Messages in Norwegian bokmål and English for shapes that carry no ``sh:message`` of their own.

A shape of the user's (a municipality's extra rule, the DCAT-AP-NO shapes, a shape from the
SHACL spec) still reports well: the message names what the constraint asks, the property (path)
and the offending value, in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from plangraph.validation.shapes import (
    SH,
    ClassConstraint,
    Closed,
    ComponentConstraint,
    Constraint,
    DatatypeConstraint,
    HasValue,
    InConstraint,
    LanguageIn,
    Length,
    MaxCount,
    MinCount,
    NodeConstraint,
    NodeKindConstraint,
    PatternConstraint,
    PropertyPair,
    QualifiedCount,
    Range,
    Shape,
    SparqlConstraint,
    component_iri,
)

Show = Callable[[str], str]
"""How an IRI is written in a message (a prefixed name where one fits)."""

_SENTENCES: dict[str, tuple[str, str]] = {
    "MinCount": ("For få verdier: minst {n} kreves", "Too few values: at least {n} required"),
    "MaxCount": ("For mange verdier: høyst {n} er tillatt", "Too many values: at most {n} allowed"),
    "Class": ("Verdien er ikke en forekomst av {cls}", "The value is not an instance of {cls}"),
    "Datatype": (
        "Verdien er ikke en gyldig verdi av datatypen {dt}",
        "The value is not a well-formed literal of datatype {dt}",
    ),
    "NodeKind": ("Verdien er ikke av nodetypen {kind}", "The value is not of node kind {kind}"),
    "In": (
        "Verdien er ikke blant de tillatte verdiene ({values})",
        "The value is not one of the allowed values ({values})",
    ),
    "HasValue": ("Den påkrevde verdien {v} mangler", "The required value {v} is missing"),
    "Pattern": ("Verdien passer ikke mønsteret {p}", "The value does not match the pattern {p}"),
    "MinInclusive": ("Verdien må være minst {b}", "The value must be at least {b}"),
    "MinExclusive": ("Verdien må være større enn {b}", "The value must be greater than {b}"),
    "MaxInclusive": ("Verdien må være høyst {b}", "The value must be at most {b}"),
    "MaxExclusive": ("Verdien må være mindre enn {b}", "The value must be less than {b}"),
    "MinLength": ("Verdien er kortere enn {n} tegn", "The value is shorter than {n} characters"),
    "MaxLength": ("Verdien er lengre enn {n} tegn", "The value is longer than {n} characters"),
    "LanguageIn": (
        "Språket til verdien er ikke blant {tags}",
        "The value's language is not one of {tags}",
    ),
    "UniqueLang": (
        "Flere verdier har samme språkmerke",
        "More than one value has the same language tag",
    ),
    "Equals": ("Verdiene er ikke de samme som for {p}", "The values differ from those of {p}"),
    "Disjoint": ("Verdien er også en verdi av {p}", "The value is also a value of {p}"),
    "LessThan": (
        "Verdien er ikke mindre enn verdiene av {p}",
        "The value is not less than the values of {p}",
    ),
    "LessThanOrEquals": (
        "Verdien er større enn en verdi av {p}",
        "The value is greater than a value of {p}",
    ),
    "Not": (
        "Verdien oppfyller en form den ikke skal oppfylle",
        "The value conforms to a shape it must not conform to",
    ),
    "And": ("Verdien oppfyller ikke alle formene", "The value does not conform to all the shapes"),
    "Or": ("Verdien oppfyller ingen av formene", "The value conforms to none of the shapes"),
    "Xone": (
        "Verdien oppfyller ikke nøyaktig én av formene",
        "The value does not conform to exactly one of the shapes",
    ),
    "Node": ("Verdien oppfyller ikke formen {s}", "The value does not conform to the shape {s}"),
    "NodeUnnamed": (
        "Verdien oppfyller ikke den nestede formen",
        "The value does not conform to the nested shape",
    ),
    "QualifiedMinCount": (
        "For få verdier oppfyller den kvalifiserte formen: minst {n} kreves",
        "Too few values conform to the qualified shape: at least {n} required",
    ),
    "QualifiedMaxCount": (
        "For mange verdier oppfyller den kvalifiserte formen: høyst {n} er tillatt",
        "Too many values conform to the qualified shape: at most {n} allowed",
    ),
    "Closed": (
        "Egenskapen er ikke tillatt her (lukket form)",
        "The property is not allowed here (closed shape)",
    ),
    "SPARQL": ("SPARQL-regelen er brutt", "The SPARQL constraint is violated"),
}
_OTHER = ("Regelen {c} er ikke oppfylt", "The constraint {c} is not met")
_WORDS = {"nb": ("egenskap", "verdi"), "en": ("property", "value")}


def _parameters(c: Constraint | None, show: Show, *, maximum: bool) -> dict[str, str]:
    if c is None:
        return {}
    if isinstance(c, MinCount | MaxCount | Length):
        return {"n": str(c.count)}
    if isinstance(c, ClassConstraint):
        return {"cls": show(c.cls)}
    if isinstance(c, DatatypeConstraint):
        return {"dt": show(c.datatype)}
    if isinstance(c, NodeKindConstraint):
        return {"kind": show(c.kind)}
    if isinstance(c, InConstraint):
        return {"values": ", ".join(_term(v, show) for v in c.values)}
    if isinstance(c, HasValue):
        return {"v": _term(c.value, show)}
    if isinstance(c, PatternConstraint):
        return {"p": c.pattern}
    if isinstance(c, Range):
        return {"b": str(c.value)}
    if isinstance(c, LanguageIn):
        return {"tags": ", ".join(c.tags)}
    if isinstance(c, PropertyPair):
        return {"p": show(c.predicate)}
    if isinstance(c, NodeConstraint):
        return {"s": show(c.shape)}
    if isinstance(c, QualifiedCount):
        n = c.maximum if maximum else c.minimum
        return {"n": str(n)}
    if isinstance(c, ComponentConstraint):
        return {"c": show(c.component)}
    if isinstance(c, SparqlConstraint | Closed):
        return {}
    return {}


def _term(value: object, show: Show) -> str:
    text = str(value)
    return show(text) if text.startswith(("http:", "https:", "urn:")) else text


def generated(
    shape: Shape, component: str, path: str | None, value: str | None, show: Show
) -> dict[str, str]:
    """The message of a result of ``shape`` in nb and en, when the shape gives none."""
    name = component.removeprefix(str(SH)).removesuffix("ConstraintComponent")
    constraint = next(
        (
            c
            for c in shape.constraints
            if component_iri(c) == component or component_iri(c, maximum=True) == component
        ),
        None,
    )
    params = _parameters(constraint, show, maximum=name == "QualifiedMaxCount")
    params.setdefault("c", show(component))
    if name == "Node" and params.get("s", "").startswith("_:"):
        name = "NodeUnnamed"  # a blank node's id means nothing to a reader
    templates = _SENTENCES.get(name, _OTHER) if component.startswith(str(SH)) else _OTHER
    found = {}
    for lang, template in zip(("nb", "en"), templates, strict=True):
        try:
            sentence = template.format(**params)
        except KeyError:
            sentence = _OTHER[0 if lang == "nb" else 1].format(c=show(component))
        where = []
        word_path, word_value = _WORDS[lang]
        if path:
            where.append(f"{word_path} {path}")
        if value is not None:
            where.append(f"{word_value} {value}")
        found[lang] = sentence + (f" ({'; '.join(where)})." if where else ".")
    return found


def templates(
    shape_messages: Mapping[str, str], constraint_messages: Mapping[str, str]
) -> dict[str, str] | None:
    """The message templates in nb and en: the constraint's own ``sh:message``, else the
    shape's; None when neither gives one (the message is then generated). A message without a
    language (or in only one of the two) stands for both."""
    given = dict(constraint_messages) or dict(shape_messages)
    if not given:
        return None
    found = {}
    for lang in ("nb", "en"):
        other = "en" if lang == "nb" else "nb"
        found[lang] = (
            given.get(lang) or given.get("") or given.get(other) or next(iter(given.values()))
        )
    return found

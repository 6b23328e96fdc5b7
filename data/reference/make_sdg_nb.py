"""Generate ``sdg-nb.ttl`` from the UN SDG KOS snapshot in ``sdg/``, and keep the snapshot to one
``skos:notation`` per concept.

The UN snapshot gives each concept its code two or three times as ``skos:notation``, in different
datatypes (``"04"^^sdgo:SDGCode``, ``"4"^^sdgo:SDGCodeCompact``, and for an indicator
``"C040101"^^sdgo:SDGCodePerm``), so a query for a goal's notation gets two rows. The snapshot keeps
only the ``sdgo:SDGCode`` one: the compact code is the same code without leading zeros, and the
permanent code is the indicator IRI's local name, so nothing is lost (``sdg/CITATION.md`` records
the change and the original file's checksum). Rewriting an already rewritten file changes nothing.

The output holds:

* the Norwegian (nb) short names of the 17 goals, from FN-sambandet, each goal linked with
  ``dct:source`` to one ``pg:Source`` node for that page;
* ``pg:sdgGoal`` from every goal (to itself), every target and every indicator to its goal,
  derived from the KOS file's ``skos:broader``, ``sdgo:hasTarget`` and ``sdgo:hasIndicator``.

A few indicators are shared by targets of different goals (for example C200303 under 1.5, 11.5
and 13.1); they get one link per goal (``pg:sdgGoal`` is not functional).

Usage (from anywhere; paths are relative to this file)::

    python data/reference/make_sdg_nb.py           # (re)write sdg-nb.ttl, one notation in the KOS
    python data/reference/make_sdg_nb.py --check   # exit 1 if either file is out of date

Needs only the standard library and rdflib. The output is deterministic: the same input always
gives the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

HERE = Path(__file__).resolve().parent
KOS_FILE = HERE / "sdg" / "sdg-kos-goals-targets-indicators.ttl"
OUT_FILE = HERE / "sdg-nb.ttl"

SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")

SOURCE_LOCAL = "fn-sambandet-baerekraftsmaal"
SOURCE_TITLE = "FN-sambandet: FNs bærekraftsmål"
SOURCE_PAGE = "https://fn.no/om-fn/fns-baerekraftsmaal"
SOURCE_EVIDENCE = "V"

# The 17 goals' Norwegian short names, as FN-sambandet gives them on SOURCE_PAGE (the same names
# are used by ssb.no and bergen.kommune.no).
GOAL_NAMES_NB: dict[int, str] = {
    1: "Utrydde fattigdom",
    2: "Utrydde sult",
    3: "God helse og livskvalitet",
    4: "God utdanning",
    5: "Likestilling mellom kjønnene",
    6: "Rent vann og gode sanitærforhold",
    7: "Ren energi til alle",
    8: "Anstendig arbeid og økonomisk vekst",
    9: "Industri, innovasjon og infrastruktur",
    10: "Mindre ulikhet",
    11: "Bærekraftige byer og lokalsamfunn",
    12: "Ansvarlig forbruk og produksjon",
    13: "Stoppe klimaendringene",
    14: "Livet i havet",
    15: "Livet på land",
    16: "Fred, rettferdighet og velfungerende institusjoner",
    17: "Samarbeid for å nå målene",
}

PREFIXES = """\
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src: <https://w3id.org/plangraph/id/source/> .
"""

HEADER = """\
# GENERATED FILE, do not edit by hand: run `python data/reference/make_sdg_nb.py` to regenerate.
#
# Norwegian (nb) short names of the 17 UN Sustainable Development Goals, and pg:sdgGoal from every
# goal, target and indicator of the UN SDG vocabulary to its goal (an indicator shared by targets
# of different goals links to each of them).
# Sources: the names are FN-sambandet's, {page} ;
# the links are derived from the UN SDG KOS snapshot in sdg/sdg-kos-goals-targets-indicators.ttl
# (see sdg/CITATION.md) through skos:broader, sdgo:hasTarget and sdgo:hasIndicator.
"""


_NOTATION = re.compile(r'^(\S+ skos:notation "[^"]*"\^\^sdgo:SDGCode)(?: , [^\n]*)? \.$', re.M)


def one_notation(kos_text: str) -> str:
    """The KOS snapshot with each ``skos:notation`` statement reduced to its SDG code."""
    return _NOTATION.sub(r"\1 .", kos_text)


def local_name(iri: URIRef) -> str:
    text = str(iri)
    if not text.startswith(str(SDG)):
        raise ValueError(f"not an SDG concept IRI: {text}")
    return text[len(str(SDG)) :]


def natural_key(iri: URIRef) -> tuple[tuple[int, int | str], ...]:
    """Sort 1.2 before 1.10 and 1.10 before 1.a: numbers by value, then letters."""
    parts = re.findall(r"\d+|[A-Za-z]+", local_name(iri))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def curie(iri: URIRef) -> str:
    name = local_name(iri)
    if not re.fullmatch(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?", name):
        return f"<{iri}>"
    return f"sdg:{name}"


def turtle_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def parents(kos: Graph, concept: URIRef, has_child: URIRef) -> set[URIRef]:
    """The broader concepts of ``concept``, by skos:broader and by the sdgo:has* inverse."""
    found = {o for o in kos.objects(concept, SKOS.broader) if isinstance(o, URIRef)}
    found |= {s for s in kos.subjects(has_child, concept) if isinstance(s, URIRef)}
    return found


def derive_goals(kos: Graph) -> tuple[list[URIRef], dict[URIRef, set[URIRef]]]:
    """Return the goals, and for every target and indicator the set of goals it falls under."""
    goals = sorted(
        (g for g in kos.subjects(RDF.type, SDGO.Goal) if isinstance(g, URIRef)), key=natural_key
    )
    goal_set = set(goals)
    targets = {t for t in kos.subjects(RDF.type, SDGO.Target) if isinstance(t, URIRef)}
    indicators = {i for i in kos.subjects(RDF.type, SDGO.Indicator) if isinstance(i, URIRef)}

    goal_of: dict[URIRef, set[URIRef]] = {}
    for target in targets:
        up = parents(kos, target, SDGO.hasTarget)
        if not up or not up <= goal_set:
            raise ValueError(f"target {target} is not under a goal: {sorted(up)}")
        goal_of[target] = up
    for indicator in indicators:
        up = parents(kos, indicator, SDGO.hasIndicator)
        if not up or not up <= targets:
            raise ValueError(f"indicator {indicator} is not under a target: {sorted(up)}")
        goal_of[indicator] = set().union(*(goal_of[t] for t in up))
    return goals, goal_of


def block(subject: str, pairs: Iterable[tuple[str, str]]) -> str:
    lines = [f"{p} {o}" for p, o in pairs]
    return subject + " " + " ;\n    ".join(lines) + " .\n"


def render(kos: Graph) -> str:
    goals, goal_of = derive_goals(kos)
    numbers = [int(local_name(g)) for g in goals]
    if sorted(numbers) != sorted(GOAL_NAMES_NB):
        raise ValueError(f"the KOS goals {numbers} do not match the 17 names")

    source = f"src:{SOURCE_LOCAL}"
    out = [HEADER.format(page=SOURCE_PAGE), "\n", PREFIXES, "\n"]

    out.append("# The source of the Norwegian names.\n")
    out.append(
        block(
            source,
            [
                ("a", "pg:Source"),
                ("dct:title", turtle_string(SOURCE_TITLE) + "@nb"),
                ("foaf:page", f"<{SOURCE_PAGE}>"),
                ("pg:evidence", turtle_string(SOURCE_EVIDENCE)),
            ],
        )
    )

    out.append(
        "\n# The 17 goals: Norwegian short name, its source, and the goal as its own goal.\n"
    )
    for goal in goals:
        out.append("\n")
        out.append(
            block(
                curie(goal),
                [
                    ("skos:prefLabel", turtle_string(GOAL_NAMES_NB[int(local_name(goal))]) + "@nb"),
                    ("dct:source", source),
                    ("pg:sdgGoal", curie(goal)),
                ],
            )
        )

    def links(kind: URIRef, title: str) -> None:
        members = sorted((c for c in goal_of if (c, RDF.type, kind) in kos), key=natural_key)
        out.append(f"\n# {title}: {len(members)} concepts.\n\n")
        for concept in members:
            targets = ", ".join(curie(g) for g in sorted(goal_of[concept], key=natural_key))
            out.append(f"{curie(concept)} pg:sdgGoal {targets} .\n")

    links(SDGO.Target, "Targets, each under its goal")
    links(
        SDGO.Indicator,
        "Indicators, under the goal(s) of their target(s); a few serve targets of several goals",
    )
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the file is out of date"
    )
    args = parser.parse_args(argv)

    kos_text = KOS_FILE.read_text(encoding="utf-8")
    kos = Graph()
    kos.parse(data=kos_text, format="turtle")
    outputs = {OUT_FILE: render(kos), KOS_FILE: one_notation(kos_text)}

    if args.check:
        stale = [
            path.name
            for path, text in outputs.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text
        ]
        if stale:
            print(f"out of date: {', '.join(stale)}: run {Path(__file__).name}", file=sys.stderr)
            return 1
        print("up to date")
        return 0

    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shapes themselves: valid SHACL, fully annotated, and all compiled by the fast path."""

from __future__ import annotations

import rdflib

from plangraph.validation.engines import pyshacl as reference
from plangraph.validation.shapes import SH, ShapesModel, load, shape_files


def test_the_shapes_pass_the_shacl_shacl_shapes() -> None:
    conforms, text = reference.meta_validate(load().graph)
    assert conforms, text


def test_the_shapes_are_split_by_concern() -> None:
    names = {f.stem for f in shape_files()}
    assert {"plan-kinds", "legal", "red-thread", "measures", "sdg", "references"} <= names


def test_every_shape_carries_severity_rule_basis_and_messages_in_nb_and_en() -> None:
    model = load()
    assert len(model.shapes) >= 60
    for shape in model.shapes:
        assert shape.rule in model.rules, f"{shape.iri}: unknown rule {shape.rule}"
        assert shape.basis.startswith("https://"), shape.iri
        assert set(shape.message) == {"nb", "en"}, f"{shape.iri}: messages {set(shape.message)}"
        for text in shape.message.values():
            assert "sh:" not in text and "rdf:" not in text, f"{shape.iri}: RDF jargon in {text}"
        if shape.legal_basis is not None:
            assert shape.basis.startswith("https://lovdata.no/lov/"), shape.iri


def test_every_rule_of_the_domain_brief_is_expressed() -> None:
    model = load()
    used = {shape.rule for shape in model.shapes}
    domain = {f"R{n}" for n in range(1, 21)}
    assert domain <= used, f"rules without a shape: {sorted(domain - used)}"
    for rule in model.rules.values():
        assert set(rule.title) == {"nb", "en"}, rule.id


def test_the_laws_rules_are_violations_and_the_presentations_kind_rules_too() -> None:
    model = load()
    severity = {s.iri.split("#")[1]: s.severity.value for s in model.shapes}
    for name in ("Briefing-noElements", "ThemePlan-measure", "ActionPlan-onlyMeasures"):
        assert severity[name] == "violation"
    for name in ("PlanningStrategy-adoptedInTime", "ActionAndEconomicPlan-fourYears"):
        assert severity[name] == "violation"
    # PBL § 11-2 and § 11-14 are musts (R7, R13), as the shapes README says.
    for name in (
        "SocialPart-communityGoal",
        "SocialPart-organisationGoal",
        "MasterPlanPart-consultationSixWeeks",
    ):
        assert severity[name] == "violation"
    for name in ("Measure-owner", "ThematicGoal-redThread"):
        assert severity[name] == "warning"
    assert severity["Goal-sdg"] == "info"


def test_the_rule_annotations_are_declared_in_the_shapes_not_in_the_ontology() -> None:
    graph = load().graph
    pgsh = rdflib.Namespace("https://w3id.org/plangraph/shapes#")
    owl = rdflib.OWL
    for prop in (pgsh.rule, pgsh.basis, pgsh.legalBasis):
        assert (prop, rdflib.RDF.type, owl.AnnotationProperty) in graph
    ontology = rdflib.Graph().parse(
        str(shape_files()[0].parent.parent / "ontology" / "plangraph.ttl")
    )
    assert not list(ontology.triples((None, None, pgsh.rule)))
    assert not list(ontology.triples((pgsh.rule, None, None)))


def test_sparql_constraints_carry_their_severity_on_the_shape() -> None:
    # pyshacl ignores sh:severity on a SPARQL constraint: it must be on the shape.
    graph = load().graph
    for constraint in graph.objects(None, SH.sparql):
        assert (constraint, SH.severity, None) not in graph


def test_the_model_reads_every_shape(tmp_path: object) -> None:
    model = load()
    assert isinstance(model, ShapesModel)
    assert len({s.iri for s in model.shapes}) == len(model.shapes)


def test_the_fast_path_compiles_every_shipped_shape_itself() -> None:
    from plangraph.validation.engines import oxigraph

    model = load()
    _, unsupported = oxigraph.compile_model(model, oxigraph.ClassIndex([]), None)
    assert unsupported == {}
    assert model.notes == ()  # no sh: term without effect

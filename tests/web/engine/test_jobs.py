"""The jobs cross to the worker processes as plain values and come back whole."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from multiprocessing.reduction import ForkingPickler

import pytest

from plangraph.rebase import Rebase
from plangraph.validation import SubmissionError, parse
from plangraph.validation.intake import Provenance
from plangraph.web.engine import jobs
from tests.support.validation_cases import EXAMPLES

REBASE = Rebase("https://w3id.org/plangraph/", "http://127.0.0.1:8000/")
PLAN = (EXAMPLES / "theme-plan.ttl").read_bytes()

EVERY_JOB: list[jobs.Job[object]] = [
    jobs.Open(),
    jobs.Query(
        "SELECT * { ?s ?p ?o }",
        "text/csv",
        max_rows=10,
        max_bytes=1000,
        base_iri="http://127.0.0.1:8000/sparql",
        default_graph=("http://x/g",),
        named_graphs=(),
        prefixes={"ex": "http://x/"},
        rebase=REBASE,
    ),
    jobs.GetGraph(None, "text/turtle", max_rows=10, max_bytes=1000, head=True),
    jobs.Describe("http://x/a", max_rows=10, incoming_limit=5, rebase=REBASE),
    jobs.Dump(("http://x/g",), "application/n-quads", prefixes={"ex": "http://x/"}),
    jobs.Statistics(),
    jobs.Graphs(),
    jobs.Imports(),
    jobs.Validate(
        PLAN,
        "theme-plan.ttl",
        "text/turtle",
        None,
        register="the store at /tmp/store",
        shapes=(("extra.ttl", b"<a:s> <a:p> <a:o> ."),),
        shipped_shapes=False,
    ),
    jobs.Update("INSERT DATA { <http://x/a> <http://x/p> 1 }", base_iri="http://x/", rebase=REBASE),
    jobs.WriteGraph(
        "http://x/g", (("TURTLE", b"<a> <b> <c> ."),), replace=True, base_iri="http://x/"
    ),
    jobs.DeleteGraph(None),
    jobs.Reason(),
    jobs.CheckSubmission(
        b"kind: temaplan\n", "plan.yaml", "application/yaml", None, "the store", rebase=REBASE
    ),
    jobs.StoreSubmission(
        "http://x/plan",
        b"<http://x/plan> <http://x/p> <http://x/o> .\n",
        Provenance("someone", "plan.yaml", "0" * 64, (("violation", 0),), datetime.now(UTC)),
        "000001",
    ),
]


def test_every_kind_of_job_is_tested_here() -> None:
    kinds = {
        cls
        for cls in vars(jobs).values()
        if isinstance(cls, type) and issubclass(cls, (jobs.ReadJob, jobs.WriteJob))
    }
    assert kinds - {jobs.ReadJob, jobs.WriteJob} == {type(job) for job in EVERY_JOB}


@pytest.mark.parametrize("job", EVERY_JOB, ids=lambda job: type(job).__name__)
def test_a_job_crosses_as_plain_values_and_comes_back_whole(job: jobs.Job[object]) -> None:
    path, name, values = pickle.loads(ForkingPickler.dumps(jobs.message("/generations/1", job)))
    assert path == "/generations/1"
    assert jobs.job_of(name, values) == job


def test_a_submission_error_comes_back_whole() -> None:
    """A reader answers a submission it cannot read with the error itself, problems and all."""
    with pytest.raises(SubmissionError) as caught:
        parse(b"kind: temaplan\nadoptedBy: byr\xc3\xa5det\n", name="plan.yaml")
    error = caught.value
    back = pickle.loads(ForkingPickler.dumps(error))
    assert isinstance(back, SubmissionError)
    assert (back.source, back.message, back.line, back.column, back.status) == (
        error.source,
        error.message,
        error.line,
        error.column,
        error.status,
    )
    assert back.problems == error.problems and len(back.problems) >= 1
    assert str(back) == str(error)

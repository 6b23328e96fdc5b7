"""``/validate`` over HTTP: body or form upload, the answer's format by Accept, bad input, and
the register of the store as it is now (validation runs in the engine's worker processes)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from plangraph.settings import Settings
from plangraph.store import PlanStore
from plangraph.validation.submission import MAX_BYTES
from tests.support.server import Server, copy_of, in_process
from tests.support.validation_cases import EXAMPLES

THEME_PLAN = (EXAMPLES / "theme-plan.ttl").read_bytes()
BRIEFING_MISTAKE = (EXAMPLES / "mistakes" / "briefing-with-goals.ttl").read_bytes()
BK = "https://w3id.org/plangraph/id/4601/"


@pytest.fixture(scope="module")
def client(bergen_app: Server) -> Iterator[httpx.Client]:
    """The app in this process, over a store of the shipped datasets."""
    with bergen_app.client() as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def no_outbound_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server may only ever be reached on the loopback: nothing it does goes out."""
    connect = socket.socket.connect

    def checked(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and address and address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"an outbound connection was attempted: {address}")
        connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", checked)


def test_the_form_page_is_served_in_both_languages(client: httpx.Client) -> None:
    nb = client.get("/validate")
    en = client.get("/validate", params={"lang": "en"})
    assert nb.status_code == en.status_code == 200
    assert '<form method="post" action="validate" enctype="multipart/form-data">' in nb.text
    assert 'name="file"' in nb.text and 'name="data"' in nb.text
    assert "Valider" in nb.text and "Validate" in en.text
    assert "<script" not in nb.text and "http://" not in nb.text.replace("https://", "")


def test_a_body_is_validated_and_answered_as_json_by_default(client: httpx.Client) -> None:
    response = client.post("/validate", content=THEME_PLAN, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    report = response.json()
    assert report["conforms"] is True
    assert report["checked"] == "submission"


def test_a_report_that_does_not_conform_is_still_a_200(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        content=BRIEFING_MISTAKE,
        headers={"Content-Type": "text/turtle", "Accept": "application/json"},
    )
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is False
    assert report["findings"][0]["rule"] == "R14"


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        ("text/turtle", "text/turtle", "sh:ValidationReport"),
        ("text/html", "text/html", 'id="rule-R14"'),
        ("text/plain", "text/plain", "R14"),
        ("text/csv", "text/csv", "rule,severity,focus"),
        ("text/html;q=0.5, text/turtle", "text/turtle", "sh:conforms false"),
        ("*/*", "application/json", '"conforms": false'),
    ],
)
def test_the_answer_follows_accept(
    client: httpx.Client, accept: str, media: str, marker: str
) -> None:
    response = client.post(
        "/validate",
        content=BRIEFING_MISTAKE,
        headers={"Content-Type": "text/turtle", "Accept": accept},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.text.replace('": false', '": false')


def test_an_unanswerable_accept_is_406(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        content=THEME_PLAN,
        headers={"Content-Type": "text/turtle", "Accept": "image/png"},
    )
    assert response.status_code == 406


def test_a_file_upload_from_the_form_gives_the_report_grouped_by_rule(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        files={
            "file": (
                "plan.json",
                (EXAMPLES / "mistakes" / "strategy-with-measures.json").read_bytes(),
                "application/json",
            )
        },
        data={"lang": "en", "format": "auto"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert 'id="rule-R15"' in response.text and 'id="rule-R19"' in response.text
    assert "A strategy (strategi) must not contain measures." in response.text


def test_pasted_text_is_validated(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        data={"data": (EXAMPLES / "action-plan.yaml").read_text(), "lang": "nb"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is True


def test_an_empty_form_is_a_400(client: httpx.Client) -> None:
    response = client.post("/validate", data={"data": "  "}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "last opp en fil" in response.text


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        (
            b"@prefix pg: <https://w3id.org/plangraph/ontology#> .\npg:a pg:b pg:c pg:d .",
            "text/turtle",
            400,
            '"line": 2',
        ),
        (b'{"id": "bk:x", ', "application/ld+json", 400, '"line": 1'),
        (b"", "text/turtle", 400, "empty"),
        (b"<a> <b> <c> .", "application/pdf", 415, "unsupported media type"),
        (
            b'{"@context": "https://example.org/context.jsonld", "@id": "http://x/a"}',
            "application/ld+json",
            400,
            "remote @context",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aa">]>\n<r/>',
            "application/rdf+xml",
            400,
            "DOCTYPE",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "nested"),
    ],
)
def test_bad_input_gets_a_clear_error(
    client: httpx.Client, body: bytes, content_type: str, status: int, words: str
) -> None:
    response = client.post(
        "/validate",
        content=body,
        headers={"Content-Type": content_type, "Accept": "application/json"},
    )
    assert response.status_code == status
    assert words in json.dumps(response.json())


def test_a_huge_upload_is_refused_with_413_without_reading_it(strict: Server) -> None:
    """On a real server: the body comes over a socket, and is not read past the limit."""
    limit = min(strict.settings.max_body_bytes, MAX_BYTES)
    client = strict.client()
    declared = client.post(
        "/validate",
        content=b"x" * (limit + 1),
        headers={"Content-Type": "text/turtle"},
    )
    assert declared.status_code == 413

    def endless() -> Iterator[bytes]:
        chunk = b"<a:x> <a:y> <a:z> .\n" * 3000
        for _ in range(20_000):  # 1.2 GB, sent without a Content-Length
            yield chunk

    started = time.monotonic()
    try:
        streamed = client.post(
            "/validate", content=endless(), headers={"Content-Type": "text/turtle"}
        )
        assert streamed.status_code == 413
    except httpx.TransportError:
        pass  # the server answered 413 and closed while the client was still sending
    finally:
        client.close()
    assert time.monotonic() - started < 30  # answered at the limit, not after reading it all


def test_the_store_is_used_read_only_and_never_changed(
    loaded_store_path: Path, tmp_path: Path
) -> None:
    store = copy_of(loaded_store_path, tmp_path)
    before = PlanStore.open(store)
    graphs = before.graphs()
    before.close()
    with in_process(store) as server, server.client() as client:
        response = client.post(
            "/validate", content=THEME_PLAN, headers={"Content-Type": "text/turtle"}
        )
        assert response.status_code == 200
        assert response.json()["register"] == f"the store at {store}"
    after = PlanStore.open(store)
    assert after.graphs() == graphs
    assert not [g for g in after.graphs() if "submission" in g.iri]
    after.close()


def test_the_app_factory_serves_the_validator(tmp_path: Path) -> None:
    from plangraph.web.app import create_app

    app = create_app(Settings(store=tmp_path / "store"))
    assert app.url_path_for("validate_submission") == "/validate"
    assert app.url_path_for("validation_form") == "/validate"


def test_the_turtle_answer_parses(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        content=BRIEFING_MISTAKE,
        headers={"Content-Type": "text/turtle", "Accept": "text/turtle"},
    )
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    assert len(store) > 5


def test_a_validation_sees_the_register_as_it_is_after_an_update(bergen: Server) -> None:
    """A submission that links to a plan the register does not have yet: a finding; once the
    plan is inserted over ``/sparql``, the same submission has none (a real server: the update
    goes to the writer process, the validation to a reader on the new generation)."""
    plan = BK + "plan-test-cycling-strategy"
    graph = "https://example.org/test/plans"
    submission = THEME_PLAN.replace(
        b"pg:supportsPlan bk:plan-kps-bergen-2030", b"pg:supportsPlan bk:plan-test-cycling-strategy"
    )
    assert submission != THEME_PLAN

    def validate(client: httpx.Client) -> dict[str, Any]:
        r = client.post("/validate", content=submission, headers={"Content-Type": "text/turtle"})
        assert r.status_code == 200, r.text
        report: dict[str, Any] = r.json()
        return report

    with bergen.client() as client:
        before = validate(client)
        assert before["conforms"] is False
        found = [(f["rule"], f["focus"]["value"]) for f in before["findings"]]
        assert found == [("REF", BK + "example-sub-theme-plan")]
        assert plan in json.dumps(before)
        update = (
            f"INSERT DATA {{ GRAPH <{graph}> {{ <{plan}> a "
            "<https://w3id.org/plangraph/ontology#SocialPart> } }"
        )
        r = client.post("/sparql", data={"update": update}, headers=bergen.auth())
        assert r.status_code == 204, r.text
        try:
            after = validate(client)
        finally:
            dropped = client.delete("/store", params={"graph": graph}, headers=bergen.auth())
        assert after["conforms"] is True and after["findings"] == []
        assert dropped.status_code == 204, dropped.text
        assert validate(client)["findings"] == before["findings"]  # the plan is gone again


def test_a_validation_past_its_deadline_is_a_503(client: httpx.Client) -> None:
    r = client.post(
        "/validate",
        params={"timeout": "0.001"},
        content=THEME_PLAN,
        headers={"Content-Type": "text/turtle", "Accept": "application/json"},
    )
    assert r.status_code == 503, r.text
    assert "deadline of 0.001 s" in r.json()["error"]["message"]
    again = client.post("/validate", content=THEME_PLAN, headers={"Content-Type": "text/turtle"})
    assert again.status_code == 200 and again.json()["conforms"] is True

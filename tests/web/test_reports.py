"""Validation reports kept at their own URLs, through a real server on a real port: HTML and
its JSON twin, kept on disk beside the store (a restart keeps them), for a set time, bounded in
number, with ids no one can guess; and the JSON Schema of plain plans at its stable URL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from plangraph.validation.plain.spec import SCHEMA_IRI, json_schema
from tests.support.server import Server, copy_of, serve
from tests.support.validation_cases import EXAMPLES

BROKEN = EXAMPLES / "mistakes" / "theme-plan-broken-links.ttl"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, loaded_store_path: Path) -> Path:
    return copy_of(loaded_store_path, tmp_path_factory.mktemp("reports"))


def validate(server: Server, file: Path = BROKEN, **headers: str) -> httpx.Response:
    with server.client() as client:
        return client.post(
            "/validate",
            content=file.read_bytes(),
            headers={"Content-Type": "text/turtle", **headers},
        )


def report_url(response: httpx.Response) -> str:
    link = response.headers["Link"]
    assert link.endswith('>; rel="describedby"'), link
    return link[1 : link.index(">")]


def test_a_report_has_a_url_with_an_html_page_and_a_json_twin(store: Path) -> None:
    with serve(store) as server:
        r = validate(server)
        assert r.status_code == 200
        url = report_url(r)
        assert url.startswith(server.url + "/validate/reports/")
        report_id = url.rsplit("/", 1)[1]
        assert len(report_id) >= 22  # 128 random bits
        with server.client() as client:
            page = client.get(url, headers={"Accept": "text/html"})
            twin = client.get(url + ".json")
            negotiated = client.get(url, headers={"Accept": "application/json"})
            english = client.get(url, params={"lang": "en"}, headers={"Accept": "text/html"})
            unknown = client.get(url[:-4] + "AAAA.json")
            hostile = client.get("/validate/reports/..%2F..%2Fstore")
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert "REF" in page.text and f"{report_id}.json" in page.text
        assert "The submission" in english.text or "violation" in english.text.lower()
        assert twin.status_code == 200
        assert twin.json()["report"] == r.json()
        assert negotiated.json() == twin.json()
        assert unknown.status_code == 404
        assert unknown.headers["Content-Type"] == "application/problem+json"
        assert hostile.status_code == 404


def test_a_report_survives_a_restart_and_expires(store: Path) -> None:
    with serve(store, report_ttl=4.0) as server:
        url = report_url(validate(server)).split("/validate/", 1)[1]
    with serve(store, report_ttl=4.0) as server, server.client() as client:
        assert client.get(f"/validate/{url}.json").status_code == 200
        time.sleep(4.5)
        gone = client.get(f"/validate/{url}.json")
    assert gone.status_code == 404
    assert "expired" in gone.json()["detail"]


def test_the_oldest_reports_go_beyond_the_most_kept(store: Path) -> None:
    folder = store.with_name(store.name + ".reports")
    with serve(store, max_reports=2) as server, server.client() as client:
        urls = [report_url(validate(server)).split("/validate/", 1)[1] for _ in range(3)]
        found = [client.get(f"/validate/{u}.json").status_code for u in urls]
    assert found == [404, 200, 200]
    assert len(list(folder.glob("*.json"))) == 2


def test_a_conforming_report_is_kept_too(store: Path) -> None:
    with serve(store) as server, server.client() as client:
        r = validate(server, EXAMPLES / "theme-plan.ttl")
        kept = client.get(report_url(r) + ".json")
    assert kept.json()["report"]["conforms"] is True


def test_the_json_schema_is_served_at_a_stable_url(store: Path) -> None:
    with serve(store) as server, server.client() as client:
        r = client.get("/schema/plan.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/schema+json")
    schema = json.loads(r.text)
    assert schema == json_schema()
    assert schema["$id"] == SCHEMA_IRI


def test_a_report_that_cannot_be_kept_is_still_answered(
    tmp_path: Path, loaded_store_path: Path
) -> None:
    store = copy_of(loaded_store_path, tmp_path)
    store.with_name(store.name + ".reports").write_text("not a folder", encoding="utf-8")
    with serve(store) as server:
        r = validate(server)
    assert r.status_code == 200
    assert r.json()["conforms"] is False
    assert "Link" not in r.headers

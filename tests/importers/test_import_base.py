"""The import framework: fetching from a real HTTP server on a real local port (never the
internet), the rate limit, provenance, idempotency, and a store left as it was when an import
fails (offline, timeout, HTTP error, an error page, a changed or empty answer)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import __version__
from plangraph.importers import base, ssb
from plangraph.importers.errors import FetchFailed, ImportFailed, UnexpectedResponse
from plangraph.store import LoadError, PlanStore
from tests.support.paths import ROOT

SAVED = ROOT / "data" / "saved" / "ssb"
POPULATION = SAVED / "07459-municipalities-2022.json"
POPULATION_URL = "https://data.ssb.no/api/v0/no/table/07459"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"

# Made up for the tests (not answers of any service): an error page served with status 200, and
# the JSON of a service whose answer changed shape.
ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>"
    b"<body>Vedlikehold / maintenance</body></html>"
)
CHANGED_SHAPE = b'{"class": "dataset", "dimensions": {}, "values": [1, 2, 3]}'


class _Handler(BaseHTTPRequestHandler):
    """Answers by path: the saved SSB answer, an error page, HTTP errors, a slow answer."""

    def do_GET(self) -> None:
        if self.path.startswith("/table"):
            self._send(200, POPULATION.read_bytes(), "application/json")
        elif self.path.startswith("/error-page"):
            self._send(200, ERROR_PAGE, "text/html")
        elif self.path.startswith("/changed"):
            self._send(200, CHANGED_SHAPE, "application/json")
        elif self.path.startswith("/empty"):
            self._send(200, b"", "application/json")
        elif self.path.startswith("/server-error"):
            self._send(500, b'{"error": "internal"}', "application/json")
        elif self.path.startswith("/too-many"):
            self._send(429, b"Too Many Requests", "text/plain")
        elif self.path.startswith("/slow"):
            time.sleep(3)
            self._send(200, POPULATION.read_bytes(), "application/json")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real HTTP server on a free local port; its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _job(url: str) -> base.ImportJob:
    """The SSB import of table 07459 for all municipalities, fetched from ``url``."""
    real = ssb.job("07459", "all")
    return base.ImportJob(
        source=base.Source(
            key="local-test",
            name={"nb": "lokal testtjener", "en": "local test server"},
            license=ssb.SOURCE.license,
            home=ssb.SOURCE.home,
            calls=1000,
            per_seconds=1,
        ),
        graph=real.graph,
        title=real.title,
        requests=(base.Request(url),),
        parse=real.parse,
    )


def _quads(store: PlanStore) -> set[ox.Quad]:
    return set(store.raw.quads_for_pattern(None, None, None, None))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PlanStore]:
    """A store on disk that already holds an import of the saved SSB answer."""
    plan_store = PlanStore.open(tmp_path / "store")
    base.run(ssb.job("07459", "all"), plan_store, saved=[POPULATION])
    yield plan_store
    plan_store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- fetching over HTTP -----------------------------------------------------------------------


def test_a_fetched_answer_is_imported_with_its_provenance(server: str, tmp_path: Path) -> None:
    plan_store = PlanStore.open(tmp_path / "store")
    try:
        said: list[str] = []
        result = base.run(_job(f"{server}/table/07459"), plan_store, progress=said.append)
        assert not result.unchanged
        assert result.retrieved is not None
        assert any("fetching" in s for s in said) and any("writing" in s for s in said)
        graph = ox.NamedNode(result.graph)
        prov = {
            (q.predicate.value, q.object.value)
            for q in plan_store.raw.quads_for_pattern(graph, None, None, graph)
        }
        assert (PROV + "wasDerivedFrom", f"{server}/table/07459") in prov
        assert (DCT + "license", "https://creativecommons.org/licenses/by/4.0/") in prov
        retrieved = result.retrieved.isoformat().replace("+00:00", "Z")
        assert (PROV + "generatedAtTime", retrieved) in prov
        activity = ox.NamedNode(result.graph + "#import")
        done = {
            q.predicate.value: q.object.value
            for q in plan_store.raw.quads_for_pattern(activity, None, None, graph)
        }
        assert done[PROV + "wasAssociatedWith"] == base.AGENT.value
        assert done[PROV + "startedAtTime"] <= done[PROV + "endedAtTime"]
        versions = list(plan_store.raw.quads_for_pattern(base.AGENT, None, None, graph))
        assert any(q.object.value == __version__ for q in versions)
    finally:
        plan_store.close()


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/server-error", FetchFailed, "answered HTTP 500"),
        ("/too-many", FetchFailed, "rate limit"),
        ("/nowhere", FetchFailed, "answered HTTP 404"),
        ("/error-page", UnexpectedResponse, "HTML page, not JSON"),
        ("/changed", UnexpectedResponse, "no list of dimension ids"),
        ("/empty", UnexpectedResponse, "is empty"),
    ],
)
def test_a_bad_answer_is_a_clear_error_and_leaves_the_store_as_it_was(
    server: str, store: PlanStore, path: str, error: type[ImportFailed], message: str
) -> None:
    before = _quads(store)
    with pytest.raises(error, match=message):
        base.run(_job(server + path), store, force=True)
    assert _quads(store) == before


def test_a_timeout_is_a_clear_error_and_leaves_the_store_as_it_was(
    server: str, store: PlanStore
) -> None:
    before = _quads(store)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"did not answer within 0\.5 s|timeout"):
        base.run(_job(f"{server}/slow"), store, timeout=0.5, force=True)
    assert time.monotonic() - started < 2.5
    assert _quads(store) == before


def test_offline_is_a_clear_error_and_leaves_the_store_as_it_was(store: PlanStore) -> None:
    """Nothing listens on the port: the connection is refused, as when the service is down."""
    before = _quads(store)
    with pytest.raises(FetchFailed, match="could not be reached: the connection was refused"):
        base.run(_job(f"http://127.0.0.1:{_free_port()}/table"), store, force=True)
    assert _quads(store) == before


# -- idempotency and the named graph ----------------------------------------------------------


def test_the_same_answer_again_leaves_the_graph_untouched(store: PlanStore) -> None:
    before = _quads(store)
    result = base.run(ssb.job("07459", "all"), store, saved=[POPULATION])
    assert result.unchanged
    assert _quads(store) == before


def test_force_rewrites_the_graph_with_the_same_triples(store: PlanStore) -> None:
    job = ssb.job("07459", "all")
    graph = ox.NamedNode(job.graph)

    def data(s: PlanStore) -> set[ox.Quad]:
        # Leave out the provenance, whose times differ from run to run.
        own = {graph, ox.NamedNode(job.graph + "#import"), base.AGENT}
        return {q for q in s.raw.quads_for_pattern(None, None, None, graph) if q.subject not in own}

    before = data(store)
    result = base.run(job, store, saved=[POPULATION], force=True)
    assert not result.unchanged
    assert data(store) == before


def test_an_import_writes_only_its_own_graph(store: PlanStore) -> None:
    graphs = {g.iri for g in store.graphs()}
    assert graphs == {ssb.job("07459", "all").graph}


def test_a_saved_answer_records_the_request_it_answers(store: PlanStore) -> None:
    graph = ox.NamedNode(ssb.job("07459", "all").graph)
    derived = [
        q.object.value
        for q in store.raw.quads_for_pattern(
            graph, ox.NamedNode(PROV + "wasDerivedFrom"), None, graph
        )
    ]
    assert derived == [POPULATION_URL]
    [info] = store.graphs()
    assert info.loaded_from == "data/saved/ssb/07459-municipalities-2022.json"


def test_a_wrong_number_of_saved_answers_is_refused(store: PlanStore) -> None:
    with pytest.raises(ImportFailed, match="1 request"):
        base.run(ssb.job("07459", "all"), store, saved=[POPULATION, POPULATION])


def test_a_missing_saved_answer_is_a_clear_error(store: PlanStore, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot be read"):
        base.run(ssb.job("07459", "all"), store, saved=[tmp_path / "missing.json"])


# -- the rate limit ---------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_limiter_lets_the_calls_of_a_window_through_then_waits() -> None:
    clock = _Clock()
    limiter = base.RateLimiter(30, 60, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        assert limiter.acquire() == 0
    assert clock.slept == []
    # The 31st call waits until the first leaves the window.
    assert limiter.acquire() == pytest.approx(60.0)
    assert clock.now == pytest.approx(60.0)


def test_no_window_of_60_s_holds_more_than_30_calls() -> None:
    clock = _Clock()
    limiter = base.RateLimiter(30, 60, clock=clock, sleep=clock.sleep)
    times = []
    for step in range(200):
        limiter.acquire()
        times.append(clock.now)
        clock.now += 0.7 * (step % 3)  # calls come irregularly, some at once
    for i, start in enumerate(times):
        assert len([t for t in times[i:] if t < start + 60]) <= 30
    # And the limit is not stricter than it must be: 200 calls take about 6 windows.
    assert times[-1] < 7 * 60


def test_the_limiter_forgets_calls_older_than_its_window() -> None:
    clock = _Clock()
    limiter = base.RateLimiter(2, 1, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.acquire()
    clock.now += 10
    assert limiter.acquire() == 0
    assert limiter.acquire() == 0


def test_a_source_has_one_limiter_per_process() -> None:
    assert base.limiter_for(ssb.SOURCE) is base.limiter_for(ssb.SOURCE)
    assert (base.limiter_for(ssb.SOURCE).calls, base.limiter_for(ssb.SOURCE).window) == (30, 60)


def test_a_rate_limit_must_allow_calls() -> None:
    with pytest.raises(ValueError, match="at least one call"):
        base.RateLimiter(0, 60)


def test_fetch_waits_for_the_source_s_rate_limit(server: str) -> None:
    """Two calls with a limit of one a minute: the second waits for the window (on a test clock,
    so the test does not wait)."""
    clock = _Clock()
    limiter = base.RateLimiter(1, 60, clock=clock, sleep=clock.sleep)
    job = _job(f"{server}/table")
    first = base.fetch(job.source, job.requests[0], limiter=limiter)
    second = base.fetch(job.source, job.requests[0], limiter=limiter)
    assert first.body == second.body == POPULATION.read_bytes()
    assert clock.slept == [pytest.approx(60.0)]


# -- replacing a graph ------------------------------------------------------------------------


def test_replace_graph_refuses_no_triples_and_leaves_the_store(store: PlanStore) -> None:
    before = _quads(store)
    graph = ssb.job("07459", "all").graph
    with pytest.raises(LoadError, match="no triples"):
        store.replace_graph(graph, [], sha256="0" * 64, loaded_from="test")
    assert _quads(store) == before


def test_replace_graph_replaces_the_graph_whole(store: PlanStore) -> None:
    graph = ssb.job("07459", "all").graph
    triple = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"))
    assert store.replace_graph(graph, [triple], sha256="1" * 64, loaded_from="test")
    assert store.triple_count(graph) == 1
    assert store.recorded_sha256(graph) == "1" * 64
    assert not store.replace_graph(graph, [triple], sha256="1" * 64, loaded_from="test")
    assert store.replace_graph(graph, [triple], sha256="1" * 64, loaded_from="test", force=True)


# -- reading JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (ERROR_PAGE, "HTML page, not JSON .*503 Service Unavailable"),
        (b'{"class": "dataset", ', "not valid JSON"),
    ],
)
def test_read_json_names_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(UnexpectedResponse, match=message):
        base.read_json(ssb.SOURCE, body)

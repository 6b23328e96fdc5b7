"""Benchmark: plans in the plain format (YAML with names), side by side with today's Turtle path.

1. **A 2,000-triple plan from bytes to report on Bergen's register.** The generated theme plan of
   ``benchmarks/validate.py`` (20 goals, 3 strategies each, 3 measures each), once as Turtle with
   IRIs (today's path) and once as plain YAML in a planner's words with every link by name
   (owners, focus areas, the social part, SDG codes, Norwegian statuses). Both from the bytes to
   the JSON report (read, resolve names, validate, render), the register already in memory and
   its name index built, as a server holds them. Checks that both give the same triples (up to
   the names of the plan's own nodes) and the same findings. Target: median ≤ 200 ms.
2. **Name resolution on the synthetic national register** (357 municipalities, seed 2026). The
   register's name index is built once (timed apart), then names of every kind are resolved one
   by one, each in its municipality: the municipality by name, a unit by label, a plan by title,
   a focus area and a goal by label, an election period by its years, an SDG target by code.
   Target: ≤ 50 ms per name.
3. **Submitting the plan into the store on Bergen** (issue 15), through a real server (uvicorn,
   the engine's worker processes, a store on disk with Bergen's register): ``POST /submissions``
   of the plain YAML plan (read, resolve names, validate against the store's register, store as
   the plan's new version with its provenance, the previous version turned into history), side
   by side with a Graph Store ``PUT`` of the same triples as N-Triples (parse and write only),
   alternating. Inferences are not refreshed (a refresh runs after either write alike, in the
   background). Target: median ≤ 1 s.

    python benchmarks/plain.py [--repeat 7] [--municipalities 357] [--names 300]
        [--part bergen|national|submit|both|all]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plangraph.data import datasets, synthetic
from plangraph.validation import parse, render, shipped_register, validate
from plangraph.validation.plain import PlainError, read
from plangraph.validation.plain import names as names_module
from plangraph.validation.plain.spec import TARGETS
from plangraph.validation.register import REGISTER_GRAPH, Register
from plangraph.validation.render import OutputFormat

HERE = Path(__file__).resolve().parent


def turtle_plan() -> bytes:
    """Today's benchmark plan (benchmarks/validate.py), in Turtle."""
    spec = importlib.util.spec_from_file_location("bench_validate", HERE / "validate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data: bytes = module.submission_text()
    return data


FOCUS_AREAS = ("Gåbyen", "Fremtidsrettet", "Grønn", "Engasjert", "Trygg", "Mangfoldig")
UNITS = ("Etat for skole", "Etat for barnehage", "BBS", "Etat for plan og geodata")
STATUSES = ("ikke startet", "pågår", "forsinket", "fullført")


def plain_plan(goals: int = 20, strategies: int = 3, measures: int = 3) -> bytes:
    """The same plan as :func:`turtle_plan`, in plain YAML with every link by name."""
    out = [
        "id: bench-plan",
        "kind: temaplan",
        'title: "Benchmark: generert temaplan"',
        'label: {en: "Benchmark: generated theme plan"}',
        "municipality: Bergen kommune",
        "owner: BBS",
        "supportsPlan: Bergen 2030",
        "status: under arbeid",
        "source: Illustrativt eksempel – ikke et faktum om Bergen",
        "goals:",
    ]
    for g in range(1, goals + 1):
        out += [
            f"  - id: bench-goal-{g}",
            f"    label: {{nb: Mål {g}, en: Goal {g}}}",
            f"    ordinal: {g}",
            "    scope: byen",
            f"    contributesTo: {FOCUS_AREAS[g % len(FOCUS_AREAS)]}",
            f"    sdgs: ['{g % 17 + 1}', '4.{g % 7 + 1}']",
            "    strategies:",
        ]
        for s in range(1, strategies + 1):
            out += [
                f"      - id: bench-strategy-{g}-{s}",
                f"        label: Strategi {g}.{s}",
                f"        ordinal: {s}",
                "        measures:",
            ]
            for m in range(1, measures + 1):
                n = (g * 31 + s * 7 + m) % 4
                out += [
                    f"          - id: bench-measure-{g}-{s}-{m}",
                    f"            label: Tiltak {g}.{s}.{m}",
                    f"            ordinal: {m}",
                    f"            owner: {UNITS[n]}",
                    f"            status: {STATUSES[n]}",
                ]
    return ("\n".join(out) + "\n").encode()


def timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def cpu_timed(action: Any) -> float:
    """CPU seconds of the process (all threads): less at the mercy of a loaded machine."""
    started = time.process_time()
    action()
    return time.process_time() - started


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def findings(report: Any) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.shape, f.focus.value) for f in report.findings)


def bench_bergen(repeat: int) -> dict[str, float]:
    register = shipped_register()
    turtle, plain = turtle_plan(), plain_plan()
    names_module.names_of(register)  # the index, built once per register as a server holds it

    def path(data: bytes, name: str) -> tuple[str, Any]:
        submission = parse(data, name=name, register=register)
        report = validate([submission], register=register)
        return render.render(report, OutputFormat.json), (submission, report)

    _, (t_sub, t_rep) = path(turtle, "bench.ttl")
    _, (p_sub, p_rep) = path(plain, "bench.yaml")
    assert {str(t) for t in t_sub.triples} == {str(t) for t in p_sub.triples}, "not the same plan"
    assert findings(t_rep) == findings(p_rep), "not the same findings"
    times: dict[str, list[float]] = {
        k: [] for k in ("turtle", "plain", "plain_read", "turtle_cpu", "plain_cpu")
    }
    for _ in range(repeat):
        times["turtle"].append(timed(lambda: path(turtle, "bench.ttl"))[0])
        times["plain"].append(timed(lambda: path(plain, "bench.yaml"))[0])
        times["plain_read"].append(
            timed(lambda: parse(plain, name="bench.yaml", register=register))[0]
        )
        times["turtle_cpu"].append(cpu_timed(lambda: path(turtle, "bench.ttl")))
        times["plain_cpu"].append(cpu_timed(lambda: path(plain, "bench.yaml")))
    print(
        f"\n1. One plan, {len(t_sub.triples):,} triples, against Bergen's register "
        f"({register.triples:,} triples), from bytes to the JSON report; medians of {repeat}:"
    )
    print(
        f"   Turtle with IRIs (today's path): {median_ms(times['turtle']):7.1f} ms "
        f"(CPU {median_ms(times['turtle_cpu']):.1f} ms)"
    )
    print(
        f"   plain YAML with {len(p_sub.resolutions)} names:      {median_ms(times['plain']):7.1f} ms "
        f"(CPU {median_ms(times['plain_cpu']):.1f} ms); reading and resolving alone: "
        f"{median_ms(times['plain_read']):.1f} ms"
    )
    return {k: median_ms(v) for k, v in times.items()}


def national_register(municipalities: int) -> Register:
    store = ox.Store()
    for dataset in datasets.default_datasets():
        if dataset.id in ("ontology", "sdg", "reference"):
            for _, file in dataset.graphs():
                store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=REGISTER_GRAPH)
    data = "".join(synthetic.generate(municipalities)).encode()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=REGISTER_GRAPH)
    return Register(store, f"synthetic national register ({municipalities} municipalities)")


def sample_names(register: Register, count: int) -> list[tuple[str, str, str | None]]:
    """(name, target, municipality) for names of every kind, spread over the municipalities."""
    store = register.store
    rows = store.query(
        """SELECT ?m ?name ?kind WHERE { GRAPH ?g {
            { ?m a pg:Municipality ; rdfs:label ?name . BIND("municipality" AS ?kind) }
            UNION { ?s a pg:Agency ; rdfs:label ?name ; org:unitOf+ ?m . ?m a pg:Municipality .
                    BIND("organisation" AS ?kind) }
            UNION { ?s a org:OrganizationalUnit ; rdfs:label ?name ; org:unitOf+ ?m .
                    ?m a pg:Municipality . BIND("organisation" AS ?kind) }
            UNION { ?s a pg:ThemePlan ; dct:title ?name ; pg:municipality ?m . BIND("plan" AS ?kind) }
            UNION { ?s a pg:FocusArea ; rdfs:label ?name ; pg:partOfPlan/pg:municipality ?m . BIND("focus-area" AS ?kind) }
            UNION { ?s a pg:ElectionPeriod ; pg:municipality ?m . BIND("2023–2027" AS ?name) BIND("election-period" AS ?kind) }
        } }""",
        prefixes={
            "pg": "https://w3id.org/plangraph/ontology#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "org": "http://www.w3.org/ns/org#",
            "dct": "http://purl.org/dc/terms/",
        },
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = [
        (row["name"].value, row["kind"].value, row["m"].value)  # type: ignore[union-attr]
        for row in rows
    ]
    rng = random.Random(2026)
    rng.shuffle(found)
    picked = found[: count - count // 10]
    picked += [
        (f"{g}.{t}", "sdg", None) for g, t in ((4, 1), (11, 2), (13, 1), (3, 4), (17, 10))
    ] * (count // 50 + 1)
    return picked[:count]


def _plans_by_name(
    register: Register, names: Any, sample: list[tuple[str, str, str | None]]
) -> tuple[int, int, float]:
    """Small plans whose links are names of the sample (each known to resolve), read through the
    plain reader: per plan, one owner, one plan it supports, goals contributing to focus areas,
    with an SDG target each, and the municipality by name."""
    by_town: dict[str, list[tuple[str, str]]] = {}
    for name, target, town in sample:
        if town is not None and target in ("organisation", "plan", "focus-area"):
            by_town.setdefault(town, []).append((name, target))
    keys = {"organisation": "owner", "plan": "supportsPlan", "focus-area": "contributesTo"}
    per_name: list[float] = []
    total = 0
    for town, links in list(by_town.items())[:25]:
        lines = ["kind: temaplan", f"municipality: {names.label(town)}", "goals:"]
        count = 1
        given: set[str] = set()
        for name, target in links:
            if target in ("organisation", "plan"):
                if keys[target] in given:
                    continue
                given.add(keys[target])
                lines.insert(2, f"{keys[target]}: '{name}'")
            else:
                lines.append(f"  - {{label: Mål, {keys[target]}: '{name}', sdgs: ['4.1']}}")
                count += 1
            count += 1
        if lines[-1] == "goals:":
            lines.pop()
        text = "\n".join(lines) + "\n"
        started = time.perf_counter()
        try:
            read(text, source="p.yaml", syntax="yaml", register=register)
        except PlainError as error:  # not expected: the names are known to resolve
            raise AssertionError(str(error)) from None
        elapsed = time.perf_counter() - started
        per_name.append(elapsed / count)
        total += count
    return len(per_name), total, median_ms(per_name) if per_name else 0.0


def bench_national(municipalities: int, count: int) -> dict[str, float]:
    build, register = timed(lambda: national_register(municipalities))
    index_time, names = timed(lambda: names_module.Names(register))
    places_time, places = timed(names.places)
    sample = sample_names(register, count)
    times: list[float] = []
    outcomes: dict[str, int] = {"resolved": 0, "ambiguous": 0, "unknown": 0}
    resolved: list[tuple[str, str, str | None]] = []
    for name, target, municipality in sample:
        started = time.perf_counter()
        outcome = names.resolve(name, TARGETS[target], municipality)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        key = "resolved" if outcome.found else "ambiguous" if outcome.candidates else "unknown"
        outcomes[key] += 1
        if outcome.found:
            resolved.append((name, target, municipality))
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    plans = _plans_by_name(register, names, resolved)
    print(
        f"\n2. Names on the synthetic national register ({municipalities} municipalities, "
        f"{register.triples:,} triples; loaded in {build:.1f} s)"
    )
    print(
        f"   built once per register: the name index {index_time:.2f} s "
        f"({len(names.index):,} distinct names), the municipality of every resource "
        f"{places_time:.2f} s ({len(places):,} resources)"
    )
    print(
        f"   per name ({len(sample)} names): median {median_ms(times):.2f} ms, "
        f"p95 {p95 * 1000:.2f} ms, max {times[-1] * 1000:.2f} ms; {outcomes}"
    )
    print(
        f"   through the reader: {plans[0]} small plans with {plans[1]} names in all, "
        f"median {plans[2]:.2f} ms per name (reading included)"
    )
    return {
        "index_s": index_time,
        "places_s": places_time,
        "median_ms": median_ms(times),
        "max_ms": times[-1] * 1000,
    }


@contextmanager
def server(store: Path) -> Iterator[str]:
    """A plangraph server over ``store`` on a free port (uvicorn in a thread), with a token."""
    import uvicorn

    from plangraph.settings import Settings
    from plangraph.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(
        store=store, workers=2, refresh_inferences=False, update_token=TOKEN, query_timeout=60
    )
    config = uvicorn.Config(create_app(settings), log_config=None, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(30)
        sock.close()


TOKEN = "benchmark-token"


def bench_submit(repeat: int) -> dict[str, float]:
    import httpx

    from plangraph.store import PlanStore

    plain = plain_plan()
    submission = parse(plain, name="bench.yaml", register=shipped_register())
    ntriples = ox.serialize(list(submission.triples), format=ox.RdfFormat.N_TRIPLES) or b""
    graph = "https://w3id.org/plangraph/graph/bench/put"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    times: dict[str, list[float]] = {"submit": [], "put": []}
    with tempfile.TemporaryDirectory() as folder:
        store_path = Path(folder) / "store"
        store = PlanStore.open(store_path)
        store.load([item for ds in datasets.default_datasets() for item in ds.graphs()])
        store.close()
        with server(store_path) as url, httpx.Client(base_url=url, timeout=120) as client:

            def submit() -> httpx.Response:
                return client.post(
                    "/submissions",
                    content=plain,
                    headers={"Content-Type": "application/yaml", **auth},
                )

            def put() -> httpx.Response:
                return client.put(
                    "/store",
                    params={"graph": graph},
                    content=ntriples,
                    headers={"Content-Type": "application/n-triples", **auth},
                )

            for action in (submit, put):  # warm: the readers' register copy, the name index
                response = action()
                assert response.status_code in (200, 201, 204), response.text[:500]
            for i in range(repeat):
                order = [("submit", submit), ("put", put)]
                for name, action in order if i % 2 == 0 else order[::-1]:
                    elapsed, response = timed(action)
                    assert response.status_code in (201, 204), response.text[:500]
                    times[name].append(elapsed)
            version = submit().json()["version"]
    print(
        f"\n3. Submitting the {len(submission.triples):,}-triple plain YAML plan into a store "
        f"with Bergen's register, through a real server; medians of {repeat} "
        f"(versions 2 to {version - 1}: each replaces the one before):"
    )
    print(
        f"   POST /submissions (read, validate, store, provenance): {median_ms(times['submit']):7.1f} ms"
    )
    print(
        f"   Graph Store PUT of the same triples (N-Triples):        {median_ms(times['put']):7.1f} ms"
    )
    cpu = _submit_cpu(plain, ntriples, repeat)
    print(
        "   the same work in this process, CPU time (less at the mercy of a loaded machine): "
        f"submission {cpu['submit']:.1f} ms (the register copied for the store's generation "
        f"{cpu['copy']:.1f} ms, reading and validating {cpu['check']:.1f} ms, storing "
        f"{cpu['store']:.1f} ms); PUT {cpu['put']:.1f} ms"
    )
    return {k: median_ms(v) for k, v in times.items()} | {f"cpu_{k}": v for k, v in cpu.items()}


def _submit_cpu(plain: bytes, ntriples: bytes, repeat: int) -> dict[str, float]:
    """CPU time of a submission's steps and of a PUT's (parse, replace the graph in one update),
    on a store on disk with Bergen's register, in this process, alternating."""
    from datetime import UTC, datetime

    from plangraph.store import PlanStore
    from plangraph.validation.intake import (
        Provenance,
        plan_of,
        register_of,
        store_plan,
        without_current,
    )

    steps: dict[str, list[float]] = {"copy": [], "check": [], "store": [], "submit": [], "put": []}
    graph = "https://w3id.org/plangraph/graph/bench/put"
    with tempfile.TemporaryDirectory() as folder:
        plan_store = PlanStore.open(Path(folder) / "store")
        plan_store.load([item for ds in datasets.default_datasets() for item in ds.graphs()])
        store = plan_store.raw
        for i in range(repeat + 1):
            started = time.process_time()
            register = register_of(store, "bench")
            copied = time.process_time()
            submission = parse(plain, name="bench.yaml", register=register)
            plan = plan_of(submission, register)
            with without_current(register, store, plan):
                report = validate([submission], register=register)
            assert report.conforms
            checked = time.process_time()
            counts = tuple(report.counts().items())
            record = Provenance("bench", "bench.yaml", "0" * 64, counts, datetime.now(UTC))
            store_plan(store, plan, submission.triples, record)
            stored = time.process_time()
            triples = [q.triple for q in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)]
            data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
            store.update(
                f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {data} }} }}"
            )
            put = time.process_time()
            if i == 0:
                continue  # warm: the shapes, the first name index
            steps["copy"].append(copied - started)
            steps["check"].append(checked - copied)
            steps["store"].append(stored - checked)
            steps["submit"].append(stored - started)
            steps["put"].append(put - stored)
        plan_store.close()
    return {k: median_ms(v) for k, v in steps.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--municipalities", type=int, default=357)
    parser.add_argument("--names", type=int, default=300)
    parser.add_argument(
        "--part", choices=("bergen", "national", "submit", "both", "all"), default="both"
    )
    args = parser.parse_args(argv)
    if args.part in ("bergen", "both", "all"):
        bench_bergen(args.repeat)
    if args.part in ("national", "both", "all"):
        bench_national(args.municipalities, args.names)
    if args.part in ("submit", "all"):
        bench_submit(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

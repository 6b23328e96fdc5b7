"""Benchmark: validation, plangraph's fast path side by side with plain ``pyshacl.validate``.

Four measurements, each on the same inputs for both engines, in one run:

1. **One submission against Bergen's register.** A generated theme plan for Bergen of about
   2,000 triples (goals, strategies, measures, links to Bergen 2030's focus areas, Bergen's
   units and the SDGs), validated together with the shipped register (ontology, reference data,
   Bergen's plans). plangraph: end to end, from the Turtle bytes to the JSON report (parse,
   validate, labels, render), with the register already in memory as a server holds it; also
   through HTTP (``POST /validate`` on a local uvicorn, validated in the server's worker
   processes against its store). pyshacl: ``pyshacl.validate`` called
   plainly (no inference) on an rdflib graph of the same register and submission, and the same
   shapes graph. Target for plangraph: median ≤ 200 ms.
2. **Small synthetic registers** (``--pyshacl-sizes``, default 1 and 2 municipalities): the
   whole register validated by both engines (plain ``pyshacl.validate``), with a check that
   they report the same findings.
3. **The whole synthetic national register** (357 municipalities, seed 2026; several million
   triples) loaded into a store on disk and validated from it (``plangraph validate
   --register``'s path), with the seeded defects counted: first as ``PlanStore.load`` leaves the
   store (``PlanStore.load`` compacts RocksDB after a bulk load: reads from an uncompacted bulk
   load are several times slower). pyshacl is not run at this size: at
   its measured rate (seconds per thousand triples, growing faster than linearly) it would not
   finish in hours; part 2 gives its rate on the sizes it can do. Target: ≤ 60 s.
4. **The W3C SHACL test suite** (core + SPARQL, 120 cases, ``tests/validation/w3c-shacl/``):
   every case through both engines (plangraph's library, ``validate_store``), the total time of
   each and its tally (correct, wrong, crash).

Reports medians over the repetitions and the ratios. These machines are shared and noisy: read
ratios, not single figures.

    python benchmarks/validate.py [--repeat 5] [--municipalities 357] [--pyshacl-sizes 1,2]
        [--skip-national] [--skip-w3c]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pyshacl
import rdflib
import uvicorn

from plangraph.data import datasets, synthetic
from plangraph.settings import Settings
from plangraph.store import PlanStore
from plangraph.validation import (
    open_store,
    parse,
    render,
    shipped_register,
    validate,
    validate_store,
)
from plangraph.validation.engines import pyshacl as reference_module
from plangraph.validation.render import OutputFormat
from plangraph.validation.shapes import load as load_shapes
from plangraph.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]

PREFIXES = """@prefix bk: <https://w3id.org/plangraph/id/4601/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix pg: <https://w3id.org/plangraph/ontology#> .
@prefix pgkind: <https://w3id.org/plangraph/concept/plan-kind/> .
@prefix pgms: <https://w3id.org/plangraph/concept/measure-status/> .
@prefix pgscope: <https://w3id.org/plangraph/concept/goal-scope/> .
@prefix pgstatus: <https://w3id.org/plangraph/concept/lifecycle-status/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix src: <https://w3id.org/plangraph/id/source/> .
"""
FOCUS_AREAS = ("gabyen", "fremtidsrettet", "gronn", "engasjert", "trygg", "mangfoldig")
UNITS = ("org-etat-skole", "org-etat-barnehage", "org-bbs", "org-etat-plan-geodata")
STATUSES = ("not-started", "in-progress", "delayed", "completed")


def submission_text(goals: int = 20, strategies: int = 3, measures: int = 3) -> bytes:
    """A theme plan with ``goals`` goals, each with strategies, each with measures."""
    plan = "bk:bench-plan"
    out = [
        PREFIXES,
        f"""{plan} a pg:ThemePlan ; pg:planKind pgkind:theme-plan ;
    dct:title "Benchmark: generert temaplan"@nb ; rdfs:label "Benchmark: generated theme plan"@en ;
    pg:municipality bk:kommune ; pg:owner bk:org-bbs ; pg:supportsPlan bk:plan-kps-bergen-2030 ;
    pg:lifecycleStatus pgstatus:under-work ; dct:source src:illustrative .""",
    ]
    for g in range(1, goals + 1):
        goal = f"bk:bench-goal-{g}"
        out.append(
            f"""{goal} a pg:Goal ; rdfs:label "Mål {g}"@nb, "Goal {g}"@en ; pg:partOfPlan {plan} ;
    pg:ordinal {g} ; pg:goalScope pgscope:community ;
    pg:contributesTo bk:focus-bergen-2030-{FOCUS_AREAS[g % len(FOCUS_AREAS)]} ;
    pg:addressesSdg sdg:{g % 17 + 1}, sdg:4.{g % 7 + 1} ; dct:source src:illustrative ."""
        )
        for s in range(1, strategies + 1):
            strategy = f"bk:bench-strategy-{g}-{s}"
            out.append(
                f"""{strategy} a pg:Strategy ; rdfs:label "Strategi {g}.{s}"@nb ;
    pg:partOfPlan {plan} ; pg:ordinal {s} ; pg:servesGoal {goal} ; dct:source src:illustrative ."""
            )
            for m in range(1, measures + 1):
                n = (g * 31 + s * 7 + m) % 4
                out.append(
                    f"""bk:bench-measure-{g}-{s}-{m} a pg:Measure ; rdfs:label "Tiltak {g}.{s}.{m}"@nb ;
    pg:partOfPlan {plan} ; pg:ordinal {m} ; pg:implementsStrategy {strategy} ;
    pg:owner bk:{UNITS[n]} ; pg:measureStatus pgms:{STATUSES[n]} ; dct:source src:illustrative ."""
                )
    return "\n\n".join(out).encode()


def timed(action: Callable[[], object]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def findings_of_pyshacl(report: rdflib.Graph) -> set[tuple[str, str, str]]:
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return {
        (
            str(report.value(r, sh.focusNode)),
            str(report.value(r, sh.sourceShape)),
            str(report.value(r, sh.value)),
        )
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
    }


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """The app on uvicorn at 127.0.0.1, over a store of the shipped datasets (the register a
    submission meets); validation runs in its worker processes."""
    with tempfile.TemporaryDirectory(prefix="plangraph-bench-validate-") as tmp:
        store = PlanStore.open(Path(tmp) / "store")
        store.load([item for ds in datasets.default_datasets() for item in ds.graphs()])
        store.close()
        app = create_app(Settings(store=Path(tmp) / "store"))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(30)
            sock.close()


def bench_submission(repeat: int) -> dict[str, float]:
    data = submission_text()
    register = shipped_register()
    triples = len(parse(data, name="bench.ttl").triples)

    def ours() -> str:
        report = validate([parse(data, name="bench.ttl")], register=register)
        return render.render(report, OutputFormat.json)

    ours()  # warm the shapes model and the register's caches
    fast = [timed(ours)[0] for _ in range(repeat)]

    with local_server() as url, httpx.Client(base_url=url, timeout=120) as client:
        client.post("/validate", content=data, headers={"Content-Type": "text/turtle"})
        http = [
            timed(
                lambda: client.post(
                    "/validate", content=data, headers={"Content-Type": "text/turtle"}
                ).raise_for_status()
            )[0]
            for _ in range(repeat)
        ]

    shapes = load_shapes().graph
    files = [file for ds in datasets.default_datasets() for _, file in ds.graphs()]
    plain: list[float] = []
    for _ in range(max(1, min(repeat, 3))):
        graph = rdflib.Graph()
        for file in files:
            graph.parse(file, format="turtle")
        graph.parse(data=data.decode(), format="turtle")
        plain.append(
            timed(lambda g=graph: pyshacl.validate(g, shacl_graph=shapes, inference="none"))[0]
        )
    register_triples = register.triples
    print(
        f"\n1. One submission ({triples:,} triples) against Bergen's register ({register_triples:,} triples)"
    )
    result = {
        "triples": triples,
        "plangraph_ms": median_ms(fast),
        "plangraph_http_ms": median_ms(http),
        "pyshacl_ms": median_ms(plain),
    }
    print(
        f"   plangraph, library end to end (parse, validate, JSON): median {result['plangraph_ms']:8.1f} ms"
    )
    print(
        f"   plangraph, POST /validate over HTTP:                  median {result['plangraph_http_ms']:8.1f} ms"
    )
    print(
        f"   pyshacl.validate, called plainly:                     median {result['pyshacl_ms']:8.1f} ms"
    )
    print(
        f"   ratio pyshacl / plangraph: {result['pyshacl_ms'] / result['plangraph_ms']:.0f}x (target: plangraph ≤ 200 ms)"
    )
    return result


def synthetic_store(municipalities: int, seed: int) -> ox.Store:
    store = ox.Store()
    for dataset in datasets.default_datasets():
        if dataset.id in ("ontology", "sdg", "reference"):
            for graph, file in dataset.graphs():
                store.bulk_load(
                    path=str(file), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph)
                )
    data = "".join(synthetic.generate(municipalities, seed)).encode()
    store.bulk_load(
        data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(synthetic.SYNTHETIC_GRAPH)
    )
    return store


def bench_small_synthetic(sizes: list[int], seed: int, repeat: int) -> list[dict[str, Any]]:
    print("\n2. Small synthetic registers, the whole register by both engines")
    shapes = load_shapes().graph
    rows = []
    for n in sizes:
        store = synthetic_store(n, seed)
        fast = [
            timed(lambda s=store: validate_store(s, description="synthetic"))[0]
            for _ in range(repeat)
        ]
        report = validate_store(store, description="synthetic")
        graph = reference_module.graph_of(
            store.quads_for_pattern(None, None, None, None), prepared=False
        )
        seconds, (_, pyshacl_report, _) = timed(
            lambda g=graph: pyshacl.validate(g, shacl_graph=shapes, inference="none")
        )
        ours = {
            (f"{f.focus.value}", f.shape, f.value.value if f.value else "None")
            for f in report.findings
        }
        theirs = {
            (focus, shape, value.split("^^")[0] if value != "None" else "None")
            for focus, shape, value in findings_of_pyshacl(pyshacl_report)
        }
        same = {(a, b) for a, b, _ in ours} == {(a, b) for a, b, _ in theirs}
        row = {
            "municipalities": n,
            "triples": len(store),
            "plangraph_ms": median_ms(fast),
            "pyshacl_ms": seconds * 1000,
            "findings": len(report.findings),
            "same_findings": same,
        }
        rows.append(row)
        print(
            f"   {n} municipalit{'y' if n == 1 else 'ies'}, {len(store):,} triples: plangraph "
            f"{row['plangraph_ms']:8.1f} ms, pyshacl {row['pyshacl_ms']:10.1f} ms "
            f"({row['pyshacl_ms'] / row['plangraph_ms']:.0f}x), {len(report.findings):,} findings, "
            f"same findings: {same}"
        )
    return rows


def bench_national(municipalities: int, seed: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="plangraph-validate-bench-") as tmp:
        work = Path(tmp)
        data = work / "national.nt"
        synthetic.write(data, municipalities=municipalities, seed=seed)
        items = [item for ds in datasets.default_datasets() for item in ds.graphs()]
        items.append((synthetic.SYNTHETIC_GRAPH, data))
        store_path = work / "store"
        plan_store = PlanStore.open(store_path)
        load_seconds, _ = timed(lambda: plan_store.load(items))
        plan_store.close()
        # `PlanStore.load` compacts the store after a bulk load (Store.optimize): validation
        # reads from the store as `plangraph load` leaves it.
        store = open_store(store_path)
        triples = len(store)
        runs = []
        report = None
        for _ in range(repeat):
            seconds, report = timed(lambda s=store: validate_store(s, description="national"))
            runs.append(seconds)
        assert report is not None
        seeded = synthetic.seeded_defects(municipalities, seed)
        found = {(f.rule, f.focus.value) for f in report.findings}
        missed = [d for d in seeded if (d.rule, d.resource) not in found]
        counts = report.counts()
        result = {
            "municipalities": municipalities,
            "triples": triples,
            "load_s": load_seconds,
            "validate_s": statistics.median(runs),
            "findings": len(report.findings),
            "counts": counts,
            "seeded": len(seeded),
            "seeded_missed": len(missed),
        }
    print(
        f"\n3. The synthetic national register: {municipalities} municipalities, {triples:,} triples"
    )
    print(
        f"   loading into the store, compaction included (not part of validation): "
        f"{load_seconds:6.1f} s"
    )
    print(
        f"   plangraph validate --register, compacted store: median {result['validate_s']:6.1f} s "
        "(target ≤ 60 s)"
    )
    print(
        f"   findings: {len(report.findings):,} ({counts['violation']:,} violations, "
        f"{counts['warning']:,} warnings, {counts['info']:,} info); seeded defects {len(seeded):,}, "
        f"missed {len(missed)}"
    )
    print("   pyshacl: not run at this size (see part 2 for its rate on sizes it finishes)")
    return result


def bench_w3c(repeat: int) -> dict[str, Any]:
    """The W3C SHACL suite through both engines: total time per engine (median of runs)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.support import w3c_shacl

    cases = w3c_shacl.cases()
    print(f"\n4. The W3C SHACL test suite (core + SPARQL), {len(cases)} cases")
    result: dict[str, Any] = {}
    for engine in w3c_shacl.ENGINES:
        runs = []
        outcomes = []
        for _ in range(repeat):
            seconds, outcomes = timed(lambda e=engine: [w3c_shacl.run(c, e) for c in cases])
            runs.append(seconds)
        tally = w3c_shacl.tally(outcomes)[engine]
        result[engine] = {"total_s": statistics.median(runs), **tally}
        print(
            f"   {engine:9} total median {statistics.median(runs):6.2f} s: {tally['correct']} correct, "
            f"{tally['wrong']} wrong, {tally['crash']} crash"
        )
    ratio = result["pyshacl"]["total_s"] / result["oxigraph"]["total_s"]
    print(f"   ratio pyshacl / plangraph: {ratio:.1f}x")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--municipalities", type=int, default=synthetic.DEFAULT_MUNICIPALITIES)
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument(
        "--pyshacl-sizes", default="1,2", help="synthetic sizes pyshacl also runs on"
    )
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-w3c", action="store_true")
    args = parser.parse_args(argv)
    bench_submission(args.repeat)
    sizes = [int(x) for x in args.pyshacl_sizes.split(",") if x.strip()]
    if sizes:
        bench_small_synthetic(sizes, args.seed, min(args.repeat, 3))
    if not args.skip_w3c:
        bench_w3c(min(args.repeat, 3))
    if not args.skip_national:
        bench_national(args.municipalities, args.seed, min(args.repeat, 3))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""``plangraph serve`` as the README runs it: a real process over a fresh store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.paths import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_readme_main_command_is_serve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0].strip()
    assert first_block.endswith(".venv/bin/plangraph serve")


def test_plangraph_serve_on_a_fresh_store_serves_bergen(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PLANGRAPH_STORE": str(tmp_path / "store"), "NO_COLOR": "1"}
    env.pop("PLANGRAPH_UPDATE_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "plangraph", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)
        r = httpx.get(
            url + "/sparql",
            params={
                "query": "PREFIX pg: <https://w3id.org/plangraph/ontology#> "
                "SELECT ?name { ?m a pg:Municipality ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
            },
            headers={"Accept": "text/csv"},
        )
        assert r.status_code == 200
        assert "Bergen" in r.text
        assert "server" not in r.headers  # no product or version named (issue 19)
        # The named queries rely on the inferences: a fresh store gets them before it is served.
        r = httpx.get(url + "/queries/plan-register.json")
        assert r.status_code == 200
        assert len(r.json()["rows"]) > 0
        r = httpx.post(
            url + "/sparql",
            content="DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert r.status_code == 403  # no token configured: read-only
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "loaded 10 file(s)" in out or "loaded" in out
    assert "inferred" in out
    assert '"op": "query"' in err  # the query log, one JSON line per query
    assert not (tmp_path / "store.generations").exists()


def test_the_readme_documents_every_endpoint_setting() -> None:
    from plangraph.settings import Settings

    endpoint_settings = [
        "store",
        "host",
        "port",
        "update_token",
        "query_timeout",
        "max_query_timeout",
        "max_rows",
        "max_result_bytes",
        "max_body_bytes",
        "max_concurrent_per_client",
        "max_connections_per_client",
        "read_timeout",
        "workers",
        "max_workers",
        "answer_cache_bytes",
        "refresh_inferences",
        "cors_origins",
        "service_allowlist",
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in endpoint_settings:
        assert name in Settings.model_fields
        assert f"PLANGRAPH_{name.upper()}" in readme, (
            f"PLANGRAPH_{name.upper()} is not in the README"
        )

"""The browser page of ``/sparql``: YASGUI, vendored, set up for this endpoint.

YASGUI comes from the npm registry (``@zazuko/yasgui``, pinned; see ``static/yasgui/README.md``)
and is served from the package, so the page works offline. It is configured for this endpoint
only, with the project's prefixes in every new query, its ``class``/``property`` autocompleters
(which call a web service) off, and one tab per named query of the library on a first visit:
named by the query's name (as in ``plangraph query NAME`` and ``/queries/NAME``), with its text,
header included, and its required parameters bound to their examples, so that it runs as it is.
When the library changes, a returning browser gets the tabs it does not have yet. The page's
one inline script is constant (its Content-Security-Policy hash is :data:`SCRIPT_HASH`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from importlib.resources import files
from pathlib import Path

from plangraph import library
from plangraph.namespaces import PREFIXES

VERSION = "4.6.2"
STATIC_DIR = Path(str(files("plangraph.web") / "static"))

_STARTER = """SELECT ?kind ?label (COUNT(DISTINCT ?plan) AS ?plans) WHERE {
  ?plan pg:planKind ?kind .
  OPTIONAL { ?kind skos:prefLabel ?label FILTER(LANG(?label) = "en") }
}
GROUP BY ?kind ?label
ORDER BY DESC(?plans)
"""

_GRAPHS = """SELECT ?graph (COUNT(*) AS ?triples) WHERE {
  GRAPH ?graph { ?s ?p ?o }
}
GROUP BY ?graph
ORDER BY ?graph
"""


def prologue() -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def tabs() -> list[dict[str, str]]:
    """The tabs a first visit opens: a starter query, the graphs, then each named query."""
    out = [
        {"name": "Plans by kind", "query": prologue() + "\n" + _STARTER},
        {"name": "Graphs", "query": _GRAPHS},
    ]
    for query in library.named_queries():
        required = {p.name: p.example for p in query.parameters if not p.optional}
        out.append({"name": query.name, "query": query.bind(required)})
    return out


def _digest(tabs: list[dict[str, str]]) -> str:
    text = json.dumps(tabs, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _script_json(value: object) -> str:
    # JSON inside <script>: no "</script>" or "<!--" can come out of it.
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(endpoint: str) -> str:
    """The HTML page for the endpoint at ``endpoint`` (an absolute URL)."""
    opened = tabs()
    config = {
        "endpoint": endpoint,
        "prologue": prologue(),
        "tabs": opened,
        "tabsDigest": _digest(opened),
        "version": VERSION,
    }
    return _PAGE.format(
        endpoint=escape(endpoint), config=_script_json(config), version=escape(VERSION)
    )


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>plangraph SPARQL endpoint</title>
<link rel="stylesheet" href="/static/yasgui/yasgui.min.css?v={version}">
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0 1rem; }}
  header {{ display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }}
  header h1 {{ font-size: 1.3rem; margin: .6rem 0; }}
  header p {{ margin: 0; color: #444; font-size: .9rem; }}
  .yasgui .autocompleteWrapper {{ display: none !important; }}
</style>
</head>
<body>
<header>
  <h1>plangraph</h1>
  <p>SPARQL endpoint <code>{endpoint}</code>. The default graph is the union of all graphs.
  Service description: <a href="?format=turtle">Turtle</a>.</p>
</header>
<div id="yasgui"></div>
<noscript>This page needs JavaScript. Query the endpoint directly:
<code>curl '{endpoint}?query=ASK%7B%7D'</code></noscript>
<script src="/static/yasgui/yasgui.min.js?v={version}"></script>
<script type="application/json" id="plangraph-config">{config}</script>
<script>
(function () {{
  const config = JSON.parse(document.getElementById("plangraph-config").textContent);
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.value = config.prologue + "\\nSELECT * WHERE {{\\n  ?s ?p ?o .\\n}}\\nLIMIT 10\\n";
  const yasgui = new Yasgui(document.getElementById("yasgui"), {{
    requestConfig: {{ endpoint: config.endpoint, method: "POST" }},
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {{ getData: () => [{{ endpoint: config.endpoint }}] }},
    persistenceId: "plangraph-" + config.version
  }});
  // The tabs are opened once per version of the library. Tab.setQuery needs a tab's editor,
  // which only the shown tab has: new tabs get their query in their configuration instead.
  const prefix = "plangraph-tabs-";
  const key = prefix + config.tabsDigest;
  const storage = window.localStorage;
  if (!storage.getItem(key)) {{
    const marks = Object.keys(storage).filter(function (k) {{ return k.indexOf(prefix) === 0; }});
    const persisted = yasgui.persistentConfig;
    const open = new Set(persisted.getTabs().map(function (id) {{
      return (persisted.getTab(id) || {{}}).name;
    }}));
    const first = marks.length === 0 ? yasgui.getTab() : undefined;
    config.tabs.forEach(function (tab, i) {{
      if (i === 0 && first) {{
        first.setName(tab.name);
        first.setQuery(tab.query);
      }} else if (!open.has(tab.name)) {{
        yasgui.addTab(false, {{ name: tab.name, yasqe: {{ value: tab.query }} }});
      }}
    }});
    if (first) {{ yasgui.selectTabId(first.getId()); }}
    marks.forEach(function (k) {{ storage.removeItem(k); }});
    storage.setItem(key, "1");
  }}
}})();
</script>
</body>
</html>
"""


def _inline_script_hash() -> str:
    """The CSP source of the page's one inline script, which is the same on every page (what
    changes, the configuration, is a JSON data block, which runs nothing)."""
    page = _PAGE.format(endpoint="", config="{}", version="")
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


SCRIPT_HASH = _inline_script_hash()
"""The Content-Security-Policy source that lets the page's inline script run."""

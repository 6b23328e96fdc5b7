"""The public pages' shell: the header with the way round, the language switch, the styles, the
words in nb and en, and links to the data's IRIs.

Every text a page shows goes through :func:`html.escape` (:func:`e`); the shell adds no script.
The colours are chosen for WCAG 2.1 AA contrast (4.5:1 for text, 3:1 for the marks of pictures):
``tests/web/test_pages.py`` measures them.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from html import escape
from typing import Final
from urllib.parse import quote, urlencode

from plangraph.lang import DEFAULT, Lang

LINKED: Final = ("id/", "concept/", "eli/", "ontology", "graph/")
"""The paths below the data's base that this server answers for (as Linked Data)."""


def e(text: object) -> str:
    """``text`` escaped for HTML (text and attribute values)."""
    return escape(str(text), quote=True)


def url(path: str, params: Mapping[str, str] | None = None) -> str:
    """``path`` with ``params`` as its query string (empty values left out)."""
    kept = {k: v for k, v in (params or {}).items() if v != ""}
    return path + ("?" + urlencode(kept) if kept else "")


def data_href(iri: str, base: str, root_path: str = "") -> str | None:
    """Where a link to one of the data's IRIs goes: its local page if the server answers for
    it, the IRI itself if it is an ``http(s)`` IRI, else nowhere (an IRI such as
    ``javascript:…`` must never become a link). The one rule for every page that shows the
    data's IRIs."""
    if iri.startswith(base):
        rest = iri[len(base) :]
        if rest.startswith(LINKED):
            page, hash_, fragment = rest.partition("#")
            local = root_path + "/" + quote(page, safe="/:@!$&'()*+,;=-._~")
            return local + (hash_ + quote(fragment, safe="-._~") if hash_ else "")
    if iri.lower().startswith(("http://", "https://")):
        return iri
    return None


def link(iri: str, name: str, base: str, root_path: str = "", params: str = "") -> str:
    """An HTML link to ``iri`` named ``name`` (plain text where no link may go)."""
    target = data_href(iri, base, root_path)
    if target is None:
        return f'<span title="{e(iri)}">{e(name)}</span>'
    if params and target.startswith(root_path + "/"):
        target += params
    return f'<a href="{e(target)}">{e(name)}</a>'


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

WORDS: Final[dict[str, tuple[str, str]]] = {
    "site": ("plangraph", "plangraph"),
    "home": ("Forside", "Home"),
    "plans": ("Planer", "Plans"),
    "under way": ("Pågående planarbeid", "Plan work under way"),
    "sdg": ("Bærekraftsmål", "SDGs"),
    "queries": ("Spørsmål", "Questions"),
    "sparql": ("SPARQL", "SPARQL"),
    "validate": ("Validering", "Validation"),
    "catalog": ("Datakatalog", "Data catalogue"),
    "other language": ("English", "Norsk"),
    "json": ("JSON", "JSON"),
    "csv": ("CSV", "CSV"),
    "examples on": (
        "Illustrerende eksempler er tatt med: de er oppdiktet og er ikke fakta om kommunen.",
        "Illustrative examples are included: they are made up and are not facts about the "
        "municipality.",
    ),
    "examples off": ("Vis med illustrerende eksempler", "Show with the illustrative examples"),
    "examples hide": ("Skjul eksemplene", "Hide the examples"),
    "example": ("eksempel", "example"),
    "unconfirmed": ("ikke bekreftet siden {day}", "unconfirmed since {day}"),
    "unconfirmed age": (
        "Statusen er oppgitt per {day}, mer enn 24 måneder før {today}.",
        "The status is stated as of {day}, more than 24 months before {today}.",
    ),
    "unconfirmed period": (
        "Statusen er oppgitt per {day}, før planperioden var over.",
        "The status is stated as of {day}, before the plan's period ended.",
    ),
    "as of": ("per {day}", "as of {day}"),
    "error": ("Feil", "Error"),
    "footer": (
        "Åpne data om kommunenes plansystem. Alt på sidene finnes også som data: se JSON-lenkene.",
        "Open data on the municipal plan system. Everything on these pages is data too: see "
        "the JSON links.",
    ),
}


def t(lang: Lang, key: str, **values: str) -> str:
    """The words for ``key`` in ``lang`` (not escaped), with ``values`` filled in."""
    nb, en = WORDS[key]
    text = nb if lang is Lang.nb else en
    return text.format(**values) if values else text


def tr(lang: Lang, nb: str, en: str) -> str:
    """The Norwegian or the English text."""
    return nb if lang is Lang.nb else en


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

STYLE: Final = """
:root{--ink:#1a1a1a;--muted:#4d4d4d;--line:#c8c8c8;--link:#0b5cad;--bar:#12355b}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0;
line-height:1.45;background:#fff}
a{color:var(--link)}
header.site{background:var(--bar);color:#fff;padding:.6rem 1.5rem}
header.site a{color:#fff;text-decoration:none;margin-right:1.1rem}
header.site a:hover,header.site a:focus{text-decoration:underline}
header.site .brand{font-weight:700;margin-right:1.8rem}
header.site .lang{float:right;margin-right:0}
main{max-width:78rem;margin:0 auto;padding:1rem 1.5rem 2rem}
h1{font-size:1.7rem;margin:.6rem 0 .4rem}
h2{font-size:1.25rem;margin:1.6rem 0 .5rem}
p.lead{font-size:1.08rem;max-width:52rem}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7;font-weight:600}
.chip{display:inline-block;padding:.05rem .45rem;border-radius:.6rem;font-size:.88rem;
border:1px solid currentColor;white-space:nowrap}
.s-current{background:#e3f1e6;color:#1d5a2c}.s-under-work{background:#e6eefb;color:#1f4c8f}
.s-consultation{background:#fff1d6;color:#7a4b00}.s-expired{background:#ececec;color:#404040}
.s-repealed{background:#f9e1e1;color:#8a1c1c}.s-none{background:#ffffff;color:#4d4d4d}
.warn{color:#8a1c1c;font-size:.88rem}
.note{background:#fff6e0;border:1px solid #b06a00;padding:.5rem .8rem;border-radius:.3rem}
.error{color:#8a1c1c}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;
background:#f2f4f7;padding:.7rem;border-radius:.3rem;margin:.6rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.9rem}
form.filters select,form.filters input{font:inherit;padding:.2rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem}
.cards.wide{grid-template-columns:repeat(auto-fill,minmax(26rem,1fr))}
.card{border:1px solid var(--line);border-radius:.4rem;padding:.8rem 1rem}
.card h2{margin-top:0;font-size:1.1rem}
.count{font-size:1.6rem;font-weight:700}
.pager{margin:.8rem 0}.pager a,.pager span{margin-right:.8rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:.92rem}
details.alt{margin:.4rem 0 1rem}
ol.timeline,ul.tree{padding-left:1.2rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
footer{color:var(--muted);font-size:.9rem;border-top:1px solid var(--line);margin-top:2rem;
padding-top:.6rem}
@media print{header.site,form.filters,.pager,.twins{display:none}a{color:inherit}}
"""
STYLE_SOURCE: Final = (
    "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode() + "'"
)
"""The pages' one inline ``<style>`` as a Content Security Policy source (``style-src``); the
pages have no scripts."""


def nav(lang: Lang, params: Mapping[str, str], switch: str, root_path: str = "") -> str:
    """The site's header: the way round, and the other language."""
    keep = {k: v for k, v in params.items() if k in ("lang", "examples", "on")}

    def to(path: str) -> str:
        return e(url(root_path + path, keep))

    items = [
        ("/plans", "plans"),
        ("/plans/under-way", "under way"),
        ("/sdg", "sdg"),
        ("/queries", "queries"),
        ("/sparql", "sparql"),
        ("/validate", "validate"),
        ("/catalog", "catalog"),
    ]
    links = "".join(f'<a href="{to(path)}">{e(t(lang, key))}</a>' for path, key in items)
    return (
        f'<header class="site"><nav aria-label="{e(tr(lang, "Hovedmeny", "Main menu"))}">'
        f'<a class="brand" href="{to("/")}">{e(t(lang, "site"))}</a>{links}'
        f'<a class="lang" href="{e(switch)}" hreflang="{"en" if lang is Lang.nb else "nb"}">'
        f"{e(t(lang, 'other language'))}</a></nav></header>"
    )


def switch_url(path: str, params: Mapping[str, str], lang: Lang) -> str:
    """The same page in the other language."""
    other = lang.other
    changed = dict(params)
    if other is DEFAULT:
        changed.pop("lang", None)
    else:
        changed["lang"] = other.value
    return url(path, changed)


def examples_banner(
    lang: Lang, path: str, params: Mapping[str, str], shown: bool, available: bool
) -> str:
    """Says when the illustrative examples are shown, with a way to hide them; else offers them
    (when the store has any)."""
    if shown:
        hidden = {k: v for k, v in params.items() if k != "examples"}
        return (
            f'<p class="note" role="note"><strong>{e(t(lang, "examples on"))}</strong> '
            f'<a href="{e(url(path, hidden))}">{e(t(lang, "examples hide"))}</a></p>'
        )
    if available:
        return (
            f'<p class="muted"><a href="{e(url(path, {**params, "examples": "1"}))}">'
            f"{e(t(lang, 'examples off'))}</a></p>"
        )
    return ""


def page(
    *,
    title: str,
    body: str,
    lang: Lang,
    path: str,
    params: Mapping[str, str],
    twins: Mapping[str, str] | None = None,
    root_path: str = "",
    feeds: Mapping[str, str] | None = None,
) -> str:
    """A whole page: ``body`` (HTML, already escaped) under the site's header. ``twins`` are
    the page's data forms (``{"JSON": url}``), linked from the head and from the page."""
    alternates = "".join(
        f'<link rel="alternate" type="{e(_MEDIA.get(name, "application/octet-stream"))}" '
        f'href="{e(target)}" title="{e(name)}">'
        for name, target in {**(twins or {}), **(feeds or {})}.items()
    )
    twin_links = " · ".join(
        f'<a href="{e(target)}">{e(name)}</a>' for name, target in (twins or {}).items()
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)} · plangraph</title>{alternates}<style>{STYLE}</style></head><body>"
        + nav(lang, params, switch_url(path, params, lang), root_path)
        + f"<main><h1>{e(title)}</h1>{body}"
        + (
            f'<p class="twins muted">{e(tr(lang, "Som data", "As data"))}: {twin_links}</p>'
            if twin_links
            else ""
        )
        + f"<footer>{e(t(lang, 'footer'))}</footer></main></body></html>\n"
    )


_MEDIA: Final = {
    "JSON": "application/json",
    "CSV": "text/csv",
    "iCalendar": "text/calendar",
    "Atom": "application/atom+xml",
}


def error_page(status: int, message: str, lang: Lang, path: str, root_path: str = "") -> str:
    return page(
        title=f"{t(lang, 'error')} {status}",
        body=f'<p class="error">{e(message)}</p>',
        lang=lang,
        path=path,
        params={} if lang is DEFAULT else {"lang": lang.value},
        root_path=root_path,
    )


def table(headers: Sequence[str], rows: Sequence[str], empty: str) -> str:
    """A table with a row of column headers over ``rows`` (each a ``<tr>``, already markup), or
    the text ``empty`` as a paragraph when there are no rows."""
    if not rows:
        return f"<p>{e(empty)}</p>"
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def status_chip(code: str | None, name: str | None, lang: Lang) -> str:
    css = (
        code if code in ("current", "under-work", "consultation", "expired", "repealed") else "none"
    )
    return f'<span class="chip s-{css}">{e(name or tr(lang, "ukjent", "unknown"))}</span>'

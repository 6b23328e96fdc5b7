"""What every importer shares: fetching (or reading a saved response), rate limits, provenance
and the atomic write of the importer's own named graph.

The contract for an importer module (``ssb.py``, ``klass.py``, ...):

1. It describes its source once, as a :class:`Source` (a key such as ``"ssb"``, a name in nb and
   en, the licence IRI, the landing page, and the rate limit the service asks for).
2. For one import it builds an :class:`ImportJob`: the named graph to write (one graph per job,
   under :func:`graph_iri`), the :class:`Request`\\ s to make (usually one), and a **pure** parse
   function that turns the payloads (bytes, one per request, in order) into pyoxigraph Triples.
   The parse function does no I/O; when the payload is not what it reads (an HTML error page,
   a changed JSON shape, an empty table) it raises :class:`UnexpectedResponse` with a message
   naming the source and what was wrong. :func:`read_json` does the first checks for JSON.
3. It calls :func:`run` with the job and a :class:`PlanStore`. ``run`` does the rest:

   - fetches each request over HTTPS with a timeout, waiting for the source's rate limit (one
     :class:`RateLimiter` per source, shared by every job in the process), or, with
     ``saved=[paths]``, reads saved responses from files instead (tests, the offline demo);
   - reports a source that cannot be reached (offline, DNS, refused, timeout, HTTP error) as
     :class:`FetchFailed`, and an error page served with status 200 as ``UnexpectedResponse``;
     a parse function that fails with ``KeyError``/``TypeError``/``ValueError``/``IndexError``
     is reported as ``UnexpectedResponse`` too, but say what was wrong yourself where you can;
   - adds a PROV-O record to the triples (the graph is a ``prov:Entity``
     ``prov:wasDerivedFrom`` the request URLs, ``prov:generatedAtTime`` the retrieval time,
     ``dct:license``, ``prov:wasGeneratedBy`` a ``prov:Activity`` with start and end that
     ``prov:wasAssociatedWith`` plangraph at its version);
   - writes it all into the job's named graph, replacing it, atomically
     (:meth:`PlanStore.replace_graph`): on any error the store is as it was;
   - is idempotent: the same payloads (for the same URLs, importer and plangraph version)
     leave the graph untouched, and the result says ``unchanged``;
   - tells ``progress`` (a callable taking a short text; the CLI prints it to stderr) what it is
     doing.

4. Its saved real answers live in ``data/saved/{source}/`` with a ``SOURCES.md`` (where each
   was found, the request it answers, the licence) and a ``sources.toml`` that gives each
   file's request ``url``, which ``run`` records as the source of a saved answer.
5. Its ``plangraph import {source}`` subcommand is a thin function in
   :mod:`plangraph.cli.imports` that builds the job and calls ``command.execute``.

Nothing here reads the network at import time; tests pass ``saved`` or a local server's URL.
"""

from __future__ import annotations

import collections
import hashlib
import json
import socket
import ssl
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plangraph import __version__, resources
from plangraph.importers.errors import FetchFailed, ImportFailed, UnexpectedResponse
from plangraph.importers.vocab import (
    OWL_VERSION_INFO,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    XSD_DATETIME,
    bilingual,
)
from plangraph.lang import Lang
from plangraph.namespaces import BASE, IMPORT_GRAPH_BASE, PREFIXES
from plangraph.store import LoadError, PlanStore

PROV = PREFIXES["prov"]
DCT = PREFIXES["dct"]

#: The software agent every import is associated with.
AGENT = ox.NamedNode(BASE + "agent/plangraph")

#: Seconds to wait for a source to connect and for each read, unless the caller says otherwise.
DEFAULT_TIMEOUT = 30.0

_USER_AGENT = f"plangraph/{__version__} (+https://w3id.org/plangraph)"


# -- what an importer declares ----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A national open-data source an importer reads."""

    key: str
    name: dict[str, str]
    license: str
    home: str
    calls: int
    per_seconds: float

    @property
    def english_name(self) -> str:
        """The source's name in English, as the importers' messages (in English) give it."""
        return self.name[Lang.en]


@dataclass(frozen=True)
class Request:
    """One HTTP request: a GET, or a POST of ``body`` (JSON unless ``content_type`` says else)."""

    url: str
    body: bytes | None = None
    content_type: str = "application/json"
    accept: str = "application/json"


ParseFunction = Callable[[Sequence[bytes]], Iterable[ox.Triple]]


@dataclass(frozen=True)
class ImportJob:
    """One import: which graph it writes, the requests it makes and how it reads the answers."""

    source: Source
    graph: str
    title: dict[str, str]
    requests: tuple[Request, ...]
    parse: ParseFunction


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    graph: str
    triples: int
    unchanged: bool
    urls: tuple[str, ...]
    retrieved: datetime | None


def graph_iri(source: Source, *parts: str) -> str:
    """The named graph of an import: ``…/graph/import/{source key}/{part}/…``."""
    return IMPORT_GRAPH_BASE + "/".join((source.key, *parts))


# -- the rate limit ---------------------------------------------------------------------------


class RateLimiter:
    """At most ``calls`` calls in any window of ``per_seconds`` seconds (a sliding window: the
    limit services such as SSB's state, "30 calls per 60 s"). :meth:`acquire` waits until a
    call is allowed. A token bucket of ``calls`` tokens would let almost twice as many calls
    through in the first window (the burst plus the refill), so it is not used. Thread-safe."""

    def __init__(
        self,
        calls: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if calls < 1 or per_seconds <= 0:
            raise ValueError("a rate limit needs at least one call per positive period")
        self.calls = calls
        self.window = float(per_seconds)
        self._clock = clock
        self._sleep = sleep
        self._recent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until one more call keeps within the limit, and count it; the seconds waited."""
        waited = 0.0
        with self._lock:
            now = self._clock()
            while self._recent and self._recent[0] <= now - self.window:
                self._recent.popleft()
            if len(self._recent) >= self.calls:
                # Wait until the oldest call of the window leaves it.
                waited = max(0.0, self._recent[0] + self.window - now)
                self._sleep(waited)
                self._recent.popleft()
                now = max(self._clock(), self._recent[-1] if self._recent else now)
            self._recent.append(now)
            return waited


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(source: Source) -> RateLimiter:
    """The process-wide rate limiter of a source."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(source.key)
        if limiter is None:
            limiter = _LIMITERS[source.key] = RateLimiter(source.calls, source.per_seconds)
        return limiter


# -- fetching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """The bytes a request was answered with, and when and from where they came."""

    url: str
    body: bytes
    retrieved: datetime | None
    saved: Path | None = None
    content_type: str = ""


def fetch(
    source: Source,
    request: Request,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    limiter: RateLimiter | None = None,
) -> Payload:
    """Fetch one request, after waiting for the source's rate limit; FetchFailed if it fails."""
    (limiter or limiter_for(source)).acquire()
    headers = {"User-Agent": _USER_AGENT, "Accept": request.accept}
    if request.body is not None:
        headers["Content-Type"] = request.content_type
    http_request = urllib.request.Request(
        request.url,
        data=request.body,
        headers=headers,
        method="POST" if request.body is not None else "GET",
    )
    where = f"{source.english_name} ({request.url})"
    retrieved = _now()
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        detail = _snippet(error.read())
        hint = " (too many requests: the source's rate limit)" if error.code == 429 else ""
        raise FetchFailed(
            f"{where} answered HTTP {error.code} {error.reason}{hint}"
            + (f": {detail}" if detail else "")
        ) from None
    except urllib.error.URLError as error:
        raise FetchFailed(f"{where} could not be reached: {_reason(error.reason)}") from None
    except TimeoutError:
        raise FetchFailed(f"{where} did not answer within {timeout:g} s") from None
    except OSError as error:
        raise FetchFailed(f"{where} could not be read: {_reason(error)}") from None
    return Payload(request.url, body, retrieved, None, content_type)


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the host name could not be resolved (offline, or no DNS?)"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, TimeoutError):
        return "no answer in time (timeout)"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed ({reason})"
    return str(reason)


def _snippet(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[:limit] + "…"


def read_saved(request: Request, path: Path) -> Payload:
    """A saved response to ``request``, read from a file; when it was retrieved is not known.

    If the file's folder has a ``sources.toml`` with an entry for the file (a table named after
    the file, with ``url``), that URL (the request the file answers) is recorded as the
    source; otherwise the URL of ``request``.
    """
    path = Path(path)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ImportFailed(
            f"{path}: the saved response cannot be read ({error.strerror})"
        ) from None
    return Payload(saved_url(path) or request.url, body, None, path)


def saved_url(path: Path) -> str | None:
    """The URL a saved response answers, as the ``sources.toml`` beside it records it."""
    listing = path.parent / "sources.toml"
    if not listing.is_file():
        return None
    try:
        with listing.open("rb") as handle:
            entry = tomllib.load(handle).get(path.name)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImportFailed(f"{listing}: cannot be read ({error})") from None
    if isinstance(entry, dict) and isinstance(entry.get("url"), str):
        return str(entry["url"])
    return None


# -- reading payloads -------------------------------------------------------------------------


def read_json(source: Source, body: bytes, what: str = "the response") -> Any:
    """Parse a JSON payload; an HTML page, empty or malformed text is UnexpectedResponse."""
    name = source.english_name
    text = body.lstrip()
    if not text:
        raise UnexpectedResponse(f"{name}: {what} is empty")
    if text[:1] == b"<":
        title = _html_title(text)
        raise UnexpectedResponse(
            f"{name}: {what} is an HTML page, not JSON (an error page?)"
            + (f": {title!r}" if title else "")
        )
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnexpectedResponse(
            f"{name}: {what} is not valid JSON ({error}); it starts {_snippet(body, 80)!r}"
        ) from None


def text_at(source: Source, data: Any, key: str, where: str) -> str:
    """The text at ``key`` of a JSON object, stripped; UnexpectedResponse naming ``where`` if
    ``data`` is no object or the text is missing or blank."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise UnexpectedResponse(f"{source.english_name}: {where} has no {key!r}")
    return value.strip()


def digits(text: str, count: int) -> bool:
    """Whether ``text`` is ``count`` ASCII digits and nothing else (a municipality number has
    four, an organisation number nine)."""
    return len(text) == count and text.isascii() and text.isdigit()


def _html_title(text: bytes) -> str:
    lower = text.lower()
    start = lower.find(b"<title>")
    end = lower.find(b"</title>", start)
    if start < 0 or end < 0:
        return ""
    return _snippet(text[start + 7 : end], 120)


# -- running an import ------------------------------------------------------------------------


def run(
    job: ImportJob,
    store: PlanStore,
    *,
    saved: Sequence[Path] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Run an import: fetch (or read ``saved``), parse, add provenance, replace the graph.

    Raises :class:`ImportFailed` (``FetchFailed``, ``UnexpectedResponse``) with the store as it
    was. ``force`` writes the graph even if the payloads are those last imported.
    """
    say = progress or (lambda _: None)
    started = _now()
    if saved is not None and len(saved) != len(job.requests):
        raise ImportFailed(
            f"{job.source.english_name}: the import makes {len(job.requests)} request(s), "
            f"but {len(saved)} saved response(s) were given"
        )
    payloads: list[Payload] = []
    for number, request in enumerate(job.requests):
        if saved is not None:
            say(f"reading the saved response {saved[number]}")
            payloads.append(read_saved(request, saved[number]))
        else:
            say(f"fetching {request.url}")
            payloads.append(fetch(job.source, request, timeout=timeout))

    sha = _content_sha(job, payloads)
    if not force and store.recorded_sha256(job.graph) == sha:
        say("unchanged since the last import")
        return ImportResult(
            job.graph,
            store.triple_count(job.graph),
            True,
            tuple(p.url for p in payloads),
            _retrieved(payloads),
        )

    say(f"reading {job.source.english_name}'s answer")
    try:
        triples = list(job.parse([p.body for p in payloads]))
    except UnexpectedResponse:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise UnexpectedResponse(
            f"{job.source.english_name}: the response does not have the shape plangraph reads "
            f"({type(error).__name__}: {error})"
        ) from None
    if not triples:
        raise UnexpectedResponse(f"{job.source.english_name}: the response holds no data to import")
    ended = _now()
    triples += provenance(job, payloads, _retrieved(payloads) or ended, started, ended)
    say(f"writing {len(triples):,} triples to {job.graph}")
    saved_files = [p.saved for p in payloads if p.saved is not None]
    if saved_files:
        origin = ", ".join(shown(f) for f in saved_files)
    elif len(payloads) == 1:
        origin = payloads[0].url
    else:
        origin = f"{job.source.home} ({len(payloads)} requests)"
    try:
        changed = store.replace_graph(
            job.graph, triples, sha256=sha, loaded_from=origin, force=force
        )
    except LoadError as error:
        raise ImportFailed(f"{job.source.english_name}: {error.message}") from None
    return ImportResult(
        job.graph,
        store.triple_count(job.graph),
        not changed,
        tuple(p.url for p in payloads),
        _retrieved(payloads),
    )


def provenance(
    job: ImportJob,
    payloads: Sequence[Payload],
    retrieved: datetime,
    started: datetime,
    ended: datetime,
) -> list[ox.Triple]:
    """The PROV-O record of an import, about its named graph.

    ``prov:generatedAtTime`` is when the payloads were retrieved; for saved responses, whose
    retrieval time is not known, it is when the import ran, and the activity says it read files.
    """
    graph = ox.NamedNode(job.graph)
    activity = ox.NamedNode(job.graph + "#import")
    triples = [
        ox.Triple(graph, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        ox.Triple(graph, ox.NamedNode(PROV + "generatedAtTime"), _datetime(retrieved)),
        ox.Triple(graph, ox.NamedNode(PROV + "wasGeneratedBy"), activity),
        ox.Triple(graph, ox.NamedNode(DCT + "license"), ox.NamedNode(job.source.license)),
        ox.Triple(graph, ox.NamedNode(DCT + "publisher"), ox.NamedNode(job.source.home)),
        ox.Triple(activity, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(activity, ox.NamedNode(PROV + "startedAtTime"), _datetime(started)),
        ox.Triple(activity, ox.NamedNode(PROV + "endedAtTime"), _datetime(ended)),
        ox.Triple(activity, ox.NamedNode(PROV + "wasAssociatedWith"), AGENT),
        ox.Triple(AGENT, RDF_TYPE, ox.NamedNode(PROV + "SoftwareAgent")),
        ox.Triple(AGENT, RDFS_LABEL, ox.Literal("plangraph")),
        ox.Triple(AGENT, OWL_VERSION_INFO, ox.Literal(__version__)),
    ]
    for lang, text in job.title.items():
        triples.append(ox.Triple(graph, RDFS_LABEL, ox.Literal(text, language=lang)))
    for payload in payloads:
        url = ox.NamedNode(payload.url)
        triples += [
            ox.Triple(graph, ox.NamedNode(PROV + "wasDerivedFrom"), url),
            ox.Triple(graph, ox.NamedNode(DCT + "source"), url),
            ox.Triple(activity, ox.NamedNode(PROV + "used"), url),
        ]
        if payload.saved is not None:
            triples += bilingual(
                activity,
                RDFS_COMMENT,
                f"Lest fra et lagret svar: {payload.saved.name}",
                f"Read from a saved response: {payload.saved.name}",
            )
    return triples


def shown(path: Path) -> str:
    """A file's path as records show it: relative to the project if it ships with it."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(resources.root().resolve()).as_posix()
    except (ValueError, FileNotFoundError):
        return str(resolved)


def _content_sha(job: ImportJob, payloads: Sequence[Payload]) -> str:
    digest = hashlib.sha256()
    digest.update(f"plangraph {__version__}\n{job.source.key}\n{job.graph}\n".encode())
    for payload in payloads:
        digest.update(f"{payload.url}\n{len(payload.body)}\n".encode())
        digest.update(payload.body)
    return digest.hexdigest()


def _retrieved(payloads: Sequence[Payload]) -> datetime | None:
    """When the payloads were fetched (the earliest), or None if any was read from a file."""
    times = [p.retrieved for p in payloads]
    if not times or any(t is None for t in times):
        return None
    return min(t for t in times if t is not None)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _datetime(moment: datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD_DATETIME)

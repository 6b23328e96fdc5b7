"""What the endpoint must know about a request's SPARQL text before the engine sees it.

pyoxigraph runs ``SERVICE`` and ``LOAD`` by making real HTTP requests, for anyone, with no
switch to turn them off. The endpoint therefore reads every query and update first and refuses
those before they reach the engine. It does so with a tokenizer that knows SPARQL's lexical
grammar: IRIs, the four kinds of strings, comments, variables, and the local-name escapes of
prefixed names (``ex:a\\#b`` holds no comment). Text inside those is never mistaken for a
keyword, and a keyword is found wherever the engine could read one, including where the engine
reads one glued to other text: oxigraph matches keywords by their letters only, so it runs
``SERVICE:ep {…}``, ``service<…>{}``, ``1.SERVICE <…> {}`` and ``?o.SERVICE <…> {}`` too (each
was checked against the engine; see ``tests/web/engine/test_query_text.py``). Any occurrence of
``service`` outside strings, IRIs, comments and variables counts as a ``SERVICE``, except inside
the local part of a prefixed name (``ex:hasService``), where the engine cannot start a keyword.
The rule errs on the side of refusing: a prefix whose name begins with "service" is refused.

The same tokens answer the other questions the protocol needs answered: the query form (for
content negotiation), whether the query names its own dataset (``FROM``), and where an update's
``WHERE`` is (to apply ``using-graph-uri``).

The tokens also bound how deep and how long a request may be: the engine parses and plans
recursively, and a few kilobytes of nested brackets or a long chain of patterns or operators
overflow a worker's stack and kill it. :data:`MAX_NESTING` and :data:`MAX_CHAIN` refuse such
text well before that (``DATA`` blocks of updates are flat and not counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from plangraph.namespaces import BASE, PREFIXES

# The character classes of the SPARQL 1.1 grammar (section 19.8).
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_VARNAME = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_CHARS = _VARNAME + r"\-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

# One token per match, with the whitespace and comments before it: ``lastgroup`` names the kind
# (None at the end of the text, where only whitespace or a comment is left).
_TOKEN = re.compile(
    rf"""
    (?:[\x20\t\r\n]+|\#[^\r\n]*)*
    (?:
      (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
    | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''
                |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*\"\"\"
                |'(?:[^'\\\r\n]|\\[\s\S])*'
                |"(?:[^"\\\r\n]|\\[\s\S])*")
    | (?P<var>[?$][{_VARNAME}]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>(?:[{_PN_CHARS}.:]|{_PLX})+)
    | (?P<punct>[\s\S])
    )?
    """,
    re.VERBOSE,
)

_SERVICE = re.compile(r"service", re.IGNORECASE | re.ASCII)
_LOAD = re.compile(r"load", re.IGNORECASE | re.ASCII)
_ESCAPE = re.compile(_UCHAR)
_IRI_BODY = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')
MAX_NESTING = 256
"""The deepest nesting of ``{``, ``(`` and ``[`` accepted (the engine's stack gives out past
about 2,200 braces or 4,700 parentheses)."""
MAX_CHAIN = 4000
"""The most separators, operators and ``UNION``/``OPTIONAL``/``MINUS`` keywords accepted in
one request outside ``DATA`` blocks (the engine's stack gives out past about 8,100 triple
patterns, 9,000 ``UNION`` arms or 9,000 chained ``+`` or ``/``)."""
_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")
_CHAINING = frozenset(".;,|/+*&-=<>!")
_CHAINING_WORDS = frozenset({"union", "optional", "minus"})
_FORMS = ("select", "construct", "describe", "ask")
_VOLATILE = frozenset({"now", "rand", "uuid", "struuid"})


class SparqlRefused(ValueError):
    """The text asks for something the endpoint does not do; the message says what and why,
    in English (``str()``) and, where the message is one a query's author meets, in Norwegian
    bokmål (:meth:`message`)."""

    def __init__(self, en: str, nb: str | None = None) -> None:
        super().__init__(en)
        self.texts = {"en": en, "nb": nb if nb is not None else en}

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``nb`` or ``en``): wholly in one language."""
        return self.texts.get(lang, self.texts["en"])


class Token(NamedTuple):
    """One lexical token: its kind (a group name of ``_TOKEN``), its text, where it starts, and
    the depth of braces it is at."""

    kind: str
    text: str
    start: int
    depth: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` that mean something (whitespace and comments left out)."""
    tokens: list[Token] = []
    append = tokens.append
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "punct":
            if value == "}":
                depth -= 1
            elif value == "{":
                append(Token(kind, value, match.start(kind), depth))
                depth += 1
                continue
        append(Token(kind, value, match.start(kind), depth))
    return tokens


def _unescape(iri: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), iri)


def _keyword_at(word: str, keyword: re.Pattern[str]) -> bool:
    """Whether the engine could read ``keyword`` somewhere in ``word`` (a residual token).

    It cannot only inside the local part of a prefixed name: after a ``:`` of the same token,
    and not right after a ``.`` (the engine ends ``ex:`` before ``.SERVICE``).
    """
    for found in keyword.finditer(word):
        at = found.start()
        inside_local_name = ":" in word[:at] and word[at - 1] != "."
        if not inside_local_name:
            return True
    return False


@dataclass(frozen=True)
class Shape:
    """What the endpoint knows about one query or update from its text alone."""

    tokens: tuple[Token, ...]
    prefixes: dict[str, str]
    base: str | None
    body_start: int
    """Index of the first token after the first prologue."""
    form: str | None
    """``select``, ``construct``, ``describe`` or ``ask`` for a query (None if unclear)."""
    names_dataset: bool
    """Whether a query has a ``FROM`` or ``FROM NAMED`` clause of its own."""
    services: tuple[str | None, ...]
    """The endpoint of each ``SERVICE`` the engine could read (None: not a plain IRI)."""
    loads: bool
    """Whether an update holds a ``LOAD`` operation (operations are at brace depth 0)."""
    volatile: bool
    """Whether the answer may differ from one run to the next on the same data: the text calls
    ``NOW()``, ``RAND()``, ``UUID()`` or ``STRUUID()`` (such answers are not cached)."""
    nesting: int = 0
    """The deepest nesting of brackets (``{``, ``(``, ``[``)."""
    chain: int = 0
    """How many separators, operators and ``UNION``/``OPTIONAL``/``MINUS`` keywords there are
    outside ``DATA`` blocks: a bound on the length of the engine's chains of joins."""


def _plain_endpoint(tokens: list[Token], i: int, prefixes: dict[str, str]) -> str | None:
    """``SERVICE [SILENT] <iri>`` or ``SERVICE [SILENT] ex:name``, written as separate tokens."""
    if tokens[i].lower != "service":
        return None
    rest = tokens[i + 1 : i + 3]
    if rest and rest[0].kind == "word" and rest[0].lower == "silent":
        rest = rest[1:]
    if not rest:
        return None
    target = rest[0]
    if target.kind == "iri":
        return _unescape(target.text[1:-1])
    if target.kind == "word" and ":" in target.text and "\\" not in target.text:
        prefix, local = target.text.split(":", 1)
        if prefix in prefixes and "%" not in local:
            return prefixes[prefix] + local
    return None


def read(text: str) -> Shape:
    """Tokenize ``text`` and read what the endpoint needs to know (cached by text: clients
    send the same queries again and again)."""
    if len(text) > _CACHE_TEXT_LIMIT:
        return _read(text)
    return _read_cached(text)


def _read(text: str) -> Shape:
    tokens = tokenize(text)
    prefixes: dict[str, str] = {}
    base: str | None = None
    body_start: int | None = None
    services: list[str | None] = []
    loads = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.kind
        if kind == "punct" and token.text == "\\":
            raise SparqlRefused(
                "codepoint escapes (\\u…) are only accepted inside strings and IRIs",
                "tegnkoder (\\u…) er bare tillatt inne i strenger og IRI-er",
            )
        if kind != "word":
            if body_start is None:
                body_start = i
            i += 1
            continue
        lower = token.lower
        if "service" in lower and _keyword_at(token.text, _SERVICE):
            services.append(_plain_endpoint(tokens, i, prefixes))
        if token.depth == 0 and "load" in lower and _keyword_at(token.text, _LOAD):
            loads = True
        if token.depth == 0 and lower == "base":
            if i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
                base = _unescape(tokens[i + 1].text[1:-1])
            i += 2
        elif token.depth == 0 and lower.startswith("prefix"):
            name = token.text[len("prefix") :]
            step = 1
            if not name and i + 1 < len(tokens) and tokens[i + 1].kind == "word":
                name = tokens[i + 1].text
                step = 2
            if name.endswith(":") and i + step < len(tokens) and tokens[i + step].kind == "iri":
                prefixes[name[:-1]] = _unescape(tokens[i + step].text[1:-1])
            i += step + 1
        else:
            if body_start is None:
                body_start = i
            i += 1
    if body_start is None:
        body_start = len(tokens)
    form = None
    if body_start < len(tokens) and tokens[body_start].kind == "word":
        first = tokens[body_start].lower
        form = next((f for f in _FORMS if first.startswith(f)), None)
    names_dataset = any(
        t.kind == "word" and t.depth == 0 and t.lower.startswith("from")
        for t in tokens[body_start:]
    )
    volatile = any(
        token.kind == "word"
        and token.lower in _VOLATILE
        and i + 1 < len(tokens)
        and tokens[i + 1].text == "("
        for i, token in enumerate(tokens)
    )
    nesting, chain = _measure(tokens)
    return Shape(
        tuple(tokens),
        prefixes,
        base,
        body_start,
        form,
        names_dataset,
        tuple(services),
        loads,
        volatile,
        nesting,
        chain,
    )


def _measure(tokens: list[Token]) -> tuple[int, int]:
    """The deepest nesting of brackets in ``tokens`` and the length of their chains."""
    depth = deepest = chain = 0
    data_until: int | None = None
    """The depth at which the ``DATA`` block being skipped ends (None: not in one)."""
    previous = ""
    for token in tokens:
        text = token.text
        if token.kind == "punct":
            if text in _OPEN:
                if text == "{" and previous == "data" and data_until is None:
                    data_until = depth
                depth += 1
                deepest = max(deepest, depth)
            elif text in _CLOSE:
                depth -= 1
                if data_until is not None and depth <= data_until:
                    data_until = None
            elif text in _CHAINING and data_until is None:
                chain += 1
        elif token.kind == "word" and data_until is None:
            lower = token.lower
            if lower in _CHAINING_WORDS or lower.endswith("."):
                chain += 1
        previous = token.lower if token.kind == "word" else ""
    return deepest, chain


_CACHE_TEXT_LIMIT = 64 * 1024
_read_cached = lru_cache(maxsize=1024)(_read)


def check_query(text: str, allowlist: frozenset[str]) -> Shape:
    """The shape of a query, or :class:`SparqlRefused` if it calls a service not allowed."""
    shape = read(text)
    _check_size(shape, "query")
    _check_services(shape, allowlist)
    return shape


def check_update(text: str, allowlist: frozenset[str]) -> Shape:
    """The shape of an update, or :class:`SparqlRefused` for ``LOAD`` or a service not allowed."""
    shape = read(text)
    _check_size(shape, "update")
    if shape.loads:
        raise SparqlRefused(
            "LOAD is not allowed: this endpoint does not fetch data from the web. "
            "Load files with `plangraph load` or send them with the Graph Store Protocol (/store)",
            "LOAD er ikke tillatt: dette endepunktet henter ikke data fra nettet. Last filer med "
            "`plangraph load` eller send dem med Graph Store-protokollen (/store)",
        )
    _check_services(shape, allowlist)
    return shape


def _check_size(shape: Shape, what: str) -> None:
    hva = "spørringen" if what == "query" else "oppdateringen"
    if shape.nesting > MAX_NESTING:
        raise SparqlRefused(
            f"the {what} is nested too deeply: {shape.nesting:,} levels of brackets "
            f"({{, ( and [ together); this endpoint accepts at most {MAX_NESTING:,}",
            f"{hva} er nøstet for dypt: {shape.nesting} nivåer av parenteser ({{, ( og [ "
            f"sammen); dette endepunktet tar høyst {MAX_NESTING}",
        )
    if shape.chain > MAX_CHAIN:
        raise SparqlRefused(
            f"the {what} is too long: {shape.chain:,} triple patterns, operators and "
            f"UNION/OPTIONAL/MINUS (counted by their separators); this endpoint accepts at "
            f"most {MAX_CHAIN:,} outside DATA blocks: split it into smaller requests",
            f"{hva} er for lang: {shape.chain} trippelmønstre, operatorer og "
            f"UNION/OPTIONAL/MINUS (talt etter skilletegnene); dette endepunktet tar høyst "
            f"{MAX_CHAIN} utenfor DATA-blokker: del den opp i mindre forespørsler",
        )


def _check_services(shape: Shape, allowlist: frozenset[str]) -> None:
    for endpoint in shape.services:
        if endpoint is None or endpoint not in allowlist:
            what = f"SERVICE <{endpoint}>" if endpoint else "SERVICE"
            listed = ", ".join(f"<{e}>" for e in sorted(allowlist))
            hint = (
                "the allow-list is empty (PLANGRAPH_SERVICE_ALLOWLIST)"
                if not allowlist
                else "allowed: " + listed
            )
            hint_nb = (
                "listen er tom (PLANGRAPH_SERVICE_ALLOWLIST)"
                if not allowlist
                else "tillatt: " + listed
            )
            raise SparqlRefused(
                f"{what} is not allowed: this endpoint only calls the federated endpoints on "
                f"its allow-list, named by a full IRI ({hint}). The word 'service' outside "
                "strings, IRIs and local names counts as SERVICE",
                f"{what} er ikke tillatt: dette endepunktet kaller bare de fødererte "
                f"endepunktene på listen sin, oppgitt med full IRI ({hint_nb}). Ordet "
                "'service' utenfor strenger, IRI-er og lokale navn regnes som SERVICE",
            )


def with_using(text: str, shape: Shape, using: list[str], using_named: list[str]) -> str:
    """``text`` with ``USING``/``USING NAMED`` clauses for the protocol's ``using-graph-uri``
    and ``using-named-graph-uri`` added to every ``DELETE``/``INSERT … WHERE`` operation.

    Raises :class:`SparqlRefused` if an operation has its own ``USING`` or ``WITH`` (the
    protocol forbids both at once), is a ``DELETE WHERE`` (which takes no ``USING``), or is
    written in a way this function does not follow (glued keywords).
    """
    if not using and not using_named:
        return text
    for iri in using + using_named:
        if not _IRI_BODY.fullmatch(iri):
            raise SparqlRefused(f"not an IRI: {iri!r}")
    clause = " " + " ".join(
        [f"USING <{iri}>" for iri in using] + [f"USING NAMED <{iri}>" for iri in using_named]
    )
    inserts: list[int] = []
    for operation in _operations(shape):
        words = [t for t in operation if t.kind == "word" and t.depth == 0]
        if not words:
            continue
        first = words[0].lower
        if not first.startswith(("with", "delete", "insert")):
            continue
        if first not in ("with", "delete", "insert"):
            raise SparqlRefused(
                f"could not apply using-graph-uri to '{words[0].text}'; write USING clauses in it"
            )
        names = [w.lower for w in words]
        if first == "with" or "using" in names:
            raise SparqlRefused(
                "the update has its own USING or WITH clause and the request also gives "
                "using-graph-uri or using-named-graph-uri: give the dataset one way only"
            )
        second = operation[1].lower if len(operation) > 1 else ""
        if second == "data":
            continue
        if first == "delete" and second == "where":
            raise SparqlRefused(
                "using-graph-uri cannot apply to DELETE WHERE { … }: write "
                "DELETE { … } WHERE { … } instead"
            )
        wheres = [w for w in words if w.lower == "where"]
        known = {"delete", "insert", "where", "using", "named"}
        if len(wheres) != 1 or any(
            ":" not in w.text and w.lower not in known and not w.text[0].isdigit() for w in words
        ):
            raise SparqlRefused(
                "could not apply using-graph-uri to this update; write USING clauses in it"
            )
        inserts.append(wheres[0].start)
    for at in sorted(inserts, reverse=True):
        text = text[:at] + clause.strip() + " " + text[at:]
    return text


def _operations(shape: Shape) -> list[list[Token]]:
    """The tokens of each operation of an update (split at ``;`` outside braces), prologue
    declarations left out."""
    operations: list[list[Token]] = [[]]
    skip = 0
    for token in shape.tokens:
        if skip:
            skip -= 1
            continue
        if token.kind == "punct" and token.text == ";" and token.depth == 0:
            operations.append([])
            continue
        if token.kind == "word" and token.depth == 0 and not operations[-1]:
            if token.lower == "base":
                skip = 1
                continue
            if token.lower == "prefix":
                skip = 2
                continue
            if token.lower.startswith("prefix"):
                skip = 1
                continue
        operations[-1].append(token)
    return operations


# ---------------------------------------------------------------------------------------------
# Prefixes the author left out, and syntax errors as an author can read them
# ---------------------------------------------------------------------------------------------

KNOWN_PREFIXES: Final[dict[str, str]] = {
    **PREFIXES,
    "dcterms": PREFIXES["dct"],
    "sh": "http://www.w3.org/ns/shacl#",
    "pgsh": BASE + "shapes#",
}
"""The prefixes a query may use without declaring them: the project's (those YASGUI shows,
:data:`plangraph.namespaces.PREFIXES`), ``dcterms:`` beside ``dct:``, and SHACL's ``sh:`` and
the shapes' ``pgsh:``."""

_PN_PREFIX = re.compile(rf"(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?")


@dataclass(frozen=True)
class Completed:
    """A query or update with the known prefixes it used without declaring them declared."""

    text: str
    """The text to run: the declarations, on the first line, before the text as given."""
    added: tuple[str, ...]
    """The prefixes declared, in the order of their first use."""
    shift: int
    """How many characters were put before the first line (so that the engine's columns on
    line 1 can be told as of the text as given)."""


class UnknownPrefix(SparqlRefused):
    """The text uses a prefix it does not declare and that plangraph does not know."""


def complete_prefixes(text: str) -> Completed:
    """``text`` with a ``PREFIX`` declaration for each prefix of :data:`KNOWN_PREFIXES` that it
    uses without declaring; :class:`UnknownPrefix` naming any other prefix it uses undeclared.

    The declarations go on the text's first line, before it, so line numbers stay as given.
    """
    shape = read(text)
    used: dict[str, Token] = {}
    for i, token in enumerate(shape.tokens):
        if token.kind != "word" or ":" not in token.text:
            continue
        if i and shape.tokens[i - 1].text == "<":
            continue  # the inside of an IRI that is not one (the engine says so)
        word = token.text.lstrip(".")
        if word.lower().startswith("prefix") and word.endswith(":"):
            continue  # a declaration glued to its keyword ("PREFIX" read with it)
        prefix = word.split(":", 1)[0]
        if prefix == "_" or prefix in shape.prefixes or not _PN_PREFIX.fullmatch(prefix):
            continue
        used.setdefault(prefix, token._replace(start=token.start + len(token.text) - len(word)))
    unknown = [p for p in used if p not in KNOWN_PREFIXES]
    if unknown:
        first = used[unknown[0]]
        line, column = position(text, first.start)
        names = ", ".join(f"{p}:" for p in unknown)
        raise UnknownPrefix(
            f"the prefix {names} is not declared (first used at line {line}, column {column}): "
            f"declare it with PREFIX {unknown[0]}: <…>; plangraph adds only its own "
            f"({', '.join(sorted(KNOWN_PREFIXES))})",
            f"prefikset {names} er ikke deklarert (først brukt på linje {line}, kolonne "
            f"{column}): deklarer det med PREFIX {unknown[0]}: <…>; plangraph legger bare til "
            f"sine egne ({', '.join(sorted(KNOWN_PREFIXES))})",
        )
    if not used:
        return Completed(text, (), 0)
    head = "".join(f"PREFIX {p}: <{KNOWN_PREFIXES[p]}> " for p in used)
    return Completed(head + text, tuple(used), len(head))


def position(text: str, offset: int) -> tuple[int, int]:
    """The line and column (both from 1, columns in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_ENGINE_ERROR = re.compile(r"(?:syntax error: )?error at (\d+):(\d+): (.*)", re.DOTALL)
_EXPECTED_ITEM = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|\[(?:[^\]']|'[^']*')*\]|[^,]+)\s*,?""")
_RULE_NAME = re.compile(r"[A-Za-z]+")
_SHOWN_ITEMS = 8
_SHOWN_TOKEN = 40


def syntax_message(
    text: str, engine_message: str, lang: str, shift: int = 0, *, query: bool = True
) -> str:
    """The engine's syntax error about ``text`` as one line an author can act on, wholly in
    ``lang`` (``nb`` or ``en``): where (line and column of the text as given, ``shift``
    characters having been put before its first line), the token found there, and what the
    grammar expected there when that is a short list of words or signs (never the engine's
    character classes). ``query``: the text is a query (not an update)."""
    nb = lang == "nb"
    found = _ENGINE_ERROR.fullmatch(engine_message.strip())
    if found is None:
        first = engine_message.strip().splitlines()[0] if engine_message.strip() else ""
        return ("syntaksfeil: " if nb else "syntax error: ") + first[:200]
    line, column = int(found.group(1)), int(found.group(2))
    if line == 1:
        column = max(1, column - shift)
    offset = _offset(text, line, column)
    token = _token_at(text, offset)
    if token is None:
        where = "ved slutten av teksten" if nb else "at the end of the text"
    else:
        shown = token.text if len(token.text) <= _SHOWN_TOKEN else token.text[:_SHOWN_TOKEN] + "…"
        where = f"ved «{shown}»" if nb else f"at '{shown}'"
        line, column = position(text, token.start)
    head = (
        f"syntaksfeil på linje {line}, kolonne {column}, {where}"
        if nb
        else f"syntax error at line {line}, column {column}, {where}"
    )
    shape = read(text)
    body = shape.tokens[shape.body_start] if shape.body_start < len(shape.tokens) else None
    if query and body is not None and shape.form is None and body.kind == "word":
        line, column = position(text, body.start)
        head = (
            f"syntaksfeil på linje {line}, kolonne {column}, ved «{body.text[:_SHOWN_TOKEN]}»"
            if nb
            else f"syntax error at line {line}, column {column}, at '{body.text[:_SHOWN_TOKEN]}'"
        )
        forms = "SELECT, CONSTRUCT, ASK " + ("eller" if nb else "or") + " DESCRIBE"
        return head + (
            f": en spørring begynner med {forms}" if nb else f": a query begins with {forms}"
        )
    expected = found.group(3).removeprefix("expected ").removeprefix("one of ")
    if "IRI parsing failed" in expected:
        return head + (": ikke en gyldig IRI" if nb else ": not a valid IRI")
    items = _expected_items(expected, nb)
    if not items:
        return head
    more = len(items) > _SHOWN_ITEMS
    listed = ", ".join(items[:_SHOWN_ITEMS]) + (" …" if more else "")
    if len(items) == 1:
        return head + (f": forventet {listed}" if nb else f": expected {listed}")
    return head + (f": forventet én av {listed}" if nb else f": expected one of {listed}")


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return min(start + column - 1, len(text))


def _token_at(text: str, offset: int) -> Token | None:
    """The token that holds ``offset``, else the next one; None at the end of the text."""
    for token in read(text).tokens:
        if token.start + len(token.text) > offset:
            return token
    return None


def _expected_items(expected: str, nb: bool) -> list[str]:
    """The words and signs of the engine's "expected" list (character classes left out, but
    for digits)."""
    items: list[str] = []
    for match in _EXPECTED_ITEM.finditer(expected):
        item = match.group(1).strip()
        if item == "['0'..='9']":
            items.append("et tall" if nb else "a number")
        if item.startswith('"') and item.endswith('"') and len(item) >= 2:
            sign = re.sub(r"\\(.)", r"\1", item[1:-1])
            if sign and sign not in items:
                items.append(f"'{sign}'")
        elif _RULE_NAME.fullmatch(item) and item not in items:
            items.append(item)
    return items

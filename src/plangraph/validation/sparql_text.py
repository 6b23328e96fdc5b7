"""The SPARQL of SHACL-SPARQL: reading a query of a shapes graph, checking it as the spec does,
and pre-binding its variables.

A query is read once, when the shapes are read (:func:`read`): its prefixed names are expanded
with the prefixes declared for it (``sh:prefixes``, following ``owl:imports`` inside the shapes
graph), and the spec's refusals are applied (SHACL §5.2.1 and §6.3): no ``MINUS``, no ``VALUES``,
no federated ``SERVICE``, a sub-``SELECT`` must return every pre-bound variable, and a
pre-bound variable is never assigned (``AS $this``). Each refusal is a :class:`QueryError`
that names the problem.

Pre-binding (§5.3.1) gives a pre-bound variable its value *everywhere* in the query, also in
``FILTER`` s of nested groups, ``UNION`` branches and sub-queries. :func:`substitute` does that
literally: it writes the value in place of the variable. :attr:`Query.join_safe` says whether the
cheaper way, joining ``$this`` with the focus nodes at the top of the query (one query for all
focus nodes), gives the same solutions: it does when ``$this`` occurs in expressions only in the
top group or under ``EXISTS`` (which Oxigraph evaluates by substitution), and never in a
sub-query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<bnode>_:[A-Za-z0-9_\u00C0-\uFFFF](?:[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF]|\.(?=[A-Za-z0-9_\-]))*)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF]|\.(?=[A-Za-z0-9_\-]))*)?:
      (?:[A-Za-z0-9_\-:%\u00B7\u00C0-\uFFFF]|\\[_~.\-!$&'()*+,;=/?\#@%]|\.(?=[A-Za-z0-9_\-:%]))*)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)

PRE_BOUND_NEVER_RETURNED = frozenset({"shapesGraph", "currentShape"})
"""Pre-bound variables a sub-query need not return: they are constants of the shapes graph."""


class QueryError(Exception):
    """A SHACL-SPARQL query the spec does not allow, or that is not SPARQL."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def var(self) -> str | None:
        return self.text[1:] if self.kind == "var" else None


def tokens(text: str) -> list[Token]:
    """The query's tokens (whitespace and comments included, so the text can be rebuilt)."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        found.append(Token(kind, match.group()))
    return found


def _significant(toks: list[Token]) -> list[tuple[int, Token]]:
    return [(i, t) for i, t in enumerate(toks) if t.kind not in ("ws", "comment")]


@dataclass(frozen=True)
class Query:
    """A SHACL-SPARQL query, read: its text with every prefixed name expanded."""

    text: str
    form: str  # "select" or "ask"
    variables: frozenset[str]  # every variable named in the query
    join_safe: bool

    def mentions(self, name: str) -> bool:
        return name in self.variables


def read(
    text: str,
    prefixes: Mapping[str, str],
    *,
    pre_bound: frozenset[str],
    form: str,
    where: str,
) -> Query:
    """Read and check a query. ``where`` names it in errors (the shape or constraint).

    Raises:
        QueryError: for a refused construct, an undeclared prefix, or the wrong query form.
    """
    toks = tokens(text)
    toks = _expand(toks, prefixes, where)
    significant = _significant(toks)
    words = [t.upper for _, t in significant]
    keyword = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), "")
    if keyword.lower() != form:
        raise QueryError(f"{where}: expected a {form.upper()} query, found {keyword or 'none'}")
    for refused, why in (
        ("MINUS", "MINUS"),
        ("VALUES", "VALUES"),
        ("SERVICE", "federated queries (SERVICE)"),
    ):
        if refused in words:
            raise QueryError(f"{where}: SHACL-SPARQL does not allow {why} in a query")
    variables = frozenset(t.var for _, t in significant if t.var is not None)
    used_pre_bound = (variables & pre_bound) - PRE_BOUND_NEVER_RETURNED
    for k, (_, t) in enumerate(significant):
        if t.upper == "AS" and k + 1 < len(significant):
            target = significant[k + 1][1].var
            if target in pre_bound:
                raise QueryError(
                    f"{where}: the query assigns the pre-bound variable ${target} (AS ${target})"
                )
    selects = [k for k, w in enumerate(words) if w == "SELECT"]
    subqueries = selects[1:] if form == "select" else selects
    for k in subqueries:
        projected = _projection(significant, k)
        if projected is None:
            raise QueryError(
                f"{where}: a sub-query with SELECT * does not return the pre-bound variables"
            )
        missing = used_pre_bound - projected
        if missing:
            names = ", ".join(f"${n}" for n in sorted(missing))
            raise QueryError(f"{where}: a sub-query must return the pre-bound variables ({names})")
    return Query(
        text="".join(t.text for t in toks),
        form=form,
        variables=variables,
        join_safe=_join_safe(significant, "this"),
    )


def _projection(significant: list[tuple[int, Token]], k: int) -> set[str] | None:
    """The variables a SELECT at significant index ``k`` projects by name (None for ``*``):
    ``?x`` at the top of the projection, and ``?x`` of ``(expression AS ?x)``."""
    names: set[str] = set()
    depth = 0
    following = significant[k + 1 :]
    for j, (_, t) in enumerate(following):
        if depth == 0 and (t.upper == "WHERE" or t.text == "{"):
            break
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif t.text == "*" and depth == 0:
            return None
        elif t.var is not None and (depth == 0 or (j > 0 and following[j - 1][1].upper == "AS")):
            names.add(t.var)
    return names


def _expand(toks: list[Token], prefixes: Mapping[str, str], where: str) -> list[Token]:
    """Prefixed names written as full IRIs; the query's own PREFIX and BASE declarations are
    used and dropped, so that the text stands alone."""
    declared = dict(prefixes)
    base: str | None = None
    out: list[Token] = []
    significant = _significant(toks)
    skip: set[int] = set()
    for k, (i, t) in enumerate(significant):
        if t.upper == "PREFIX" and k + 2 < len(significant):
            (j1, name), (j2, iri) = significant[k + 1], significant[k + 2]
            if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                declared[name.text[:-1]] = _resolve(iri.text[1:-1], base)
                skip.update((i, j1, j2))
        elif t.upper == "BASE" and k + 1 < len(significant):
            j1, iri = significant[k + 1]
            if iri.kind == "iri":
                base = iri.text[1:-1]
                skip.update((i, j1))
    for i, t in enumerate(toks):
        if i in skip:
            continue
        if t.kind == "pname":
            prefix, local = t.text.split(":", 1)
            if prefix not in declared:
                raise QueryError(
                    f"{where}: the prefix '{prefix}:' is not declared (declare it with "
                    "sh:prefixes/sh:declare in the shapes graph; imports are not fetched)"
                )
            local = re.sub(r"\\(.)", r"\1", local)
            out.append(Token("iri", f"<{declared[prefix]}{local}>"))
        elif t.kind == "iri" and base is not None:
            out.append(Token("iri", f"<{_resolve(t.text[1:-1], base)}>"))
        else:
            out.append(t)
    return out


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _join_safe(significant: list[tuple[int, Token]], name: str) -> bool:
    """Whether joining ``?name`` at the top gives the same solutions as substituting it."""
    frames: list[str] = []  # the kind of each open brace: top, exists, sub, group
    parens: list[int] = [0]
    pending_select = False
    previous = ""
    for _, t in significant:
        if t.upper == "SELECT":
            pending_select = bool(frames)  # a SELECT inside braces is a sub-query
        if t.text == "{":
            if not frames:
                kind = "top"
            elif pending_select:
                kind = "sub"
                pending_select = False
            elif previous == "EXISTS":
                kind = "exists"
            else:
                kind = "group"
            frames.append(kind)
            parens.append(0)
        elif t.text == "}":
            if frames:
                frames.pop()
                parens.pop()
        elif t.text == "(":
            parens[-1] += 1
        elif t.text == ")":
            parens[-1] -= 1
        elif t.var == name:
            if "sub" in frames:
                return False
            in_expression = parens[-1] > 0
            if in_expression and frames and frames[-1] != "top" and "exists" not in frames:
                return False
        previous = t.upper or t.text
    return True


def substitute(
    query: Query,
    values: Mapping[str, str],
    *,
    path: str | None = None,
) -> str:
    """The query text with pre-bound variables replaced by their values (SPARQL term text).

    A replaced variable in a projection becomes ``(value AS ?__name_n)``; in ``GROUP BY`` and
    ``ORDER BY`` it is parenthesised. ``$PATH`` becomes ``path`` (SPARQL property-path text).
    """
    toks = _bound_folded(tokens(query.text), values)
    out: list[str] = []
    in_projection = False
    in_ordering = False
    n = 0
    for k, t in enumerate(toks):
        word = t.upper
        if word == "SELECT":
            in_projection = True
        elif word == "WHERE" or t.text == "{":
            in_projection = False
        if word in ("GROUP", "ORDER"):
            in_ordering = True
        elif word in ("HAVING", "LIMIT", "OFFSET") or t.text in ("{", "}"):
            in_ordering = False
        name = t.var
        if name == "PATH" and path is not None:
            out.append(path)
            continue
        if name is None or name not in values:
            out.append(t.text)
            continue
        value = values[name]
        if in_projection and not _after_as(toks, k):
            n += 1
            out.append(f"({value} AS ?__{name}_{n})")
        elif in_ordering:
            out.append(f"({value})")
        else:
            out.append(value)
    return "".join(out)


def _bound_folded(toks: list[Token], values: Mapping[str, str]) -> list[Token]:
    """``BOUND($x)`` of a pre-bound variable is true (a value cannot stand in BOUND)."""
    significant = _significant(toks)
    drop: set[int] = set()
    replace: dict[int, Token] = {}
    for k in range(len(significant) - 3):
        (i0, t0), (_, t1), (_, t2), (i3, t3) = significant[k : k + 4]
        if t0.upper == "BOUND" and t1.text == "(" and t2.var in values and t3.text == ")":
            replace[i0] = Token("word", "(true)")
            drop.update(range(i0 + 1, i3 + 1))
    return [replace.get(i, t) for i, t in enumerate(toks) if i not in drop]


def _after_as(toks: list[Token], k: int) -> bool:
    for t in reversed(toks[:k]):
        if t.kind in ("ws", "comment"):
            continue
        return t.upper == "AS"
    return False


def inject_focus(query: Query, focus: str) -> str:
    """The SELECT query with ``focus`` (a group pattern binding ``?this``) first in its top
    group, ``?this`` projected and the solutions DISTINCT: the join form of pre-binding
    ``$this``."""
    toks = tokens(query.text)
    significant = _significant(toks)
    select = next(k for k, (_, t) in enumerate(significant) if t.upper == "SELECT")
    after = significant[select + 1][1] if select + 1 < len(significant) else None
    modifier = after is not None and after.upper in ("DISTINCT", "REDUCED")
    projection = _projection(significant, select)
    out: list[str] = []
    injected = False
    for i, t in enumerate(toks):
        if not injected and t.text == "{":
            out.append("{ " + focus + " ")
            injected = True
            continue
        out.append("?this" if t.var == "this" else t.text)
        if i == significant[select][0]:
            if not modifier:
                out.append(" DISTINCT")
            if projection is not None and "this" not in projection:
                out.append(" ?this")
        elif modifier and i == significant[select + 1][0] and after is not None:
            if after.upper == "REDUCED":
                out[-1] = "DISTINCT"
            if projection is not None and "this" not in projection:
                out.append(" ?this")
    return "".join(out)


def message_variables(template: str) -> Iterator[str]:
    """The variables a message template names (``{?x}`` or ``{$x}``)."""
    for match in re.finditer(r"\{[?$](\w+)\}", template):
        yield match.group(1)


def render(template: str, value_of: Callable[[str], str | None]) -> str:
    """A message template with ``{?x}``/``{$x}`` replaced (by "" when there is no value)."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: value_of(m.group(1)) or "", template)

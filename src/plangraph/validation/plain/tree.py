"""JSON and YAML read into a tree that remembers where every key and value stands.

YAML is composed by PyYAML (libyaml's C composer where it is installed, else the pure-Python
one): its nodes carry the line and column of every key and value, and nothing is constructed, so
no YAML tag can run code. Scalars are typed here by the YAML 1.2 core schema (``no`` stays text,
``2025-10-01`` stays text for the date reader), and a scalar keeps the text it was written as
(``4.10`` is not ``4.1``). Anchors and aliases are refused: an alias shares a node, and a few
lines of them can stand for gigabytes.

JSON is read by a small parser of its own, because the standard library's keeps no positions:
a regular-expression tokenizer and an explicit stack (no recursion), so nesting is counted
instead of overflowing.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from plangraph.validation.plain.problems import PlainError, Problem, Where, problem

MAX_DEPTH = 64
"""How deeply JSON and YAML may nest."""

Kind = Literal["map", "list", "scalar"]


@dataclass(eq=False, slots=True)
class Node:
    """A value of the document and where it stands.

    ``value`` is a list of ``(key, value)`` node pairs for a map (in document order, duplicates
    kept so that they can be reported), a list of nodes for a list, and ``str``, ``int``,
    ``float``, ``bool`` or ``None`` for a scalar; ``text`` is a scalar as it was written.
    """

    kind: Kind
    value: Any
    where: Where
    text: str = ""

    def pairs(self) -> list[tuple[Node, Node]]:
        assert self.kind == "map"
        return list(self.value)

    def items(self) -> list[Node]:
        assert self.kind == "list"
        return list(self.value)


def to_python(node: Node) -> Any:
    """The node as plain Python values (the last of duplicate keys wins, as in JSON)."""
    if node.kind == "scalar":
        return node.value
    if node.kind == "list":
        return [to_python(item) for item in node.value]
    return {str(k.value): to_python(v) for k, v in node.value}


# -- YAML -------------------------------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's composer where installed; scalars are typed here, not by PyYAML's resolvers."""

    yaml_implicit_resolvers: dict[str, Any] = {}  # noqa: RUF012  (PyYAML's class attribute)


_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _scalar(text: str) -> Any:
    """A plain (unquoted) YAML scalar typed by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def yaml_tree(text: str, source: str) -> Node:
    """The YAML document as a tree.

    Raises:
        PlainError: for malformed YAML, more than one document, anchors and aliases, or nesting
        deeper than :data:`MAX_DEPTH`.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Where(source, mark.line + 1, mark.column + 1) if mark else Where(source)
        what = str(error.problem or error.context or "malformed YAML")
        if "nesting depth" in what:
            what = f"the YAML is nested more than {MAX_DEPTH} levels deep"
        raise PlainError([problem(where, what, f"ugyldig YAML: {what}")]) from None
    except yaml.YAMLError as error:
        raise PlainError([problem(Where(source), str(error), f"ugyldig YAML: {error}")]) from None
    except RecursionError:
        raise PlainError([_too_deep(Where(source), "YAML")]) from None
    if root is None:
        raise PlainError([problem(Where(source), "the document is empty", "dokumentet er tomt")])
    return _convert(root, source)


def _convert(root: yaml.Node, source: str) -> Node:
    """PyYAML's nodes as :class:`Node` s, without recursion: each container is made with empty
    slots, and its children fill them as they come off the stack."""
    seen: set[int] = set()
    holder: list[Any] = [None]
    stack: list[tuple[yaml.Node, int, list[Any], int]] = [(root, 1, holder, 0)]
    while stack:
        node, depth, target, slot = stack.pop()
        mark = node.start_mark
        where = Where(source, mark.line + 1, mark.column + 1)
        if id(node) in seen:  # an alias: the same node a second time
            raise PlainError(
                [
                    problem(
                        where,
                        "YAML anchors and aliases (&name, *name) are not accepted",
                        "YAML-ankre og -aliaser (&navn, *navn) godtas ikke",
                    )
                ]
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise PlainError([_too_deep(where, "YAML")])
        if isinstance(node, yaml.ScalarNode):
            value = node.value if node.style else _scalar(node.value)
            target[slot] = Node("scalar", value, where, node.value)
        elif isinstance(node, yaml.MappingNode):
            pairs: list[list[Any]] = [[None, None] for _ in node.value]
            target[slot] = Node("map", pairs, where)
            for pair, (key, value_node) in zip(pairs, node.value, strict=True):
                stack.append((key, depth + 1, pair, 0))
                stack.append((value_node, depth + 1, pair, 1))
        else:
            items: list[Any] = [None] * len(node.value)
            target[slot] = Node("list", items, where)
            stack.extend((child, depth + 1, items, i) for i, child in enumerate(node.value))
    found: Node = holder[0]
    return found


# -- JSON -------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\n\r]+)
    |(?P<string>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")
    |(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
    |(?P<literal>true|false|null)
    |(?P<punct>[{}\[\]:,])""",
    re.VERBOSE,
)
_LITERALS = {"true": True, "false": False, "null": None}


class _Lines:
    def __init__(self, text: str, source: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.source = source

    def at(self, offset: int) -> Where:
        line = bisect.bisect_right(self.starts, offset)
        return Where(self.source, line, offset - self.starts[line - 1] + 1)


def json_tree(text: str, source: str) -> Node:
    """The JSON document as a tree (duplicate keys are kept, for the reader to report).

    Raises:
        PlainError: for malformed JSON or nesting deeper than :data:`MAX_DEPTH`.
    """
    lines = _Lines(text, source)
    tokens = _tokens(text, lines)

    def fail(offset: int, en: str, nb: str) -> PlainError:
        return PlainError([problem(lines.at(offset), en, nb)])

    # Each open container on the stack: [node, pending key node or None, expecting].
    # expecting: "value" (first item or after a comma), "key", "colon", "comma".
    stack: list[list[Any]] = []
    root: Node | None = None
    end = len(text)
    for kind, token, offset in tokens:
        if root is not None:
            raise fail(
                offset, "unexpected text after the JSON value", "uventet tekst etter JSON-verdien"
            )
        top = stack[-1] if stack else None
        state = top[2] if top else "value"
        if kind == "punct" and token in "}]":
            if top is None or (token == "}") != (top[0].kind == "map"):
                raise fail(offset, f"unexpected '{token}'", f"uventet «{token}»")
            if state not in ("comma", "first"):
                raise fail(
                    offset,
                    f"a value is missing before '{token}'",
                    f"en verdi mangler foran «{token}»",
                )
            node = stack.pop()[0]
            root = _attach(stack, node)
            continue
        if kind == "punct" and token == ",":
            if top is None or state != "comma":
                raise fail(offset, "unexpected ','", "uventet «,»")
            top[2] = "key" if top[0].kind == "map" else "value"
            continue
        if kind == "punct" and token == ":":
            if top is None or state != "colon":
                raise fail(offset, "unexpected ':'", "uventet «:»")
            top[2] = "value"
            continue
        if top is not None and top[0].kind == "map" and state in ("key", "first"):
            if kind != "string":
                raise fail(
                    offset,
                    "a key (in double quotes) was expected",
                    "en nøkkel (i anførselstegn) var ventet",
                )
            key = json.loads(token)
            top[1] = Node("scalar", key, lines.at(offset), key)
            top[2] = "colon"
            continue
        if top is not None and state == "colon":
            raise fail(offset, "a ':' was expected after the key", "«:» var ventet etter nøkkelen")
        if top is not None and state not in ("value", "first"):
            raise fail(
                offset,
                f"a ',' or a closing bracket was expected before {token[:20]!r}",
                f"«,» eller en avsluttende parentes var ventet foran {token[:20]!r}",
            )
        where = lines.at(offset)
        if kind == "punct":  # "{" or "["
            if len(stack) >= MAX_DEPTH:
                raise PlainError([_too_deep(where, "JSON")])
            container = Node("map" if token == "{" else "list", [], where)
            stack.append([container, None, "first"])
            continue
        if kind == "string":
            value: Any = json.loads(token)
        elif kind == "number":
            value = int(token) if re.fullmatch(r"-?[0-9]+", token) else float(token)
        else:
            value = _LITERALS[token]
        root = _attach(stack, Node("scalar", value, where, token))
    if stack or root is None:
        raise fail(end, "the JSON ends too early", "JSON-teksten slutter for tidlig")
    return root


def _attach(stack: list[list[Any]], node: Node) -> Node | None:
    """Put a finished value into the open container; the root when nothing is open."""
    if not stack:
        return node
    top = stack[-1]
    if top[0].kind == "map":
        top[0].value.append((top[1], node))
        top[1] = None
    else:
        top[0].value.append(node)
    top[2] = "comma"
    return None


def _tokens(text: str, lines: _Lines) -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    position = 0
    size = len(text)
    while position < size:
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if char == '"':
                en, nb = (
                    "a text in double quotes is not closed or has a bad escape",
                    ("en tekst i anførselstegn er ikke avsluttet eller har en ugyldig escape"),
                )
            else:
                en, nb = f"unexpected character {char!r}", f"uventet tegn {char!r}"
            raise PlainError([problem(lines.at(position), en, nb)])
        kind = match.lastgroup
        assert kind is not None
        if kind != "ws":
            found.append((kind, match.group(), position))
        position = match.end()
    return found


def _too_deep(where: Where, what: str) -> Problem:
    return problem(
        where,
        f"the {what} is nested more than {MAX_DEPTH} levels deep",
        f"{what}-teksten er nøstet dypere enn {MAX_DEPTH} nivåer",
    )

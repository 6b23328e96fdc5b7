"""The README's ``plangraph`` command block and the app agree: every command with every option,
and the choices of each option that has fixed ones (STYLE rule 7: one source, docs checked)."""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterator
from typing import Any

import typer.main

from plangraph.cli import app
from tests.support.paths import ROOT


def readme_lines() -> list[str]:
    """The block's commands, one a line (an indented line continues the one above)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The `plangraph` command\n", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    lines: list[str] = []
    for line in block.splitlines():
        if line.startswith(" "):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return lines


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, command) for every command of the app, down through its groups."""
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from commands(sub, (*path, name))
    else:
        yield path, command


def choices(command: Any, name: str) -> set[str] | None:
    """The values an option takes, if its type is an enum."""
    hint = typing.get_type_hints(command.callback, include_extras=True)[name]
    kind = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {str(member.value) for member in kind}
    return None


def test_the_readme_lists_every_command_with_its_options() -> None:
    root = typer.main.get_command(app)
    documented: dict[tuple[str, ...], list[str]] = {}
    for line in readme_lines():
        words = line.replace("[", " ").replace("]", " ").split()
        assert words[0] == "plangraph", line
        command, path = root, ()
        while hasattr(command, "commands") and words[len(path) + 1] in command.commands:
            command = command.commands[words[len(path) + 1]]
            path = (*path, words[len(path) + 1])
        assert not hasattr(command, "commands"), f"{line!r} names no command"
        assert path not in documented, f"plangraph {' '.join(path)} is in the README twice"
        documented[path] = words[len(path) + 1 :]

    in_app = dict(commands(root))
    only_readme = sorted(" ".join(p) for p in documented.keys() - in_app.keys())
    only_app = sorted(" ".join(p) for p in in_app.keys() - documented.keys())
    assert not only_readme and not only_app, f"README only: {only_readme}; app only: {only_app}"
    for path, command in in_app.items():
        where = f"plangraph {' '.join(path)}"
        words = documented[path]
        shown = {word for word in words if word.startswith("--")}
        options = [p for p in command.params if p.param_type_name == "option" and not p.hidden]
        names = {name for p in options for name in (*p.opts, *p.secondary_opts)}
        assert shown <= names, f"{where}: the README shows {shown - names}, which it does not take"
        for option in options:
            given = shown & {*option.opts, *option.secondary_opts}
            assert given, f"{where}: the README does not show {option.opts[0]}"
            values = choices(command, option.name)
            if values is None:
                continue
            shown_values = words[words.index(given.pop()) + 1]
            assert set(shown_values.split("|")) == values, (
                f"{where}: the README gives {shown_values} for {option.opts[0]}, "
                f"the app takes {'|'.join(sorted(values))}"
            )

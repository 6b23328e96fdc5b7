"""The ``plangraph`` command run in this process (Typer's ``CliRunner``): for the tests of what a
command does, where the child process itself is not what is tested. Each command keeps at least
one test through :func:`tests.support.paths.run_cli`, the real command in a child process."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from typer.testing import CliRunner

from plangraph.cli import common
from plangraph.cli.app import app


@dataclass(frozen=True)
class Ran:
    """What a command gave: as :class:`subprocess.CompletedProcess` names it."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, env: dict[str, str] | None = None) -> Ran:
    """Run ``plangraph ARGS`` in this process, with ``env`` added to the environment meanwhile.

    As wide as :func:`~tests.support.paths.run_cli` (200 columns), without colour. An exception
    that escapes the command is exit 1 with its traceback on standard error, as in a process."""
    for console in (common.out, common.err):
        console.width = 200
    result = CliRunner().invoke(
        app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    )
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return Ran(args, result.exit_code, result.stdout, stderr)

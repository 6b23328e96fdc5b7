"""The ``plangraph`` app: every command, registered here and nowhere else.

Each command group is a module of :mod:`plangraph.cli` holding plain functions; this module
names them. What they share (the store option, opening the store, exit codes, ``fail``) is in
:mod:`plangraph.cli.common`.
"""

from __future__ import annotations

import typer

from plangraph.cli import data, imports, publish, query, reason, serve, store, submit, validate

app = typer.Typer(
    name="plangraph",
    help="A knowledge graph of Norway's municipal plan system, Bergen kommune first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("load")(store.load)
app.command("info")(store.info)
app.command("synthetic")(data.synthetic)
app.command("serve")(serve.serve)
app.command("docs")(publish.docs)
app.command("catalog")(publish.catalog)
app.command("validate")(validate.validate)
app.command("submit")(submit.submit)
app.command("query")(query.query)
app.command("reason")(reason.reason)
app.add_typer(imports.app, name="import")


def main() -> None:
    """Entry point for ``python -m plangraph``."""
    app()

"""``plangraph validate``: validate plan submissions, or the whole loaded register.

Files are validated together with the register: the store's content, copied into memory through
a read-only handle (the store is never written, and may be held by a running server), or
plangraph's shipped datasets when there is no store. Copying costs time in proportion to the
store; ``--register`` reads the store in place and copies nothing. The names in a plain plan
(``owner: BBS``) are looked up in that same register.

``--shapes`` adds SHACL shapes of the user's own (``--only-shapes``: instead of plangraph's);
``--measures`` adds measures from a spreadsheet to a plain plan.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from plangraph.cli.common import EXIT_DONE, EXIT_PROBLEM, fail
from plangraph.lang import DEFAULT, Lang
from plangraph.validation import Report, render
from plangraph.validation.register import Register, RegisterError, open_store
from plangraph.validation.render import OutputFormat
from plangraph.validation.shapes import ShapesError, ShapesModel
from plangraph.validation.submission import FORMAT_HELP, SubmissionError, read_file
from plangraph.validation.validator import (
    ValidationEngine,
    shapes_model,
    shipped_register,
    validate_store,
)
from plangraph.validation.validator import validate as validate_files

TEXT_LIMIT = 50
"""How many findings per rule the text and HTML reports list (JSON and Turtle list all)."""


def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help=f"Plan submissions to validate together: {FORMAT_HELP}.", show_default=False
        ),
    ] = None,
    register: Annotated[
        bool,
        typer.Option("--register", help="Validate the whole loaded register instead of files."),
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="How to write the report.")
    ] = OutputFormat.text,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of the messages in text and HTML.")
    ] = DEFAULT,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="The store to validate against (with --register: the store to validate); only "
            "ever read. Default: $PLANGRAPH_STORE, else the default store; files are checked "
            "against plangraph's shipped datasets when there is no store.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="oxigraph (fast) or pyshacl (the reference).")
    ] = "oxigraph",
    all_findings: Annotated[
        bool,
        typer.Option(
            "--all", help=f"List every finding (text and HTML list {TEXT_LIMIT} per rule)."
        ),
    ] = False,
    shapes: Annotated[
        list[Path] | None,
        typer.Option(
            "--shapes",
            help="A SHACL shapes file of your own (Turtle, N-Triples, RDF/XML, JSON-LD), "
            "checked together with plangraph's shapes; repeatable.",
            show_default=False,
        ),
    ] = None,
    only_shapes: Annotated[
        bool,
        typer.Option(
            "--only-shapes", help="Use only the --shapes files, not plangraph's own shapes."
        ),
    ] = False,
    measures: Annotated[
        list[Path] | None,
        typer.Option(
            "--measures",
            help="A spreadsheet of measures (XLSX or CSV, a header row) to add to the plan "
            "(one plan in plain YAML or JSON); repeatable.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate plan submissions (or the whole register) against plangraph's rules.

    Each finding names the rule it breaks, its legal basis or source, and explains itself in
    Norwegian (nb) or English (en). Exit code 0: no violations; 1: violations; 2: input or usage
    error (an unreadable file, shapes that are not valid SHACL, a bad sheet of measures).
    """
    from plangraph.settings import Settings

    if engine not in ("oxigraph", "pyshacl"):
        fail(f"--engine must be oxigraph or pyshacl, not '{engine}'")
    chosen: ValidationEngine = "pyshacl" if engine == "pyshacl" else "oxigraph"
    if register and files:
        fail("give files or --register, not both")
    if not register and not files:
        fail("give one or more files to validate, or --register")
    if only_shapes and not shapes:
        fail("--only-shapes needs one or more --shapes files")
    if measures and (register or len(files or []) != 1):
        fail("--measures adds measures to one plan: give exactly one file (not --register)")
    settings = Settings()
    path = store if store is not None else settings.store
    remote = store is None and settings.backend_url is not None
    try:
        model = shapes_model(shapes, shipped_shapes=not only_shapes) if shapes else None
        if remote:
            report = _on_remote(
                files or [], register=register, engine=chosen, shapes=model, measures=measures
            )
        elif register:
            report = validate_store(
                open_store(path), description=f"the store at {path}", engine=chosen, shapes=model
            )
        else:
            against = _register(path, explicit=store is not None)
            submissions = [
                read_file(f, register=against, measures=measures or []) for f in files or []
            ]
            report = validate_files(submissions, register=against, engine=chosen, shapes=model)
    except SubmissionError as error:
        if error.problems:
            fail("\n".join(p.text(lang) for p in error.problems))
        fail(str(error))
    except (ShapesError, RegisterError) as error:
        fail(str(error))
    sys.stdout.write(render.render(report, output, lang, None if all_findings else TEXT_LIMIT))
    sys.stdout.flush()
    raise typer.Exit(EXIT_DONE if report.conforms else EXIT_PROBLEM)


def _on_remote(
    files: list[Path],
    *,
    register: bool,
    engine: ValidationEngine,
    shapes: ShapesModel | None,
    measures: list[Path] | None,
) -> Report:
    """Validate against the remote backend's register (a copy of its graphs in memory)."""
    from plangraph.backend import BackendError, local_copy
    from plangraph.cli.common import open_backend

    backend = open_backend(None)
    try:
        if register:
            copy = local_copy(backend)
            return validate_store(
                copy.raw, description=f"the store at {backend.where}", engine=engine, shapes=shapes
            )
        against = Register.from_backend(backend)
        submissions = [read_file(f, register=against, measures=measures or []) for f in files]
        return validate_files(submissions, register=against, engine=engine, shapes=shapes)
    except BackendError as error:
        fail(str(error))
    finally:
        backend.close()


def _register(path: Path, *, explicit: bool) -> Register:
    """The store's register if there is a store (it must exist if named), else the shipped one."""
    if explicit or path.is_dir():
        return Register.from_store(path)
    return shipped_register()

"""``plangraph submit``: take plans into the embedded store's register, if they conform.

The same as ``POST /submissions``, into the store on disk directly: each file is read (names of
a plain plan resolved against the store's register), validated against the register, and, if it
conforms (warnings and info allowed), stored as its plan's new version with its provenance
(:mod:`plangraph.validation.intake`); the previous version stays as history. If the store holds
inferences, they are brought up to date afterwards (as the server does after a write, unless
``PLANGRAPH_REFRESH_INFERENCES=false``). A store a running server holds is exit 2: submit to
the server (``POST /submissions``) instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from plangraph.cli.common import EXIT_DONE, EXIT_PROBLEM, StoreOption, err, fail, open_store
from plangraph.lang import DEFAULT, Lang
from plangraph.store import PlanStore
from plangraph.validation import render
from plangraph.validation.intake import (
    IntakeError,
    plan_of,
    provenance,
    register_of,
    store_plan,
    without_current,
)
from plangraph.validation.register import Register
from plangraph.validation.render import OutputFormat
from plangraph.validation.submission import FORMAT_HELP, SubmissionError, read_file
from plangraph.validation.validator import validate


def submit(
    files: Annotated[
        list[Path],
        typer.Argument(
            help=f"Plans to submit, one plan per file: {FORMAT_HELP}.", show_default=False
        ),
    ],
    who: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who submits (the provenance's prov:wasAttributedTo) "
            "[default: $PLANGRAPH_UPDATE_TOKEN_NAME, else update-token].",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="How to write each report.")
    ] = OutputFormat.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the messages.")] = DEFAULT,
) -> None:
    """Validate plans against the store's register and store each one that conforms as its new
    version (the old one stays as history).

    Exit code 0: every plan was stored; 1: a plan has violations (it was not stored; the others
    were); 2: usage or input error, or the store is held by a running server (nothing stored).
    """
    from plangraph.settings import Settings

    settings = Settings()
    path = store if store is not None else settings.store
    if not path.is_dir():
        fail(f"no store at {path} (load one with 'plangraph load')")
    data = {}
    for file in files:
        try:
            data[file] = file.read_bytes()
        except OSError as error:
            fail(f"{file}: {error.strerror or error}")
    plan_store = open_store(path)
    try:
        register = _register(plan_store.raw, path)
        submissions = []
        for file in files:  # every file read before anything is stored
            try:
                submission = read_file(file, register=register)
            except SubmissionError as error:
                fail(str(error))
            submissions.append((file, submission))
        checked = []
        for file, submission in submissions:  # every plan checked before anything is stored
            try:
                plan: str | None = plan_of(submission, register)
            except IntakeError as error:
                fail(f"{file}: {error}")
            assert plan is not None
            with without_current(register, plan_store.raw, plan):
                report = validate([submission], register=register)
            sys.stdout.write(render.render(report, output, lang))
            sys.stdout.flush()
            checked.append((file, submission, report, plan if report.conforms else None))
        code = EXIT_DONE
        for file, submission, report, plan in checked:
            if plan is None:
                err.print(f"{file}: not stored (violations)", highlight=False)
                code = EXIT_PROBLEM
                continue
            record = provenance(who or settings.update_token_name, file.name, data[file], report)
            stored = store_plan(plan_store.raw, plan, submission.triples, record)
            replaced = f", replacing {stored.revision_of}" if stored.revision_of else ""
            err.print(
                f"{file}: stored {stored.plan} as version {stored.version} in <{stored.graph}>"
                f"{replaced}",
                highlight=False,
                soft_wrap=True,
            )
        if settings.refresh_inferences and any(plan for *_, plan in checked):
            _refresh(plan_store)
    finally:
        plan_store.close()
    raise typer.Exit(code)


def _register(store: ox.Store, path: Path) -> Register:
    """The register the store holds now, copied into memory."""
    return register_of(store, f"the store at {path}")


def _refresh(plan_store: PlanStore) -> None:
    """Bring the inferences up to date if the store holds them."""
    from plangraph import reasoning

    if plan_store.raw.contains_named_graph(ox.NamedNode(reasoning.INFERRED_GRAPH)):
        result = reasoning.reason(plan_store)
        if not result.skipped:
            err.print(f"inferences brought up to date ({result.triples:,} triples)")

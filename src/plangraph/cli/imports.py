"""``plangraph import``: one subcommand per source of national open data, each a thin client of
its importer module and of :func:`plangraph.importers.base.run`.

A subcommand builds its importer's :class:`~plangraph.importers.base.ImportJob` from its options
and hands it to :func:`execute`, which opens the store, shows progress on stderr, runs the job and
reports. Exit codes: 0 done (also when nothing had changed), 2 the import could not be done (the
source unreachable, an unexpected answer, bad options); the store is then as it was. Every
subcommand takes ``--saved FILE`` (a saved response instead of the live service), ``--timeout``
and ``--force`` through the shared option types below. The importer modules themselves know
nothing of the command line.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from plangraph.cli.common import StoreOption, err, fail, open_store, out
from plangraph.importers import base
from plangraph.importers.errors import ImportFailed
from plangraph.namespaces import GRAPH_BASE

app = typer.Typer(
    name="import",
    help="Import national open data (Statistics Norway, ...) into its own named graph, with "
    "its provenance. Use --saved FILE to import a saved response instead of the live service.",
    no_args_is_help=True,
)

SavedOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--saved",
        help="Read the service's answer from this saved file instead of fetching it (repeat "
        "once per request if the import makes several).",
        show_default=False,
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option("--timeout", min=0.1, help="Seconds to wait for the service before giving up."),
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Write the graph even if the answer is the one last imported."),
]


def execute(
    job: base.ImportJob,
    store: Path | None,
    *,
    saved: list[Path] | None,
    timeout: float,
    force: bool,
) -> base.ImportResult:
    """Run ``job`` against the store at ``store`` (or the configured one) and report."""
    plan_store = open_store(store)
    try:
        with err.status(f"importing {job.title['en']}") as status:
            result = base.run(
                job,
                plan_store,
                saved=saved,
                timeout=timeout,
                force=force,
                progress=lambda what: status.update(what),
            )
    except ImportFailed as error:
        fail(f"{error}\nnothing was imported: the store at {plan_store.path} is as it was")
    finally:
        plan_store.close()
    name = result.graph.removeprefix(GRAPH_BASE)
    if result.unchanged:
        out.print(
            f"{job.title['en']}: unchanged since the last import ({name}, {result.triples:,} triples)"
        )
    else:
        out.print(f"imported {job.title['en']}: {result.triples:,} triples into {name}")
    return result


# -- the subcommands, one per source --------------------------------------------------------


@app.command("ssb")
def ssb_command(
    table: Annotated[
        str, typer.Option("--table", help="The statistics bank table, five digits (07459).")
    ],
    region: Annotated[
        str,
        typer.Option(
            "--region",
            help="A municipality number (4601; K-4601 and the pre-2020 1201 mean the same), "
            "'all' for every municipality, or 'none' for a table without a region variable.",
        ),
    ] = "4601",
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="VARIABLE=CODES for another variable of the table (Kjonn=0), or to narrow the "
            "contents or periods (Tid=from(2015)); repeat as needed.",
            show_default=False,
        ),
    ] = None,
    region_variable: Annotated[
        str,
        typer.Option(
            "--region-variable",
            help="The table's region variable (KOSTRA tables: KOKkommuneregion0000).",
        ),
    ] = "Region",
    lang: Annotated[str, typer.Option("--lang", help="Language of SSB's labels: no or en.")] = "no",
    saved: SavedOption = None,
    timeout: TimeoutOption = base.DEFAULT_TIMEOUT,
    force: ForceOption = False,
    store: StoreOption = None,
) -> None:
    """Import a table of Statistics Norway's statistics bank as Data Cube observations.

    Fetches the table for one municipality (or all) from PxWebApi v2 as JSON-stat 2.0, at most
    30 calls a minute, or reads a saved answer with --saved.
    """
    from plangraph.importers import ssb

    pairs: list[tuple[str, str]] = []
    for item in select or []:
        name, equals, codes = item.partition("=")
        if not equals or not name.strip() or not codes.strip():
            fail(f"--select {item!r}: give it as VARIABLE=CODES, such as Kjonn=0")
        pairs.append((name.strip(), codes.strip()))
    if lang not in ("no", "en"):
        fail(f"--lang {lang!r}: SSB answers in 'no' or 'en'")
    try:
        job = ssb.job(table, region, region_variable=region_variable, select=pairs, lang=lang)
    except ValueError as error:
        fail(f"{error}")
    execute(job, store, saved=saved, timeout=timeout, force=force)


# -- municipalities, organisations and themes (klass.py, brreg.py, los.py) --------------------


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r}: give a date as YYYY-MM-DD, such as 2017-01-01")


@app.command("klass")
def klass_command(
    start: Annotated[
        str, typer.Option("--from", help="The first day of the period (YYYY-MM-DD).")
    ] = "2017-01-01",
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="The day after the period (YYYY-MM-DD) [default: no end, up to today].",
            show_default=False,
        ),
    ] = None,
    saved: SavedOption = None,
    timeout: TimeoutOption = base.DEFAULT_TIMEOUT,
    force: ForceOption = False,
    store: StoreOption = None,
) -> None:
    """Import the municipality numbers (SSB's classification 131) with their validity.

    Records the days each number was valid and the changes between them (1201 Bergen became
    4601 in 2020). Makes two requests to KLASS: give --saved twice, the codes answer, then the
    changes answer.
    """
    from plangraph.importers import klass

    first = _day("--from", start)
    last = _day("--to", end) if end is not None else None
    try:
        job = klass.municipalities_job(first, last)
    except ValueError as error:
        fail(f"--from/--to: {error}")
    execute(job, store, saved=saved, timeout=timeout, force=force)


@app.command("klass-orgnr")
def klass_orgnr_command(
    saved: SavedOption = None,
    timeout: TimeoutOption = base.DEFAULT_TIMEOUT,
    force: ForceOption = False,
    store: StoreOption = None,
) -> None:
    """Import every municipality's organisation number (KLASS correspondence table 1236).

    The municipality as an organisation (the national data catalogue's IRI), linked to its
    municipality number.
    """
    from plangraph.importers import klass

    execute(klass.organisations_job(), store, saved=saved, timeout=timeout, force=force)


@app.command("brreg")
def brreg_command(
    numbers: Annotated[
        list[str],
        typer.Argument(
            help="Organisation numbers in the business register (nine digits; 964338531 is "
            "Bergen kommune).",
            show_default=False,
        ),
    ],
    saved: SavedOption = None,
    timeout: TimeoutOption = base.DEFAULT_TIMEOUT,
    force: ForceOption = False,
    store: StoreOption = None,
) -> None:
    """Import organisations from the business register (Enhetsregisteret) by number.

    Each into its own graph: name, organisation form, parent unit and the municipality of the
    business address. Numbers are checked (nine digits, modulus 11) before anything is fetched.
    """
    from plangraph.importers import brreg

    try:
        jobs = [brreg.organisation_job(number) for number in numbers]
    except brreg.InvalidOrganisationNumber as error:
        fail(str(error))
    if saved is not None and len(jobs) != 1:
        fail("--saved: give one organisation number with a saved answer")
    for job in jobs:
        execute(job, store, saved=saved, timeout=timeout, force=force)


@app.command("los")
def los_command(
    saved_dir: Annotated[
        Path | None,
        typer.Option(
            "--saved-dir",
            help="Read the saved answers from this folder, one {theme}.rdf a theme, instead "
            "of fetching them (data/saved/los/tema holds them).",
            show_default=False,
            exists=True,
            file_okay=False,
        ),
    ] = None,
    timeout: TimeoutOption = base.DEFAULT_TIMEOUT,
    force: ForceOption = False,
    store: StoreOption = None,
) -> None:
    """Import the Los themes (Digdir's vocabulary for public services) as link targets.

    The fourteen main themes and the sub-theme Planer (plans), one request a theme.
    """
    from plangraph.importers import los

    saved = None
    if saved_dir is not None:
        saved = [saved_dir / f"{slug}.rdf" for slug in los.THEMES]
        missing = [path.name for path in saved if not path.is_file()]
        if missing:
            fail(f"--saved-dir {saved_dir}: no {', '.join(missing)} there")
    execute(los.themes_job(), store, saved=saved, timeout=timeout, force=force)

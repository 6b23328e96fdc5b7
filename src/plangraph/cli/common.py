"""What every ``plangraph`` command module shares: the ``--store`` option and opening the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from plangraph.settings import Settings
from plangraph.store import PlanStore, StoreLockedError

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Folder of the embedded store [default: $PLANGRAPH_STORE, else "
        "$XDG_DATA_HOME/plangraph/store, else ~/.local/share/plangraph/store].",
        show_default=False,
    ),
]


def open_store(store: Path | None, err: Console) -> PlanStore:
    """Open ``store`` (or the configured one); a store another process holds is exit 2."""
    path = store if store is not None else Settings().store
    try:
        return PlanStore.open(path)
    except StoreLockedError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None

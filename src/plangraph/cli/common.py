"""What every ``plangraph`` command shares: the consoles, the ``--store`` option, one way to open
the store, the exit codes and one way to fail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from plangraph.backend import Backend, BackendError, RemoteBackend
from plangraph.store import PlanStore, StoreLockedError

EXIT_DONE: Final = 0
"""The job is done (``validate``: the input conforms)."""
EXIT_PROBLEM: Final = 1
"""The job ran and found a problem (``validate``: violations; ``reason``: an inconsistency)."""
EXIT_USAGE: Final = 2
"""Bad usage or input (an unreadable file, a store another process holds): nothing changed."""

out = Console()
"""Standard output: the answer."""
err = Console(stderr=True)
"""Standard error: progress, notes and errors."""

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Folder of the embedded store [default: $PLANGRAPH_STORE, else "
        "$XDG_DATA_HOME/plangraph/store, else ~/.local/share/plangraph/store]. Without it, "
        "$PLANGRAPH_BACKEND_URL names a remote SPARQL store to use instead.",
        show_default=False,
    ),
]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``error: MESSAGE`` on standard error, as it is (no markup), and exit with ``code``."""
    err.print(Text.assemble(("error:", "red"), " ", message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def open_store(store: Path | None) -> PlanStore:
    """Open ``store`` (default: the configured one); a store another process holds is exit 2.

    For the commands that work on the embedded store only: without ``store``, a remote backend
    set in ``$PLANGRAPH_BACKEND_URL`` is exit 2 (it must not be passed over in silence)."""
    if store is None:
        from plangraph.settings import Settings

        settings = Settings()
        if settings.backend_url is not None:
            refuse_remote()
        store = settings.store
    try:
        return PlanStore.open(store)
    except StoreLockedError as error:
        fail(str(error))


def open_backend(store: Path | None) -> Backend:
    """The backend to work on: the embedded store at ``store`` if given, else the remote store
    at ``$PLANGRAPH_BACKEND_URL`` if set, else the configured embedded store; a store another
    process holds, or a remote one that does not answer, is exit 2."""
    from plangraph.backend import EmbeddedBackend
    from plangraph.settings import Settings

    settings = Settings()
    if store is None and settings.backend_url is not None:
        remote = RemoteBackend.of(settings)
        try:
            remote.version()
        except BackendError as error:
            remote.close()
            fail(str(error))
        return remote
    return EmbeddedBackend(open_store(store))


def refuse_remote() -> NoReturn:
    """Exit 2: this command does not work on a remote backend yet."""
    fail(
        "this command works on the embedded store only, not yet on the remote backend "
        "PLANGRAPH_BACKEND_URL names (plangraph load, info, query, reason and validate do); "
        "unset it, or give --store"
    )

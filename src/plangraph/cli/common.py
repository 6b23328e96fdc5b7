"""What every ``plangraph`` command shares: the consoles, the ``--store`` option, one way to open
the store (and one to read it beside a running server), the exit codes and one way to fail.

A store has one read-write handle at a time (RocksDB's lock). A running ``plangraph serve``
holds it in its writer process, which takes a *generation* after every change: a RocksDB
checkpoint in ``<store>.generations/``, which nobody writes to (:mod:`plangraph.web.engine.pool`).
The commands that only read (``query``, ``info``, ``catalog``) read the newest generation of a
store a server holds, as the server's own readers do, and so answer what the server answers.
They do not open the live store read-only: RocksDB does not promise a read-only handle on a
folder another process writes to (its compactions delete files under the reader). The
generation is hard-linked into a private folder first (milliseconds: no data is copied), so that
the server may delete its generation when it takes the next one. A store held by anything else
(``plangraph load``, ``import``, ``reason``) is being written: the command says so and stops.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from plangraph.backend import Backend, BackendError, RemoteBackend
from plangraph.store import PlanStore, StoreLockedError

if TYPE_CHECKING:
    import pyoxigraph as ox

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


def fail(message: str, code: int = EXIT_USAGE, *, lang: str = "en") -> NoReturn:
    """Print ``error: MESSAGE`` on standard error, as it is (no markup), and exit with ``code``;
    ``feil:`` for a message in Norwegian (``lang="nb"``), so that the line is in one language."""
    word = "feil:" if lang == "nb" else "error:"
    err.print(Text.assemble((word, "red"), " ", message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def store_path(store: Path | None) -> Path:
    """``store``, else the configured store."""
    if store is None:
        from plangraph.settings import Settings

        return Settings().store
    return store


def open_store(store: Path | None) -> PlanStore:
    """Open ``store`` (default: the configured one) for writing; a store another process holds
    is exit 2, with a message that names the holder when it can. For the commands that work on
    the embedded store only: without ``store``, a remote backend set in
    ``$PLANGRAPH_BACKEND_URL`` is exit 2 (it must not be passed over in silence).

    The holder is looked for before the store is opened: opening finishes an interrupted load
    (:func:`plangraph.store.PlanStore.open`), and a load another process is running looks
    interrupted from outside."""
    if store is None:
        from plangraph.settings import Settings

        if Settings().backend_url is not None:
            refuse_remote()
    path = store_path(store)
    holder = _holder(path)
    if holder is not None:
        fail(_held_message(path, holder))
    try:
        return PlanStore.open(path)
    except StoreLockedError:
        fail(_held_message(path, _holder(path)))


@dataclass(frozen=True)
class Reading:
    """A store opened to be read: the store itself, or the newest generation a server serves."""

    store: PlanStore
    path: Path
    """The store's folder (not the private view of a generation)."""
    generation: str | None = None
    """The server's generation read (None: the store itself)."""

    @property
    def shown(self) -> str:
        """How to name what is read, for a title."""
        if self.generation is None:
            return str(self.path)
        return f"{self.path} (as the running server serves it, generation {self.generation})"


@contextlib.contextmanager
def reading_store(store: Path | None) -> Iterator[Reading]:
    """The store to read (default: the configured one), closed afterwards: the store itself,
    or, while a ``plangraph serve`` holds it, the server's newest generation (see the module's
    documentation). A store another command is writing is exit 2."""
    path = store_path(store)
    holder = _holder(path)
    if holder is None:
        try:
            plan_store = PlanStore.open(path)
        except StoreLockedError:
            holder = _holder(path)  # taken in between, or unknown where /proc/locks is not
        else:
            try:
                yield Reading(plan_store, path)
            finally:
                plan_store.close()
            return
    if holder is not None and not holder.serves:
        fail(_held_message(path, holder))
    view = _served_view(path)
    if view is None:
        fail(_held_message(path, holder))
    folder, generation, raw = view
    reading = Reading(PlanStore(raw, None), path, generation)
    del raw
    try:
        yield reading
    finally:
        reading.store.close()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class _Holder:
    pid: int
    command: str

    @property
    def serves(self) -> bool:
        """Whether the holder is the writer of a running ``plangraph serve``."""
        return "plangraph.web.engine.worker" in self.command and " writer " in self.command


def _holder(path: Path) -> _Holder | None:
    """The process that holds the store's lock, from ``/proc/locks`` (None where unknown)."""
    try:
        lock = os.stat(path / "LOCK")
        with open("/proc/locks", encoding="ascii") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return None
    device = f"{os.major(lock.st_dev):02x}:{os.minor(lock.st_dev):02x}:{lock.st_ino}"
    for line in lines:
        fields = line.split()
        if len(fields) > 5 and fields[5] == device and fields[4].isdigit():
            pid = int(fields[4])
            if pid == os.getpid():
                continue  # this process holds it (a test that opens a store twice)
            try:
                raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                return _Holder(pid, "")
            return _Holder(pid, " ".join(raw.decode(errors="replace").split("\0")) + " ")
    return None


def _held_message(path: Path, holder: _Holder | None) -> str:
    if holder is not None and holder.serves:
        return (
            f"the store at {path} is served by a running `plangraph serve` (its writer is "
            f"process {holder.pid}): stop the server to use this command, or write through the "
            "server (SPARQL updates at /sparql, files at /store, with its update token)"
        )
    who = f"process {holder.pid}" if holder is not None else "another process"
    words = holder.command.split() if holder is not None else []
    for i, word in enumerate(words[:4]):
        if word.rsplit("/", 1)[-1] == "plangraph" and i + 1 < len(words):
            who += f" (plangraph {words[i + 1]})"
            break
    return (
        f"the store at {path} is held by {who}, which is writing to it: wait until it has "
        "finished, then try again (or use another --store)"
    )


def _served_view(path: Path) -> tuple[Path, str, ox.Store] | None:
    """The newest generation of the server over ``path``, hard-linked into a private folder
    beside the store and opened read-only: (folder, generation, pyoxigraph store), or None if
    there is no generation. A generation the server deletes while it is being linked is
    skipped for the next newest."""
    import pyoxigraph as ox

    generations = path.with_name(path.name + ".generations")
    _sweep_views(path)
    for _ in range(5):
        try:
            found = sorted(
                (g for g in generations.iterdir() if g.name.isdigit() and g.is_dir()),
                key=lambda g: g.name,
            )
        except OSError:
            return None
        if not found:
            return None
        newest = found[-1]
        folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.view-{os.getpid()}-", dir=path.parent))
        try:
            for entry in os.scandir(newest):
                if entry.is_file() and entry.name != "LOCK" and not entry.name.startswith("LOG"):
                    os.link(entry.path, folder / entry.name)
            return folder, newest.name, ox.Store.read_only(str(folder))
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
    return None


def _sweep_views(path: Path) -> None:
    """Remove the views left by commands that did not finish (their process is gone)."""
    for old in path.parent.glob(f".{path.name}.view-*"):
        pid = old.name.removeprefix(f".{path.name}.view-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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


@contextlib.contextmanager
def reading_backend(store: Path | None) -> Iterator[Backend]:
    """The backend to read, closed afterwards: the remote store at ``$PLANGRAPH_BACKEND_URL``
    if set and no ``store`` is given, else the embedded store as :func:`reading_store` reads it
    (the newest generation while a ``plangraph serve`` holds it)."""
    from plangraph.backend import EmbeddedBackend
    from plangraph.settings import Settings

    if store is None and Settings().backend_url is not None:
        remote = open_backend(None)
        try:
            yield remote
        finally:
            remote.close()
        return
    with reading_store(store) as reading:
        yield EmbeddedBackend(reading.store, shown=reading.shown)

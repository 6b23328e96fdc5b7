"""The engine's pool of worker processes: deadlines, over store generations.

pyoxigraph has no timeout and no cancel, so a query that runs away can only be stopped by
stopping the process that runs it. The engine therefore keeps the store out of the server
process altogether (see :mod:`plangraph.web.engine.worker`):

* one *writer* process holds the store open for writing and, after every change, takes a new
  *generation*: a RocksDB checkpoint in ``<store>.generations/`` (hard links);
* a pool of *reader* processes answer queries, each on the newest generation when it starts a
  job; a generation is deleted once no reader has it open and a newer one exists.

After a write to a store that holds inferences (``plangraph reason``), the writer brings them
up to date in the background (a :class:`~.jobs.Reason` job, :data:`REFRESH_TIMEOUT`), then takes
another generation. A write that comes during a refresh stops it and goes first; the refresh
runs again after it, and again if its writer died under it. At start-up the writer tells from
the load records whether the store's inferences lag behind its data
(:func:`~.worker.inferences_behind`); if they do, they are refreshed the same way.

Every worker is started from one thread and dies with the server, even on ``kill -9`` (see
:func:`plangraph.web.engine.worker._die_with_parent`).

A job past its deadline has its process killed (SIGKILL) and replaced, and the caller gets a
:class:`~.jobs.Failed` with status 503. A killed writer loses only the write it was running:
pyoxigraph commits a transaction whole or not at all.

Readers are a pool: the one used last answers next (its caches are warm); when all are busy,
more start, up to a maximum, so that a quick query does not queue behind slow ones; readers
beyond the minimum stop after a while idle.

:meth:`Engine.aread` is for the event loop: it waits on the worker's socket without a thread.
The other calls block their thread until the answer or the deadline; the web layer runs them on
worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import itertools
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from plangraph.web.engine.jobs import (
    Answer,
    Done,
    Dump,
    Failed,
    Graphs,
    Imports,
    Open,
    ReadJob,
    Reason,
    Serialized,
    Statistics,
    TripleCounts,
    WriteJob,
    message,
)
from plangraph.web.engine.worker import PARENT_VARIABLE

if TYPE_CHECKING:
    from plangraph.publish.catalog import Imported
    from plangraph.store import GraphInfo

A = TypeVar("A")

_WRITER_START_TIMEOUT = 300.0
_TRIM_EVERY = 5.0  # seconds between looks for idle readers to stop
_IDLE_LIMIT = 30.0  # seconds a reader beyond the minimum may stay idle
_STOP_GRACE = 2.0
_ROOM = 16 << 20
"""After a write refused for lack of space, the disk counts as full until this many bytes more
are free than were then (or a write succeeds)."""
_REFRESH_ATTEMPTS = 3
"""How many times a refresh of the inferences is tried when its writer dies under it."""
REFRESH_TIMEOUT = 900.0
"""Deadline of a refresh of the inferences after a write, in seconds."""

logger = logging.getLogger("plangraph.engine")


class EngineError(RuntimeError):
    """The engine could not start (the store is locked, or cannot be opened)."""


class StreamError(RuntimeError):
    """A streamed answer failed: before its first chunk, or part-way (then the answer is cut)."""

    def __init__(self, failed: Failed) -> None:
        super().__init__(failed.message)
        self.failed = failed


@dataclass
class _Generation:
    path: Path
    users: int = 0


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    generation: _Generation | None = None
    idle_since: float = 0.0

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the process and close the connection; more than once, from more than one
        thread (the engine stopping while a deadline kills the same worker), is harmless."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):  # closed meanwhile by the other thread
            self.conn.close()


@dataclass(eq=False)
class _Waiter:
    """A request waiting for a reader: a thread (``event``) or a coroutine (``future``, on
    ``loop``). :meth:`Engine._give` hands a reader to the first in line."""

    event: threading.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[_Worker] | None = None
    reader: _Worker | None = None


def _spawn(role: str, *args: str) -> _Worker:
    """Start ``python -m plangraph.web.engine.worker ROLE FD ARGS…`` with a connection to it.

    A fresh interpreter, like multiprocessing's ``spawn``, but one that never re-imports the
    parent's ``__main__`` (so any script, notebook or server can start an engine). The worker
    learns the server's process id (:data:`~.worker.PARENT_VARIABLE`), so that it dies with it.
    """
    ours, theirs = socket.socketpair()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "plangraph.web.engine.worker",
                role,
                str(theirs.fileno()),
                *args,
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env={**os.environ, PARENT_VARIABLE: str(os.getpid())},
        )
    finally:
        theirs.close()
    return _Worker(process, Connection(ours.detach()))


class Engine:
    """Readers, a writer and the generations between them, for the store at ``store_path``."""

    def __init__(
        self,
        store_path: Path,
        readers: int,
        max_readers: int | None = None,
        *,
        refresh_inferences: bool = True,
    ) -> None:
        self.store_path = Path(store_path)
        self._refresh = refresh_inferences
        self.generations_dir = self.store_path.with_name(self.store_path.name + ".generations")
        self._min = readers
        self._max = max(readers, max_readers or readers)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        # Idle readers, a stack: at low load the reader used last, its caches warm, answers
        # again; the pool grows up to ``max_readers`` when every reader is busy (so that a quick
        # query does not wait behind slow ones) and shrinks back when readers stay idle.
        self._idle: list[_Worker] = []
        # Requests waiting for a reader when none is idle and the pool is full, first come first
        # served; a reader coming back goes straight to the first (threads and coroutines alike).
        self._waiters: collections.deque[_Waiter] = collections.deque()
        self._spawning = 0
        self._stopping = threading.Event()
        self._readers: list[_Worker] = []
        self._writer: _Worker | None = None
        self._current: _Generation | None = None
        self._counter = itertools.count()
        # Answers of read jobs that depend on the store's content only, per job, with the
        # generation they were read from.
        self._per_generation: dict[ReadJob[Any], tuple[_Generation, Any]] = {}
        self._running = False
        self._refresh_asked = False
        self._refresh_active = False
        self._crashes = 0
        """How many workers died in the middle of a job (not counting deadline kills)."""
        # Every worker is started from this one thread, which lives as long as the engine: a
        # worker dies with the thread that started it (see worker._die_with_parent).
        self._spawner: ThreadPoolExecutor | None = None
        # The inferences: whether they lag behind the data (as the load records told the
        # writer at start-up, or since a write), since when (None: not known), whether a
        # refresh is running, and why the last one failed.
        self._behind = False
        self._stale_since: float | None = None
        self._refreshing = False
        self._refresh_failure: str | None = None
        self._writes_waiting = 0
        self._preempt = threading.Event()
        # Free bytes on the store's disk when a write last failed for lack of space (None: the
        # last write did not).
        self._full_at: int | None = None

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer (which opens the store) and the readers; raise EngineError if the
        store cannot be opened."""
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="plangraph-spawn")
        self._running = True
        try:
            self._start_writer(fresh=True)
        except BaseException:
            self._running = False
            self._spawner.shutdown()
            raise
        for _ in range(self._min):
            self._add_reader()
        self._stopping.clear()
        threading.Thread(target=self._trim, name="plangraph-trim", daemon=True).start()
        if self._behind and self._refresh:
            logger.warning(
                "the inferences do not follow from the data in %s; refreshing them",
                self.store_path,
            )
            self._refresh_inferences()

    def stop(self) -> None:
        """Stop every worker and delete the generations."""
        self._running = False
        self._stopping.set()
        with self._lock:
            workers = [*self._readers, *([self._writer] if self._writer else [])]
            self._readers.clear()
            self._idle.clear()
            self._writer = None
        for w in workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        deadline = time.monotonic() + _STOP_GRACE
        for w in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                w.process.wait(max(0.0, deadline - time.monotonic()))
            w.kill()
        if self._spawner is not None:
            self._spawner.shutdown()
        shutil.rmtree(self.generations_dir, ignore_errors=True)

    def _spawn(self, role: str, *args: str) -> _Worker:
        """Start a worker, from the spawner thread."""
        spawner = self._spawner
        if spawner is None:
            raise EngineError("the engine is not running")
        try:
            return spawner.submit(_spawn, role, *args).result()
        except RuntimeError as error:  # shut down: the engine stopped meanwhile
            raise EngineError("the engine stopped") from error

    @property
    def running(self) -> bool:
        return self._running

    @property
    def generation(self) -> str:
        """The name of the newest generation (changes after every write)."""
        current = self._current
        return current.path.name if current else ""

    def health(self) -> dict[str, Any]:
        """What the engine can do now: readers up, the writer up and able to write (not on a
        full disk), how far behind the inferences are, free disk, crashes; ``problems`` says in
        words why the store cannot take writes or answer queries (empty: it can)."""
        with self._lock:
            readers = sum(1 for w in self._readers if w.alive())
            writer = self._writer is not None and self._writer.alive()
        free = self.free_bytes()
        full = self._full_at is not None and (free is None or free <= self._full_at + _ROOM)
        behind, since = self._behind, self._stale_since
        behind_seconds = None if not behind or since is None else round(time.time() - since, 1)
        problems: list[str] = []
        if not self._running:
            problems.append("the engine is not running")
        if not readers:
            problems.append("no query worker is up")
        if not writer:
            problems.append("the writer is not up: the store cannot take writes")
        if full:
            problems.append(
                f"the disk that holds the store is full ({free or 0:,} bytes free): the last "
                "write was refused for lack of space"
            )
        return {
            "readers": readers,
            "max_readers": self._max,
            "writer": writer,
            "generation": self.generation,
            "crashes": self._crashes,
            "inferences": {
                "current": not behind,
                "behind_seconds": behind_seconds,
                "refreshing": self._refreshing,
                "last_failure": self._refresh_failure,
                "problem": _inferences_problem(behind, behind_seconds, self._refresh_failure),
            },
            "disk": {"free_bytes": free, "full": full},
            "problems": problems,
        }

    def free_bytes(self) -> int | None:
        """Free bytes on the disk that holds the store (None if it cannot be told)."""
        try:
            return shutil.disk_usage(self.store_path.parent).free
        except OSError:
            return None

    def _next_generation_path(self) -> Path:
        return self.generations_dir / f"{next(self._counter):06d}"

    def _start_writer(self, *, fresh: bool) -> None:
        first = self._next_generation_path()
        w = self._spawn("writer", str(self.store_path), str(first), "fresh" if fresh else "again")
        try:
            if not w.conn.poll(_WRITER_START_TIMEOUT):
                w.kill()
                raise EngineError(f"the store at {self.store_path} did not open in time")
            status, found, *behind = w.conn.recv()
        except (EOFError, OSError):
            w.kill()
            raise EngineError(
                f"the writer stopped while opening {self.store_path} (exit {w.process.returncode})"
            ) from None
        if status != "ready":
            w.kill()
            raise EngineError(found.message if isinstance(found, Failed) else str(found))
        with self._lock:
            if self._running:
                self._writer = w
                self._set_current(Path(found))
                if fresh and behind and behind[0][0]:
                    # The store was left so (loaded again after `plangraph reason`, or a
                    # refresh that did not finish): behind since the records say, if they do.
                    self._behind, self._stale_since = True, behind[0][1]
                return
        w.kill()  # the engine stopped while the writer opened the store

    def _add_reader(self) -> None:
        reader = self._spawn("reader")
        self._join(reader)
        self._give(reader)

    def _join(self, reader: _Worker) -> None:
        """Count a started reader in the pool; if the engine stopped meanwhile, stop it."""
        with self._lock:
            if self._running:
                self._readers.append(reader)
                return
        reader.kill()
        raise EngineError("the engine stopped")

    # -- the pool of readers -----------------------------------------------------------------

    def _give(self, reader: _Worker) -> None:
        """Hand a reader to the first request waiting for one, or put it among the idle ones."""
        reader.idle_since = time.monotonic()
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.event is not None:
                    waiter.reader = reader
                    waiter.event.set()
                    return
                assert waiter.loop is not None
                with contextlib.suppress(RuntimeError):  # its loop closed: the next in line
                    waiter.loop.call_soon_threadsafe(self._arrive, waiter, reader)
                    return
            self._idle.append(reader)

    def _arrive(self, waiter: _Waiter, reader: _Worker) -> None:
        """A reader reaches a coroutine that waited for it (on its loop), unless it stopped
        waiting in the meantime: then the reader goes to the next in line."""
        assert waiter.future is not None
        if waiter.future.done():
            self._give(reader)
        else:
            waiter.future.set_result(reader)

    def _take_or_wait(self, waiter: _Waiter) -> tuple[_Worker | None, bool]:
        """``(reader, False)`` for an idle reader; ``(None, True)`` if the pool may grow (the
        caller starts the reader, :meth:`_grow`); else ``(None, False)`` with ``waiter`` in line."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), False
            if self._running and len(self._readers) + self._spawning < self._max:
                self._spawning += 1
                return None, True
            self._waiters.append(waiter)
            return None, False

    def _withdraw(self, waiter: _Waiter) -> _Worker | None:
        """Take ``waiter`` out of line; the reader it was handed meanwhile, if any (threads)."""
        with self._lock:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            return waiter.reader

    def _grow(self) -> _Worker:
        """Start one more reader for the caller (after :meth:`_take_or_wait` said so)."""
        try:
            reader = self._spawn("reader")
        finally:
            with self._lock:
                self._spawning -= 1
        self._join(reader)
        return reader

    def _give_started(self, growing: asyncio.Future[_Worker]) -> None:
        if not growing.cancelled() and growing.exception() is None:
            self._give(growing.result())

    def _take(self, deadline: float) -> _Worker | None:
        """An idle reader, or a new one if all are busy and the pool may grow; else wait in line
        for one until ``deadline`` (None if none came). Blocks its thread."""
        while True:
            event = threading.Event()
            waiter = _Waiter(event=event)
            reader, grow = self._take_or_wait(waiter)
            if grow:
                return self._grow()
            if reader is None:
                event.wait(max(0.0, deadline - time.monotonic()))
                reader = self._withdraw(waiter)
                if reader is None:
                    return None
            if reader.alive():
                return reader
            self._replace(reader, writer=False)  # died while idle (out of memory?)

    async def _atake(self, deadline: float) -> _Worker | None:
        """:meth:`_take` for the event loop: waits in line without a thread."""
        loop = asyncio.get_running_loop()
        while True:
            waiter = _Waiter(loop=loop, future=loop.create_future())
            reader, grow = self._take_or_wait(waiter)
            if grow:
                growing = loop.run_in_executor(None, self._grow)
                try:
                    return await asyncio.shield(growing)
                except asyncio.CancelledError:  # the reader, once started, joins the pool
                    growing.add_done_callback(self._give_started)
                    raise
            if reader is None:
                assert waiter.future is not None
                try:
                    async with asyncio.timeout_at(_loop_time(loop, deadline)):
                        reader = await waiter.future
                except (TimeoutError, asyncio.CancelledError) as error:
                    # Out of line. A reader still on its way finds the future cancelled and
                    # goes on to the next (_arrive); one that came just as the wait ended goes
                    # back from here.
                    self._withdraw(waiter)
                    if waiter.future.done() and not waiter.future.cancelled():
                        self._give(waiter.future.result())
                    waiter.future.cancel()
                    if isinstance(error, TimeoutError):
                        return None
                    raise
            if reader.alive():
                return reader
            await loop.run_in_executor(None, self._replace_reader, reader)

    def _trim(self) -> None:
        """Stop the readers beyond the minimum that stayed idle for a while."""
        while not self._stopping.wait(_TRIM_EVERY):
            doomed: list[_Worker] = []
            with self._lock:
                limit = time.monotonic() - _IDLE_LIMIT
                while (
                    len(self._readers) > self._min
                    and self._idle
                    and self._idle[0].idle_since < limit
                ):
                    reader = self._idle.pop(0)
                    self._readers.remove(reader)
                    doomed.append(reader)
            for reader in doomed:
                with contextlib.suppress(OSError, ValueError):
                    reader.conn.send(None)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    reader.process.wait(_STOP_GRACE)
                reader.kill()
                with self._lock:  # its generation may go once the reader is gone
                    if reader.generation is not None:
                        reader.generation.users -= 1
                        self._release(reader.generation)
                        reader.generation = None

    # -- generations -------------------------------------------------------------------------

    def _set_current(self, path: Path) -> None:
        """Make ``path`` the newest generation (lock held)."""
        old = self._current
        self._current = _Generation(path)
        if old is not None:
            self._release(old)

    def _release(self, generation: _Generation) -> None:
        """Delete a generation nobody reads and nobody will (lock held)."""
        if generation is not self._current and generation.users <= 0:
            shutil.rmtree(generation.path, ignore_errors=True)

    def _bind(self, reader: _Worker) -> _Generation:
        """Point ``reader`` at the newest generation, for its next job."""
        with self._lock:
            current = self._current
            assert current is not None
            old = reader.generation
            if old is not current:
                current.users += 1
                reader.generation = current
                if old is not None:
                    old.users -= 1
                    self._release(old)
            return current

    # -- reading ---------------------------------------------------------------------------

    def read(
        self, job: ReadJob[A], timeout: float, cancel: threading.Event | None = None
    ) -> Answer[A]:
        """Run a read job on a reader, within ``timeout``. Blocks its thread.

        A reader that dies under the job (killed, out of memory) costs the job nothing: it runs
        again on another reader, once, within the same deadline."""
        return self._read(job, time.monotonic() + timeout, timeout, cancel, retry=True)

    def _read(
        self,
        job: ReadJob[A],
        deadline: float,
        timeout: float,
        cancel: threading.Event | None,
        *,
        retry: bool,
    ) -> Answer[A]:
        reader = self._take(deadline)
        if reader is None:
            return self._busy(timeout)
        generation = self._bind(reader)
        sent = message(str(generation.path), job)
        reply = self._exchange(reader, sent, deadline, timeout, cancel)
        if isinstance(reply, Failed):
            if retry and reply.crashed and deadline > time.monotonic():
                return self._read(job, deadline, timeout, cancel, retry=False)
            return reply
        return _read_answer(reply, generation.path.name)

    def _exchange(
        self,
        w: _Worker,
        sent: tuple[str, str, tuple[Any, ...]],
        deadline: float,
        timeout: float,
        cancel: threading.Event | None,
        *,
        writer: bool = False,
    ) -> tuple[Any, ...] | Failed:
        """Send a job to a worker and wait for its reply (a large body read in full)."""
        try:
            w.conn.send(sent)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (cancel is not None and cancel.is_set()):
                    self._replace(w, writer=writer)
                    if cancel is not None and cancel.is_set():
                        return _GONE
                    return self._timed_out(timeout, writer=writer)
                if w.conn.poll(min(remaining, 0.25)):
                    break
            reply: tuple[Any, ...] = w.conn.recv()
            if reply[0] == "bytes" and reply[2] is None:
                reply = ("bytes", reply[1], w.conn.recv_bytes())
        except (EOFError, OSError) as error:
            self._crashed(w, sent, error, writer=writer)
            self._replace(w, writer=writer)
            return _stopped(error)
        if not writer:
            self._give(w)
        return reply

    async def aread(
        self,
        job: ReadJob[A],
        timeout: float,
        gone: Callable[[], Awaitable[bool]] | None = None,
    ) -> Answer[A]:
        """:meth:`read` for the event loop: it waits in line for a reader and for the reader's
        answer without a thread (the loop watches the reader's socket), and stops the job if
        ``gone()`` says that the client went away. Only slow paths (starting a reader, a large
        job or answer, a replacement) use a thread. A reader that dies under the job costs it
        nothing, as for :meth:`read`."""
        return await self._aread(job, time.monotonic() + timeout, timeout, gone, retry=True)

    async def _aread(
        self,
        job: ReadJob[A],
        deadline: float,
        timeout: float,
        gone: Callable[[], Awaitable[bool]] | None,
        *,
        retry: bool,
    ) -> Answer[A]:
        loop = asyncio.get_running_loop()
        if job.large:  # sent by a thread
            return await loop.run_in_executor(
                None, lambda: self._read(job, deadline, timeout, None, retry=retry)
            )
        reader = await self._atake(deadline)
        if reader is None:
            return self._busy(timeout)
        generation = self._bind(reader)
        fd = reader.conn.fileno()
        # One future per wait: True when the worker's socket is readable, False when a slice
        # of the wait (at most a second, to ask whether the client is still there) is over.
        waiting: asyncio.Future[bool] = loop.create_future()

        def readable() -> None:
            if not waiting.done():
                waiting.set_result(True)

        def slice_over(future: asyncio.Future[bool]) -> None:
            if not future.done():
                future.set_result(False)

        sent = message(str(generation.path), job)
        try:
            reader.conn.send(sent)
            loop.add_reader(fd, readable)
            try:
                stopped = None
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        stopped = self._timed_out(timeout, writer=False)
                        break
                    timer = loop.call_later(min(remaining, 1.0), slice_over, waiting)
                    try:
                        if await waiting:
                            break
                    finally:
                        timer.cancel()
                    if gone is not None and await gone():
                        stopped = _GONE
                        break
                    waiting = loop.create_future()
            finally:
                loop.remove_reader(fd)
                os.set_blocking(fd, True)  # uvloop makes a watched socket non-blocking
            if stopped is not None:
                await loop.run_in_executor(None, self._replace_reader, reader)
                return stopped
            reply = reader.conn.recv()
            if reply[0] == "bytes" and reply[2] is None:  # a large answer: read on a thread
                reply = (
                    "bytes",
                    reply[1],
                    await loop.run_in_executor(None, reader.conn.recv_bytes),
                )
        except (EOFError, OSError) as error:
            self._crashed(reader, sent, error, writer=False)
            await loop.run_in_executor(None, self._replace_reader, reader)
            if retry and deadline > time.monotonic():
                return await self._aread(job, deadline, timeout, gone, retry=False)
            return _stopped(error)
        self._give(reader)
        return _read_answer(reply, generation.path.name)

    def _crashed(
        self,
        w: _Worker,
        sent: tuple[str, str, tuple[Any, ...]],
        error: BaseException,
        *,
        writer: bool,
    ) -> None:
        """Count and log a worker that died in the middle of a job, with what it was doing."""
        if not self._running:
            return  # stopped with the engine
        self._crashes += 1
        with contextlib.suppress(subprocess.TimeoutExpired):
            w.process.wait(0.5)
        logger.error(
            "the %s (pid %d) died during a job: %s (exit %s, %s)",
            "writer" if writer else "reader",
            w.process.pid,
            _what(sent),
            w.process.poll(),
            error or "EOF",
        )

    def _busy(self, timeout: float) -> Failed:
        return Failed(
            503,
            f"all {self._max} query workers stayed busy for the whole deadline of "
            f"{timeout:g} s; try again later",
        )

    @staticmethod
    def _timed_out(timeout: float, *, writer: bool) -> Failed:
        return Failed(
            503,
            f"the deadline of {timeout:g} s passed and the "
            f"{'update' if writer else 'query'} was stopped",
            timeout=True,
        )

    def _replace_reader(self, w: _Worker) -> None:
        self._replace(w, writer=False)

    def _replace(self, w: _Worker, *, writer: bool) -> None:
        """Kill a worker that overran (or died) and start another in its place.

        A reader's place in the pool stays taken while its replacement starts (counted as
        starting), so that the pool never grows past its maximum meanwhile."""
        w.kill()
        with self._lock:
            if w.generation is not None:
                w.generation.users -= 1
                self._release(w.generation)
                w.generation = None
            in_pool = w in self._readers
            if in_pool:
                self._readers.remove(w)
            if w in self._idle:
                self._idle.remove(w)
            if self._writer is w:
                self._writer = None
            running = self._running
            if running and in_pool and not writer:
                self._spawning += 1
        if not running:
            return
        if writer:
            self._restart_writer()
        elif in_pool:
            with contextlib.suppress(EngineError):  # the engine stopped meanwhile
                self._give(self._grow())

    def _restart_writer(self) -> bool:
        """Start a writer in place of one that is gone; whether it opened the store (if not,
        the next write tries again)."""
        try:
            self._start_writer(fresh=False)
        except EngineError as error:
            if self._running:
                logger.error("the writer could not reopen the store: %s", error)
            return False
        return True

    def _refresh_idle(self) -> None:
        """Move idle readers to the newest generation, so that old ones can go."""
        with self._lock:
            stale = [w for w in self._idle if w.generation is not self._current]
            for w in stale:
                self._idle.remove(w)
        for reader in stale:
            generation = self._bind(reader)
            sent = message(str(generation.path), Open())
            self._exchange(reader, sent, time.monotonic() + 60, 60, None)

    def per_generation(self, job: ReadJob[A], timeout: float) -> Done[A] | None:
        """The answer to a read job that depends on the store's content only (such as
        :class:`~.jobs.Statistics`, :class:`~.jobs.Graphs`, :class:`~.jobs.Imports`), read once
        per generation; None if it could not be read."""
        current = self._current
        cached = self._per_generation.get(job)
        if current is not None and cached is not None and cached[0] is current:
            return Done(cached[1], current.path.name)
        answer = self.read(job, timeout)
        if isinstance(answer, Failed) or current is None:
            return None
        self._per_generation[job] = (current, answer.value)
        return Done(answer.value, current.path.name)

    def statistics(self, timeout: float) -> TripleCounts | None:
        """Triples per graph, read once per generation."""
        found = self.per_generation(Statistics(), timeout)
        return None if found is None else found.value

    def graphs(self, timeout: float) -> Done[tuple[GraphInfo, ...]] | None:
        """Every named graph with its triple count and load record, and the generation they
        were read from; read once per generation."""
        return self.per_generation(Graphs(), timeout)

    def imports(self, timeout: float) -> tuple[Imported, ...] | None:
        """The imported graphs with their PROV-O records, read once per generation."""
        found = self.per_generation(Imports(), timeout)
        return None if found is None else found.value

    def stream(
        self, job: Dump, timeout: float, cancel: threading.Event | None = None
    ) -> Generator[bytes]:
        """Run a streamed read job on a reader: its chunks, as they come.

        ``timeout`` bounds the wait for each chunk, not the whole answer (a dump of millions of
        triples takes as long as it takes, but never stalls). Raises :class:`StreamError` if the
        job fails or stalls; the reader is replaced if the stream ends early (a failure, a set
        ``cancel``, or the consumer closing the iterator). Blocks: run it on a thread.
        """
        deadline = time.monotonic() + timeout
        reader = self._take(deadline)
        if reader is None:
            raise StreamError(self._busy(timeout))
        generation = self._bind(reader)
        finished = False
        sent = message(str(generation.path), job)
        try:
            reader.conn.send(sent)
            while True:
                deadline = time.monotonic() + timeout
                while not reader.conn.poll(0.25):
                    if cancel is not None and cancel.is_set():
                        return
                    if time.monotonic() > deadline:
                        raise StreamError(
                            Failed(
                                503,
                                f"the worker sent nothing for {timeout:g} s; "
                                "the answer was stopped",
                            )
                        )
                reply = reader.conn.recv()
                if reply[0] == "chunk":
                    yield reader.conn.recv_bytes()
                    continue
                finished = True
                self._give(reader)
                if reply[0] == "ok":
                    return
                raise StreamError(reply[1])
        except (EOFError, OSError) as error:
            self._crashed(reader, sent, error, writer=False)
            raise StreamError(_stopped(error)) from None
        finally:
            if not finished:
                # Part-way through a job: only a new process is in a known state.
                threading.Thread(target=self._replace_reader, args=(reader,), daemon=True).start()

    # -- writing ---------------------------------------------------------------------------

    def write(self, job: WriteJob[A], timeout: float) -> Answer[A]:
        """Run a write job on the writer, one at a time, within ``timeout``; the next queries
        see its result. A refresh of the inferences running meanwhile is stopped and runs again
        after the write (it would refresh from data the write is about to change)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._writes_waiting += 1
            if self._refreshing:
                self._preempt.set()
        try:
            acquired = self._write_lock.acquire(timeout=max(0.0, timeout))
        finally:
            with self._lock:
                self._writes_waiting -= 1
        if not acquired:
            return Failed(503, f"another write held the store for {timeout:g} s")
        try:
            answer = self._write_held(job, deadline, timeout)
        finally:
            self._write_lock.release()
        if isinstance(answer, Failed):
            return answer
        value, stale = answer
        threading.Thread(target=self._refresh_idle, daemon=True).start()
        if stale:
            if not self._behind:
                self._behind, self._stale_since = True, time.time()
            if self._refresh:
                self._refresh_inferences()
        return Done(value)

    def _write_held(
        self,
        job: WriteJob[A],
        deadline: float,
        timeout: float,
        cancel: threading.Event | None = None,
    ) -> tuple[A, bool] | Failed:
        """Run a write job, the write lock held: its value and whether the inferences are now
        stale; or why it failed."""
        w = self._writer
        if w is None and self._running and self._restart_writer():
            w = self._writer
        if w is None:
            return Failed(503, "the store is not open for writing; try again")
        target = self._next_generation_path()
        sent = message(str(target), job)
        reply = self._exchange(w, sent, deadline, timeout, cancel, writer=True)
        if isinstance(reply, Failed):
            return reply
        if reply[0] != "ok":
            failed: Failed = reply[1]
            if failed.status == 507:
                self._full_at = self.free_bytes() or 0
            return failed
        _, value, generation, stale = reply
        self._full_at = None
        if generation is not None:
            with self._lock:
                self._set_current(Path(generation))
        return value, bool(stale)

    def _refresh_inferences(self) -> None:
        """Have the writer bring the inferences up to date, in the background: the write is
        answered at once, and queries see the new inferences when the reasoner is done.

        A refresh is asked for once however many writes came while one was waiting. A write
        never waits for a refresh: a write that comes while one runs stops it (the writer
        process is replaced; the refresh changes the store all or nothing), and the refresh
        runs again after the write. A refresh whose writer died under it (killed, out of
        memory) is tried again, up to :data:`_REFRESH_ATTEMPTS` times."""
        with self._lock:
            self._refresh_asked = True
            if self._refresh_active:
                return  # the running refresh thread sees the request when it is done
            self._refresh_active = True
        threading.Thread(target=self._run_refresh, name="plangraph-reason", daemon=True).start()

    def _run_refresh(self) -> None:
        """Refresh until no refresh is asked for (one thread at a time)."""
        failures = 0
        try:
            while True:
                with self._lock:
                    if not self._refresh_asked or self._stopping.is_set():
                        self._refresh_active = False
                        return
                    self._refresh_asked = False
                # Writes first: wait until none is waiting for the writer.
                while self._writes_waiting and not self._stopping.is_set():
                    time.sleep(0.05)
                outcome = self._refresh_once()
                if outcome is not None and self._stopping.is_set():
                    continue  # stopped under the refresh: not a failure to report
                if outcome is None:
                    failures = 0
                    continue
                if outcome is not _PREEMPTED:
                    failures += 1
                    self._refresh_failure = outcome.message
                    logger.warning("the inferences could not be refreshed: %s", outcome.message)
                    if outcome.timeout or failures >= _REFRESH_ATTEMPTS:
                        continue  # given up, until the next write asks again
                with self._lock:
                    self._refresh_asked = True
        except BaseException:
            with self._lock:
                self._refresh_active = False
            if not self._stopping.is_set():
                raise

    def _refresh_once(self) -> Failed | None:
        """One refresh; None if it succeeded, :data:`_PREEMPTED` if a write stopped it."""
        deadline = time.monotonic() + REFRESH_TIMEOUT
        if not self._write_lock.acquire(timeout=REFRESH_TIMEOUT):
            return Failed(503, f"another write held the store for {REFRESH_TIMEOUT:g} s")
        try:
            with self._lock:
                if self._writes_waiting:
                    return _PREEMPTED
                self._refreshing = True
                self._preempt.clear()
            try:
                answer = self._write_held(Reason(), deadline, REFRESH_TIMEOUT, self._preempt)
            finally:
                with self._lock:
                    self._refreshing = False
        finally:
            self._write_lock.release()
        if answer is _GONE:
            return _PREEMPTED
        if isinstance(answer, Failed):
            return answer
        self._behind, self._stale_since = False, None
        self._refresh_failure = None
        threading.Thread(target=self._refresh_idle, daemon=True).start()
        return None


def _inferences_problem(
    behind: bool, behind_seconds: float | None, failure: str | None
) -> str | None:
    """In words, why the inferences cannot be trusted now (None: they follow from the data)."""
    if not behind:
        return None
    lag = "" if behind_seconds is None else f" (behind by {behind_seconds:g} s)"
    why = f"; the last refresh failed: {failure}" if failure else ""
    return (
        f"the inferences do not follow from the data yet{lag}: queries that rely on them "
        f"miss what the latest data entails until the refresh is done{why}"
    )


def _loop_time(loop: asyncio.AbstractEventLoop, deadline: float) -> float:
    """``deadline`` (on :func:`time.monotonic`'s clock) on ``loop``'s clock."""
    return loop.time() + (deadline - time.monotonic())


_GONE = Failed(499, "the client went away; the query was stopped")
_PREEMPTED = Failed(409, "a write came; the refresh of the inferences runs again after it")


def _what(sent: tuple[str, str, tuple[Any, ...]]) -> str:
    """A job as a log line names it: its type, and the hash of its query or update text."""
    _, name, values = sent
    text = values[0] if values and isinstance(values[0], str) and name in _HASHED else None
    if text is None:
        return name
    return f"{name} sha256:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


_HASHED = frozenset({"Query", "Update"})


def _stopped(error: BaseException) -> Failed:
    return Failed(500, f"the worker stopped unexpectedly ({error or 'EOF'})", crashed=True)


def _read_answer(reply: tuple[Any, ...], generation: str) -> Done[Any] | Failed:
    """The answer for a reader's reply (see :mod:`plangraph.web.engine.worker`)."""
    kind = reply[0]
    if kind == "bytes":
        return Done(Serialized(reply[2], reply[1]), generation)
    if kind == "ok":
        return Done(reply[1], generation)
    failed: Failed = reply[1]
    return failed

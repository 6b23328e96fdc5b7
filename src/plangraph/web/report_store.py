"""Validation reports kept at a URL of their own, to share: ``/validate/reports/{id}``.

Every report of ``POST /validate`` and ``POST /submissions`` is saved on disk beside the store
(``<store>.reports/{id}.json``, so it survives a restart): its JSON, and its HTML in nb and en,
rendered once. The id is 128 random bits (unguessable). A report is kept for
``PLANGRAPH_REPORT_TTL`` seconds; at most ``PLANGRAPH_MAX_REPORTS`` are kept (the oldest go
first), and one larger than :data:`MAX_REPORT_BYTES` is not kept at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangraph.validation.render import html_report
from plangraph.validation.report import Report

MAX_REPORT_BYTES = 16 * 1024 * 1024
"""The largest report kept (its JSON and its two HTML renderings)."""
HTML_LIMIT = 200
"""Findings per rule the kept HTML lists (the JSON lists all)."""
_ID = re.compile(r"[A-Za-z0-9_-]{22}")


@dataclass(frozen=True)
class SavedReport:
    """A kept report: its JSON, its HTML per language, when it was made and until when it is
    kept (seconds since the epoch)."""

    id: str
    report: dict[str, Any]
    html: dict[str, str]
    created: float
    expires: float


class ReportStore:
    """The reports kept in ``folder``."""

    def __init__(self, folder: Path, ttl: float, max_reports: int) -> None:
        self.folder = folder
        self.ttl = ttl
        self.max_reports = max_reports
        self._lock = threading.Lock()

    @classmethod
    def beside(cls, store: Path, ttl: float, max_reports: int) -> ReportStore:
        """The reports of the store at ``store``: in ``<store>.reports/``."""
        return cls(store.with_name(store.name + ".reports"), ttl, max_reports)

    def save(self, report: Report) -> str | None:
        """Keep ``report``; its id, or None if it is too large to keep. Blocks (disk)."""
        now = time.time()
        record = {
            "created": now,
            "expires": now + self.ttl,
            "report": report.to_dict(),
            "html": {lang: html_report(report, lang, HTML_LIMIT) for lang in ("nb", "en")},
        }
        data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        if len(data) > MAX_REPORT_BYTES:
            return None
        report_id = secrets.token_urlsafe(16)
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.folder / f".{report_id}.partial"
            partial.write_bytes(data)
            os.replace(partial, self.folder / f"{report_id}.json")
            self._prune(now)
        return report_id

    def load(self, report_id: str) -> SavedReport | None:
        """The kept report ``report_id``; None if there is none (or it expired)."""
        if not _ID.fullmatch(report_id):
            return None
        path = self.folder / f"{report_id}.json"
        try:
            record = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        if record["expires"] <= time.time():
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return SavedReport(
            report_id, record["report"], record["html"], record["created"], record["expires"]
        )

    def _prune(self, now: float) -> None:
        """Delete the expired reports, and the oldest beyond the most kept (lock held)."""
        kept: list[tuple[float, Path]] = []
        for path in self.folder.glob("*.json"):
            try:
                modified = path.stat().st_mtime
            except OSError:
                continue
            if modified + self.ttl <= now:
                with contextlib.suppress(OSError):
                    path.unlink()
            else:
                kept.append((modified, path))
        if len(kept) > self.max_reports:
            kept.sort()
            for _, path in kept[: len(kept) - self.max_reports]:
                with contextlib.suppress(OSError):
                    path.unlink()

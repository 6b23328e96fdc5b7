"""Feeds of the plan work: a calendar to subscribe to, and the register's changes.

* ``/plans/under-way.ics``: an iCalendar (RFC 5545) calendar of the consultation deadlines and
  the political treatments (treatments, adoptions, start-up cases decided by a body) of the
  plans under way. A day is an all-day event; a month (``2025-05``) an all-day event over the
  whole month, marked as planned for that month. Events dated only by a year are left out (a
  year-long event would hide the calendar), and the page says so.
* ``/plans/changes.atom``: an Atom (RFC 4287) feed of changes to the register, newest first:
  plans added (when the graph stating them was loaded), statuses stated (as of their date) and
  events that have happened.

Both take ``lang`` and ``examples`` as the pages do. Handlers are plain ``def``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, Request
from fastapi.responses import Response

from plangraph import __version__
from plangraph.lang import Lang
from plangraph.library import portfolio
from plangraph.web import layout
from plangraph.web.context import public_url
from plangraph.web.layout import tr
from plangraph.web.page_data import PageData, answer, known

router = APIRouter()


def _feed(
    request: Request,
    kind: str,
    build: Callable[[Request, PageData], dict[str, Any]],
    write: Callable[[Request, PageData, dict[str, Any]], Response],
) -> Response:
    """A feed in the form ``kind``: its data read by ``build``, written by ``write`` (an error is
    plain text, as :func:`~plangraph.web.page_data.answer` gives it for forms other than pages)."""
    return answer(
        request,
        kind,
        lambda data: build(request, data),
        lambda data, found: "",
        {kind: lambda data, found: write(request, data, found)},
    )


def _page_of(iri: str, base: str, site: str) -> str:
    """The absolute address of a resource's page (its IRI where the server has none)."""
    target = layout.data_href(iri, base)
    if target is None:
        return iri
    return site.rstrip("/") + target if target.startswith("/") else target


# ---------------------------------------------------------------------------------------------
# iCalendar
# ---------------------------------------------------------------------------------------------


def ics_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says (backslash, semicolon, comma, line breaks)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), never inside
    a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts = []
    start = 0
    limit = 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start = end
        limit = 74  # the leading space counts
    return "\r\n ".join(parts)


def _span(when: portfolio.PartialDate) -> tuple[date, date] | None:
    """The all-day span of a date: a day, or a whole month; None for a year."""
    if when.day is not None:
        first = when.first()
        return first, first + timedelta(days=1)
    if when.month is not None:
        return when.first(), when.last() + timedelta(days=1)
    return None


def _calendar_events(data: PageData) -> list[dict[str, Any]]:
    work = portfolio.under_way(data.select, data.lang, data.today)
    lang = data.lang
    found = []
    for entry in work:
        for event in entry.events:
            if not (event.kind == "PublicConsultation" or event.is_treatment):
                continue
            when = event.key_date
            if when is None:
                continue
            span = _span(when)
            if span is None:
                continue
            if event.kind == "PublicConsultation":
                role = "deadline"
                what = (
                    tr(lang, "Høringsfrist", "Consultation deadline")
                    if event.is_deadline
                    else tr(lang, "Høring", "Consultation")
                )
            else:
                role = "treatment"
                what = event.body.name if event.body else event.kind_name
            if event.is_planned:
                what += " " + tr(lang, "(planlagt)", "(planned)")
            if when.day is None:
                what += f" [{when.label(lang)}]"
            found.append(
                {
                    "uid": hashlib.sha256(f"{event.iri} {role}".encode()).hexdigest()[:32]
                    + "@plangraph",
                    "summary": f"{what}: {entry.plan.name}",
                    "description": event.name,
                    "plan": entry.plan.iri,
                    "event": event.iri,
                    "start": span[0].isoformat(),
                    "end": span[1].isoformat(),
                    "planned": event.is_planned,
                    "month": when.day is None,
                }
            )
    found.sort(key=lambda item: (item["start"], item["summary"]))
    return found


def _calendar(request: Request, data: PageData) -> dict[str, Any]:
    known(request, what="this feed")
    return {"lang": data.lang.value, "events": _calendar_events(data)}


def _ics(request: Request, data: PageData, found: dict[str, Any]) -> Response:
    lang = data.lang
    settings = data.context.settings
    site = public_url(request, settings)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = tr(lang, "Planarbeid: frister og behandling", "Plan work: deadlines and treatments")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//plangraph//plangraph {__version__}//{lang.value.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(name)}",
    ]
    for item in found["events"]:
        start = item["start"].replace("-", "")
        end = item["end"].replace("-", "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item['uid']}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start}",
            f"DTEND;VALUE=DATE:{end}",
            f"SUMMARY:{ics_text(item['summary'])}",
            f"DESCRIPTION:{ics_text(item['description'])}",
            f"URL:{_page_of(item['plan'], settings.base_iri, site)}",
            f"STATUS:{'TENTATIVE' if item['planned'] or item['month'] else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(fold(line) for line in lines) + "\r\n"
    return Response(
        body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="plan-work.ics"'},
    )


@router.get("/plans/under-way.ics", include_in_schema=False)
def calendar(request: Request) -> Response:
    """Consultation deadlines and political treatments of the plan work under way."""
    return _feed(request, "ics", _calendar, _ics)


# ---------------------------------------------------------------------------------------------
# Atom
# ---------------------------------------------------------------------------------------------


def _rfc3339(change: portfolio.Change) -> str:
    if change.loaded:
        parsed = datetime.fromisoformat(change.loaded)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert change.when is not None
    return change.when.first().strftime("%Y-%m-%dT00:00:00Z")


def _entry_text(change: portfolio.Change, lang: Lang) -> tuple[str, str]:
    """The title and the summary of an entry."""
    plan = change.plan.name
    if change.kind == "added":
        return (
            tr(lang, f"Ny i registeret: {plan}", f"New in the register: {plan}"),
            tr(lang, f"{plan} er lagt inn i registeret.", f"{plan} was added to the register."),
        )
    if change.kind == "status":
        assert change.status is not None and change.when is not None
        day = change.when.label(lang)
        return (
            tr(lang, f"{plan}: {change.status.name}", f"{plan}: {change.status.name}"),
            tr(
                lang,
                f"Status for {plan} er «{change.status.name}» per {day}.",
                f"The status of {plan} is “{change.status.name}” as of {day}.",
            ),
        )
    assert change.event is not None and change.when is not None
    event = change.event
    return (
        f"{plan}: {event.kind_name}",
        f"{event.name} ({change.when.label(lang)}).",
    )


def _changes(request: Request, data: PageData) -> dict[str, Any]:
    known(request, what="this feed")
    named = portfolio.plan_graphs(data.select_named)
    shown = {g: t for g, t in data.loaded.items() if data.in_page(g)}
    items = portfolio.changes(data.select, data.lang, data.today, shown, named)
    return {"lang": data.lang.value, "changes": items}


def _atom(request: Request, data: PageData, found: dict[str, Any]) -> Response:
    lang = data.lang
    settings = data.context.settings
    site = public_url(request, settings).rstrip("/")
    changes: list[portfolio.Change] = found["changes"]
    self_url = site + layout.url(
        "/plans/changes.atom", {k: v for k, v in data.params().items() if k != "on"}
    )
    updated = max((_rfc3339(c) for c in changes), default="1970-01-01T00:00:00Z")
    title = tr(lang, "Endringer i planregisteret", "Changes to the plan register")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang.value}">',
        f"<id>{xml_escape(self_url)}</id>",
        f"<title>{xml_escape(title)}</title>",
        f"<updated>{updated}</updated>",
        "<author><name>plangraph</name></author>",
        f'<generator version="{xml_escape(__version__)}">plangraph</generator>',
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(site + layout.url("/plans/under-way", data.params()))}/>',
    ]
    for change in changes:
        entry_title, summary = _entry_text(change, lang)
        page = _page_of(change.plan.iri, settings.base_iri, site)
        parts += [
            "<entry>",
            f"<id>{xml_escape(change.id)}</id>",
            f"<title>{xml_escape(entry_title)}</title>",
            f"<updated>{_rfc3339(change)}</updated>",
            f'<link rel="alternate" type="text/html" href={quoteattr(page)}/>',
            f'<category term="{change.kind}"/>',
            f"<summary>{xml_escape(summary)}</summary>",
            "</entry>",
        ]
    parts.append("</feed>\n")
    return Response(
        "".join(parts).encode("utf-8"), media_type="application/atom+xml; charset=utf-8"
    )


@router.get("/plans/changes.atom", include_in_schema=False)
def changes_feed(request: Request) -> Response:
    """Changes to the register (Atom)."""
    return _feed(request, "atom", _changes, _atom)

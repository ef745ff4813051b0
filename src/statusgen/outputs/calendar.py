"""(status view) -> ``maintenance.ics``: every maintenance window as an iCalendar event (RFC 5545).

Customers subscribe to it from their calendar app and plan around our work (docs/principles.md, 6).
Each event's UID is the maintenance id at the site's host, so a calendar updates the same
event when an update moves the window (new DTSTART/DTEND, a higher SEQUENCE) or cancels it
(``STATUS:CANCELLED``). All times are in UTC, which needs no VTIMEZONE; the words (title,
summaries, descriptions) are the theme's, in the site's language (keys under ``calendar.``). DTSTAMP and
LAST-MODIFIED are the maintenance's latest update, not the build time: a rebuild with nothing
new changes nothing, and calendars see no false edits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import icalendar

from .. import __version__, timeutil, urls
from ..content.model import MaintenanceStatus
from ..view import MaintenanceView, StatusView
from . import markup
from .context import RenderContext
from .words import Words

PATH = urls.CALENDAR
#: How often calendar apps should fetch the file again (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL).
REFRESH = dt.timedelta(hours=1)


class Calendar:
    """Makes ``maintenance.ics`` with one VEVENT per maintenance, earliest first.

    Remembers the last calendar: it is made again only when the site or a maintenance changed.
    """

    def __init__(self) -> None:
        self._made: tuple[tuple[Any, ...], dict[str, bytes]] | None = None

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        view = ctx.view
        inputs = (view.site, view.maintenance, ctx.messages)
        if self._made is None or self._made[0] != inputs:
            self._made = (inputs, _calendar(view, ctx.words))
        return self._made[1]


def _calendar(view: StatusView, words: Words) -> dict[str, bytes]:
    site = view.site
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//statusgen//statusgen {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = words.text("calendar.name", site=site.title)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    description = words.text("calendar.description", url=site.base_url)
    cal.add("description", description)
    cal.add("x-wr-caldesc", description)
    cal.add("url", site.base_url)
    cal.add("source", site.base_url + PATH, parameters={"VALUE": "URI"})
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # The same for Outlook and older Apple Calendar, which read only this.
    cal.add("x-published-ttl", _duration_text(REFRESH))
    host = urlsplit(site.base_url).hostname or "statusgen"
    for m in sorted(view.maintenance, key=lambda m: (m.starts_at, m.id)):
        cal.add_component(_event(view, m, host, words))
    return {PATH: cal.to_ical()}


def _event(view: StatusView, mv: MaintenanceView, host: str, words: Words) -> icalendar.Event:
    m = mv.maintenance
    cancelled = mv.status is MaintenanceStatus.CANCELLED
    modified = max([m.announced_at] + [u.at for u in m.updates])
    # A window that overran ends in the calendar when the work really ended.
    end = max(mv.ends_at, mv.ended_at) if mv.ended_at else mv.ends_at
    event = icalendar.Event()
    event.add("uid", f"maintenance-{m.id}@{host}")
    event.add("dtstamp", _utc(modified))
    event.add("created", _utc(m.announced_at))
    event.add("last-modified", _utc(modified))
    # Each update is a revision of the event (a new window, a cancellation): calendar apps take the
    # highest SEQUENCE, and updates are only ever appended, so it only grows.
    event.add("sequence", len(m.updates))
    event.add("dtstart", _utc(mv.starts_at))
    event.add("dtend", _utc(end))
    event.add("summary", words.text("calendar.summary_cancelled" if cancelled else "calendar.summary", title=m.title))
    event.add("description", _description(view, mv, words))
    event.add("url", view.site.base_url + mv.path)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Our maintenance does not take up the subscriber's own time.
    event.add("transp", "TRANSPARENT")
    event.add("class", "PUBLIC")
    if mv.affected:
        event.add("categories", [c.name for c in mv.affected])
    return event


def _description(view: StatusView, mv: MaintenanceView, words: Words) -> str:
    m = mv.maintenance
    names = {c.id: c.name for c in view.site.components}

    def window(starts: dt.datetime, ends: dt.datetime) -> str:
        return words.text("feed.window_length", window=words.window(starts, ends),
                          duration=words.duration(ends - starts))

    lines = [words.text("calendar.status", status=words.label(mv.status)),
             words.text("calendar.window", window=window(mv.starts_at, mv.ends_at))]
    if mv.window_changes:
        lines.append(words.text("calendar.first_window", window=window(m.starts_at, m.ends_at)))
    affected = words.text("list.separator").join(
        words.text("feed.component", name=names.get(cid, cid), status=words.label(status))
        for cid, status in mv.components.items())
    lines += [words.text("calendar.affects", components=affected), "", markup.plain_text(m.body)]
    if m.updates:
        lines += ["", words.text("calendar.updates")]
        lines += [words.text("calendar.update", time=words.time(u.at), status=words.label(u.status),
                             body=markup.plain_text(u.body)) for u in m.updates]
    lines += ["", words.text("calendar.details", url=view.site.base_url + mv.path)]
    return "\n".join(lines)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(timeutil.UTC)


def _duration_text(value: dt.timedelta) -> str:
    """Return a duration as iCalendar writes it (``PT1H``)."""
    text: bytes = icalendar.vDuration(value).to_ical()  # type: ignore[no-untyped-call]
    return text.decode("ascii")

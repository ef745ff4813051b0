"""`statusgen list`: what is open, what is overdue and what is due, as a compact table.

One row per item, most urgent first within each kind: open incidents (next update due, or
OVERDUE), running and upcoming maintenance, open commitments (due, at risk, BROKEN); without
``--open`` also what was resolved, completed or finished in the last days, as on the home page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import timeutil
from ..view import RECENT_DAYS, CommitmentState, CommitmentView, IncidentView, MaintenanceView, StatusView

HEADERS = ("KIND", "ID", "STATE", "WHEN", "TITLE")


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    id: str
    state: str
    when: str
    title: str
    #: Sorts rows within a kind: what needs attention first, then the soonest deadline; what is
    #: over comes last, newest first.
    key: tuple[int, float]

    def cells(self) -> tuple[str, ...]:
        return (self.kind, self.id, self.state, self.when, self.title)


class _Clock:
    """Formats instants relative to ``now`` in the site's zone: ``12:35 (in 35m)``."""

    def __init__(self, now: dt.datetime, tz: dt.tzinfo) -> None:
        self.now = now
        self.tz = tz

    def at(self, when: dt.datetime) -> str:
        return timeutil.format_short(when, self.tz, self.now)

    def relative(self, when: dt.datetime) -> str:
        delta = when - self.now
        text = span(abs(delta))
        return f"in {text}" if delta >= dt.timedelta(0) else f"{text} ago"

    def both(self, when: dt.datetime) -> str:
        return f"{self.at(when)} ({self.relative(when)})"


def span(delta: dt.timedelta) -> str:
    """Return a short length: ``35m``, ``2h5m``, ``3d4h`` (rounded to the minute)."""
    minutes = round(delta.total_seconds() / 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{mins}m" if mins else f"{hours}h"
    return f"{mins}m"


def rows(view: StatusView, *, open_only: bool = False) -> list[Row]:
    """Return the rows of the table for ``view``: open items, and recent ones unless ``open_only``.

    What `statusgen check` fails on is always listed: an open incident, maintenance whose window
    ended without an update saying it is completed, a postmortem that is due, an open commitment.
    """
    clock = _Clock(view.now, view.site.timezone)
    since = view.now - dt.timedelta(days=RECENT_DAYS)
    incidents = list(view.open_incidents) + ([] if open_only else list(view.recent_incidents))
    maintenance = [m for m in view.maintenance if _maintenance_listed(m, view.now, since, open_only)]
    commitments = [c for c in view.commitments if c.state.is_open or (
        not open_only and c.finished_at is not None and c.finished_at >= since)]
    postmortems = [v for v in view.incidents if v.postmortem_due is not None and v.incident.postmortem is None]
    result = sorted((_incident_row(v, clock) for v in incidents), key=lambda r: r.key)
    result += sorted((_postmortem_row(v, clock) for v in postmortems), key=lambda r: r.key)
    result += sorted((_maintenance_row(m, clock) for m in maintenance), key=lambda r: r.key)
    result += sorted((_commitment_row(c, clock) for c in commitments), key=lambda r: r.key)
    return result


def _maintenance_listed(m: MaintenanceView, now: dt.datetime, since: dt.datetime, open_only: bool) -> bool:
    if m.is_running or m.needs_closing or (m.is_upcoming and m.ends_at > now):
        return True
    end = m.ended_at or m.ends_at
    return not open_only and since <= end <= now


def _postmortem_row(v: IncidentView, clock: _Clock) -> Row:
    due = v.postmortem_due
    assert due is not None
    if v.postmortem_overdue:
        when = f"OVERDUE since {clock.at(due)} ({span(clock.now - due)})"
        return Row("postmortem", v.id, "OVERDUE", when, v.title, _due_key(0, due))
    return Row("postmortem", v.id, "due", f"due by {clock.both(due)}", v.title, _due_key(1, due))


def _incident_row(v: IncidentView, clock: _Clock) -> Row:
    state = f"{v.status.value}, {v.impact.value}"
    if not v.is_open:
        assert v.resolved_at is not None
        when = f"resolved {clock.at(v.resolved_at)}"
        return Row("incident", v.id, state, when, v.title, _past(v.resolved_at))
    due = v.next_update_by
    if due is None:  # pragma: no cover - an open incident always has a deadline
        return Row("incident", v.id, state, "", v.title, _due_key(2, v.started_at))
    if v.overdue:
        when = f"update OVERDUE since {clock.at(due)} ({span(clock.now - due)})"
        return Row("incident", v.id, state, when, v.title, _due_key(0, due))
    return Row("incident", v.id, state, f"update by {clock.both(due)}", v.title, _due_key(1, due))


def _maintenance_row(m: MaintenanceView, clock: _Clock) -> Row:
    window = m
    state = m.status.value
    if m.needs_closing and not m.is_running:
        when = f"NOT CLOSED: ended {clock.at(window.ends_at)} ({span(clock.now - window.ends_at)}); no update " \
               "says completed"
        return Row("maintenance", m.id, "not closed", when, m.title, _due_key(0, window.ends_at))
    if m.is_running:
        if clock.now > window.ends_at:
            when = f"OVERRUN: planned to end {clock.at(window.ends_at)} ({span(clock.now - window.ends_at)})"
            return Row("maintenance", m.id, state, when, m.title, _due_key(0, window.ends_at))
        when = f"ends {clock.both(window.ends_at)}"
        return Row("maintenance", m.id, state, when, m.title, _due_key(1, window.ends_at))
    if m.is_upcoming:
        when = f"starts {clock.both(window.starts_at)}"
        return Row("maintenance", m.id, state, when, m.title, _due_key(2, window.starts_at))
    if m.ended_at is None:  # cancelled
        return Row("maintenance", m.id, state, f"was planned for {clock.at(window.starts_at)}", m.title,
                   _past(window.ends_at))
    return Row("maintenance", m.id, state, f"ended {clock.at(m.ended_at)}", m.title, _past(m.ended_at))


def _commitment_row(c: CommitmentView, clock: _Clock) -> Row:
    state = c.state.value
    if c.state is CommitmentState.BROKEN:
        broken = c.broken_due or c.current_due
        when = f"was due {_due(broken.value)} ({clock.relative(broken.deadline)}); no new date given in time"
        return Row("commitment", c.id, state.upper(), when, c.title, _due_key(0, broken.deadline))
    if not c.state.is_open:
        assert c.finished_at is not None
        return Row("commitment", c.id, state, f"{c.status.value} {clock.at(c.finished_at)}", c.title,
                   _past(c.finished_at))
    when = f"due {_due(c.current_due.value)} ({clock.relative(c.current_due.deadline)})"
    if c.next_update_by is not None:
        word = "word OVERDUE since" if clock.now > c.next_update_by else "word by"
        when += f"; {word} {clock.at(c.next_update_by)}"
    rank = 1 if c.state is CommitmentState.AT_RISK else 2
    return Row("commitment", c.id, state, when, c.title, _due_key(rank, c.current_due.deadline))


def _due_key(rank: int, deadline: dt.datetime) -> tuple[int, float]:
    """Sort key of something open: by how urgent its kind of deadline is, then the soonest first."""
    return (rank, deadline.timestamp())


def _past(when: dt.datetime) -> tuple[int, float]:
    """Sort key of something over: after everything open, the newest first."""
    return (9, -when.timestamp())


def _due(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def table(rows: list[Row]) -> str:
    """Return ``rows`` as a table with aligned columns and a header (the last column is not padded)."""
    lines = [HEADERS, *(r.cells() for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS) - 1)]
    return "".join(
        "".join(cell.ljust(width + 2) for cell, width in zip(line, widths, strict=False)) + line[-1] + "\n"
        for line in lines
    )


def render(view: StatusView, *, open_only: bool = False) -> str:
    """Return the whole output of `statusgen list`."""
    found = rows(view, open_only=open_only)
    if not found:
        return "Nothing is open.\n" if open_only else f"Nothing is open, and nothing happened in the last " \
                                                       f"{RECENT_DAYS} days.\n"
    return table(found)

"""What the site shows at one instant: the types of the derived view.

Every view is complete when it is made and never changes afterwards (frozen): a rebuild of
``statusgen serve`` makes new views for what changed and keeps the others as they are. A
view refers to another item by a :class:`ItemLink` (id, title, page), never by the other
view, so no view has to be patched once its neighbours exist.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from .. import urls
from ..content.model import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Component,
    ComponentStatus,
    Due,
    Impact,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    MaintenanceStatus,
    Scope,
    Site,
)

#: The figures look back this many days.
WINDOW_DAYS = 90
#: An incident's own feed is published while it is open and this long after it was resolved
#: (its postmortem long out): feeds cost about a millisecond each to write, and a site with
#: 10,000 incidents must not spend its build on feeds nobody can still be waiting on.
INCIDENT_FEED_DAYS = 90


class Indicator(enum.Enum):
    """The overall indicator, with Statuspage's values and descriptions."""

    NONE = ("none", "All Systems Operational")
    MINOR = ("minor", "Minor Service Outage")
    MAJOR = ("major", "Partial System Outage")
    CRITICAL = ("critical", "Major System Outage")
    MAINTENANCE = ("maintenance", "Service Under Maintenance")

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def description(self) -> str:
        return self.value[1]


class CommitmentState(enum.Enum):
    OPEN = "open"
    AT_RISK = "at_risk"
    KEPT = "kept"
    LATE = "late"
    BROKEN = "broken"
    WITHDRAWN = "withdrawn"
    #: Delivered after its scope was reduced: not what was first promised.
    REDUCED = "reduced"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self in (CommitmentState.OPEN, CommitmentState.AT_RISK, CommitmentState.BROKEN)


@dataclass(frozen=True, slots=True)
class Segment:
    """A component's status over ``[start, end)`` because of one item."""

    component: str
    start: dt.datetime
    end: dt.datetime
    status: ComponentStatus
    source: str  # "incidents/<id>" or "maintenance/<id>"


@dataclass(frozen=True, slots=True)
class Change:
    """A published fact that an appended update changed: the update, its time, the old and new value."""

    number: int
    at: dt.datetime
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class ItemLink:
    """Another item as a page shows a link to it: its id, title and page."""

    id: str
    title: str
    path: str


@dataclass(frozen=True, slots=True)
class MonthLink:
    """A month of the history as a page links to it."""

    year: int
    month: int

    @property
    def path(self) -> str:
        return urls.month(self.year, self.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident: Incident
    status: IncidentStatus
    is_open: bool
    started_at: dt.datetime
    resolved_at: dt.datetime | None
    duration: dt.timedelta
    latest: IncidentUpdate
    next_update_by: dt.datetime | None
    next_update_promised: bool
    overdue: bool
    current_components: dict[str, ComponentStatus]
    affected: tuple[Component, ...]
    corrected_by: dict[int, list[IncidentUpdate]]
    segments: list[Segment]
    path: str
    month: tuple[int, int]
    #: The title, impact and workaround now: the file's, as changed by later updates.
    title: str
    impact: Impact
    workaround: str
    #: The worst impact it ever had: a postmortem owed once stays owed.
    peak_impact: Impact
    #: The latest update that is not a correction: its promise of the next update stands.
    pacing: IncidentUpdate
    #: The impact in effect after each update (index 0 is update 1).
    impacts: tuple[Impact, ...]
    #: Impact and title changes made by updates, oldest first.
    impact_changes: tuple[Change, ...] = ()
    title_changes: tuple[Change, ...] = ()
    #: For major and critical incidents once resolved: when the postmortem is due (policy).
    postmortem_due: dt.datetime | None = None
    postmortem_overdue: bool = False
    #: The postmortem's actions: the commitments that prevent a repeat, as their views.
    actions: tuple[CommitmentView, ...] = ()

    @property
    def id(self) -> str:
        return self.incident.id

    @property
    def history_path(self) -> str:
        return urls.month(*self.month)

    @property
    def updates_newest_first(self) -> list[IncidentUpdate]:
        return list(reversed(self.incident.updates))

    def workaround_of(self, update: IncidentUpdate) -> str:
        """Return the workaround ``update`` published, or "": its own, or the incident's with the first update.

        (The incident's ``workaround:`` is published with its first update and changed only by later ones.)
        """
        if update.workaround is not None:
            return update.workaround
        return self.incident.workaround if update.number == 1 else ""

    def has_feed(self, now: dt.datetime) -> bool:
        """Return whether the incident has a feed of its own at ``now`` (open, or resolved recently)."""
        return self.is_open or (self.resolved_at is not None
                                and now - self.resolved_at <= dt.timedelta(days=INCIDENT_FEED_DAYS))


@dataclass(frozen=True, slots=True)
class MaintenanceView:
    maintenance: Maintenance
    status: MaintenanceStatus
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    #: Notice of the window as it is now: its start minus when it was announced (or last moved).
    notice: dt.timedelta
    affected: tuple[Component, ...]
    segments: list[Segment]
    path: str
    month: tuple[int, int]
    #: The planned window and the components as they are now (moved by updates).
    starts_at: dt.datetime
    ends_at: dt.datetime
    components: dict[str, ComponentStatus]
    #: Each move of the window: old and new value are (starts_at, ends_at).
    window_changes: tuple[Change, ...] = ()
    #: The window has ended and no update says completed or cancelled.
    needs_closing: bool = False

    @property
    def id(self) -> str:
        return self.maintenance.id

    @property
    def history_path(self) -> str:
        return urls.month(*self.month)

    @property
    def title(self) -> str:
        return self.maintenance.title

    @property
    def is_upcoming(self) -> bool:
        return self.status is MaintenanceStatus.SCHEDULED

    @property
    def is_running(self) -> bool:
        return self.status in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING)


@dataclass(frozen=True, slots=True)
class DueChange:
    update: CommitmentUpdate
    old: Due
    new: Due
    in_time: bool  # announced before the old due date passed


@dataclass(frozen=True, slots=True)
class ScopeChange:
    """An update that changed what a commitment promises, or only its wording (``scope`` None)."""

    update: CommitmentUpdate
    scope: Scope | None
    old_title: str
    new_title: str


@dataclass(frozen=True, slots=True)
class CommitmentView:
    commitment: Commitment
    state: CommitmentState
    status: CommitmentStatus
    original_due: Due
    current_due: Due
    changes: list[DueChange]
    finished_at: dt.datetime | None
    broken_at: dt.datetime | None
    #: The due date that passed with no delivery and no new date announced before it.
    broken_due: Due | None
    latest: CommitmentUpdate | None
    next_update_by: dt.datetime | None
    components: tuple[Component, ...]
    path: str
    #: The promise in a few words, as it reads now (the first wording is the commitment's title).
    title: str
    #: The incident that led to it (its page and title).
    incident: ItemLink | None = None
    #: Every change of what is promised or of its wording, oldest first.
    scope_changes: tuple[ScopeChange, ...] = ()
    #: When its scope was first reduced: then delivering it does not keep what was first promised.
    reduced_at: dt.datetime | None = None

    @property
    def id(self) -> str:
        return self.commitment.id


@dataclass(frozen=True, slots=True)
class Day:
    """One day of a component's uptime bar."""

    date: dt.date
    worst: ComponentStatus
    seconds: dict[ComponentStatus, float]
    uptime: float  # 0..1
    sources: list[str]

    @property
    def minutes(self) -> dict[ComponentStatus, int]:
        return {status: round(s / 60) for status, s in self.seconds.items() if round(s / 60)}


@dataclass(frozen=True, slots=True)
class ComponentView:
    component: Component
    status: ComponentStatus
    days: list[Day]
    uptime: float
    incidents: list[IncidentView]
    maintenance: list[MaintenanceView]
    path: str

    @property
    def id(self) -> str:
        return self.component.id

    @property
    def name(self) -> str:
        return self.component.name


@dataclass(frozen=True, slots=True)
class Group:
    name: str | None
    components: list[ComponentView]

    @property
    def status(self) -> ComponentStatus:
        return max((c.status for c in self.components), key=lambda s: s.rank)


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int
    incidents: list[IncidentView]
    maintenance: list[MaintenanceView]
    path: str
    #: The months before and after it that have anything in them.
    previous: MonthLink | None = None
    next: MonthLink | None = None

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


@dataclass(frozen=True, slots=True)
class Ledger:
    kept: int
    late: int
    broken: int
    open: int
    at_risk: int
    withdrawn: int
    reduced: int = 0


@dataclass(frozen=True, slots=True)
class StatusView:
    """Everything the pages and feeds show, for one instant."""

    site: Site
    now: dt.datetime
    indicator: Indicator
    groups: list[Group]
    components: dict[str, ComponentView]
    incidents: list[IncidentView]  # newest first
    open_incidents: list[IncidentView]
    recent_incidents: list[IncidentView]
    maintenance: list[MaintenanceView]  # newest start first
    running_maintenance: list[MaintenanceView]
    upcoming_maintenance: list[MaintenanceView]
    commitments: list[CommitmentView]
    open_commitments: list[CommitmentView]
    ledger: Ledger
    months: list[Month]  # newest first
    days: list[dt.date]
    #: Time to first update, promises kept, commitments kept (see :mod:`.responsiveness`).
    responsiveness: Responsiveness


@dataclass(frozen=True, slots=True)
class Responsiveness:
    """The responsiveness figures over ``[start, end]``."""

    start: dt.datetime
    end: dt.datetime
    #: Incidents that started in the window.
    incidents: int
    #: Median time from an incident's start to its first published update; None without incidents.
    first_update: dt.timedelta | None
    #: Next-update promises settled in the window, and how many of them were kept.
    promises: int
    promises_kept: int
    commitments_kept: int
    commitments_late: int
    commitments_broken: int
    commitments_withdrawn: int
    #: Delivered after the scope was reduced: counted with those due, not as kept.
    commitments_reduced: int = 0

    @property
    def days(self) -> int:
        return WINDOW_DAYS

    @property
    def promises_share(self) -> float | None:
        """The share of next-update promises kept (0..1); None when none was settled."""
        return self.promises_kept / self.promises if self.promises else None

    @property
    def commitments(self) -> int:
        return self.commitments_kept + self.commitments_late + self.commitments_broken + self.commitments_reduced

    def to_json(self) -> dict[str, Any]:
        """Return the figures as plain JSON values (times in UTC, durations in seconds)."""
        share = self.promises_share
        return {
            "window_days": WINDOW_DAYS,
            "from": _utc(self.start),
            "to": _utc(self.end),
            "incidents": self.incidents,
            "first_update_median_seconds": (
                round(self.first_update.total_seconds()) if self.first_update is not None else None
            ),
            "next_update_promises": {
                "settled": self.promises,
                "kept": self.promises_kept,
                "share_kept": round(share, 4) if share is not None else None,
            },
            "commitments": {
                "kept": self.commitments_kept,
                "late": self.commitments_late,
                "broken": self.commitments_broken,
                "withdrawn": self.commitments_withdrawn,
                "reduced": self.commitments_reduced,
            },
        }


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

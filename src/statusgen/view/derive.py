"""(content, now) -> what the site shows: states, deadlines, ledgers and uptime.

Everything here is a pure function of the validated content and one instant, ``now``.
Each incident is looked at a constant number of times, so the cost grows linearly with
the number of incidents (indexes by component and month are built once).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import timeutil

if TYPE_CHECKING:
    from .responsiveness import Responsiveness
from ..content.model import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Component,
    ComponentStatus,
    Content,
    Due,
    Impact,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    MaintenanceStatus,
    Site,
)

#: Days of uptime history shown per component.
UPTIME_DAYS = 90
#: Resolved incidents stay on the home page this long.
RECENT_DAYS = 14
#: How much of each status counts as downtime in uptime figures. Degraded performance and
#: maintenance are shown on the bars but do not count as downtime.
DOWNTIME_WEIGHT = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.5}


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


@dataclass(slots=True)
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
    #: For major and critical incidents once resolved: when the postmortem is due (policy).
    postmortem_due: dt.datetime | None = None
    postmortem_overdue: bool = False
    actions: list[CommitmentView] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.incident.id

    @property
    def history_path(self) -> str:
        return _month_path(self.month)

    @property
    def title(self) -> str:
        return self.incident.title

    @property
    def impact(self) -> Impact:
        return self.incident.impact

    @property
    def updates_newest_first(self) -> list[IncidentUpdate]:
        return list(reversed(self.incident.updates))


@dataclass(slots=True)
class MaintenanceView:
    maintenance: Maintenance
    status: MaintenanceStatus
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    notice: dt.timedelta
    affected: tuple[Component, ...]
    segments: list[Segment]
    path: str
    month: tuple[int, int]

    @property
    def id(self) -> str:
        return self.maintenance.id

    @property
    def history_path(self) -> str:
        return _month_path(self.month)

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


@dataclass(slots=True)
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
    incident: IncidentView | None = None

    @property
    def id(self) -> str:
        return self.commitment.id

    @property
    def title(self) -> str:
        return self.commitment.title


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
class Group:
    name: str | None
    components: list[ComponentView]

    @property
    def status(self) -> ComponentStatus:
        return max((c.status for c in self.components), key=lambda s: s.rank)


@dataclass(slots=True)
class Month:
    year: int
    month: int
    incidents: list[IncidentView]
    maintenance: list[MaintenanceView]
    path: str
    previous: Month | None = None
    next: Month | None = None

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


@dataclass(slots=True)
class Ledger:
    kept: int
    late: int
    broken: int
    open: int
    at_risk: int
    withdrawn: int


@dataclass(slots=True)
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
    days: list[dt.date] = field(default_factory=list)
    #: Time to first update, promises kept, commitments kept (see figures.py).
    responsiveness: Responsiveness | None = None


class DeriveCache:
    """Item views kept from one derivation of a site to the next (``statusgen serve``).

    An item's view depends only on the item, the site and ``now``. It is reused while the item
    is the same object (the loader's :class:`~statusgen.loader.SiteCache` returns the same
    object for a file that did not change), the site is equal, and ``now`` has not moved past
    an instant at which the view would change (see :func:`_stable_until`). So a derivation
    with a cache gives views equal to one without, and unchanged items keep the very same
    view objects, which tells later steps what changed.
    """

    def __init__(self) -> None:
        self._site: Site | None = None
        self._kept: dict[tuple[str, str], _Kept] = {}
        #: What figures.responsiveness keeps per resolved incident, and the days of each component.
        self._figures: dict[str, Any] = {}
        self._uptime: dict[str, tuple[Any, list[Day]]] = {}
        #: How many views the last derivation made (the others were reused).
        self.made = 0

    def _start(self, site: Site) -> None:
        if site != self._site:
            self._site, self._kept, self._figures, self._uptime = site, {}, {}, {}
        self.made = 0

    def _views(self, kind: str, items: Iterable[Any], now: dt.datetime, make: Callable[[Any], Any],
               order: Callable[[Any], Any], *, reverse: bool = False) -> list[Any]:
        """Return the views of ``items`` sorted by ``order``, reusing those still true at ``now``."""
        found = []
        for item in items:
            key = (kind, item.id)
            kept = self._kept.get(key)
            if kept is None or kept.item is not item or not (
                now == kept.since or (kept.since < now and (kept.until is None or now < kept.until))
            ):
                view = make(item)
                kept = self._kept[key] = _Kept(item, view, now, _stable_until(view, now), order(view))
                self.made += 1
            found.append(kept)
        found.sort(key=_order_of, reverse=reverse)
        return [kept.view for kept in found]

    def _prune(self, content: Content) -> None:
        """Forget the views of items that are gone."""
        if len(self._kept) > len(content.incidents) + len(content.maintenance) + len(content.commitments):
            keys = {("incidents", i.id) for i in content.incidents}
            keys |= {("maintenance", m.id) for m in content.maintenance}
            keys |= {("commitments", c.id) for c in content.commitments}
            self._kept = {k: v for k, v in self._kept.items() if k in keys}


@dataclass(frozen=True, slots=True)
class _Kept:
    item: Any
    view: Any
    #: The ``now`` it was made for, and the instant from which it may differ (None: never).
    since: dt.datetime
    until: dt.datetime | None
    #: Where the view goes in its sorted list.
    order: Any


def _order_of(kept: _Kept) -> Any:
    return kept.order


def _stable_until(view: Any, now: dt.datetime) -> dt.datetime | None:
    """Return the first instant after ``now`` at which ``view`` may change as time passes (None: never).

    Returns ``now`` itself for a view that changes continuously (an open incident's duration,
    a running maintenance's segments). Only what :func:`_incident_view`, :func:`_maintenance_view`
    and :func:`_commitment_view` read from ``now`` matters here; tests compare reused views with
    fresh ones.
    """
    if isinstance(view, IncidentView):
        if view.is_open:
            return now
        # Closed: its segments and duration are fixed; only a missing postmortem can become overdue.
        due = view.postmortem_due
        return due if due is not None and not view.incident.postmortem and now <= due else None
    if isinstance(view, MaintenanceView):
        if view.started_at is not None and view.ended_at is None and view.status is not MaintenanceStatus.CANCELLED:
            return now  # running: its segments grow with the clock
        m = view.maintenance
        later = [t for t in (m.starts_at, m.ends_at) if t > now]
        return min(later) if later else None
    if isinstance(view, CommitmentView):
        deadline = view.current_due.deadline
        return deadline if view.finished_at is None and view.broken_at is None and now <= deadline else None
    return now


def derive(content: Content, now: dt.datetime, *, cache: DeriveCache | None = None) -> StatusView:
    """Return the status view of ``content`` at ``now``.

    :param cache: views of an earlier derivation of the same site, reused where still true
        (see :class:`DeriveCache`); the result is the same as without it.
    """
    site = content.site
    tz = site.timezone
    by_id = {c.id: c for c in site.components}

    def make_incident(i: Incident) -> IncidentView:
        return _incident_view(i, now, site, by_id)

    def make_maintenance(m: Maintenance) -> MaintenanceView:
        return _maintenance_view(m, now, tz, by_id)

    def make_commitment(c: Commitment) -> CommitmentView:
        return _commitment_view(c, now, by_id)

    if cache is None:
        incidents = sorted(map(make_incident, content.incidents), key=_incident_order, reverse=True)
        maintenance = sorted(map(make_maintenance, content.maintenance), key=_maintenance_order, reverse=True)
        commitments = sorted(map(make_commitment, content.commitments), key=_commitment_order)
    else:
        cache._start(site)
        incidents = cache._views("incidents", content.incidents, now, make_incident, _incident_order,
                                 reverse=True)
        maintenance = cache._views("maintenance", content.maintenance, now, make_maintenance, _maintenance_order,
                                   reverse=True)
        commitments = cache._views("commitments", content.commitments, now, make_commitment, _commitment_order)
        cache._prune(content)

    incident_by_id = {v.id: v for v in incidents}
    commitment_by_id = {v.id: v for v in commitments}
    for view in commitments:
        if view.commitment.incident:
            view.incident = incident_by_id.get(view.commitment.incident)
    for view in incidents:
        if view.incident.postmortem:
            view.actions = [commitment_by_id[a] for a in view.incident.postmortem.actions]

    open_incidents = [v for v in incidents if v.is_open]
    recent_cutoff = now - dt.timedelta(days=RECENT_DAYS)
    recent = [v for v in incidents if not v.is_open and v.resolved_at and v.resolved_at >= recent_cutoff]
    running = [m for m in maintenance if m.is_running]
    upcoming = sorted((m for m in maintenance if m.is_upcoming and m.maintenance.ends_at > now),
                      key=lambda v: (v.maintenance.starts_at, v.id))

    days = _window_days(now, tz)
    components = _component_views(site, now, days, incidents, maintenance, open_incidents, running,
                                  memo=cache._uptime if cache is not None else None)
    groups = _groups(site, components)

    worst_impact = max((v.impact for v in open_incidents), key=lambda i: i.rank, default=Impact.NONE)
    if worst_impact is not Impact.NONE:
        indicator = Indicator[worst_impact.name]
    elif running:
        indicator = Indicator.MAINTENANCE
    else:
        indicator = Indicator.NONE

    states = [c.state for c in commitments]
    ledger = Ledger(
        kept=states.count(CommitmentState.KEPT), late=states.count(CommitmentState.LATE),
        broken=states.count(CommitmentState.BROKEN), open=states.count(CommitmentState.OPEN),
        at_risk=states.count(CommitmentState.AT_RISK), withdrawn=states.count(CommitmentState.WITHDRAWN),
    )
    view = StatusView(
        site=site, now=now, indicator=indicator, groups=groups, components=components,
        incidents=incidents, open_incidents=open_incidents, recent_incidents=recent,
        maintenance=maintenance, running_maintenance=running, upcoming_maintenance=upcoming,
        commitments=commitments, open_commitments=[c for c in commitments if c.state.is_open],
        ledger=ledger, months=_months(incidents, maintenance), days=days,
    )
    # Imported here: figures works on the finished view (and imports this module).
    from .responsiveness import responsiveness

    view.responsiveness = responsiveness(view, memo=cache._figures if cache is not None else None)
    return view


# -- incidents ---------------------------------------------------------------------------------


def _incident_view(incident: Incident, now: dt.datetime, site: Site, by_id: dict[str, Component]) -> IncidentView:
    updates = incident.updates
    latest = updates[-1]
    is_open = latest.status is not IncidentStatus.RESOLVED
    resolved_at = None
    if not is_open:
        # The start of the final run of `resolved` updates: later corrections do not move it.
        resolved_at = latest.at
        for update in reversed(updates):
            if update.status is not IncidentStatus.RESOLVED:
                break
            resolved_at = update.at

    # Component statuses over time: the incident's own map, changed by updates, cleared on resolve.
    current = dict(incident.components)
    segments: list[Segment] = []
    affected = set(current)
    source = f"incidents/{incident.id}"
    open_since: dict[str, tuple[dt.datetime, ComponentStatus]] = {}

    def close(cid: str, at: dt.datetime) -> None:
        start, status = open_since.pop(cid)
        if at > start:
            segments.append(Segment(cid, start, at, status, source))

    def apply(state: dict[str, ComponentStatus], at: dt.datetime) -> None:
        for cid in list(open_since):
            if state.get(cid) != open_since[cid][1]:
                close(cid, at)
        for cid, status in state.items():
            if status is not ComponentStatus.OPERATIONAL and cid not in open_since:
                open_since[cid] = (at, status)

    apply(current, incident.started_at)
    for update in updates:
        if update.components:
            current.update(update.components)
            affected.update(update.components)
        apply({} if update.status is IncidentStatus.RESOLVED else current, update.at)
    end = max(now, incident.started_at)
    for cid in list(open_since):
        close(cid, end)

    next_by, promised = None, False
    if is_open:
        if latest.next_update_by:
            next_by, promised = latest.next_update_by, True
        else:
            next_by = latest.published + site.policy.update_every[incident.impact]
    postmortem_due = None
    if resolved_at and incident.impact in (Impact.MAJOR, Impact.CRITICAL):
        postmortem_due = resolved_at + site.policy.postmortem_within
    local_start = incident.started_at.astimezone(site.timezone)
    corrected_by: dict[int, list[IncidentUpdate]] = defaultdict(list)
    for update in updates:
        if update.corrects:
            corrected_by[update.corrects].append(update)
    return IncidentView(
        incident=incident, status=latest.status, is_open=is_open, started_at=incident.started_at,
        resolved_at=resolved_at,
        duration=(resolved_at or max(now, incident.started_at)) - incident.started_at,
        latest=latest, next_update_by=next_by, next_update_promised=promised,
        overdue=bool(next_by and now > next_by),
        current_components={} if not is_open else {k: v for k, v in current.items()},
        affected=tuple(by_id[c] for c in sorted(affected, key=_order(by_id)) if c in by_id),
        corrected_by=dict(corrected_by), segments=segments, path=f"incidents/{incident.id}/",
        month=(local_start.year, local_start.month), postmortem_due=postmortem_due,
        postmortem_overdue=bool(postmortem_due and not incident.postmortem and now > postmortem_due),
    )


_instant = timeutil.instant


# The orders of the lists: by instant (in whole microseconds: comparing aware datetimes is
# slow), then id. Incidents and maintenance newest first, commitments soonest due first.
def _incident_order(view: IncidentView) -> tuple[int, str]:
    return _instant(view.started_at), view.id


def _maintenance_order(view: MaintenanceView) -> tuple[int, str]:
    return _instant(view.maintenance.starts_at), view.id


def _commitment_order(view: CommitmentView) -> tuple[int, str]:
    return _instant(view.current_due.deadline), view.id


def _order(by_id: dict[str, Component]):  # type: ignore[no-untyped-def]
    positions = {cid: n for n, cid in enumerate(by_id)}
    return lambda cid: positions.get(cid, len(positions))


# -- maintenance -------------------------------------------------------------------------------


def _maintenance_view(m: Maintenance, now: dt.datetime, tz: dt.tzinfo, by_id: dict[str, Component]) -> MaintenanceView:
    explicit = m.updates[-1].status if m.updates else MaintenanceStatus.SCHEDULED
    if explicit is MaintenanceStatus.SCHEDULED:
        # Nobody said otherwise: the window follows the clock.
        if now < m.starts_at:
            status = MaintenanceStatus.SCHEDULED
        elif now < m.ends_at:
            status = MaintenanceStatus.IN_PROGRESS
        else:
            status = MaintenanceStatus.COMPLETED
    else:
        status = explicit

    started_at = ended_at = None
    if status is not MaintenanceStatus.CANCELLED:
        started = [u.at for u in m.updates if u.status is MaintenanceStatus.IN_PROGRESS]
        started_at = started[0] if started else (m.starts_at if now >= m.starts_at else None)
        done = [u.at for u in m.updates if u.status is MaintenanceStatus.COMPLETED]
        if done:
            ended_at = done[-1]
        elif status is MaintenanceStatus.COMPLETED:
            ended_at = m.ends_at
    segments: list[Segment] = []
    if started_at is not None:
        end = ended_at or max(now, started_at)
        for cid, comp_status in m.components.items():
            if end > started_at and comp_status is not ComponentStatus.OPERATIONAL:
                segments.append(Segment(cid, started_at, end, comp_status, f"maintenance/{m.id}"))
    local = m.starts_at.astimezone(tz)
    return MaintenanceView(
        maintenance=m, status=status, started_at=started_at, ended_at=ended_at,
        notice=m.starts_at - m.announced_at,
        affected=tuple(by_id[c] for c in sorted(m.components, key=_order(by_id)) if c in by_id),
        segments=segments, path=f"maintenance/{m.id}/", month=(local.year, local.month),
    )


# -- commitments -------------------------------------------------------------------------------


def _commitment_view(c: Commitment, now: dt.datetime, by_id: dict[str, Component]) -> CommitmentView:
    due = c.due
    changes: list[DueChange] = []
    broken_at: dt.datetime | None = None
    broken_due: Due | None = None
    finished: CommitmentUpdate | None = None
    for update in c.updates:
        if update.due is not None:
            in_time = update.at <= due.deadline
            if not in_time and broken_at is None:
                broken_at, broken_due = due.deadline, due
            changes.append(DueChange(update, due, update.due, in_time))
            due = update.due
        if update.status in (CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
            finished = update
            break
    latest = c.updates[-1] if c.updates else None
    status = latest.status if latest else CommitmentStatus.PLANNED

    if finished and finished.status is CommitmentStatus.WITHDRAWN:
        state = CommitmentState.WITHDRAWN
    elif finished:
        state = CommitmentState.KEPT if finished.at <= c.due.deadline else CommitmentState.LATE
    else:
        if now > due.deadline and broken_at is None:
            broken_at, broken_due = due.deadline, due
        if broken_at is not None:
            state = CommitmentState.BROKEN
        elif status is CommitmentStatus.AT_RISK:
            state = CommitmentState.AT_RISK
        else:
            state = CommitmentState.OPEN
    next_by = latest.next_update_by if latest and not finished else None
    return CommitmentView(
        commitment=c, state=state, status=status, original_due=c.due, current_due=due, changes=changes,
        finished_at=finished.at if finished else None, broken_at=broken_at, broken_due=broken_due, latest=latest,
        next_update_by=next_by,
        components=tuple(by_id[x] for x in sorted(c.components, key=_order(by_id)) if x in by_id),
        path=f"commitments/{c.id}/",
    )


# -- components and uptime ---------------------------------------------------------------------


def _window_days(now: dt.datetime, tz: dt.tzinfo) -> list[dt.date]:
    today = now.astimezone(tz).date()
    return [today - dt.timedelta(days=n) for n in range(UPTIME_DAYS - 1, -1, -1)]


def _component_views(
    site: Site,
    now: dt.datetime,
    days: list[dt.date],
    incidents: list[IncidentView],
    maintenance: list[MaintenanceView],
    open_incidents: list[IncidentView],
    running: list[MaintenanceView],
    *,
    memo: dict[str, tuple[Any, list[Day]]] | None = None,
) -> dict[str, ComponentView]:
    tz = site.timezone
    # Day boundaries in the site's zone: DST days are 23 or 25 hours long.
    bounds = [timeutil.start_of_day(d, tz) for d in days] + [timeutil.end_of_day(days[-1], tz)]
    window_start = bounds[0]

    segments: dict[str, list[Segment]] = defaultdict(list)
    by_component_incidents: dict[str, list[IncidentView]] = defaultdict(list)
    by_component_maintenance: dict[str, list[MaintenanceView]] = defaultdict(list)
    for view in incidents:
        for comp in view.affected:
            by_component_incidents[comp.id].append(view)
        # A resolved incident's segments all end by the time it was resolved.
        if view.resolved_at is not None and view.resolved_at <= window_start:
            continue
        for seg in view.segments:
            if seg.end > window_start:
                segments[seg.component].append(seg)
    for mview in maintenance:
        for comp in mview.affected:
            by_component_maintenance[comp.id].append(mview)
        for seg in mview.segments:
            if seg.end > window_start:
                segments[seg.component].append(seg)

    current: dict[str, ComponentStatus] = {}
    for view in open_incidents:
        for cid, status in view.current_components.items():
            current[cid] = _worst(current.get(cid, ComponentStatus.OPERATIONAL), status)
    for mview in running:
        for cid, status in mview.maintenance.components.items():
            current[cid] = _worst(current.get(cid, ComponentStatus.OPERATIONAL), status)

    views: dict[str, ComponentView] = {}
    elapsed = sum(max(0.0, (min(bounds[n + 1], now) - bounds[n]).total_seconds()) for n in range(len(days)))
    for comp in site.components:
        window = segments.get(comp.id, [])
        # The same segments (the same objects: their items did not change) give the same days.
        inputs = (now, days[0], tuple(window))
        known = memo.get(comp.id) if memo is not None else None
        if known is not None and known[0] == inputs:
            day_list = known[1]
        else:
            day_list = _uptime_days(window, days, bounds, now)
            if memo is not None:
                memo[comp.id] = (inputs, day_list)
        down = sum(d.seconds.get(s, 0.0) * w for d in day_list for s, w in DOWNTIME_WEIGHT.items())
        views[comp.id] = ComponentView(
            component=comp, status=current.get(comp.id, ComponentStatus.OPERATIONAL), days=day_list,
            uptime=1.0 - down / elapsed if elapsed > 0 else 1.0,
            incidents=by_component_incidents.get(comp.id, []),
            maintenance=by_component_maintenance.get(comp.id, []),
            path=f"components/{comp.id}/",
        )
    return views


def _worst(a: ComponentStatus, b: ComponentStatus) -> ComponentStatus:
    return a if a.rank >= b.rank else b


def _uptime_days(
    segments: list[Segment], days: list[dt.date], bounds: list[dt.datetime], now: dt.datetime
) -> list[Day]:
    """Split one component's (possibly overlapping) segments into days, worst status winning."""
    seconds: list[dict[ComponentStatus, float]] = [defaultdict(float) for _ in days]
    sources: list[set[str]] = [set() for _ in days]
    # Sweep over the instants where any segment starts or ends, in whole microseconds (exact,
    # and much faster to compare than aware datetimes). A segment is active over [start, end)
    # when it covers it; segments are taken on as the sweep reaches their start.
    edges = [_instant(b) for b in bounds]
    spans = sorted(((_instant(s.start), _instant(s.end), s) for s in segments), key=lambda x: x[0])
    points = sorted({p for begin, finish, _ in spans for p in (begin, finish)} | {edges[0]})
    points = [p for p in points if edges[0] <= p <= min(_instant(now), edges[-1])] or [edges[0]]
    active: list[tuple[int, int, Segment]] = []
    taken = 0
    for start, end in itertools.pairwise(points):
        while taken < len(spans) and spans[taken][0] <= start:
            active.append(spans[taken])
            taken += 1
        # Ends only grow along the sweep: a segment that stops covering stays out.
        active = [x for x in active if x[1] >= end]
        if not active:
            continue
        worst = max((x[2].status for x in active), key=lambda status: status.rank)
        day = bisect.bisect_right(edges, start) - 1
        cursor = start
        while cursor < end and day < len(days):
            stop = min(end, edges[day + 1])
            # Exactly timedelta.total_seconds(): whole microseconds over 10**6.
            seconds[day][worst] += (stop - cursor) / 10**6
            sources[day].update(x[2].source for x in active)
            cursor = stop
            day += 1
    result = []
    now_us = _instant(now)
    for n, day in enumerate(days):
        length = max(0.0, (min(edges[n + 1], now_us) - edges[n]) / 10**6)
        down = sum(seconds[n].get(s, 0.0) * w for s, w in DOWNTIME_WEIGHT.items()) if seconds[n] else 0.0
        worst = max(seconds[n], key=lambda s: s.rank, default=ComponentStatus.OPERATIONAL)
        result.append(Day(day, worst, dict(seconds[n]), 1.0 - down / length if length > 0 else 1.0,
                          sorted(sources[n])))
    return result


def _groups(site: Site, components: dict[str, ComponentView]) -> list[Group]:
    groups: list[Group] = []
    named: dict[str, Group] = {}
    for comp in site.components:
        view = components[comp.id]
        if comp.group is None:
            groups.append(Group(None, [view]))
        elif comp.group in named:
            named[comp.group].components.append(view)
        else:
            named[comp.group] = Group(comp.group, [view])
            groups.append(named[comp.group])
    return groups


def _month_path(month: tuple[int, int]) -> str:
    return f"history/{month[0]:04d}/{month[1]:02d}/"


def _months(incidents: list[IncidentView], maintenance: list[MaintenanceView]) -> list[Month]:
    found: dict[tuple[int, int], Month] = {}
    for view in incidents:
        month = found.get(view.month)
        if month is None:
            month = found[view.month] = Month(*view.month, [], [], _month_path(view.month))
        month.incidents.append(view)
    for mview in maintenance:
        month = found.get(mview.month)
        if month is None:
            month = found[mview.month] = Month(*mview.month, [], [], _month_path(mview.month))
        month.maintenance.append(mview)
    months = [found[k] for k in sorted(found, reverse=True)]
    for newer, older in itertools.pairwise(months):
        newer.previous, older.next = older, newer
    return months

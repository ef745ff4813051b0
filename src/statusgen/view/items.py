"""One item -> its view at ``now``: status, deadlines, component segments, the state of a promise.

Each function looks at one item (and the site's components and policy) and nothing else, so
a view stays true while its item and the instants it depends on (see ``Deriver``) do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

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
from ..timeutil import instant
from .types import (
    Change,
    CommitmentState,
    CommitmentView,
    DueChange,
    IncidentView,
    ItemLink,
    MaintenanceView,
    ScopeChange,
    Segment,
)

#: Maintenance statuses that close a window.
CLOSED = (MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED)


def incident_view(incident: Incident, now: dt.datetime, site: Site, by_id: dict[str, Component],
                  actions: tuple[CommitmentView, ...]) -> IncidentView:
    """Return the view of one incident at ``now``; ``actions`` are the views of its postmortem's commitments."""
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

    told = _Told(incident)
    impact = told.impacts[-1]
    next_by, promised = None, False
    if is_open:
        pacing = told.pacing
        if pacing.next_update_by:
            next_by, promised = pacing.next_update_by, True
        else:
            # A correction never stretches the deadline: the shorter of the policy then and now.
            every = site.policy.update_every
            next_by = pacing.published + min(every[told.impacts[pacing.number - 1]], every[impact])
    postmortem_due = None
    if resolved_at and told.peak in (Impact.MAJOR, Impact.CRITICAL):
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
        corrected_by=dict(corrected_by), segments=segments, path=urls.incident(incident.id),
        month=(local_start.year, local_start.month), title=told.title, impact=impact, workaround=told.workaround,
        peak_impact=told.peak, pacing=told.pacing, impacts=told.impacts, impact_changes=told.impact_changes,
        title_changes=told.title_changes, postmortem_due=postmortem_due,
        postmortem_overdue=bool(postmortem_due and not incident.postmortem and now > postmortem_due),
        actions=actions,
    )


class _Told:
    """What an incident's updates changed about it, in order: impact, title, workaround, the standing promise."""

    def __init__(self, incident: Incident) -> None:
        impact, self.title, self.workaround = incident.impact, incident.title, incident.workaround
        self.peak = impact
        self.pacing = incident.updates[0]
        impacts: list[Impact] = []
        impact_changes: list[Change] = []
        title_changes: list[Change] = []
        for update in incident.updates:
            if update.impact is not None and update.impact is not impact:
                impact_changes.append(Change(update.number, update.at, impact, update.impact))
                impact = update.impact
                self.peak = max(self.peak, impact, key=lambda i: i.rank)
            if update.title is not None and update.title != self.title:
                title_changes.append(Change(update.number, update.at, self.title, update.title))
                self.title = update.title
            if update.workaround is not None:
                self.workaround = update.workaround
            if update.corrects is None:
                self.pacing = update
            impacts.append(impact)
        self.impacts = tuple(impacts)
        self.impact_changes = tuple(impact_changes)
        self.title_changes = tuple(title_changes)


def current_title(incident: Incident) -> str:
    """Return an incident's title as its updates left it."""
    title = incident.title
    for update in incident.updates:
        title = update.title or title
    return title




# The orders of the lists: by instant (in whole microseconds: comparing aware datetimes is
# slow), then id. Incidents and maintenance newest first, commitments soonest due first.
def incident_order(view: IncidentView) -> tuple[int, str]:
    return instant(view.started_at), view.id


def maintenance_order(view: MaintenanceView) -> tuple[int, str]:
    return instant(view.starts_at), view.id


def commitment_order(view: CommitmentView) -> tuple[int, str]:
    return instant(view.current_due.deadline), view.id


def _order(by_id: dict[str, Component]) -> Callable[[str], int]:
    """Return the sort key that lists component ids in site.yaml's order."""
    positions = {cid: n for n, cid in enumerate(by_id)}
    return lambda cid: positions.get(cid, len(positions))


# -- maintenance -------------------------------------------------------------------------------


def maintenance_view(m: Maintenance, now: dt.datetime, tz: dt.tzinfo, by_id: dict[str, Component]) -> MaintenanceView:
    """Return the view of one maintenance at ``now``: its window and components as updates moved them."""
    starts, ends, components = m.starts_at, m.ends_at, m.components
    window_told = m.announced_at
    window_changes: list[Change] = []
    for u in m.updates:
        moved = (u.starts_at or starts, u.ends_at or ends)
        if moved != (starts, ends):
            window_changes.append(Change(u.number, u.at, (starts, ends), moved))
            starts, ends = moved
            window_told = u.at
        if u.components:
            components = u.components
    explicit = m.updates[-1].status if m.updates else MaintenanceStatus.SCHEDULED
    if explicit is MaintenanceStatus.SCHEDULED:
        # Nobody said otherwise: the window follows the clock.
        if now < starts:
            status = MaintenanceStatus.SCHEDULED
        elif now < ends:
            status = MaintenanceStatus.IN_PROGRESS
        else:
            status = MaintenanceStatus.COMPLETED
    else:
        status = explicit

    started_at = ended_at = None
    if status is not MaintenanceStatus.CANCELLED:
        started = [u.at for u in m.updates if u.status is MaintenanceStatus.IN_PROGRESS]
        started_at = started[0] if started else (starts if now >= starts else None)
        done = [u.at for u in m.updates if u.status is MaintenanceStatus.COMPLETED]
        if done:
            ended_at = done[-1]
        elif status is MaintenanceStatus.COMPLETED:
            ended_at = ends
    segments: list[Segment] = []
    if started_at is not None:
        end = ended_at or max(now, started_at)
        for cid, comp_status in components.items():
            if end > started_at and comp_status is not ComponentStatus.OPERATIONAL:
                segments.append(Segment(cid, started_at, end, comp_status, f"maintenance/{m.id}"))
    local = starts.astimezone(tz)
    return MaintenanceView(
        maintenance=m, status=status, started_at=started_at, ended_at=ended_at, notice=starts - window_told,
        affected=tuple(by_id[c] for c in sorted(components, key=_order(by_id)) if c in by_id),
        segments=segments, path=urls.maintenance(m.id), month=(local.year, local.month),
        starts_at=starts, ends_at=ends, components=dict(components), window_changes=tuple(window_changes),
        needs_closing=now > ends and explicit not in CLOSED,
    )


# -- commitments -------------------------------------------------------------------------------


def commitment_view(c: Commitment, now: dt.datetime, by_id: dict[str, Component],
                    incident: Incident | None) -> CommitmentView:
    """Return the view of one commitment at ``now``; ``incident`` is the one that led to it."""
    due = c.due
    changes: list[DueChange] = []
    broken_at: dt.datetime | None = None
    broken_due: Due | None = None
    finished: CommitmentUpdate | None = None
    title = c.title
    scope_changes: list[ScopeChange] = []
    reduced_at: dt.datetime | None = None
    for update in c.updates:
        if update.scope is not None or (update.title is not None and update.title != title):
            scope_changes.append(ScopeChange(update, update.scope, title, update.title or title))
            title = update.title or title
            if update.scope is Scope.REDUCED and reduced_at is None:
                reduced_at = update.at
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
    elif finished and reduced_at is not None:
        state = CommitmentState.REDUCED
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
        path=urls.commitment(c.id), title=title,
        incident=ItemLink(incident.id, current_title(incident), urls.incident(incident.id)) if incident is not None
        else None,
        scope_changes=tuple(scope_changes), reduced_at=reduced_at,
    )

"""Components over time: current status, and per day of the window how long each was down.

Days are the site's calendar days (23 or 25 hours long around DST changes). Overlapping
incidents and maintenance on one component count once, the worst status winning.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from .. import timeutil, urls
from ..content.model import ComponentStatus, Site
from ..timeutil import instant
from .types import ComponentView, Day, Group, IncidentView, MaintenanceView, Segment

#: Days of uptime history shown per component.
UPTIME_DAYS = 90
#: How much of each status counts as downtime in uptime figures. Degraded performance and
#: maintenance are shown on the bars but do not count as downtime.
DOWNTIME_WEIGHT = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.5}

#: Per component: what its days were computed from, and the days (kept between derivations).
UptimeMemo = dict[str, tuple[Any, list[Day]]]


def window_days(now: dt.datetime, tz: dt.tzinfo) -> list[dt.date]:
    today = now.astimezone(tz).date()
    return [today - dt.timedelta(days=n) for n in range(UPTIME_DAYS - 1, -1, -1)]


def component_views(
    site: Site,
    now: dt.datetime,
    days: list[dt.date],
    incidents: list[IncidentView],
    maintenance: list[MaintenanceView],
    open_incidents: list[IncidentView],
    running: list[MaintenanceView],
    memo: UptimeMemo,
) -> dict[str, ComponentView]:
    """Return every component's view: its status now, its days in the window, its incidents and maintenance."""
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
        known = memo.get(comp.id)
        if known is not None and known[0] == inputs:
            day_list = known[1]
        else:
            day_list = _uptime_days(window, days, bounds, now)
            memo[comp.id] = (inputs, day_list)
        down = sum(d.seconds.get(s, 0.0) * w for d in day_list for s, w in DOWNTIME_WEIGHT.items())
        views[comp.id] = ComponentView(
            component=comp, status=current.get(comp.id, ComponentStatus.OPERATIONAL), days=day_list,
            uptime=1.0 - down / elapsed if elapsed > 0 else 1.0,
            incidents=by_component_incidents.get(comp.id, []),
            maintenance=by_component_maintenance.get(comp.id, []),
            path=urls.component(comp.id),
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
    edges = [instant(b) for b in bounds]
    spans = sorted(((instant(s.start), instant(s.end), s) for s in segments), key=lambda x: x[0])
    points = sorted({p for begin, finish, _ in spans for p in (begin, finish)} | {edges[0]})
    points = [p for p in points if edges[0] <= p <= min(instant(now), edges[-1])] or [edges[0]]
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
        index = bisect.bisect_right(edges, start) - 1
        cursor = start
        while cursor < end and index < len(days):
            stop = min(end, edges[index + 1])
            # Exactly timedelta.total_seconds(): whole microseconds over 10**6.
            seconds[index][worst] += (stop - cursor) / 10**6
            sources[index].update(x[2].source for x in active)
            cursor = stop
            index += 1
    result = []
    now_us = instant(now)
    for n, day in enumerate(days):
        length = max(0.0, (min(edges[n + 1], now_us) - edges[n]) / 10**6)
        down = sum(seconds[n].get(s, 0.0) * w for s, w in DOWNTIME_WEIGHT.items()) if seconds[n] else 0.0
        worst = max(seconds[n], key=lambda s: s.rank, default=ComponentStatus.OPERATIONAL)
        result.append(Day(day, worst, dict(seconds[n]), 1.0 - down / length if length > 0 else 1.0,
                          sorted(sources[n])))
    return result


def groups(site: Site, components: dict[str, ComponentView]) -> list[Group]:
    """Return the components in site.yaml's order, those of one group together under its name."""
    order: list[tuple[str | None, list[ComponentView]]] = []
    named: dict[str, list[ComponentView]] = {}
    for comp in site.components:
        view = components[comp.id]
        if comp.group is None:
            order.append((None, [view]))
        elif comp.group in named:
            named[comp.group].append(view)
        else:
            named[comp.group] = [view]
            order.append((comp.group, named[comp.group]))
    return [Group(name, members) for name, members in order]

"""(content, now) -> what the site shows: states, deadlines, ledgers, uptime and figures.

:func:`derive` is a pure function of the validated content and one instant, ``now``. Each
item is looked at a constant number of times, so the cost grows linearly with the number
of items (indexes by component and month are built once). The steps: commitments (an
incident's postmortem lists its actions as their views), incidents, maintenance, then what
is made of them all (components and uptime, the overall indicator, months, the ledger and the
responsiveness figures). The view is complete when :class:`~.types.StatusView` is made.

A :class:`Deriver` does the same again and again for ``statusgen serve``, reusing each
item's view while it is still true; its result equals :func:`derive`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .. import urls
from ..content.model import Commitment, Content, Impact, Incident, Maintenance, MaintenanceStatus, Site
from .items import (
    commitment_order,
    commitment_view,
    current_title,
    incident_order,
    incident_view,
    maintenance_order,
    maintenance_view,
)
from .responsiveness import PromiseMemo, responsiveness
from .types import (
    CommitmentState,
    CommitmentView,
    IncidentView,
    Indicator,
    Ledger,
    MaintenanceView,
    Month,
    MonthLink,
    StatusView,
)
from .uptime import UptimeMemo, component_views, groups, window_days

#: Resolved incidents stay on the home page this long.
RECENT_DAYS = 14

V = TypeVar("V")


def derive(content: Content, now: dt.datetime) -> StatusView:
    """Return the status view of ``content`` at ``now``."""
    return Deriver().derive(content, now)


class Deriver:
    """Derives the views of one site again and again (``statusgen serve``), reusing what is still true.

    An item's view depends only on the item, the site, ``now`` and what it shows of the items
    it names (a postmortem's actions, the title of a commitment's incident). It is reused while
    the item is the same object and those are equal (the loader's :class:`~statusgen.content.cache.SiteCache` returns
    the same object for a file that did not change), the site is equal, and ``now`` has not
    moved past an instant at which the view would change (see :func:`_stable_until`). So
    unchanged items keep the very same view objects, which tells later steps what changed.
    Uptime days and the promises of resolved incidents are kept the same way.
    """

    def __init__(self) -> None:
        self._site: Site | None = None
        self._kept: dict[tuple[str, str], _Kept] = {}
        self._uptime: UptimeMemo = {}
        self._promises = PromiseMemo()
        #: How many item views the last derivation made (the others were reused).
        self.made = 0

    def derive(self, content: Content, now: dt.datetime) -> StatusView:
        """Return the status view of ``content`` at ``now`` (what :func:`derive` returns)."""
        site = content.site
        if site != self._site:
            self._site, self._kept, self._uptime, self._promises = site, {}, {}, PromiseMemo()
        self.made = 0
        by_id = {c.id: c for c in site.components}
        incident_models = {i.id: i for i in content.incidents}

        def make_commitment(c: Commitment) -> CommitmentView:
            return commitment_view(c, now, by_id, incident_models.get(c.incident) if c.incident else None)

        def shown_incident(c: Commitment) -> tuple[Any, ...]:
            incident = incident_models.get(c.incident) if c.incident else None
            return (current_title(incident),) if incident is not None else ()

        commitments = self._views("commitments", content.commitments, now, make_commitment, commitment_order,
                                  shown_incident)
        commitment_by_id = {v.id: v for v in commitments}

        def actions(i: Incident) -> tuple[CommitmentView, ...]:
            return tuple(commitment_by_id[a] for a in i.postmortem.all_actions) if i.postmortem else ()

        def make_incident(i: Incident) -> IncidentView:
            return incident_view(i, now, site, by_id, actions(i))

        def make_maintenance(m: Maintenance) -> MaintenanceView:
            return maintenance_view(m, now, site.timezone, by_id)

        incidents = self._views("incidents", content.incidents, now, make_incident, incident_order, actions,
                                reverse=True)
        maintenance = self._views("maintenance", content.maintenance, now, make_maintenance, maintenance_order,
                                  _no_links, reverse=True)
        self._prune(content)
        return _status_view(site, now, incidents, maintenance, commitments, self._uptime, self._promises)

    def _views(self, kind: str, items: Iterable[Any], now: dt.datetime, make: Callable[[Any], V],
               order: Callable[[V], Any], links: Callable[[Any], tuple[Any, ...]], *,
               reverse: bool = False) -> list[V]:
        """Return the views of ``items`` sorted by ``order``, reusing those still true at ``now``."""
        found = []
        for item in items:
            key = (kind, item.id)
            kept = self._kept.get(key)
            named = links(item)
            if kept is None or kept.item is not item or kept.links != named or not (
                now == kept.since or (kept.since < now and (kept.until is None or now < kept.until))
            ):
                view = make(item)
                kept = self._kept[key] = _Kept(item, named, view, now, _stable_until(view, now), order(view))
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
    #: What the view shows of other items: a postmortem's commitment views, the title of a
    #: commitment's incident. Compared with ``==``, which takes identical objects as equal at once.
    links: tuple[Any, ...]
    view: Any
    #: The ``now`` it was made for, and the instant from which it may differ (None: never).
    since: dt.datetime
    until: dt.datetime | None
    #: Where the view goes in its sorted list.
    order: Any


def _order_of(kept: _Kept) -> Any:
    return kept.order


def _no_links(_: Any) -> tuple[Any, ...]:
    return ()


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
        later = [t for t in (view.starts_at, view.ends_at) if t > now]
        return min(later) if later else None
    if isinstance(view, CommitmentView):
        deadline = view.current_due.deadline
        return deadline if view.finished_at is None and view.broken_at is None and now <= deadline else None
    return now


def _status_view(site: Site, now: dt.datetime, incidents: list[IncidentView], maintenance: list[MaintenanceView],
                 commitments: list[CommitmentView], uptime: UptimeMemo, promises: PromiseMemo) -> StatusView:
    """Return the whole view, from the sorted item views: components, indicator, ledger, months, figures."""
    open_incidents = [v for v in incidents if v.is_open]
    recent_cutoff = now - dt.timedelta(days=RECENT_DAYS)
    recent = [v for v in incidents if not v.is_open and v.resolved_at and v.resolved_at >= recent_cutoff]
    running = [m for m in maintenance if m.is_running]
    upcoming = sorted((m for m in maintenance if m.is_upcoming and m.ends_at > now),
                      key=lambda v: (v.starts_at, v.id))

    days = window_days(now, site.timezone)
    components = component_views(site, now, days, incidents, maintenance, open_incidents, running, uptime)

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
        reduced=states.count(CommitmentState.REDUCED),
    )
    return StatusView(
        site=site, now=now, indicator=indicator, groups=groups(site, components), components=components,
        incidents=incidents, open_incidents=open_incidents, recent_incidents=recent,
        maintenance=maintenance, running_maintenance=running, upcoming_maintenance=upcoming,
        commitments=commitments, open_commitments=[c for c in commitments if c.state.is_open],
        ledger=ledger, months=_months(incidents, maintenance), days=days,
        responsiveness=responsiveness(now, site.policy, incidents, commitments, promises),
    )


def _months(incidents: Sequence[IncidentView], maintenance: Sequence[MaintenanceView]) -> list[Month]:
    """Return the months with incidents or maintenance, newest first, each linked to its neighbours."""
    found: dict[tuple[int, int], tuple[list[IncidentView], list[MaintenanceView]]] = {}
    for view in incidents:
        found.setdefault(view.month, ([], []))[0].append(view)
    for mview in maintenance:
        found.setdefault(mview.month, ([], []))[1].append(mview)
    keys = sorted(found, reverse=True)
    links = [MonthLink(*key) for key in keys]
    months = []
    for n, key in enumerate(keys):
        older = links[n + 1] if n + 1 < len(keys) else None
        newer = links[n - 1] if n > 0 else None
        months.append(Month(*key, *found[key], urls.month(*key), previous=older, next=newer))
    return months

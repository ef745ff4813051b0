"""(status view) -> the JSON API: Atlassian Statuspage's public v2 documents, and our own.

``api/v2/*.json`` copy the documents a Statuspage-hosted page serves at the same paths,
with the same field names, value sets and shapes, so status aggregators, chat bots and
dashboards that read Statuspage read us unchanged. Strict clients reject fields they do not
know, so these documents hold nothing else; what they have no room for (commitments,
next-update deadlines, postmortems, uptime) is in ``api/statusgen.json``.

Ids are stable across rebuilds: a component keeps the id from site.yaml (people type it into
their clients). Everything else gets a 12-character id in Statuspage's alphabet, hashed from
its kind and our id: Statuspage keeps incidents and maintenance in one id space, while our
ids are unique per kind only. Times are ISO 8601 in the site's zone with milliseconds, as
Statuspage writes them. Every document is built from the view alone: same content and
``now``, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from .. import urls
from ..content.model import (
    Component,
    ComponentStatus,
    IncidentStatus,
    MaintenanceStatus,
)
from ..timeutil import instant
from ..view import Group, IncidentView, MaintenanceView, StatusView
from .context import RenderContext

#: Statuspage's incidents.json and scheduled-maintenances.json list the 50 most recent.
RECENT = 50

Json = dict[str, Any]

# Statuspage has no "cancelled": a maintenance called off is closed as completed (its last
# update says why). api/statusgen.json keeps our own value.
_V2_MAINTENANCE_STATUS = {MaintenanceStatus.CANCELLED: "completed"}


def stable_id(kind: str, key: str) -> str:
    """Return a 12-character id in Statuspage's alphabet (``[0-9a-z]``) for ``kind`` and ``key``."""
    number = int.from_bytes(hashlib.sha256(f"{kind}:{key}".encode()).digest()[:8], "big")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(12):
        number, rest = divmod(number, 36)
        out.append(digits[rest])
    return "".join(out)


class StatuspageApi:
    """Makes the Statuspage v2 documents under ``api/v2/``.

    Remembers when each item last changed a component's status, and each document with its
    bytes: writing indented JSON is slow, and a document equal to the last one keeps them.
    """

    def __init__(self) -> None:
        self._changes: dict[str, Any] = {}
        self._documents = Documents()

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        view = ctx.view
        v2 = _V2(ctx, self._changes)
        page = v2.page
        docs: dict[str, Json] = {
            "summary.json": v2.summary(),
            "status.json": {"page": page, "status": v2.status},
            "components.json": {"page": page, "components": v2.components},
        }
        incidents = {"incidents.json": recent_incidents(view), "incidents/unresolved.json": view.open_incidents}
        for name, found in incidents.items():
            docs[name] = {"page": page, "incidents": [v2.incident(i) for i in found]}
        maintenance = {
            "scheduled-maintenances.json": recent_maintenance(view),
            "scheduled-maintenances/upcoming.json": view.upcoming_maintenance,
            "scheduled-maintenances/active.json": view.running_maintenance,
        }
        for name, windows in maintenance.items():
            docs[name] = {"page": page, "scheduled_maintenances": [v2.maintenance(m) for m in windows]}
        return self._documents.dump({urls.api_v2(name): doc for name, doc in docs.items()})


class Documents:
    """JSON documents as bytes, each kept with the document it was written from."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[Json, bytes]] = {}

    def dump(self, docs: dict[str, Json]) -> dict[str, bytes]:
        """Return every document as bytes, reusing those of documents equal to the last ones."""
        out = {}
        for path, doc in docs.items():
            known = self._known.get(path)
            if known is None or known[0] != doc:  # keys are always built in the same order
                known = self._known[path] = (doc, dump(doc))
            out[path] = known[1]
        return out


def dump(doc: Json) -> bytes:
    """Return ``doc`` as UTF-8 JSON: keys in the order built, two-space indent, final newline."""
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def recent_incidents(view: StatusView) -> list[IncidentView]:
    """The 50 most recent incidents, and every unresolved one even if older."""
    recent = view.incidents[:RECENT]
    return recent + [i for i in view.open_incidents if i not in recent]


def recent_maintenance(view: StatusView) -> list[MaintenanceView]:
    recent = view.maintenance[:RECENT]
    extra = [m for m in view.running_maintenance + view.upcoming_maintenance if m not in recent]
    return sorted(recent + extra, key=lambda m: (m.starts_at, m.id), reverse=True)


def api_time(value: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    """Return a time as Statuspage writes it: ISO 8601 in the site's zone, with milliseconds."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def page_object(ctx: RenderContext) -> Json:
    """Return the ``page`` object every document starts with; updated when the newest post was published."""
    site = ctx.view.site
    newest = ctx.posts[0].published if ctx.posts else epoch(ctx.view)
    return {
        "id": stable_id("page", site.base_url),
        "name": site.title,
        "url": site.base_url.rstrip("/"),
        "time_zone": site.timezone.key,
        "updated_at": api_time(newest, site.timezone),
    }


def status_object(view: StatusView) -> Json:
    return {"indicator": view.indicator.key, "description": view.indicator.description}


def epoch(view: StatusView) -> dt.datetime:
    """Return the earliest time the content mentions: when the page, as far as we know, began."""
    times = [view.incidents[-1].started_at] if view.incidents else []  # the list is newest first
    times += [m.maintenance.announced_at for m in view.maintenance]
    times += [c.commitment.made_at for c in view.commitments]
    return min(times, default=view.now)


class _V2:
    """Builds Statuspage v2 objects for one view; shared parts are built once."""

    def __init__(self, ctx: RenderContext, changes: dict[str, Any]) -> None:
        view = self.view = ctx.view
        self.tz = view.site.timezone
        self.epoch = epoch(view)
        self.page = page_object(ctx)
        self.page_id = self.page["id"]
        self.status = status_object(view)
        self.changed = self._status_changes(changes)
        self.component_by_id: dict[str, Json] = {}
        self.components = self._components()

    def time(self, value: dt.datetime | None) -> str | None:
        return api_time(value, self.tz)

    # -- components ---------------------------------------------------------------------------

    def _status_changes(self, memo: dict[str, Any]) -> dict[str, dt.datetime]:
        """Return, per component, the last time its status changed by ``now`` (after the epoch)."""
        now = self.view.now
        latest: dict[str, tuple[int, dt.datetime]] = {}
        items: list[IncidentView | MaintenanceView] = [*self.view.incidents, *self.view.maintenance]
        for item in items:
            if not item.segments:
                continue
            for component, found in _changes_of(item, now, memo).items():
                if component not in latest or found[0] > latest[component][0]:
                    latest[component] = found
        if len(memo) > len(self.view.incidents) + len(self.view.maintenance) + 64:
            current = {i.path for i in items}
            for gone in [key for key in memo if key not in current]:
                del memo[gone]
        epoch = instant(self.epoch)
        return {component: moment for component, (at, moment) in latest.items() if at > epoch}

    def _components(self) -> list[Json]:
        out: list[Json] = []
        for position, group in enumerate(self.view.groups, start=1):
            if group.name is None:
                out.append(self._component(group.components[0].component, group.components[0].status,
                                           position, None))
                continue
            group_id = stable_id("group", group.name)
            children = [self._component(c.component, c.status, n, group_id)
                        for n, c in enumerate(group.components, start=1)]
            out.append(self._group(group, group_id, position, children))
            out.extend(children)
        return out

    def _component(self, c: Component, status: ComponentStatus, position: int, group_id: str | None) -> Json:
        obj: Json = {
            "id": c.id,
            "name": c.name,
            "status": status.value,
            "created_at": self.time(self.epoch),
            "updated_at": self.time(self.changed.get(c.id, self.epoch)),
            "position": position,
            "description": c.description or None,
            "showcase": True,  # every component shows its uptime bars
            "start_date": None,
            "group_id": group_id,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }
        self.component_by_id[c.id] = obj
        return obj

    def _group(self, group: Group, group_id: str, position: int, children: list[Json]) -> Json:
        return {
            "id": group_id,
            "name": group.name,
            "status": group.status.value,
            "created_at": self.time(self.epoch),
            "updated_at": max((c["updated_at"] for c in children), key=_parse),
            "position": position,
            "description": None,
            "showcase": False,
            "start_date": None,
            "group_id": None,
            "page_id": self.page_id,
            "group": True,
            "only_show_if_degraded": False,
            "components": [c["id"] for c in children],
        }

    def _affected(self, components: Iterable[Component]) -> list[Json]:
        return [self.component_by_id[c.id] for c in components if c.id in self.component_by_id]

    # -- incidents ----------------------------------------------------------------------------

    def summary(self) -> Json:
        scheduled = sorted(self.view.running_maintenance + self.view.upcoming_maintenance,
                           key=lambda m: (m.starts_at, m.id))
        return {
            "page": self.page,
            "status": self.status,
            "components": self.components,
            "incidents": [self.incident(i) for i in self.view.open_incidents],
            "scheduled_maintenances": [self.maintenance(m) for m in scheduled],
        }

    def incident(self, view: IncidentView) -> Json:
        incident = view.incident
        iid = stable_id("incident", incident.id)
        status = view.status.value
        updated = max(u.published for u in incident.updates)
        if incident.postmortem and not view.is_open:
            status = "postmortem"  # as Statuspage says once a postmortem is published
            updated = max(updated, incident.postmortem.published_at)
        monitoring_at = None
        previous = None
        for update in incident.updates:
            if update.status is IncidentStatus.MONITORING and previous is not IncidentStatus.MONITORING:
                monitoring_at = update.at
            previous = update.status
        updates = [
            {
                "id": stable_id("incident-update", f"{incident.id}:{update.number}"),
                "status": update.status.value,
                "body": update.body,
                "incident_id": iid,
                "created_at": self.time(update.published),
                "updated_at": self.time(update.published),
                "display_at": self.time(update.at),
                "affected_components": affected,
                "deliver_notifications": True,
                "custom_tweet": None,
                "tweet_id": None,
            }
            for update, affected in zip(incident.updates, self._incident_changes(view), strict=True)
        ]
        return {
            "id": iid,
            "name": view.title,
            "status": status,
            "created_at": self.time(incident.updates[0].published),
            "updated_at": self.time(updated),
            "monitoring_at": self.time(monitoring_at),
            "resolved_at": self.time(view.resolved_at),
            "impact": view.impact.value,
            "shortlink": self.view.site.base_url + view.path,
            "started_at": self.time(incident.started_at),
            "page_id": self.page_id,
            "incident_updates": updates[::-1],  # newest first, as Statuspage lists them
            "components": self._affected(view.affected),
        }

    def _incident_changes(self, view: IncidentView) -> list[list[Json] | None]:
        """Return, per update, the components whose status it changed (``None`` when none changed)."""
        seen: dict[str, ComponentStatus] = {}  # what customers saw before the update
        declared = dict(view.incident.components)
        out: list[list[Json] | None] = []
        for update in view.incident.updates:
            declared.update(update.components or {})
            resolved = update.status is IncidentStatus.RESOLVED
            after = {cid: ComponentStatus.OPERATIONAL if resolved else s for cid, s in declared.items()}
            changes = self._changes(seen, after, view.affected)
            out.append(changes if any(c["old_status"] != c["new_status"] for c in changes) else None)
            seen = after
        return out

    def _changes(self, before: dict[str, ComponentStatus], after: dict[str, ComponentStatus],
                 order: Iterable[Component]) -> list[Json]:
        operational = ComponentStatus.OPERATIONAL
        return [
            {"code": c.id, "name": c.name, "old_status": before.get(c.id, operational).value,
             "new_status": after.get(c.id, operational).value}
            for c in order if c.id in after or c.id in before
        ]

    # -- maintenance --------------------------------------------------------------------------

    def maintenance(self, view: MaintenanceView) -> Json:
        m = view.maintenance
        mid = stable_id("maintenance", m.id)
        operational = ComponentStatus.OPERATIONAL
        under = dict(m.components)
        idle = {cid: operational for cid in under}
        seen = idle
        # Statuspage opens every maintenance with a "scheduled" update carrying its text.
        entries = [("announcement", MaintenanceStatus.SCHEDULED, m.body, m.announced_at, idle)]
        for update in m.updates:
            if update.status in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING):
                after = under
            else:
                after = idle
            entries.append((str(update.number), update.status, update.body, update.at, after))
        updates = []
        for key, status, body, at, after in entries:
            updates.append({
                "id": stable_id("maintenance-update", f"{m.id}:{key}"),
                "status": _V2_MAINTENANCE_STATUS.get(status, status.value),
                "body": body,
                "incident_id": mid,
                "created_at": self.time(at),
                "updated_at": self.time(at),
                "display_at": self.time(at),
                "affected_components": self._changes(seen, after, view.affected),
                "deliver_notifications": True,
                "custom_tweet": None,
                "tweet_id": None,
            })
            seen = after
        resolved_at = view.ended_at
        if view.status is MaintenanceStatus.CANCELLED:
            resolved_at = next(u.at for u in reversed(m.updates) if u.status is MaintenanceStatus.CANCELLED)
        return {
            "id": mid,
            "name": m.title,
            "status": _V2_MAINTENANCE_STATUS.get(view.status, view.status.value),
            "created_at": self.time(m.announced_at),
            "updated_at": self.time(max([m.announced_at] + [u.at for u in m.updates])),
            "monitoring_at": None,
            "resolved_at": self.time(resolved_at),
            "impact": "maintenance",
            "shortlink": self.view.site.base_url + view.path,
            "started_at": self.time(view.started_at or view.starts_at),
            "page_id": self.page_id,
            "incident_updates": updates[::-1],
            "components": self._affected(view.affected),
            "scheduled_for": self.time(view.starts_at),
            "scheduled_until": self.time(view.ends_at),
        }


def _changes_of(item: IncidentView | MaintenanceView, now: dt.datetime, memo: dict[str, Any]
                ) -> dict[str, tuple[int, dt.datetime]]:
    """Return, per component, the last time ``item`` changed its status by ``now`` (in microseconds, and as is)."""
    key = item.path
    known = memo.get(key)
    # Kept while the item is the same, for the same now, or for later ones once all its changes are past.
    if known is not None and known[0] is item and (known[1] == now or (known[2] and now >= known[1])):
        kept: dict[str, tuple[int, dt.datetime]] = known[3]
        return kept
    found: dict[str, tuple[int, dt.datetime]] = {}
    past = True
    for seg in item.segments:
        # A segment still open was cut at `now`; its end is not a change.
        for moment in (seg.start, seg.end if seg.end < now else None):
            if moment is None or moment > now:
                past = False
                continue
            at = instant(moment)
            if seg.component not in found or at > found[seg.component][0]:
                found[seg.component] = (at, moment)
        past = past and seg.end < now
    memo[key] = (item, now, past, found)
    return found


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def v2_objects(ctx: RenderContext) -> _V2:
    """Return the builder of Statuspage v2 objects for ``ctx``.

    ``statusgen notify`` sends the same incident and component objects in its webhooks
    (Statuspage's webhook payloads embed them), so a consumer sees one shape everywhere.
    """
    return _V2(ctx, {})

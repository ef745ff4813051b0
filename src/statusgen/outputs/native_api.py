"""(status view) -> ``api/statusgen.json``: everything the Statuspage shape has no room for.

Commitments and their ledger, next-update deadlines and promises, postmortems, the policy,
uptime and the responsiveness figures, with the same page object and time format as the v2
documents (:mod:`.statuspage`). ``format`` is raised on incompatible changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from .. import urls
from ..content.model import Due
from ..view import CommitmentView, IncidentView, MaintenanceView
from .context import RenderContext
from .statuspage import (
    Documents,
    Json,
    api_time,
    page_object,
    recent_incidents,
    recent_maintenance,
    stable_id,
    status_object,
)

PATH = urls.NATIVE_API
#: The version of the layout of api/statusgen.json; raised on incompatible changes.
FORMAT = 1


class NativeApi:
    """Makes ``api/statusgen.json`` (remembering its bytes while the document is equal)."""

    def __init__(self) -> None:
        self._documents = Documents()

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        return self._documents.dump({PATH: _Native(ctx).document()})


class _Native:
    """Builds api/statusgen.json: what the Statuspage shape has no room for."""

    def __init__(self, ctx: RenderContext) -> None:
        self.ctx = ctx
        self.view = ctx.view
        self.base = self.view.site.base_url
        self.tz = self.view.site.timezone

    def time(self, value: dt.datetime | None) -> str | None:
        return api_time(value, self.tz)

    def document(self) -> Json:
        view = self.view
        policy = view.site.policy
        return {
            "format": FORMAT,
            "page": page_object(self.ctx),
            "generated_at": self.time(view.now),
            "status": status_object(view),
            "policy": {
                "update_every_seconds": {i.value: _seconds(d) for i, d in policy.update_every.items()},
                "maintenance_notice_seconds": _seconds(policy.maintenance_notice),
                "postmortem_within_seconds": _seconds(policy.postmortem_within),
                "refresh_seconds": _seconds(policy.refresh),
                "backfill_tolerance_seconds": _seconds(policy.backfill_tolerance),
            },
            "responsiveness": view.responsiveness.to_json(),
            "components": [
                {
                    "id": c.id,
                    "name": c.name,
                    "group": c.component.group,
                    "status": c.status.value,
                    "uptime_90_days": round(c.uptime, 6),
                    "url": self.base + c.path,
                    "feeds": {"rss": self.base + urls.rss(c.path), "atom": self.base + urls.atom(c.path)},
                    "badge": self.base + urls.badge_svg(c.path),
                }
                for c in view.components.values()
            ],
            "incidents": [self.incident(i) for i in recent_incidents(view)],
            "maintenance": [self.maintenance(m) for m in recent_maintenance(view)],
            "commitments": {
                "ledger": dataclasses.asdict(view.ledger),
                "items": [self.commitment(c) for c in view.commitments],
            },
        }

    def incident(self, view: IncidentView) -> Json:
        incident = view.incident
        postmortem = incident.postmortem
        return {
            "id": view.id,
            "statuspage_id": stable_id("incident", view.id),
            "title": view.title,
            "url": self.base + view.path,
            "impact": view.impact.value,
            "status": view.status.value,
            "open": view.is_open,
            "started_at": self.time(view.started_at),
            "resolved_at": self.time(view.resolved_at),
            "next_update_by": self.time(view.next_update_by),
            "next_update_promised": view.next_update_promised if view.is_open else None,
            "next_update_overdue": view.overdue,
            "workaround": view.workaround or None,
            "first_title": incident.title,
            "changes": [
                {"update": ch.number, "at": self.time(ch.at), "key": key, "from": value(ch.old), "to": value(ch.new)}
                for key, changes, value in (("impact", view.impact_changes, _value), ("title", view.title_changes, str))
                for ch in changes
            ],
            "postmortem": {
                "published_at": self.time(postmortem.published_at),
                "url": self.base + urls.anchored(view.path, urls.POSTMORTEM),
                "actions": [c.id for c in view.actions],
                "revisions": [
                    {"number": r.number, "url": self.base + urls.anchored(view.path, urls.revision(r.number)),
                     "at": self.time(r.at), "actions": list(r.actions), "body": r.body}
                    for r in postmortem.revisions
                ],
            } if postmortem else None,
            "postmortem_due_by": self.time(view.postmortem_due) if not postmortem else None,
            "postmortem_overdue": view.postmortem_overdue,
            "updates": [
                {
                    "number": u.number,
                    "url": self.base + urls.anchored(view.path, urls.update(u.number)),
                    "at": self.time(u.at),
                    "posted_at": self.time(u.posted_at),
                    "status": u.status.value,
                    "corrects": u.corrects,
                    "impact": u.impact.value if u.impact else None,
                    "title": u.title,
                    "workaround": u.workaround,
                    "components": {k: v.value for k, v in u.components.items()} if u.components else None,
                    "next_update_by": self.time(u.next_update_by),
                    "body": u.body,
                }
                for u in incident.updates
            ],
        }

    def maintenance(self, view: MaintenanceView) -> Json:
        m = view.maintenance
        return {
            "id": view.id,
            "statuspage_id": stable_id("maintenance", view.id),
            "title": view.title,
            "url": self.base + view.path,
            "status": view.status.value,
            "announced_at": self.time(m.announced_at),
            "starts_at": self.time(view.starts_at),
            "ends_at": self.time(view.ends_at),
            "first_window": {"starts_at": self.time(m.starts_at), "ends_at": self.time(m.ends_at)},
            "notice_seconds": _seconds(view.notice),
            "started_at": self.time(view.started_at),
            "ended_at": self.time(view.ended_at),
            "components": {k: v.value for k, v in view.components.items()},
            "body": m.body,
            "updates": [
                {"number": u.number, "url": self.base + urls.anchored(view.path, urls.update(u.number)),
                 "at": self.time(u.at), "status": u.status.value, "starts_at": self.time(u.starts_at),
                 "ends_at": self.time(u.ends_at),
                 "components": {k: v.value for k, v in u.components.items()} if u.components else None,
                 "body": u.body}
                for u in m.updates
            ],
        }

    def commitment(self, view: CommitmentView) -> Json:
        c = view.commitment
        next_by = view.next_update_by
        return {
            "id": view.id,
            "title": view.title,
            "first_title": c.title,
            "url": self.base + view.path,
            "state": view.state.value,
            "scope_reduced_at": self.time(view.reduced_at),
            "status": view.status.value,
            "made_at": self.time(c.made_at),
            "original_due": self.due(view.original_due),
            "current_due": self.due(view.current_due),
            "due_changes": [
                {"update": ch.update.number, "at": self.time(ch.update.at), "from": self.due(ch.old),
                 "to": self.due(ch.new), "announced_in_time": ch.in_time}
                for ch in view.changes
            ],
            "finished_at": self.time(view.finished_at),
            "broken_at": self.time(view.broken_at),
            "next_update_by": self.time(next_by),
            "next_update_overdue": bool(next_by and self.view.now > next_by),
            "incident": view.incident.id if view.incident else None,
            "components": [x.id for x in view.components],
            "body": c.body,
            "updates": [
                {"number": u.number, "url": self.base + urls.anchored(view.path, urls.update(u.number)),
                 "at": self.time(u.at), "status": u.status.value, "due": self.due(u.due) if u.due else None,
                 "scope": u.scope.value if u.scope else None, "title": u.title,
                 "next_update_by": self.time(u.next_update_by), "body": u.body or None}
                for u in c.updates
            ],
        }

    def due(self, value: Due) -> Json:
        """A due date as written (a date or a time) and the instant it passes."""
        written = value.value.isoformat() if value.is_date else self.time(value.deadline)
        return {"value": written, "deadline": self.time(value.deadline)}


def _value(member: Any) -> str:
    return str(member.value)


def _seconds(value: dt.timedelta) -> int:
    return int(value.total_seconds())

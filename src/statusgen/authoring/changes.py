"""The commands that change what was published, the honest way: reschedule, cancel, postmortem.

What customers were told is never rewritten (`statusgen check --since` fails when it is):
a maintenance window moves with an appended update that gives the new times, and the page,
the feeds and the calendar show the first window beside the new one; a cancellation is an
update too; a postmortem is written once, and what changes later is an appended revision.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from .. import timeutil
from ..content.model import Incident, IncidentStatus, Maintenance, MaintenanceStatus
from ..errors import UsageProblem, display_path
from ..view import CLOSED, MaintenanceView, derive
from .commands import editor_help
from .session import Refused, Session, Written, append_update, duration, edit_item, find_item
from .yamledit import Block, Raw, add_mapping, append_item

log = logging.getLogger(__name__)


# -- maintenance -----------------------------------------------------------------------------------


def _open_maintenance(session: Session, ref: str, verb: str) -> tuple[Maintenance, MaintenanceView]:
    """Return a maintenance not yet completed or cancelled, and its view now."""
    _, item = find_item(session, ref, ["maintenance"])
    view = next(v for v in derive(session.content, session.now).maintenance if v.id == item.id)
    closing = [u for u in item.updates if u.status in CLOSED]
    if closing and view.status in CLOSED:
        raise Refused(f"maintenance {item.id} was {view.status.value} (update {closing[-1].number}, "
                      f"{session.local(closing[-1].at)}); there is nothing to {verb}. Announce new work with "
                      "`statusgen new maintenance`.")
    return item, view


def reschedule(session: Session, ref: str, *, start: str | None = None, end: str | None = None,
               length: str | None = None, body: str | None = None) -> Written:
    """Move a maintenance window with an appended update; the first window stays on the page."""
    item, view = _open_maintenance(session, ref, "reschedule")
    if start is None and end is None and length is None:
        raise UsageProblem("give the new window: --start TIME, and --end TIME or --duration 2h")
    if end is not None and length is not None:
        raise UsageProblem("give the end of the window with --end TIME or its length with --duration, not both")
    starts = session.when(start, "--start") if start else view.starts_at
    if end:
        ends = session.when(end, "--end")
    elif length:
        ends = starts + duration(length, "--duration")
    else:
        ends = starts + (view.ends_at - view.starts_at)  # the same length, moved
    if starts != view.starts_at and starts <= session.now:
        raise UsageProblem(f"--start: {session.local(starts)} is not in the future; to say the work started, use "
                           "`statusgen update ID --status in_progress`")
    if ends <= starts:
        raise UsageProblem("--end: the window must end after it starts")
    if ends <= session.now:
        raise UsageProblem(f"--end: {session.local(ends)} is not in the future")
    if (starts, ends) == (view.starts_at, view.ends_at):
        raise UsageProblem(f"maintenance {item.id} is already planned from {session.local(starts)} to "
                           f"{session.local(ends)}")
    status = MaintenanceStatus.SCHEDULED if starts > session.now else view.status
    window = f"{session.local(starts)} to {session.local(ends)}"
    path = session.site_dir / "maintenance" / f"{item.id}.yaml"
    text = session.obtain_body(body, help_lines=editor_help(
        session, path, f"Rescheduling maintenance {item.id} to {window}; say why it moves", item))
    pairs: list[tuple[str, Any]] = [("at", session.stamp(session.now)), ("status", Raw(status.value))]
    if starts != view.starts_at:
        pairs.append(("starts_at", session.stamp(starts)))
    if ends != view.ends_at:
        pairs.append(("ends_at", session.stamp(ends)))
    pairs.append(("body", Block(text.text)))
    path, _ = append_update(session, "maintenance", item.id, pairs, text)
    was = f"{session.local(view.starts_at)} to {session.local(view.ends_at)}"
    notice, policy = starts - session.now, session.content.site.policy.maintenance_notice
    if starts != view.starts_at and notice < policy:
        log.warning("the new window gets only %s of notice; the policy promises at least %s",
                    timeutil.humanize_duration(notice), timeutil.humanize_duration(policy))
    return Written(path, item.id, f"Added update {len(item.updates) + 1} (rescheduled) to {display_path(path)}: "
                                  f"now {window}, was {was}. The page shows both; calendars move the event.")


def cancel(session: Session, ref: str, *, body: str | None = None) -> Written:
    """Cancel a maintenance with an appended update; calendars mark the event cancelled."""
    item, view = _open_maintenance(session, ref, "cancel")
    path = session.site_dir / "maintenance" / f"{item.id}.yaml"
    text = session.obtain_body(body, help_lines=editor_help(
        session, path, f"Cancelling maintenance {item.id}; say why, and whether it will come back", item))
    pairs = [("at", session.stamp(session.now)), ("status", Raw(MaintenanceStatus.CANCELLED.value)),
             ("body", Block(text.text))]
    path, _ = append_update(session, "maintenance", item.id, pairs, text)
    return Written(path, item.id, f"Added update {len(item.updates) + 1} (cancelled) to {display_path(path)}. "
                                  "Calendars mark the event cancelled.")


# -- postmortems -------------------------------------------------------------------------------------


def postmortem(session: Session, ref: str, *, body: str | None = None, actions: Sequence[str] = ()) -> Written:
    """Write an incident's postmortem; when it has one, append a revision instead."""
    _, incident = find_item(session, ref, ["incidents"])
    if incident.updates[-1].status is not IncidentStatus.RESOLVED:
        raise Refused(f"incident {incident.id} is not resolved; the postmortem comes after the resolving update "
                      f"(`statusgen resolve {incident.id}`)")
    ids = _actions(session, incident, actions)
    path = session.site_dir / "incidents" / f"{incident.id}.yaml"
    revision = incident.postmortem is not None
    header = (f"Revision of the postmortem of incident {incident.id}: what changed or what it adds"
              if revision else f"Postmortem of incident {incident.id}: what happened, why, and what changes")
    text = session.obtain_body(body, help_lines=editor_help(session, path, header, incident))
    pairs: list[tuple[str, Any]] = [("at" if revision else "published_at", session.stamp(session.now)),
                                    ("body", Block(text.text))]
    if ids:
        pairs.append(("actions", [Raw(a) for a in ids]))
    if revision:
        path, _ = edit_item(session, "incidents", incident.id,
                            lambda t: append_item(t, "revisions", pairs, under="postmortem"), text)
        assert incident.postmortem is not None
        number = len(incident.postmortem.revisions) + 1
        return Written(path, incident.id, f"Added revision {number} to the postmortem in {display_path(path)}; "
                                          "the postmortem as published stays above it.")
    path, _ = edit_item(session, "incidents", incident.id, lambda t: add_mapping(t, "postmortem", pairs), text)
    return Written(path, incident.id, f"Wrote the postmortem of {incident.id} in {display_path(path)}. "
                                      f"Later changes: `statusgen postmortem {incident.id}` again adds a revision.")


def _actions(session: Session, incident: Incident, actions: Sequence[str]) -> list[str]:
    """Return the commitment ids of ``--action`` options (new ones only, each once)."""
    listed = incident.postmortem.all_actions if incident.postmortem else ()
    ids: list[str] = []
    for value in (part.strip() for option in actions for part in option.split(",") if part.strip()):
        commitment = find_item(session, value, ["commitments"])[1]
        if commitment.id in listed:
            raise UsageProblem(f"--action {value}: the postmortem already lists {commitment.id}")
        if commitment.id not in ids:
            ids.append(commitment.id)
    return ids

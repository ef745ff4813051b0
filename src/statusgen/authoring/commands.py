"""What each authoring command writes: new items, and the updates appended to them.

Each function checks its options against the loaded site first (an unknown component or
a time in the past is refused before anyone types a word), then gets the text (``--body``,
standard input or the editor), composes the YAML and hands it to :func:`authoring.commit`,
which validates the whole site with it and writes it atomically.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import timeutil
from ..content.model import (
    Commitment,
    CommitmentStatus,
    ComponentStatus,
    Content,
    Impact,
    Incident,
    IncidentStatus,
    Maintenance,
    MaintenanceStatus,
    Scope,
)
from ..errors import UsageProblem, display_path
from ..view import CommitmentState, derive
from .lock import Refused
from .session import (
    INCIDENT_COMPONENT_STATUSES,
    Session,
    Written,
    append_update,
    check_text,
    choose,
    component_ids,
    component_statuses,
    create_item,
    duration,
    find_item,
    free_id,
    not_for,
    parse_due,
)
from .yamledit import Block, Raw, render_document

log = logging.getLogger(__name__)


# -- the messages after writing --------------------------------------------------------------


def _next_update_note(session: Session, content: Content, item_id: str) -> str:
    """Return when the next update of an open incident is due, as the page will say."""
    view = derive(content, session.now)
    incident = next(v for v in view.incidents if v.id == item_id)
    if not incident.is_open or incident.next_update_by is None:
        return ""
    due = incident.next_update_by
    where = "as promised" if incident.next_update_promised else \
        f"policy for {incident.impact.value} incidents"
    return f" Next update due by {session.local(due)} ({where})."


def editor_help(session: Session, path: Path, header: str, item: Any = None, recent: int = 2) -> list[str]:
    """Return the help shown in the editor: what is being written, and the latest updates for context."""
    lines = [f"{header}", f"{display_path(path)}: {item.title}" if item else display_path(path), "",
             "Write what customers should know, in Markdown, above the line. An empty text aborts."]
    for update in (item.updates[-recent:] if item is not None else ()):
        status = getattr(update, "status", "")
        lines += ["", f"Update {update.number}, {session.local(update.at)}, {status}:"]
        lines += [f"  {line}" for line in (update.body or "").splitlines()]
    return lines


# -- new items -------------------------------------------------------------------------------


def new_incident(session: Session, title: str, *, impact: str, components: Sequence[str] = (),
                 status: str = "investigating", body: str | None = None, next_in: str | None = None,
                 next_by: str | None = None, workaround: str | None = None, started: str | None = None,
                 item_id: str | None = None) -> Written:
    """Create ``incidents/<id>.yaml`` with its first update, stamped now."""
    item_id = free_id(session, "incidents", item_id)
    impact_value: Impact = choose(impact, list(Impact), "--impact")
    status_value: IncidentStatus = choose(status, list(IncidentStatus), "--status")
    comps = component_statuses(session, components, INCIDENT_COMPONENT_STATUSES)
    started_at = session.when(started, "--started") if started else None
    if started_at is not None and started_at > session.now:
        raise UsageProblem("--started: the incident cannot start after now")
    promise = _promise(session, status_value, next_in, next_by)
    title = _title(title)
    path_hint = session.site_dir / "incidents" / "<new>.yaml"
    text = session.obtain_body(body, help_lines=editor_help(
        session, path_hint, f"New {impact_value.value} incident: {title} ({status_value.value})"))
    first = [("at", session.stamp(session.now)), ("status", Raw(status_value.value)),
             ("body", Block(text.text)), *promise]
    pairs: list[tuple[str, Any]] = [("title", title), ("impact", Raw(impact_value.value))]
    if comps:
        pairs.append(("components", {cid: Raw(s.value) for cid, s in comps.items()}))
    if started_at is not None:
        pairs.append(("started_at", session.stamp(started_at)))
    if workaround:
        pairs.append(("workaround", Block(check_text(workaround, "--workaround"))))
    day = (started_at or session.now).astimezone(session.tz).date()
    path, chosen, content = create_item(session, "incidents", item_id, day, title,
                                        render_document(pairs, "updates", [first]), text)
    message = f"Created {display_path(path)}.{_next_update_note(session, content, chosen)}"
    return Written(path, chosen, message)


def new_maintenance(session: Session, title: str, *, start: str, end: str | None = None,
                    length: str | None = None, components: Sequence[str] = (), body: str | None = None,
                    item_id: str | None = None) -> Written:
    """Create ``maintenance/<id>.yaml``, announced now."""
    item_id = free_id(session, "maintenance", item_id)
    if not components:
        raise UsageProblem("--component: name at least one component the maintenance affects")
    comps = component_statuses(session, components, list(ComponentStatus), ComponentStatus.UNDER_MAINTENANCE)
    starts_at = session.when(start, "--start")
    if (end is None) == (length is None):
        raise UsageProblem("give the end of the window with --end TIME or its length with --duration 2h")
    ends_at = session.when(end, "--end") if end else starts_at + duration(length or "", "--duration")
    if starts_at <= session.now:
        raise UsageProblem(f"--start: {session.local(starts_at)} is not in the future; maintenance is "
                           "announced before it starts (for unplanned work, open an incident)")
    if ends_at <= starts_at:
        raise UsageProblem("--end: the window must end after it starts")
    title = _title(title)
    text = session.obtain_body(body, help_lines=editor_help(
        session, session.site_dir / "maintenance" / "<new>.yaml",
        f"New maintenance: {title}, {session.local(starts_at)} to {session.local(ends_at)}"))
    if all(s is ComponentStatus.UNDER_MAINTENANCE for s in comps.values()):
        listed: Any = [Raw(cid) for cid in comps]
    else:
        listed = {cid: Raw(s.value) for cid, s in comps.items()}
    pairs = [("title", title), ("components", listed), ("announced_at", session.stamp(session.now)),
             ("starts_at", session.stamp(starts_at)), ("ends_at", session.stamp(ends_at)),
             ("body", Block(text.text))]
    day = starts_at.astimezone(session.tz).date()
    path, chosen, _ = create_item(session, "maintenance", item_id, day, title, render_document(pairs), text)
    message = f"Created {display_path(path)}."
    notice, policy = starts_at - session.now, session.content.site.policy.maintenance_notice
    if notice < policy:
        log.warning("only %s of notice; the policy promises at least %s (`statusgen check` will say so)",
                    timeutil.humanize_duration(notice), timeutil.humanize_duration(policy))
    return Written(path, chosen, message)


def new_commitment(session: Session, title: str, *, due: str, components: Sequence[str] = (),
                   incident: str | None = None, body: str | None = None,
                   item_id: str | None = None) -> Written:
    """Create ``commitments/<id>.yaml``, made now."""
    item_id = free_id(session, "commitments", item_id)
    due_value = _due(session, due)
    comps = component_ids(session, components)
    incident_id = find_item(session, incident, ["incidents"])[1].id if incident else None
    title = _title(title)
    text = session.obtain_body(body, help_lines=editor_help(
        session, session.site_dir / "commitments" / "<new>.yaml",
        f"New commitment: {title}, due {_due_text(due_value)}"))
    pairs: list[tuple[str, Any]] = [("title", title), ("made_at", session.stamp(session.now)),
                                    ("due", Raw(_due_text(due_value)))]
    if comps:
        pairs.append(("components", [Raw(c) for c in comps]))
    if incident_id:
        pairs.append(("incident", Raw(incident_id)))
    pairs.append(("body", Block(text.text)))
    day = session.now.date()
    path, chosen, _ = create_item(session, "commitments", item_id, day, title, render_document(pairs), text)
    return Written(path, chosen, f"Created {display_path(path)}, due {_due_text(due_value)}.")


def _title(title: str) -> str:
    title = " ".join(check_text(title, "TITLE").split())
    if not title:
        raise UsageProblem("the title is empty")
    if len(title) > 200:
        raise UsageProblem(f"the title is {len(title)} characters long, more than 200")
    return title


def _due(session: Session, text: str) -> dt.date | dt.datetime:
    try:
        value = parse_due(text, session.tz, session.now)
    except timeutil.TimeFormatError as exc:
        raise UsageProblem(f"--due: {exc.message}; write a date (2026-12-15) or a time") from None
    deadline = value if isinstance(value, dt.datetime) else timeutil.end_of_day(value, session.tz)
    if deadline <= session.now:
        raise UsageProblem(f"--due: {_due_text(value)} is not in the future")
    return value


def _due_text(value: dt.date | dt.datetime) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else value.isoformat()


def _promise(session: Session, status: Any, next_in: str | None, next_by: str | None,
             *, as_time: bool = False) -> list[tuple[str, Raw]]:
    """Return the ``next_update_in``/``next_update_by`` pair for the options, after checking them.

    :param as_time: always write ``next_update_by`` (commitment updates have no ``next_update_in``).
    """
    if next_in is None and next_by is None:
        return []
    if next_in is not None and next_by is not None:
        raise UsageProblem("--next-in and --next-by: promise the next update one way, not both")
    if status in (IncidentStatus.RESOLVED, CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
        raise UsageProblem(f"--next-in/--next-by: a {status.value} update promises no next update; say in "
                           "the text if more is to come (a postmortem, for example)")
    if next_in is not None:
        delta = duration(next_in, "--next-in")
        if as_time:
            return [("next_update_by", session.stamp(session.now + delta))]
        return [("next_update_in", Raw(timeutil.format_duration(delta)))]
    by = session.when(next_by or "", "--next-by")
    if by <= session.now:
        raise UsageProblem(f"--next-by: {session.local(by)} is not in the future (now is "
                           f"{session.local(session.now)} in {session.tz})")
    return [("next_update_by", session.stamp(by))]


# -- updates ---------------------------------------------------------------------------------


def update(session: Session, ref: str, *, status: str | None = None, body: str | None = None,
           next_in: str | None = None, next_by: str | None = None, components: Sequence[str] = (),
           corrects: int | None = None, at: str | None = None, impact: str | None = None,
           title: str | None = None, workaround: str | None = None, scope: str | None = None) -> Written:
    """Append an update to the incident, maintenance or commitment ``ref``.

    ``impact``, ``title`` and ``workaround`` change an incident from this update on; ``scope``
    (reduced or extended) and ``title`` change what a commitment promises. The page shows each
    change and keeps what was first published.
    """
    kind, item = find_item(session, ref)
    changes: list[tuple[str, Any]] = []
    if title is not None:
        changes.append(("title", _title(title)))
    if kind == "incidents":
        not_for("incidents", scope=scope)
        if impact is not None:
            changes.append(("impact", Raw(choose(impact, list(Impact), "--impact").value)))
        if workaround is not None:
            changes.append(("workaround", Block(_text(workaround, "--workaround"))))
        return _update_incident(session, item, status=status, body=body, next_in=next_in, next_by=next_by,
                                components=components, corrects=corrects, at=at, changes=changes)
    if kind == "maintenance":
        not_for("maintenance", next_in=next_in, next_by=next_by, component=components, corrects=corrects,
                at=at, impact=impact, title=title, workaround=workaround, scope=scope)
        return _update_maintenance(session, item, status=status, body=body)
    not_for("commitments", component=components, corrects=corrects, at=at, impact=impact, workaround=workaround)
    if scope is not None:
        changes.insert(0, ("scope", Raw(choose(scope, list(Scope), "--scope").value)))
    return _update_commitment(session, item, status=status, body=body, next_in=next_in, next_by=next_by,
                              changes=changes)


def _text(value: str, option: str) -> str:
    if not value.strip():
        raise UsageProblem(f"{option} is empty")
    return check_text(value, option)


def resolve(session: Session, ref: str, *, body: str | None = None, at: str | None = None) -> Written:
    """Append the resolving update to an open incident."""
    _, item = find_item(session, ref, ["incidents"])
    if item.updates[-1].status is IncidentStatus.RESOLVED:
        raise Refused(f"incident {item.id} is already resolved (update {item.updates[-1].number}, "
                      f"{session.local(item.updates[-1].at)}); to add to it, use `statusgen update`")
    return _update_incident(session, item, status="resolved", body=body, at=at)


def _update_incident(session: Session, incident: Incident, *, status: str | None, body: str | None,
                     next_in: str | None = None, next_by: str | None = None, components: Sequence[str] = (),
                     corrects: int | None = None, at: str | None = None,
                     changes: Sequence[tuple[str, Any]] = ()) -> Written:
    latest = incident.updates[-1]
    if corrects is not None and not 1 <= corrects <= len(incident.updates):
        raise UsageProblem(f"--corrects: incident {incident.id} has updates 1 to {len(incident.updates)}")
    if corrects is not None and (next_in is not None or next_by is not None):
        raise UsageProblem("--next-in/--next-by: a correction does not move the next update; the promise made "
                           "before it stands. Post a separate update to promise a new time")
    if status is not None:
        new_status: IncidentStatus | None = choose(status, list(IncidentStatus), "--status")
        if corrects is not None and new_status is not latest.status:
            raise UsageProblem(f"--status: a correction cannot change the status ({latest.status.value}); post "
                               "a separate update to change it")
        if corrects is not None:
            new_status = None  # the same status: a correction keeps it anyway
    elif corrects is not None:
        new_status = None  # a correction keeps the status
    elif latest.status is IncidentStatus.RESOLVED:
        raise Refused(f"incident {incident.id} is resolved; to reopen it give --status (investigating, "
                      "identified or monitoring), to correct an update give --corrects N")
    else:
        new_status = latest.status
    comps = component_statuses(session, components, INCIDENT_COMPONENT_STATUSES)
    promise = _promise(session, new_status or latest.status, next_in, next_by)
    when, posted = _update_time(session, incident, at)
    path = session.site_dir / "incidents" / f"{incident.id}.yaml"
    number = len(incident.updates) + 1
    if corrects is not None:
        header = f"Correction of update {corrects} of incident {incident.id}"
    else:
        header = f"Update {number} of incident {incident.id}: {(new_status or latest.status).value}"
    text = session.obtain_body(body, help_lines=editor_help(session, path, header, incident))
    pairs: list[tuple[str, Any]] = [("at", session.stamp(when))]
    if posted is not None:
        pairs.append(("posted_at", session.stamp(posted)))
    if new_status is not None:
        pairs.append(("status", Raw(new_status.value)))
    if corrects is not None:
        pairs.append(("corrects", Raw(str(corrects))))
    if comps:
        pairs.append(("components", {cid: Raw(s.value) for cid, s in comps.items()}))
    pairs += [*changes, ("body", Block(text.text)), *promise]
    path, content = append_update(session, "incidents", incident.id, pairs, text)
    what = f"correction of update {corrects}" if corrects else (new_status or latest.status).value
    message = f"Added update {number} ({what}) to {display_path(path)}."
    if new_status is IncidentStatus.RESOLVED:
        message += _resolved_note(session, content, incident.id)
    else:
        message += _next_update_note(session, content, incident.id)
    return Written(path, incident.id, message)


def _update_time(session: Session, incident: Incident,
                 at: str | None) -> tuple[dt.datetime, dt.datetime | None]:
    """Return ``at`` and ``posted_at`` for a new incident update; ``--at`` backfills an earlier time."""
    if at is None:
        return session.now, None
    when = session.when(at, "--at")
    if when > session.now:
        raise UsageProblem("--at: an update cannot describe the future")
    if when < incident.updates[-1].at:
        raise UsageProblem(f"--at: {session.local(when)} is before the latest update "
                           f"({session.local(incident.updates[-1].at)}); updates are kept oldest first")
    return when, (session.now if when < session.now else None)


def _resolved_note(session: Session, content: Content, item_id: str) -> str:
    view = next(v for v in derive(content, session.now).incidents if v.id == item_id)
    note = f" Resolved after {timeutil.humanize_duration(view.duration)}."
    if view.postmortem_due is not None and view.incident.postmortem is None:
        note += f" A postmortem is expected by {session.local(view.postmortem_due)} (policy)."
    return note


def _update_maintenance(session: Session, maintenance: Maintenance, *, status: str | None,
                        body: str | None) -> Written:
    if status is not None:
        new_status: MaintenanceStatus = choose(status, list(MaintenanceStatus), "--status")
    else:
        view = next(v for v in derive(session.content, session.now).maintenance if v.id == maintenance.id)
        new_status = view.status
    path = session.site_dir / "maintenance" / f"{maintenance.id}.yaml"
    text = session.obtain_body(body, help_lines=editor_help(
        session, path, f"Update of maintenance {maintenance.id}: {new_status.value}", maintenance))
    pairs = [("at", session.stamp(session.now)), ("status", Raw(new_status.value)),
             ("body", Block(text.text))]
    path, _ = append_update(session, "maintenance", maintenance.id, pairs, text)
    number = len(maintenance.updates) + 1
    message = f"Added update {number} ({new_status.value}) to {display_path(path)}."
    return Written(path, maintenance.id, message)


def _update_commitment(session: Session, commitment: Commitment, *, status: str | None, body: str | None,
                       next_in: str | None = None, next_by: str | None = None,
                       due: str | None = None, verb: str = "update",
                       changes: Sequence[tuple[str, Any]] = ()) -> Written:
    finished = [u for u in commitment.updates
                if u.status in (CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN)]
    if finished:
        done = finished[0]
        raise Refused(f"commitment {commitment.id} was {done.status.value} (update {done.number}, "
                      f"{session.local(done.at)}); it is finished. Make a new commitment instead.")
    latest = commitment.updates[-1].status if commitment.updates else CommitmentStatus.PLANNED
    new_status: CommitmentStatus = choose(status, list(CommitmentStatus), "--status") if status else latest
    new_due = _postponed_due(session, commitment, due) if due is not None else None
    promise = _promise(session, new_status, next_in, next_by, as_time=True)
    path = session.site_dir / "commitments" / f"{commitment.id}.yaml"
    header = f"{verb.capitalize()} of commitment {commitment.id}: {new_status.value}"
    if new_due is not None:
        header += f", new due date {_due_text(new_due)}; say why the date moves"
    text = session.obtain_body(body, help_lines=editor_help(session, path, header, commitment))
    pairs: list[tuple[str, Any]] = [("at", session.stamp(session.now)), ("status", Raw(new_status.value))]
    if new_due is not None:
        pairs.append(("due", Raw(_due_text(new_due))))
    pairs += [*changes, ("body", Block(text.text)), *promise]
    path, content = append_update(session, "commitments", commitment.id, pairs, text)
    message = f"Added update {len(commitment.updates) + 1} ({new_status.value}) to {display_path(path)}."
    view = next(v for v in derive(content, session.now).commitments if v.id == commitment.id)
    if view.state in (CommitmentState.KEPT, CommitmentState.LATE):
        original = _due_text(view.original_due.value)
        message += f" The ledger counts it as {view.state.value} (originally due {original})."
    return Written(path, commitment.id, message)


def _postponed_due(session: Session, commitment: Commitment, text: str) -> dt.date | dt.datetime:
    value = _due(session, text)
    deadline = value if isinstance(value, dt.datetime) else timeutil.end_of_day(value, session.tz)
    current = next(v for v in derive(session.content, session.now).commitments if v.id == commitment.id)
    if deadline <= current.current_due.deadline:
        raise UsageProblem(f"--due: {_due_text(value)} is not later than the current due date "
                           f"{_due_text(current.current_due.value)}")
    if current.current_due.deadline < session.now:
        log.warning("the due date %s has passed; the ledger counts this promise as broken, and a new "
                    "date does not change that", _due_text(current.current_due.value))
    return value


def deliver(session: Session, ref: str, *, body: str | None = None) -> Written:
    """Mark a commitment delivered."""
    _, commitment = find_item(session, ref, ["commitments"])
    return _update_commitment(session, commitment, status="delivered", body=body, verb="delivery")


def postpone(session: Session, ref: str, *, due: str, body: str | None = None, status: str | None = None,
             next_by: str | None = None, next_in: str | None = None) -> Written:
    """Move a commitment's due date, with the reason in ``body``."""
    _, commitment = find_item(session, ref, ["commitments"])
    if status is not None and choose(status, list(CommitmentStatus), "--status") in (
            CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
        raise UsageProblem(f"--status {status}: a {status} commitment gets no new due date")
    return _update_commitment(session, commitment, status=status, body=body, next_in=next_in, next_by=next_by,
                              due=due, verb="postponement")



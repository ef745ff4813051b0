"""The rules of `statusgen check` that depend on the clock: (status view) -> problems.

Each rule is one small function over the derived view (:mod:`derive`), so the page and the
check never disagree about what is overdue or broken. Rules look only at what the team can
still act on: an open incident, a commitment not yet delivered, maintenance not yet closed,
a postmortem not yet written. History that cannot change (a promise missed last month on a
resolved incident) is not reported again; the responsiveness figures count it instead.

At every limit the boundary itself passes: an update due at 12:35 is not overdue at 12:35.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from ..content.model import CommitmentStatus, Due
from ..errors import Problem, Severity
from ..timeutil import format_day, format_local, humanize_duration
from ..view import CLOSED, CommitmentState, CommitmentView, IncidentView, MaintenanceView, StatusView

ERROR, WARNING = Severity.ERROR, Severity.WARNING

#: A commitment due within this long that is still `planned` gets a warning.
DUE_SOON = dt.timedelta(days=3)
#: Maintenance statuses that close a window.
_CLOSED = CLOSED

Rule = Callable[[StatusView], Iterator[Problem]]


def _problem(file: str, line: int, rule: str, message: str, hint: str, severity: Severity = ERROR) -> Problem:
    return Problem(file, line, 0, message, hint, severity, rule=rule)


local = format_local


def _due(due: Due, tz: dt.tzinfo) -> str:
    return format_day(due.value) if due.is_date else format_local(due.deadline, tz)


_ago = humanize_duration


# -- incidents -----------------------------------------------------------------------------------


def incident_silent(view: StatusView) -> Iterator[Problem]:
    """An open incident without an update for longer than the policy allows for its impact."""
    tz = view.site.timezone
    for i in view.open_incidents:
        if not i.overdue or i.next_update_promised or i.next_update_by is None:
            continue
        latest = i.pacing  # corrections do not count: they fix a fact, the promise before them stands
        allowed = i.next_update_by - latest.published
        yield _problem(
            i.incident.source.path, latest.line, "incident-silent",
            f"no update for {_ago(view.now - latest.published)}: the policy allows {_ago(allowed)} between "
            f"updates of a {i.impact.value} incident, so the next one was due by "
            f"{local(i.next_update_by, tz)}",
            "post an update now, even if nothing changed, and say when the next one will come "
            "(next_update_in)",
        )


def incident_promise_missed(view: StatusView) -> Iterator[Problem]:
    """An open incident past the next update its latest update promised."""
    tz = view.site.timezone
    for i in view.open_incidents:
        if not i.overdue or not i.next_update_promised or i.next_update_by is None:
            continue
        yield _problem(
            i.incident.source.path, i.pacing.line, "incident-promise-missed",
            f"update {i.pacing.number} promised the next update by {local(i.next_update_by, tz)}, "
            f"{_ago(view.now - i.next_update_by)} ago",
            "post an update now, even if nothing changed, and say when the next one will come "
            "(next_update_in)",
        )


def incident_promise_beyond_policy(view: StatusView) -> Iterator[Problem]:
    """The latest update of an open incident promises the next one later than the policy allows."""
    for i in view.open_incidents:
        latest = i.pacing
        allowed = view.site.policy.update_every[i.impact]
        if latest.next_update_by is None or latest.next_update_by - latest.published <= allowed:
            continue
        yield _problem(
            i.incident.source.path, latest.line, "incident-promise-beyond-policy",
            f"update {latest.number} promises the next update "
            f"{_ago(latest.next_update_by - latest.published)} after it was posted; the policy promises "
            f"customers one at least every {_ago(allowed)} for a {i.impact.value} incident",
            f"promise the next update within {_ago(allowed)}, even if it will only say that work goes on",
            WARNING,
        )


_CLOCK_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_LENGTH = re.compile(r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|half an?)[\s-]*"
                     r"(?:seconds?|minutes?|mins?|hours?|hrs?|h|days?|weeks?)\b", re.IGNORECASE)
_EFFECT = re.compile(r"\d\s?%|\b(?:affected|unaffected|fail\w*|errors?|delay\w*|late|slow\w*|unavailable|"
                     r"unreachable|down|outage|timed? out|time-?outs?|lost|interrupt\w*|degraded|"
                     r"could not|couldn't|cannot|can't|refused|rejected|missing|stale)\b", re.IGNORECASE)


def _summary_gaps(i: IncidentView) -> list[str]:
    """Return what the resolving updates of ``i`` leave out: how long it lasted, what was affected."""
    final = [u for u in i.incident.updates if i.resolved_at is not None and u.at >= i.resolved_at]
    text = "\n".join(u.body for u in final)
    names = [re.escape(c.name) for c in i.affected] + [rf"\b{re.escape(c.id)}\b" for c in i.affected]
    gaps = []
    if not (_CLOCK_TIME.search(text) or _LENGTH.search(text)):
        gaps.append("how long it lasted")
    if not (_EFFECT.search(text) or (names and re.search("|".join(names), text, re.IGNORECASE))):
        gaps.append("what was affected")
    return gaps


def incident_no_summary(view: StatusView) -> Iterator[Problem]:
    """A resolved incident whose resolving update does not sum up its impact and duration."""
    for i in view.incidents:
        if i.is_open:
            continue
        gaps = _summary_gaps(i)
        if gaps:
            last = i.incident.updates[-1]
            yield _problem(
                i.incident.source.path, last.line, "incident-no-summary",
                f"the resolved incident ends without a summary: its last update does not say "
                f"{' or '.join(gaps)}",
                "add an update (status: resolved) that sums it up, e.g. \"From 10:40 to 12:14 about 6% of "
                "sign-ins failed.\"; it is the last impression customers keep",
                WARNING,
            )


def postmortem_overdue(view: StatusView) -> Iterator[Problem]:
    """A major or critical incident resolved longer ago than `postmortem_within`, with no postmortem."""
    tz = view.site.timezone
    for i in view.incidents:
        if not i.postmortem_overdue or i.postmortem_due is None or i.resolved_at is None:
            continue
        resolving = next(u for u in i.incident.updates if u.at == i.resolved_at)
        yield _problem(
            i.incident.source.path, resolving.line, "postmortem-overdue",
            f"no postmortem: the policy promises one within {_ago(view.site.policy.postmortem_within)} of "
            f"resolving a {i.impact.value} incident, so it was due by {local(i.postmortem_due, tz)}",
            "add `postmortem:` with published_at, a body (what happened, why, what changes) and its actions "
            "(ids of commitments)",
        )


def postmortem_action_late(view: StatusView) -> Iterator[Problem]:
    """A postmortem action (a commitment) past its due date and not delivered.

    The commitment's own file gets the error (rule ``commitment-broken``); this warning puts it
    where readers of the postmortem meet it.
    """
    tz = view.site.timezone
    for i in view.incidents:
        for action in i.actions:
            if action.finished_at is not None or view.now <= action.current_due.deadline:
                continue
            yield _problem(
                i.incident.source.path, i.incident.source.line("postmortem"), "postmortem-action-late",
                f"postmortem action {action.id!r} is past its due date ({_due(action.current_due, tz)}) "
                "and not delivered",
                f"see {action.commitment.source.path}: deliver it, or tell customers the new date and why",
                WARNING,
            )


# -- times -----------------------------------------------------------------------------------------


def future_dated(view: StatusView) -> Iterator[Problem]:
    """Updates, announcements, promises and postmortems dated after ``now``."""
    tz, now = view.site.timezone, view.now
    update_hint = ("date an update with the time it is published; to say when the next one comes, use "
                   "next_update_in or next_update_by")

    def future(what: str, when: dt.datetime) -> str:
        return f"{what} is dated in the future: {local(when, tz)} is {_ago(when - now)} from now"

    for i in view.incidents:
        path = i.incident.source.path
        for u in i.incident.updates:
            if u.published > now:
                yield _problem(path, u.line, "future-dated", future(f"update {u.number}", u.published),
                               update_hint)
        pm = i.incident.postmortem
        if pm and pm.published_at > now:
            yield _problem(path, i.incident.source.line("postmortem"), "future-dated",
                           future("the postmortem", pm.published_at),
                           "use the time the postmortem is published")
        for r in pm.revisions if pm else ():
            if r.at > now:
                yield _problem(path, r.line, "future-dated", future(f"postmortem revision {r.number}", r.at),
                               "use the time the revision is published")
    for m in view.maintenance:
        mt = m.maintenance
        if mt.announced_at > now:
            yield _problem(mt.source.path, mt.source.line("announced_at"), "future-dated",
                           future("the announcement", mt.announced_at),
                           "announced_at is when customers were told: use the time you publish it")
        for mu in mt.updates:
            if mu.at > now:
                yield _problem(mt.source.path, mu.line, "future-dated", future(f"update {mu.number}", mu.at),
                               update_hint)
    for c in view.commitments:
        cm = c.commitment
        if cm.made_at > now:
            yield _problem(cm.source.path, cm.source.line("made_at"), "future-dated",
                           future("the promise", cm.made_at),
                           "made_at is when the promise was made public: use the time you publish it")
        for cu in cm.updates:
            if cu.at > now:
                yield _problem(cm.source.path, cu.line, "future-dated", future(f"update {cu.number}", cu.at),
                               update_hint)


# -- commitments -----------------------------------------------------------------------------------


def _due_line(c: CommitmentView) -> int:
    """Return the line that set the current due date: the last update moving it, else `due:`."""
    moved = [ch.update for ch in c.changes]
    return moved[-1].line if moved else c.commitment.source.line("due")


def commitment_broken(view: StatusView) -> Iterator[Problem]:
    """A commitment past its due date with no delivery and no new date."""
    tz = view.site.timezone
    for c in view.commitments:
        if c.finished_at is not None or view.now <= c.current_due.deadline:
            continue
        yield _problem(
            c.commitment.source.path, _due_line(c), "commitment-broken",
            f"broken promise: it was due {_due(c.current_due, tz)} and is neither delivered nor given a "
            "new date",
            "if it is done, add an update with status: delivered; if it slipped, add an update with the "
            "new `due` and the reason; if you will not do it, withdraw it with a reason",
        )


def commitment_redated_late(view: StatusView) -> Iterator[Problem]:
    """A commitment whose new date was announced only after the old one passed (still open)."""
    tz = view.site.timezone
    for c in view.commitments:
        if c.state is not CommitmentState.BROKEN or view.now > c.current_due.deadline or c.broken_due is None:
            continue
        late = next(ch for ch in c.changes if not ch.in_time)
        yield _problem(
            c.commitment.source.path, late.update.line, "commitment-redated-late",
            f"broken promise: the new date was announced only after the old one "
            f"({_due(c.broken_due, tz)}) had passed; the page shows it as broken until it is delivered",
            f"deliver it by the new date ({_due(c.current_due, tz)}); next time announce a slip before "
            "the date passes",
            WARNING,
        )


def commitment_due_soon(view: StatusView) -> Iterator[Problem]:
    """A commitment due within :data:`DUE_SOON` whose status is still `planned`."""
    tz = view.site.timezone
    for c in view.commitments:
        left = c.current_due.deadline - view.now
        planned = c.status is CommitmentStatus.PLANNED and c.finished_at is None
        if not planned or not dt.timedelta(0) <= left < DUE_SOON:
            continue
        yield _problem(
            c.commitment.source.path, _due_line(c), "commitment-due-soon",
            f"due {_due(c.current_due, tz)}, in {_ago(left)}, and still planned: customers have heard "
            "nothing about progress",
            "add an update: in_progress when it is on track, or at_risk with a new `due` and the reason "
            "if it will slip (a slip hurts less when announced before the date)",
            WARNING,
        )


def commitment_update_overdue(view: StatusView) -> Iterator[Problem]:
    """An open commitment past the next update its latest update promised."""
    tz = view.site.timezone
    for c in view.commitments:
        if c.next_update_by is None or c.latest is None or view.now <= c.next_update_by:
            continue
        yield _problem(
            c.commitment.source.path, c.latest.line, "commitment-update-overdue",
            f"update {c.latest.number} promised the next word on this commitment by "
            f"{local(c.next_update_by, tz)}, {_ago(view.now - c.next_update_by)} ago",
            "add an update on its progress, even if nothing changed",
        )


# -- maintenance ---------------------------------------------------------------------------------


def maintenance_short_notice(view: StatusView) -> Iterator[Problem]:
    """Maintenance not yet over, announced with less notice than the policy promises."""
    tz = view.site.timezone
    required = view.site.policy.maintenance_notice
    for m in view.maintenance:
        mt = m.maintenance
        if m.notice >= required or m.status in _CLOSED:
            continue
        yield _problem(
            mt.source.path, mt.source.line("announced_at"), "maintenance-short-notice",
            f"announced {_ago(m.notice)} before it starts; the policy promises at least {_ago(required)} "
            "of notice",
            f"if it can wait, move it to start at {local(mt.announced_at + required, tz)} or later; if "
            "it cannot, say in the body why",
            WARNING,
        )


def _after(m: MaintenanceView) -> list[int]:
    """Return the numbers of the updates posted after the window ended."""
    return [u.number for u in m.maintenance.updates if u.at > m.ends_at]


def maintenance_not_closed(view: StatusView) -> Iterator[Problem]:
    """Maintenance past its end, not marked completed or cancelled, and nothing said since it ended."""
    tz = view.site.timezone
    for m in view.maintenance:
        mt = m.maintenance
        if not m.needs_closing or _after(m):
            continue
        yield _problem(
            mt.source.path, mt.updates[-1].line if mt.updates else mt.source.line("ends_at"),
            "maintenance-not-closed",
            f"the window ended {_ago(view.now - m.ends_at)} ago ({local(m.ends_at, tz)}) and no "
            "update says it is completed or cancelled",
            "add an update with status: completed (or cancelled); if the work overruns, post an update "
            "saying so and when it will end",
        )


def maintenance_overrun(view: StatusView) -> Iterator[Problem]:
    """Maintenance still running past its window, with updates posted since it ended."""
    tz = view.site.timezone
    for m in view.maintenance:
        mt = m.maintenance
        if not m.needs_closing or not _after(m):
            continue
        yield _problem(
            mt.source.path, mt.updates[-1].line, "maintenance-overrun",
            f"overrunning: the window ended {_ago(view.now - m.ends_at)} ago ({local(m.ends_at, tz)}) "
            "and it is still not completed",
            "keep customers posted until an update says completed; if customers are affected, open an "
            "incident",
            WARNING,
        )


#: Every clock rule, in the order of the table in docs/checks.md.
RULES: tuple[Rule, ...] = (
    incident_silent,
    incident_promise_missed,
    incident_promise_beyond_policy,
    future_dated,
    commitment_broken,
    commitment_redated_late,
    commitment_due_soon,
    commitment_update_overdue,
    maintenance_short_notice,
    maintenance_not_closed,
    maintenance_overrun,
    postmortem_overdue,
    postmortem_action_late,
    incident_no_summary,
)


def run_rules(view: StatusView) -> list[Problem]:
    """Return the problems every rule finds in ``view``."""
    return [problem for rule in RULES for problem in rule(view)]


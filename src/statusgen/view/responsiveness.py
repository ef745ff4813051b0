"""Responsiveness figures: how fast and how reliably the team kept customers informed.

Principle 10 asks for public figures instead of counting complaints. Each figure is a
pure function of the derived view, over the last :data:`WINDOW_DAYS` days before ``now``:

- **time to first update**: median, over incidents that started in the window, of the time
  from ``started_at`` to when the first update was *published* (``posted_at`` when it was
  backfilled), so a backfilled timeline never makes the response look faster;
- **next-update promises kept**: every update of an open incident promises the next one,
  explicitly (``next_update_in``/``next_update_by``) or through the policy for its impact.
  A promise is kept when the next update was published by then. It counts in the window
  once it is settled: kept when the next update came, missed when the deadline passed;
- **commitments**: kept on time, late, broken and withdrawn, counted when that outcome
  happened (delivery, withdrawal, or the moment the promise broke) inside the window.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from ..content.model import IncidentStatus, Policy
from ..timeutil import instant
from .derive import CommitmentState, CommitmentView, IncidentView, StatusView

#: The figures look back this many days.
WINDOW_DAYS = 90


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

    @property
    def days(self) -> int:
        return WINDOW_DAYS

    @property
    def promises_share(self) -> float | None:
        """The share of next-update promises kept (0..1); None when none was settled."""
        return self.promises_kept / self.promises if self.promises else None

    @property
    def commitments(self) -> int:
        return self.commitments_kept + self.commitments_late + self.commitments_broken

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
            },
        }


def responsiveness(view: StatusView, *, memo: dict[str, Any] | None = None) -> Responsiveness:
    """Return the responsiveness figures of ``view`` over the last :data:`WINDOW_DAYS` days.

    :param memo: kept between calls for views of the same site (``statusgen serve``): the
        promises of each resolved incident, which no longer change, by incident id.
    """
    end = view.now
    start = end - dt.timedelta(days=WINDOW_DAYS)
    started = []
    for incident in view.incidents:  # newest start first
        if incident.started_at < start:
            break
        if incident.started_at <= end:
            started.append(incident)
    firsts = [i.incident.updates[0].published - i.started_at for i in started]
    kept = missed = 0
    start_us = instant(start)
    for incident in view.incidents:
        if memo is not None:  # the quick way past resolved incidents that end before the window
            known = memo.get(incident.id)
            if known is not None and known[0] is incident and known[1] < start_us:
                continue
        for settled_at, was_kept in _settled(incident, view.site.policy, start, end, memo):
            if start <= settled_at <= end:
                kept += was_kept
                missed += not was_kept
    outcomes = [s for c in view.commitments if (s := _outcome(c, start, end)) is not None]
    median = statistics.median(f.total_seconds() for f in firsts) if firsts else None
    return Responsiveness(
        start=start, end=end, incidents=len(started),
        first_update=dt.timedelta(seconds=median) if median is not None else None,
        promises=kept + missed, promises_kept=kept,
        commitments_kept=outcomes.count(CommitmentState.KEPT),
        commitments_late=outcomes.count(CommitmentState.LATE),
        commitments_broken=outcomes.count(CommitmentState.BROKEN),
        commitments_withdrawn=outcomes.count(CommitmentState.WITHDRAWN),
    )


def _settled(view: IncidentView, policy: Policy, start: dt.datetime, now: dt.datetime,
             memo: dict[str, Any] | None) -> list[tuple[dt.datetime, bool]]:
    """Return :func:`_promises` of ``view``; skip or reuse the work for a resolved incident."""
    if view.is_open:
        return _promises(view, policy, now)
    # Resolved: each promise was settled by the next update (kept) or by its deadline, which
    # passed before that update (missed). So none settles after the last update published,
    # and once that is in the past the answer no longer depends on ``now``.
    known = memo.get(view.id) if memo is not None else None
    if known is None or known[0] is not view:
        known = [view, instant(max(u.published for u in view.incident.updates)), None]
        if memo is not None:
            memo[view.id] = known
    latest = known[1]
    if latest < instant(start):
        return []
    if latest > instant(now):
        return _promises(view, policy, now)
    if known[2] is None:
        known[2] = _promises(view, policy, now)
    return known[2]


def _promises(view: IncidentView, policy: Policy, now: dt.datetime) -> list[tuple[dt.datetime, bool]]:
    """Return (when it was settled, whether it was kept) for each settled next-update promise."""
    updates = view.incident.updates
    found = []
    for n, update in enumerate(updates):
        if update.status is IncidentStatus.RESOLVED:
            continue
        due = update.next_update_by or update.published + policy.update_every[view.impact]
        following = updates[n + 1] if n + 1 < len(updates) else None
        if following is not None and following.published <= due:
            found.append((following.published, True))
        elif now > due:
            found.append((due, False))
        # Otherwise the deadline is still ahead: not settled yet.
    return found


def _outcome(view: CommitmentView, start: dt.datetime, end: dt.datetime) -> CommitmentState | None:
    """Return the commitment's outcome when it happened inside ``[start, end]``, else None."""
    if view.state in (CommitmentState.KEPT, CommitmentState.LATE, CommitmentState.WITHDRAWN):
        when = view.finished_at
    elif view.state is CommitmentState.BROKEN:
        when = view.broken_at
    else:
        return None
    return view.state if when is not None and start <= when <= end else None


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

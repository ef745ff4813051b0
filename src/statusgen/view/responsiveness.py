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
from collections.abc import Sequence
from dataclasses import dataclass

from ..content.model import IncidentStatus, Policy
from ..timeutil import instant
from .types import WINDOW_DAYS, CommitmentState, CommitmentView, IncidentView, Responsiveness


@dataclass(slots=True)
class _Settled:
    """A resolved incident's settled promises, and when its last update was published."""

    view: IncidentView
    latest: int
    promises: list[tuple[dt.datetime, bool]] | None = None


class PromiseMemo:
    """The next-update promises of resolved incidents, which no longer change, kept between derivations.

    :class:`~.derive.Deriver` keeps one for ``statusgen serve``; a single derivation uses a new one.
    """

    def __init__(self) -> None:
        self._known: dict[str, _Settled] = {}

    def get(self, view: IncidentView) -> _Settled:
        """Return what is known of ``view``'s promises, starting afresh when its view is another object."""
        known = self._known.get(view.id)
        if known is None or known.view is not view:
            known = self._known[view.id] = _Settled(view, instant(max(u.published for u in view.incident.updates)))
        return known

    def peek(self, view: IncidentView) -> _Settled | None:
        known = self._known.get(view.id)
        return known if known is not None and known.view is view else None


def responsiveness(now: dt.datetime, policy: Policy, incidents: Sequence[IncidentView],
                   commitments: Sequence[CommitmentView], memo: PromiseMemo) -> Responsiveness:
    """Return the responsiveness figures over the :data:`WINDOW_DAYS` days before ``now``.

    :param incidents: every incident's view, newest start first.
    :param memo: what earlier calls found of resolved incidents (a new one works as well).
    """
    end = now
    start = end - dt.timedelta(days=WINDOW_DAYS)
    started = []
    for incident in incidents:  # newest start first
        if incident.started_at < start:
            break
        if incident.started_at <= end:
            started.append(incident)
    firsts = [i.incident.updates[0].published - i.started_at for i in started]
    kept = missed = 0
    start_us = instant(start)
    for incident in incidents:
        known = memo.peek(incident)  # the quick way past resolved incidents that end before the window
        if known is not None and known.latest < start_us:
            continue
        for settled_at, was_kept in _settled(incident, policy, start, end, memo):
            if start <= settled_at <= end:
                kept += was_kept
                missed += not was_kept
    outcomes = [s for c in commitments if (s := _outcome(c, start, end)) is not None]
    median = statistics.median(f.total_seconds() for f in firsts) if firsts else None
    return Responsiveness(
        start=start, end=end, incidents=len(started),
        first_update=dt.timedelta(seconds=median) if median is not None else None,
        promises=kept + missed, promises_kept=kept,
        commitments_kept=outcomes.count(CommitmentState.KEPT),
        commitments_late=outcomes.count(CommitmentState.LATE),
        commitments_broken=outcomes.count(CommitmentState.BROKEN),
        commitments_withdrawn=outcomes.count(CommitmentState.WITHDRAWN),
        commitments_reduced=outcomes.count(CommitmentState.REDUCED),
    )


def _settled(view: IncidentView, policy: Policy, start: dt.datetime, now: dt.datetime,
             memo: PromiseMemo) -> list[tuple[dt.datetime, bool]]:
    """Return :func:`_promises` of ``view``; skip or reuse the work for a resolved incident."""
    if view.is_open:
        return _promises(view, policy, now)
    # Resolved: each promise was settled by the next update (kept) or by its deadline, which
    # passed before that update (missed). So none settles after the last update published,
    # and once that is in the past the answer no longer depends on ``now``.
    known = memo.get(view)
    if known.latest < instant(start):
        return []
    if known.latest > instant(now):
        return _promises(view, policy, now)
    if known.promises is None:
        known.promises = _promises(view, policy, now)
    return known.promises


def _promises(view: IncidentView, policy: Policy, now: dt.datetime) -> list[tuple[dt.datetime, bool]]:
    """Return (when it was settled, whether it was kept) for each settled next-update promise."""
    # A correction neither makes a promise nor keeps one: the promise before it stands.
    updates = [u for u in view.incident.updates if u.corrects is None]
    found = []
    for n, update in enumerate(updates):
        if update.status is IncidentStatus.RESOLVED:
            continue
        due = update.next_update_by or update.published + policy.update_every[view.impacts[update.number - 1]]
        following = updates[n + 1] if n + 1 < len(updates) else None
        if following is not None and following.published <= due:
            found.append((following.published, True))
        elif now > due:
            found.append((due, False))
        # Otherwise the deadline is still ahead: not settled yet.
    return found


def _outcome(view: CommitmentView, start: dt.datetime, end: dt.datetime) -> CommitmentState | None:
    """Return the commitment's outcome when it happened inside ``[start, end]``, else None."""
    if view.state in (CommitmentState.KEPT, CommitmentState.LATE, CommitmentState.WITHDRAWN, CommitmentState.REDUCED):
        when = view.finished_at
    elif view.state is CommitmentState.BROKEN:
        when = view.broken_at
    else:
        return None
    return view.state if when is not None and start <= when <= end else None

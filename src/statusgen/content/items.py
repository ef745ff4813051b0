"""The rules of each kind of item beyond its format: order, references to components, promises.

A file that passed its format declaration (:mod:`.format`) becomes a model object here, or
None with every problem reported: updates out of order, a correction of an update that does
not exist, a promise on a resolved incident, a postmortem before the resolution, a due date
moved without a reason. Only site.yaml's time zone and component ids are looked at besides
the file itself, so a file's result stays true until it or they change (see :mod:`.cache`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import yaml

from .. import timeutil
from ..errors import did_you_mean
from .model import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Due,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    MaintenanceUpdate,
    Postmortem,
    PostmortemRevision,
    Source,
)
from .validation import INVALID, Context, Record


class ItemRules:
    """Checks items of one site: its time zone (for due dates) and component ids."""

    def __init__(self, tz: dt.tzinfo, components: frozenset[str]) -> None:
        self.tz = tz
        self.components = components
        #: The check of each kind, by folder.
        self.by_folder: dict[str, Callable[[str, Context, Record], Any]] = {
            "incidents": self.incident, "maintenance": self.maintenance, "commitments": self.commitment}

    def check(self, folder: str, item_id: str, ctx: Context, rec: Record) -> Any:
        """Return the item of kind ``folder`` that ``rec`` describes, or None after reporting its problems."""
        return self.by_folder[folder](item_id, ctx, rec)

    # -- helpers ---------------------------------------------------------------------------------

    def _check_components(self, ctx: Context, nodes: Iterator[tuple[str, yaml.Node]]) -> bool:
        """Report every component id that site.yaml does not declare; return whether all are known."""
        ok = True
        for cid, node in nodes:
            if cid and self.components and cid not in self.components:
                known = sorted(self.components)
                ctx.report(node, f"unknown component {cid!r}",
                           did_you_mean(cid, known, otherwise="components in site.yaml: " + ", ".join(known)))
                ok = False
        return ok

    @staticmethod
    def _valid(value: Any) -> bool:
        """Return whether nothing in the record ``value``, however deep, failed validation."""
        return isinstance(value, Record) and value.ok

    def _due(self, value: dt.date | dt.datetime) -> Due:
        if isinstance(value, dt.datetime):
            return Due(value, value)
        return Due(value, timeutil.end_of_day(value, self.tz))

    # -- incidents -------------------------------------------------------------------------------

    def incident(self, item_id: str, ctx: Context, rec: Record) -> Incident | None:
        components = rec.get("components", {}) or {}
        if components is not INVALID:
            self._check_components(ctx, ((cid, key) for cid, (_, key) in components.items()))
        raw_updates = rec.get("updates") or []
        updates: list[IncidentUpdate] = []
        ok = self._valid(rec)
        started_at = rec.get("started_at")
        previous_status: IncidentStatus | None = None
        previous_at: dt.datetime | None = None
        for number, (u, _) in enumerate(raw_updates, start=1):
            if u is INVALID or not self._valid(u):
                ok = False
                continue
            at = u["at"]
            status = u.get("status")
            corrects = u.get("corrects")
            if corrects is not None and corrects >= number:
                ctx.report(u.key_node("corrects"), f"update {number} corrects update {corrects}, which "
                           + ("is itself" if corrects == number else "does not exist before it"),
                           f"`corrects` names an earlier update of this incident, 1 to {number - 1}"
                           if number > 1 else "the first update cannot be a correction")
                ok = False
            if status is None:
                if "status" in u.typos:
                    ok = False  # reported as an unknown key with "did you mean 'status'?"
                    continue
                if corrects is None or previous_status is None:
                    ctx.report(u.node, "missing required key 'status'",
                               "one of investigating, identified, monitoring, resolved (only a correction may "
                               "leave it out)")
                    ok = False
                    continue
                status = previous_status
            if corrects is not None and not _correction_keeps_course(ctx, u, number, status, previous_status):
                ok = False
            if not _in_order(ctx, u, number, previous_at):
                ok = False
            if started_at and at < started_at:
                ctx.report(u.key_node("at"), f"update {number} is dated before the incident started "
                           f"({started_at.isoformat()})", "an update cannot come before `started_at`")
                ok = False
            posted_at = u.get("posted_at")
            if posted_at is not None and posted_at < at:
                ctx.report(u.key_node("posted_at"), "posted_at is before at",
                           "posted_at is when a backfilled update was really posted, so it is after `at`")
                ok = False
            promised, next_by = self._next_update(ctx, u, status)
            ok = ok and promised
            comp = u.get("components")
            if comp:
                self._check_components(ctx, ((cid, key) for cid, (_, key) in comp.items()))
            updates.append(IncidentUpdate(
                number=number, at=at, status=status, body=u["body"], posted_at=posted_at,
                components={k: v for k, (v, _) in comp.items()} if comp else None,
                next_update_by=next_by, corrects=corrects, line=u.line,
                impact=u.get("impact"), title=u.get("title"), workaround=u.get("workaround"),
            ))
            previous_status, previous_at = status, at
        postmortem = rec.get("postmortem")
        revisions: list[PostmortemRevision] = []
        if postmortem and self._valid(postmortem) and updates:
            resolved = [x for x in updates if x.status is IncidentStatus.RESOLVED]
            if not resolved:
                ctx.report(postmortem.node, "a postmortem on an incident that is not resolved",
                           "publish the postmortem after an update with status: resolved")
                ok = False
            elif postmortem["published_at"] < resolved[0].at:
                ctx.report(postmortem.key_node("published_at"), "the postmortem is dated before the incident was "
                           "resolved", "published_at must be after the resolving update")
                ok = False
            revisions = _revisions(ctx, postmortem)
            ok = ok and len(revisions) == len(postmortem.get("revisions") or [])
        if not ok or not updates or len(updates) != len(raw_updates):
            return None
        return Incident(
            id=item_id,
            title=rec["title"],
            impact=rec["impact"],
            components={k: v for k, (v, _) in components.items()},
            started_at=started_at or updates[0].at,
            updates=tuple(updates),
            source=Source(ctx.path, rec.lines()),
            workaround=rec.get("workaround", ""),
            postmortem=Postmortem(postmortem["published_at"], postmortem["body"],
                                  tuple(a for a, _ in postmortem.get("actions", [])),
                                  tuple(revisions)) if postmortem else None,
        )

    def _next_update(self, ctx: Context, u: Record, status: Any) -> tuple[bool, dt.datetime | None]:
        """Return whether the promise of a next update is valid (reporting why not), and its time if any."""
        within, by = u.get("next_update_in"), u.get("next_update_by")
        if within is None and by is None:
            return True, None
        if within is not None and by is not None:
            ctx.report(u.key_node("next_update_by"), "both next_update_in and next_update_by are given",
                       "promise the next update one way: keep one of them")
            return False, None
        if status in (IncidentStatus.RESOLVED, CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
            key = "next_update_in" if within is not None else "next_update_by"
            ctx.report(u.key_node(key), f"a {status.value} update cannot promise a next update",
                       "remove it; say in the body if more is to come (a postmortem, for example)")
            return False, None
        at: dt.datetime = u["at"]
        posted: dt.datetime = u.get("posted_at") or at
        if by is not None:
            promised: dt.datetime = by
            if promised <= at:
                ctx.report(u.key_node("next_update_by"), "next_update_by is not after this update's time",
                           "the promised time must be later than `at`")
                return False, None
            return True, promised
        within_: dt.timedelta = within
        return True, posted + within_

    # -- maintenance -----------------------------------------------------------------------------

    def maintenance(self, item_id: str, ctx: Context, rec: Record) -> Maintenance | None:
        ok = self._valid(rec)
        components = rec.get("components")
        if components:
            self._check_components(ctx, ((cid, key) for cid, (_, key) in components.items()))
        if ok and rec["ends_at"] <= rec["starts_at"]:
            ctx.report(rec.key_node("ends_at"), "ends_at is not after starts_at",
                       "a maintenance window ends after it starts")
            ok = False
        if ok and rec["announced_at"] > rec["starts_at"]:
            ctx.report(rec.key_node("announced_at"), "announced_at is after starts_at",
                       "maintenance is announced before it starts; for unplanned work open an incident")
            ok = False
        updates: list[MaintenanceUpdate] = []
        previous: dt.datetime | None = None
        window = (rec.get("starts_at"), rec.get("ends_at"))
        for number, (u, _) in enumerate(rec.get("updates") or [], start=1):
            if u is INVALID or not self._valid(u):
                ok = False
                continue
            if not _in_order(ctx, u, number, previous):
                ok = False
            if ok and u["at"] < rec["announced_at"]:
                ctx.report(u.key_node("at"), f"update {number} is dated before the announcement",
                           "updates come after announced_at")
                ok = False
            moved = u.get("components")
            if moved:
                self._check_components(ctx, ((cid, key) for cid, (_, key) in moved.items()))
            starts, ends = u.get("starts_at"), u.get("ends_at")
            if ok and (starts or ends):
                window = (starts or window[0], ends or window[1])
                if window[1] <= window[0]:
                    ctx.report(u.key_node("ends_at" if ends else "starts_at"), f"update {number} moves the window "
                               "so that it ends before it starts", "give a new ends_at after the new starts_at")
                    ok = False
            previous = u["at"]
            updates.append(MaintenanceUpdate(number, u["at"], u["status"], u["body"], u.line, starts, ends,
                                             {k: v for k, (v, _) in moved.items()} if moved else None))
        if not ok:
            return None
        return Maintenance(
            id=item_id, title=rec["title"], components={k: v for k, (v, _) in components.items()},
            announced_at=rec["announced_at"], starts_at=rec["starts_at"], ends_at=rec["ends_at"],
            body=rec["body"], updates=tuple(updates), source=Source(ctx.path, rec.lines()),
        )

    # -- commitments -----------------------------------------------------------------------------

    def commitment(self, item_id: str, ctx: Context, rec: Record) -> Commitment | None:
        ok = self._valid(rec)
        if not self._check_components(ctx, iter(rec.get("components", []) or [])):
            ok = False
        due = rec.get("due")
        if ok and self._due(due).deadline <= rec["made_at"]:
            ctx.report(rec.key_node("due"), "the due date is not after made_at",
                       "a commitment is due after it is made")
            ok = False
        updates: list[CommitmentUpdate] = []
        previous: dt.datetime | None = None
        finished: CommitmentUpdate | None = None
        for number, (u, _) in enumerate(rec.get("updates") or [], start=1):
            if u is INVALID or not self._valid(u):
                ok = False
                continue
            at, status = u["at"], u["status"]
            if ok and at < rec["made_at"]:
                ctx.report(u.key_node("at"), f"update {number} is dated before the commitment was made",
                           "updates come after made_at")
                ok = False
            if not _in_order(ctx, u, number, previous):
                ok = False
            if finished is not None:
                ctx.report(u.key_node("status"), f"update {number} follows update {finished.number}, which "
                           f"already marked the commitment {finished.status.value}",
                           "a delivered or withdrawn commitment is finished; make a new commitment instead")
                ok = False
            new_due = u.get("due")
            if new_due is not None and status in (CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
                ctx.report(u.key_node("due"), f"a {status.value} update cannot set a new due date",
                           "remove `due`, or use status at_risk or in_progress to move the date")
                ok = False
            if new_due is not None and not u.get("body"):
                ctx.report(u.node, "moving the due date needs a reason in `body`",
                           "say why the date moves; customers see the original and the new date")
                ok = False
            if status is CommitmentStatus.WITHDRAWN and not u.get("body"):
                ctx.report(u.node, "withdrawing a commitment needs a reason in `body`",
                           "say why the promise is withdrawn and what customers can do instead")
                ok = False
            if u.get("scope") is not None and not u.get("body"):
                ctx.report(u.key_node("scope"), "changing what a commitment promises needs `body`",
                           "say what changes and why; customers see the first promise and every change")
                ok = False
            promised, next_by = self._next_update(ctx, u, status)
            ok = ok and promised
            update = CommitmentUpdate(number, at, status, u.get("body", ""),
                                      self._due(new_due) if new_due is not None else None, next_by, u.line,
                                      u.get("scope"), u.get("title"))
            if status in (CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN) and finished is None:
                finished = update
            updates.append(update)
            previous = at
        if not ok:
            return None
        return Commitment(
            id=item_id, title=rec["title"], made_at=rec["made_at"], due=self._due(due),
            components=tuple(c for c, _ in rec.get("components", [])), body=rec["body"],
            updates=tuple(updates), source=Source(ctx.path, rec.lines()), incident=rec.get("incident"),
        )

def _correction_keeps_course(ctx: Context, u: Record, number: int, status: Any, previous: Any) -> bool:
    """Return whether a correction leaves the status and the standing next-update promise alone."""
    ok = True
    if previous is not None and status is not previous:
        ctx.report(u.key_node("status"), f"update {number} is a correction and changes the status from "
                   f"{previous.value} to {status.value}",
                   "a correction fixes what an earlier update said; leave `status` out, and post a separate update "
                   "to change the status")
        ok = False
    for key in ("next_update_in", "next_update_by"):
        if u.get(key) is not None:
            ctx.report(u.key_node(key), f"update {number} is a correction and promises the next update",
                       "a correction does not move the next update: the promise made before it stands. Remove "
                       f"{key}; to promise a new time, post a separate update")
            ok = False
    return ok


def _revisions(ctx: Context, postmortem: Record) -> list[PostmortemRevision]:
    """Return the revisions of a postmortem, reporting any dated before the postmortem or the one before."""
    found: list[PostmortemRevision] = []
    previous: dt.datetime = postmortem["published_at"]
    for number, (r, _) in enumerate(postmortem.get("revisions") or [], start=1):
        if r is INVALID or not (isinstance(r, Record) and r.ok):
            continue
        if r["at"] < previous:
            ctx.report(r.key_node("at"), f"revision {number} is dated before the "
                       + ("postmortem was published" if number == 1 else f"revision {number - 1}"),
                       "revisions are listed oldest first, after published_at")
            continue
        previous = r["at"]
        found.append(PostmortemRevision(number, r["at"], r["body"], tuple(a for a, _ in r.get("actions", [])),
                                        r.line))
    return found


def _in_order(ctx: Context, update: Record, number: int, previous: dt.datetime | None) -> bool:
    """Return whether update ``number`` comes no earlier than the one before it; report it when not."""
    if previous is None or update["at"] >= previous:
        return True
    ctx.report(update.key_node("at"), f"update {number} is dated before update {number - 1}",
               "updates are listed oldest first; correct the time or the order")
    return False



def references(kind: str, rec: Record) -> Iterator[tuple[Any, yaml.Node]]:
    """Yield (id, node) of every item of another file that the record names."""
    if kind == "incidents":
        postmortem = rec.get("postmortem")
        if postmortem:
            yield from postmortem.get("actions", [])
            for revision, _ in postmortem.get("revisions") or []:
                if isinstance(revision, Record):
                    yield from revision.get("actions", [])
    elif kind == "commitments":
        incident = rec.get("incident")
        if incident:
            yield incident, rec.key_node("incident")

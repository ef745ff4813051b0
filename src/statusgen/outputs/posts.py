"""Every published word of the site as one flat list, newest first.

Each incident update, postmortem, maintenance announcement and update, commitment and
commitment update is one :class:`Post` with a permalink anchor on its page that never
changes (docs/format.md promises ``#update-<n>``). Feeds are made of posts; the JSON API and
the sitemap date their documents by them.

Only what was published by ``now`` is a post: an update dated later appears with the first
build after its time. Post bodies are rendered lazily, because feeds show only the newest
few of what can be tens of thousands of posts on a big site.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .. import timeutil, urls
from ..content.model import (
    CommitmentUpdate,
    Component,
    ComponentStatus,
    Due,
    IncidentStatus,
    IncidentUpdate,
    MaintenanceUpdate,
    PostmortemRevision,
    Scope,
)
from ..timeutil import instant
from ..view import CommitmentView, IncidentView, MaintenanceView, StatusView
from . import markup


class PostKind(enum.Enum):
    """What a post is about."""

    INCIDENT = "incident"
    POSTMORTEM = "postmortem"
    MAINTENANCE = "maintenance"
    COMMITMENT = "commitment"


@dataclass(frozen=True, slots=True)
class Post:
    """One published update, announcement or postmortem."""

    kind: PostKind
    item_id: str
    #: The item's page, relative to the site root (``incidents/<id>/``).
    path: str
    #: The element id on that page (``update-3``, ``postmortem``, ``details``, ``promise``).
    anchor: str
    #: What and which status, e.g. ``[Identified] Elevated API latency``.
    title: str
    #: When customers could first read it.
    published: dt.datetime
    components: tuple[Component, ...]
    #: Position within its item, for a stable order among posts published at the same instant.
    seq: int
    _content: Callable[[], Markup] = field(repr=False, compare=False)

    @property
    def target(self) -> str:
        """Return the site-relative permalink, ``incidents/<id>/#update-<n>``."""
        return urls.anchored(self.path, self.anchor)

    def content(self) -> Markup:
        """Return the post as sanitised HTML (links absolute, times in the site's zone)."""
        return self._content()


def published_posts(view: StatusView) -> list[Post]:
    """Return every post published by ``view.now``, newest first, in a fixed order."""
    now = instant(view.now)
    found = [(key, p) for p in _all_posts(view) if (key := post_order(p))[0] <= now]
    found.sort(key=_first, reverse=True)
    return [p for _, p in found]


def post_order(post: Post) -> tuple[int, str, int]:
    """Where a post goes among all posts: by when it was published (in whole microseconds), page, position."""
    return instant(post.published), post.path, post.seq


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def latest(posts: Iterable[Post]) -> dt.datetime | None:
    """Return when the newest of ``posts`` was published, if there is one."""
    return max((p.published for p in posts), default=None)


def _all_posts(view: StatusView) -> Iterator[Post]:
    writer = PostWriter(view)
    for incident in view.incidents:
        yield from writer.incident(incident)
    for maintenance in view.maintenance:
        yield from writer.maintenance(maintenance)
    for commitment in view.commitments:
        yield from writer.commitment(commitment)


class PostWriter:
    """Turns the items of one view into posts (``statusgen serve`` keeps one while the site is the same)."""

    def __init__(self, view: StatusView) -> None:
        self.view = view
        self.site = view.site
        self.tz = view.site.timezone
        self.names = {c.id: c.name for c in view.site.components}

    # -- small pieces of HTML -----------------------------------------------------------------

    def time(self, value: dt.datetime) -> str:
        return timeutil.format_local(value, self.tz)

    def due(self, value: Due) -> str:
        return timeutil.format_day(value.value) if value.is_date else self.time(value.deadline)

    def link(self, target: str, text: str) -> Markup:
        return Markup('<a href="{}">{}</a>').format(self.site.base_url + target, text)

    def statuses(self, lead: str, components: dict[str, ComponentStatus]) -> Markup:
        parts = [f"{self.names.get(cid, cid)}: {status.label.lower()}" for cid, status in components.items()]
        return Markup("<p>{} {}.</p>").format(lead, "; ".join(parts))

    @staticmethod
    def para(text: str) -> Markup:
        return Markup("<p>{}</p>").format(text)

    # -- incidents ----------------------------------------------------------------------------

    def incident(self, view: IncidentView) -> Iterator[Post]:
        incident = view.incident
        for update in incident.updates:
            title = f"[{update.status.label}] {view.title}"
            if update.corrects:
                title += f" (correction of update {update.corrects})"
            yield Post(PostKind.INCIDENT, view.id, view.path, urls.update(update.number), title, update.published,
                       view.affected, update.number,
                       functools.partial(self._incident_update, view, update))
        if incident.postmortem:
            yield Post(PostKind.POSTMORTEM, view.id, view.path, urls.POSTMORTEM, f"[Postmortem] {view.title}",
                       incident.postmortem.published_at, view.affected, len(incident.updates) + 1,
                       functools.partial(self._postmortem, view))
            for revision in incident.postmortem.revisions:
                yield Post(PostKind.POSTMORTEM, view.id, view.path, urls.revision(revision.number),
                           f"[Postmortem revised] {view.title}", revision.at, view.affected,
                           len(incident.updates) + 1 + revision.number,
                           functools.partial(self._revision, view, revision))

    def _incident_update(self, view: IncidentView, update: IncidentUpdate) -> Markup:
        parts: list[Markup] = []
        if update.corrects:
            parts.append(Markup("<p><strong>Correction of {}.</strong></p>").format(
                self.link(urls.anchored(view.path, urls.update(update.corrects)), f"update {update.corrects}")))
        for change in view.impact_changes:
            if change.number == update.number:
                word = "raised" if change.new.rank > change.old.rank else "lowered"
                parts.append(self.para(f"Impact {word} from {change.old.value} to {change.new.value}."))
        for change in view.title_changes:
            if change.number == update.number:
                parts.append(self.para(f"Renamed from “{change.old}”."))
        parts.append(markup.render(update.body))
        components = dict(view.incident.components) if update.number == 1 else {}
        components.update(update.components or {})
        if components and update.status is not IncidentStatus.RESOLVED:
            parts.append(self.statuses("Component status:", components))
        if update.posted_at:
            parts.append(self.para(f"Added later: posted {self.time(update.posted_at)}, "
                                   f"describing {self.time(update.at)}."))
        if update.next_update_by:
            parts.append(self.para(f"Next update promised by {self.time(update.next_update_by)}."))
        return Markup("\n").join(parts)

    def _postmortem(self, view: IncidentView) -> Markup:
        assert view.incident.postmortem is not None
        parts = [markup.render(view.incident.postmortem.body)]
        if view.actions:
            items = Markup("").join(
                Markup("<li>{} (due {})</li>").format(self.link(c.path, c.title), self.due(c.current_due))
                for c in view.actions)
            parts.append(Markup("<p>What we are changing, each a commitment tracked to delivery:</p>"
                                "<ul>{}</ul>").format(items))
        return Markup("\n").join(parts)

    def _revision(self, view: IncidentView, revision: PostmortemRevision) -> Markup:
        lead = Markup("<p><strong>Revision {} of the {}</strong>, published {}.</p>").format(
            revision.number, self.link(urls.anchored(view.path, urls.POSTMORTEM), "postmortem"),
            self.time(revision.at))
        return Markup("\n").join([lead, markup.render(revision.body)])

    # -- maintenance --------------------------------------------------------------------------

    def maintenance(self, view: MaintenanceView) -> Iterator[Post]:
        m = view.maintenance
        yield Post(PostKind.MAINTENANCE, view.id, view.path, urls.DETAILS, f"[Maintenance scheduled] {view.title}",
                   m.announced_at, view.affected, 0, functools.partial(self._announcement, view))
        moves = {change.number: change for change in view.window_changes}
        for update in m.updates:
            what = "rescheduled" if update.number in moves and update.status.value == "scheduled" \
                else _words(update.status)
            title = f"[Maintenance {what}] {view.title}"
            yield Post(PostKind.MAINTENANCE, view.id, view.path, urls.update(update.number), title, update.at,
                       view.affected, update.number,
                       functools.partial(self._maintenance_update, update, moves.get(update.number)))

    def _window(self, starts: dt.datetime, ends: dt.datetime) -> str:
        return f"{self.time(starts)} to {self.time(ends)} ({timeutil.humanize_duration(ends - starts)})"

    def _announcement(self, view: MaintenanceView) -> Markup:
        m = view.maintenance
        parts = [self.para(f"Window: {self._window(m.starts_at, m.ends_at)}."), self.statuses("Affects:", m.components),
                 markup.render(m.body)]
        return Markup("\n").join(parts)

    def _maintenance_update(self, update: MaintenanceUpdate, move: Any) -> Markup:
        parts: list[Markup] = []
        if move is not None:
            parts.append(self.para(f"New window: {self._window(*move.new)}; it was {self._window(*move.old)}."))
        if update.components:
            parts.append(self.statuses("Affects from now on:", update.components))
        parts.append(markup.render(update.body))
        return Markup("\n").join(parts)

    # -- commitments --------------------------------------------------------------------------

    def commitment(self, view: CommitmentView) -> Iterator[Post]:
        c = view.commitment
        yield Post(PostKind.COMMITMENT, view.id, view.path, urls.PROMISE, f"[Commitment planned] {view.title}",
                   c.made_at, view.components, 0, functools.partial(self._promise, view))
        due = c.due
        for update in c.updates:
            title = f"[Commitment {_words(update.status)}] {view.title}"
            if update.due is not None:
                title += f" (new due date: {self.due(update.due)})"
            yield Post(PostKind.COMMITMENT, view.id, view.path, urls.update(update.number), title, update.at,
                       view.components, update.number,
                       functools.partial(self._commitment_update, update, due))
            due = update.due or due

    def _promise(self, view: CommitmentView) -> Markup:
        parts = [markup.render(view.commitment.body), self.para(f"Due {self.due(view.original_due)}.")]
        if view.incident:
            parts.append(Markup("<p>After the incident {}.</p>").format(
                self.link(view.incident.path, view.incident.title)))
        return Markup("\n").join(parts)

    def _commitment_update(self, update: CommitmentUpdate, previous: Due) -> Markup:
        parts: list[Markup] = []
        if update.scope is Scope.REDUCED:
            parts.append(self.para("Scope reduced: we now promise less than we first did."))
        elif update.scope is Scope.EXTENDED:
            parts.append(self.para("Scope extended: we now promise more than we first did."))
        if update.title:
            parts.append(self.para(f"The promise now reads: “{update.title}”."))
        if update.due is not None:
            parts.append(self.para(f"New due date: {self.due(update.due)} (was {self.due(previous)})."))
        if update.body:
            parts.append(markup.render(update.body))
        if update.next_update_by:
            parts.append(self.para(f"Next update promised by {self.time(update.next_update_by)}."))
        return Markup("\n").join(parts) or self.para(f"Status: {_words(update.status)}.")


def _words(status: enum.Enum) -> str:
    return str(status.value).replace("_", " ")

"""Every published word of the site as one flat list, newest first.

Each incident update, postmortem, maintenance announcement and update, commitment and
commitment update is one :class:`Post` with a permalink anchor on its page that never
changes (FORMAT.md promises ``#update-<n>``). Feeds are made of posts; the JSON API and
the sitemap date their documents by them.

Only what was published by ``now`` is a post: an update dated later appears with the first
build after its time. Post bodies are rendered lazily, because feeds show only the newest
few of what can be tens of thousands of posts on a big site.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .. import timeutil
from ..content.model import CommitmentUpdate, Component, ComponentStatus, Due, IncidentStatus, IncidentUpdate, Site
from ..timeutil import instant
from ..view import CommitmentView, IncidentView, MaintenanceView, StatusView
from . import markup

#: How times are written inside post bodies (the site's zone, like the pages).


class Kind(enum.Enum):
    INCIDENT = "incident"
    POSTMORTEM = "postmortem"
    MAINTENANCE = "maintenance"
    COMMITMENT = "commitment"


@dataclass(frozen=True, slots=True)
class Post:
    """One published update, announcement or postmortem."""

    kind: Kind
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
        return f"{self.path}#{self.anchor}"

    def content(self) -> Markup:
        """Return the post as sanitised HTML (links absolute, times in the site's zone)."""
        return self._content()


def published_posts(view: StatusView) -> list[Post]:
    """Return every post published by ``view.now``, newest first, in a fixed order."""
    global _last
    # Feeds, the API and the sitemap each ask for the same view's posts: make them once.
    last = _last  # once: another thread (another preview, in tests) may replace it
    if last is None or last[0] is not view:
        now = instant(view.now)
        found = [(key, p) for p in _all_posts(view) if (key := _order(p))[0] <= now]
        found.sort(key=_first, reverse=True)
        last = _last = (view, tuple(p for _, p in found))
    return list(last[1])


_last: tuple[StatusView, tuple[Post, ...]] | None = None


def _order(post: Post) -> tuple[int, str, int]:
    """Where a post goes among all posts: by when it was published (in whole microseconds), page, position."""
    return instant(post.published), post.path, post.seq


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


class PostIndex:
    """Every post of a site, kept from one view of it to the next (``statusgen serve``).

    An item's posts are made again only when its view, or a view its posts show (a postmortem
    lists its actions, a commitment names its incident), is another object than before; the
    others keep their :class:`Post` objects, so what holds the same posts shows the same.
    :meth:`update` gives the same list as :func:`published_posts`, in a fraction of the time.
    """

    def __init__(self) -> None:
        self._site: Site | None = None
        self._writer: _Writer | None = None
        #: Per item: what its posts were made from, and the posts.
        self._items: dict[tuple[str, str], tuple[Any, tuple[Any, ...], tuple[Post, ...]]] = {}
        #: Every post (published or not) and its place, oldest first.
        self._keys: list[tuple[int, str, int]] = []
        self._posts: list[Post] = []

    def update(self, view: StatusView) -> list[Post]:
        """Return the posts of ``view`` published by its ``now``, newest first (see :func:`published_posts`)."""
        global _last
        writer = self._writer
        if writer is None or view.site != self._site:
            # Posts are written with the site's names, zone and URL: start again.
            writer = self._writer = _Writer(view)
            self._site, self._items, self._keys, self._posts = view.site, {}, [], []
        items = self._items
        seen = 0
        added: list[tuple[tuple[int, str, int], Post]] = []
        for kind, views, make, links_of in (
            ("incidents", view.incidents, writer.incident, _actions),
            ("maintenance", view.maintenance, writer.maintenance, None),
            ("commitments", view.commitments, writer.commitment, _incident_of),
        ):
            for item in views:
                key = (kind, item.id)
                known = items.get(key)
                links = links_of(item) if links_of is not None else ()
                seen += 1
                if known is not None and known[0] is item and (known[1] is links or _same(known[1], links)):
                    continue
                if known is not None:
                    self._remove(known[2])
                posts = tuple(make(item))  # type: ignore[operator]
                items[key] = (item, links, posts)
                added.extend((_order(post), post) for post in posts)
        if len(items) > seen:  # items are gone
            present = {("incidents", i.id) for i in view.incidents} | {("maintenance", m.id) for m in view.maintenance}
            present |= {("commitments", c.id) for c in view.commitments}
            for key in [k for k in items if k not in present]:
                self._remove(items.pop(key)[2])
        if len(added) > 64:  # many new posts (the first time): sort them all at once
            pairs = sorted([*zip(self._keys, self._posts, strict=True), *added], key=_first)
            self._keys, self._posts = [k for k, _ in pairs], [p for _, p in pairs]
        else:
            for order, post in added:
                at = bisect.bisect_left(self._keys, order)
                self._keys.insert(at, order)
                self._posts.insert(at, post)
        # Everything published by now, newest first.
        cut = bisect.bisect_right(self._keys, (instant(view.now), "\U0010ffff"))
        found = self._posts[:cut]
        found.reverse()
        _last = (view, tuple(found))
        return found

    def _remove(self, posts: tuple[Post, ...]) -> None:
        for post in posts:
            at = bisect.bisect_left(self._keys, _order(post))
            del self._keys[at]
            del self._posts[at]


def _actions(item: IncidentView) -> tuple[Any, ...]:
    """Return the commitments the postmortem post of ``item`` lists."""
    return tuple(item.actions) if item.actions else ()


def _incident_of(item: CommitmentView) -> tuple[Any, ...]:
    """Return nothing: the incident a commitment's first post names is part of its view (a link)."""
    return ()


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def latest(posts: Iterable[Post]) -> dt.datetime | None:
    """Return when the newest of ``posts`` was published, if there is one."""
    return max((p.published for p in posts), default=None)


def _all_posts(view: StatusView) -> Iterator[Post]:
    writer = _Writer(view)
    for incident in view.incidents:
        yield from writer.incident(incident)
    for maintenance in view.maintenance:
        yield from writer.maintenance(maintenance)
    for commitment in view.commitments:
        yield from writer.commitment(commitment)


class _Writer:
    """Turns the items of one view into posts."""

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
            yield Post(Kind.INCIDENT, view.id, view.path, f"update-{update.number}", title, update.published,
                       view.affected, update.number,
                       lambda u=update: self._incident_update(view, u))
        if incident.postmortem:
            yield Post(Kind.POSTMORTEM, view.id, view.path, "postmortem", f"[Postmortem] {view.title}",
                       incident.postmortem.published_at, view.affected, len(incident.updates) + 1,
                       lambda: self._postmortem(view))

    def _incident_update(self, view: IncidentView, update: IncidentUpdate) -> Markup:
        parts: list[Markup] = []
        if update.corrects:
            parts.append(Markup("<p><strong>Correction of {}.</strong></p>").format(
                self.link(f"{view.path}#update-{update.corrects}", f"update {update.corrects}")))
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

    # -- maintenance --------------------------------------------------------------------------

    def maintenance(self, view: MaintenanceView) -> Iterator[Post]:
        m = view.maintenance
        yield Post(Kind.MAINTENANCE, view.id, view.path, "details", f"[Maintenance scheduled] {view.title}",
                   m.announced_at, view.affected, 0, lambda: self._announcement(view))
        for update in m.updates:
            title = f"[Maintenance {_words(update.status)}] {view.title}"
            yield Post(Kind.MAINTENANCE, view.id, view.path, f"update-{update.number}", title, update.at,
                       view.affected, update.number, lambda u=update: markup.render(u.body))

    def _announcement(self, view: MaintenanceView) -> Markup:
        m = view.maintenance
        window = (f"Window: {self.time(m.starts_at)} to {self.time(m.ends_at)} "
                  f"({timeutil.humanize_duration(m.ends_at - m.starts_at)}).")
        parts = [self.para(window), self.statuses("Affects:", m.components), markup.render(m.body)]
        return Markup("\n").join(parts)

    # -- commitments --------------------------------------------------------------------------

    def commitment(self, view: CommitmentView) -> Iterator[Post]:
        c = view.commitment
        yield Post(Kind.COMMITMENT, view.id, view.path, "promise", f"[Commitment planned] {view.title}",
                   c.made_at, view.components, 0, lambda: self._promise(view))
        due = c.due
        for update in c.updates:
            title = f"[Commitment {_words(update.status)}] {view.title}"
            if update.due is not None:
                title += f" (new due date: {self.due(update.due)})"
            yield Post(Kind.COMMITMENT, view.id, view.path, f"update-{update.number}", title, update.at,
                       view.components, update.number,
                       lambda u=update, previous=due: self._commitment_update(u, previous))
            due = update.due or due

    def _promise(self, view: CommitmentView) -> Markup:
        parts = [markup.render(view.commitment.body), self.para(f"Due {self.due(view.original_due)}.")]
        if view.incident:
            parts.append(Markup("<p>After the incident {}.</p>").format(
                self.link(view.incident.path, view.incident.title)))
        return Markup("\n").join(parts)

    def _commitment_update(self, update: CommitmentUpdate, previous: Due) -> Markup:
        parts: list[Markup] = []
        if update.due is not None:
            parts.append(self.para(f"New due date: {self.due(update.due)} (was {self.due(previous)})."))
        if update.body:
            parts.append(markup.render(update.body))
        if update.next_update_by:
            parts.append(self.para(f"Next update promised by {self.time(update.next_update_by)}."))
        return Markup("\n").join(parts) or self.para(f"Status: {_words(update.status)}.")


def _words(status: enum.Enum) -> str:
    return str(status.value).replace("_", " ")

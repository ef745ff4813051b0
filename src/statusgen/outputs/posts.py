"""Every published word of the site as one flat list, newest first.

Each incident update, postmortem, maintenance announcement and update, commitment and
commitment update is one :class:`Post` with a permalink anchor on its page that never
changes (docs/format.md promises ``#update-<n>``). Feeds are made of posts; the JSON API and
the sitemap date their documents by them.

Only what was published by ``now`` is a post: an update dated later appears with the first
build after its time. A post's title and HTML are written lazily, in the words of the site's
language (:mod:`.post_text`), because feeds show only the newest few of what can be tens of
thousands of posts on a big site.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .. import urls
from ..content.model import Component
from ..timeutil import instant
from ..view import CommitmentView, IncidentView, MaintenanceView, StatusView
from .post_text import PostText


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
    #: When customers could first read it.
    published: dt.datetime
    components: tuple[Component, ...]
    #: Position within its item, for a stable order among posts published at the same instant.
    seq: int
    _title: Callable[[PostText], str] = field(repr=False, compare=False)
    _content: Callable[[PostText], Markup] = field(repr=False, compare=False)

    @property
    def target(self) -> str:
        """Return the site-relative permalink, ``incidents/<id>/#update-<n>``."""
        return urls.anchored(self.path, self.anchor)

    def title(self, text: PostText) -> str:
        """Return what and which status, e.g. ``[Identified] Elevated API latency``, in ``text``'s words."""
        return self._title(text)

    def content(self, text: PostText) -> Markup:
        """Return the post as sanitised HTML (links absolute, times in the site's zone), in ``text``'s words."""
        return self._content(text)


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
    """Turns the items of one view into posts (``statusgen serve`` keeps one while the site is the same).

    A post's title and HTML are written only when a feed shows it, in the feed's words: each
    post holds the :class:`~.post_text.PostText` method that tells it.
    """

    def __init__(self, view: StatusView) -> None:
        self.view = view

    def incident(self, view: IncidentView) -> Iterator[Post]:
        incident = view.incident
        for update in incident.updates:
            yield Post(PostKind.INCIDENT, view.id, view.path, urls.update(update.number), update.published,
                       view.affected, update.number,
                       functools.partial(PostText.incident_title, view=view, update=update),
                       functools.partial(PostText.incident_update, view=view, update=update))
        if incident.postmortem:
            yield Post(PostKind.POSTMORTEM, view.id, view.path, urls.POSTMORTEM, incident.postmortem.published_at,
                       view.affected, len(incident.updates) + 1,
                       functools.partial(PostText.postmortem_title, view=view),
                       functools.partial(PostText.postmortem, view=view))
            for revision in incident.postmortem.revisions:
                yield Post(PostKind.POSTMORTEM, view.id, view.path, urls.revision(revision.number), revision.at,
                           view.affected, len(incident.updates) + 1 + revision.number,
                           functools.partial(PostText.revision_title, view=view, revision=revision),
                           functools.partial(PostText.revision, view=view, revision=revision))

    def maintenance(self, view: MaintenanceView) -> Iterator[Post]:
        m = view.maintenance
        yield Post(PostKind.MAINTENANCE, view.id, view.path, urls.DETAILS, m.announced_at, view.affected, 0,
                   functools.partial(PostText.announcement_title, view=view),
                   functools.partial(PostText.announcement, view=view))
        moves = {change.number: change for change in view.window_changes}
        for update in m.updates:
            move = moves.get(update.number)
            yield Post(PostKind.MAINTENANCE, view.id, view.path, urls.update(update.number), update.at,
                       view.affected, update.number,
                       functools.partial(PostText.maintenance_title, view=view, update=update, moved=move is not None),
                       functools.partial(PostText.maintenance_update, update=update, move=move))

    def commitment(self, view: CommitmentView) -> Iterator[Post]:
        c = view.commitment
        yield Post(PostKind.COMMITMENT, view.id, view.path, urls.PROMISE, c.made_at, view.components, 0,
                   functools.partial(PostText.promise_title, view=view),
                   functools.partial(PostText.promise, view=view))
        due = c.due
        for update in c.updates:
            yield Post(PostKind.COMMITMENT, view.id, view.path, urls.update(update.number), update.at,
                       view.components, update.number,
                       functools.partial(PostText.commitment_title, view=view, update=update),
                       functools.partial(PostText.commitment_update, update=update, previous=due))
            due = update.due or due

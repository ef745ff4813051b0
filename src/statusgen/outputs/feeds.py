"""(status view) -> RSS 2.0 and Atom feeds: one entry per published update, newest first.

Most status pages announce only new incidents; ours carry every update, postmortem,
maintenance announcement and commitment change, so a subscriber hears each step without
visiting the page (docs/principles.md, 9). Feeds: the whole site (``feed.xml``, ``atom.xml``),
each component (``components/<id>/``) and the commitments (``commitments/``).

An entry's id is the absolute permalink of its anchor, so it never changes across rebuilds.
Every date comes from the content, and a feed's own date is its newest entry's (``now`` when
it has none): the same content and ``now`` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from markupsafe import Markup

from .. import __version__, timeutil, urls
from ..view import IncidentView, StatusView
from .context import RenderContext
from .post_text import PostText
from .posts import Post, PostKind, latest
from .words import Words

log = logging.getLogger(__name__)

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True, slots=True)
class Feed:
    """One pair of feeds (RSS and Atom) in ``folder``, about the page at ``page``."""

    folder: str  # "" or "components/<id>/" or "commitments/"
    page: str
    title: str
    description: str

    @property
    def rss(self) -> str:
        return urls.rss(self.folder)

    @property
    def atom(self) -> str:
        return urls.atom(self.folder)


def feeds_of(view: StatusView, words: Words) -> list[Feed]:
    """Return every feed the site publishes, in a fixed order (the site's first), titled in the site's language."""
    site = view.site
    feeds = [Feed(urls.HOME, urls.HOME, site.title,
                  site.description or words.text("feed.site_description", site=site.title))]
    for component in view.components.values():
        feeds.append(Feed(component.path, component.path,
                          words.text("feed.component_title", name=component.name, site=site.title),
                          words.text("feed.component_description", name=component.name)))
    feeds.append(Feed(urls.COMMITMENTS, urls.COMMITMENTS, words.text("feed.commitments_title", site=site.title),
                      words.text("feed.commitments_description")))
    # One per incident, so a customer can follow just the one that hurts them.
    feeds += [Feed(incident.path, incident.path, words.text("feed.incident_title", title=incident.title,
                                                             site=site.title),
                   words.text("feed.incident_description"))
              for incident in incidents_with_feeds(view)]
    return feeds


def incidents_with_feeds(view: StatusView) -> list[IncidentView]:
    """Return the incidents that have a feed of their own (see :meth:`IncidentView.has_feed`)."""
    return [i for i in view.incidents if i.has_feed(view.now)]


class Feeds:
    """Makes every feed; remembers each one, made again only when its entries are other posts.

    (``statusgen serve`` keeps the post objects of unchanged items, see
    :class:`~statusgen.preview.indexes.PostIndex`.)
    """

    def __init__(self) -> None:
        self._made: dict[str, tuple[Any, Sequence[Post], tuple[bytes, bytes]]] = {}

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        """Return every feed as ``{output path: bytes}``."""
        view = ctx.view
        words = ctx.words
        text = PostText(view.site, words)
        entries = _entries(view, ctx.posts)
        written: dict[str, tuple[str, Markup]] = {}  # a post is in several feeds; write it once
        out: dict[str, bytes] = {}
        for feed in feeds_of(view, words):
            posts_of_feed = entries[feed.folder]
            inputs = (feed, view.site, ctx.messages, None if posts_of_feed else view.now)
            known = self._made.get(feed.folder)
            if known is not None and known[0] == inputs and _same_posts(known[1], posts_of_feed):
                rss, atom = known[2]
            else:
                rss, atom = _render(view, feed, posts_of_feed, text, written)
                self._made[feed.folder] = (inputs, posts_of_feed, (rss, atom))
            out[feed.rss] = rss
            out[feed.atom] = atom
        return out


def _entries(view: StatusView, posts: Sequence[Post]) -> dict[str, list[Post]]:
    """Return the entries of every feed by its folder: the newest ``feed_entries`` posts it shows."""
    limit = view.site.feed_entries
    entries: dict[str, list[Post]] = {urls.HOME: list(posts[:limit]), urls.COMMITMENTS: []}
    by_component: dict[str, list[Post]] = {c.id: [] for c in view.components.values()}
    # Newest first: stop once every feed has its entries.
    wanting = len(by_component) + 1
    for post in posts:
        if post.kind is PostKind.COMMITMENT and len(entries[urls.COMMITMENTS]) < limit:
            entries[urls.COMMITMENTS].append(post)
            wanting -= len(entries[urls.COMMITMENTS]) == limit
        for component in post.components:
            found = by_component.setdefault(component.id, [])
            if len(found) < limit:
                found.append(post)
                wanting -= len(found) == limit and component.id in view.components
        if wanting <= 0:
            break
    for shown in view.components.values():
        entries[shown.path] = by_component[shown.id]
    # Each incident's feed: all of its posts (an incident has few), newest first.
    by_incident: dict[str, list[Post]] = {incident.path: [] for incident in incidents_with_feeds(view)}
    for post in posts:
        if post.kind in (PostKind.INCIDENT, PostKind.POSTMORTEM) and post.path in by_incident:
            found = by_incident[post.path]
            if len(found) < limit:
                found.append(post)
    entries.update(by_incident)
    return entries


def _same_posts(a: Sequence[Post], b: Sequence[Post]) -> bool:
    """Return whether ``a`` and ``b`` are the same post objects (equal posts may differ in content)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _render(
    view: StatusView, feed: Feed, posts: Sequence[Post], text: PostText, written: dict[str, tuple[str, Markup]]
) -> tuple[bytes, bytes]:
    """Return the RSS and the Atom document of ``feed``; ``written`` caches the posts' titles and HTML."""
    site = view.site
    base = site.base_url
    fg = FeedGenerator()
    fg.id(base + feed.atom)
    fg.title(feed.title)
    fg.description(feed.description)
    fg.language(site.language)
    author = {"name": site.title}
    if site.contact.email:
        author["email"] = site.contact.email
    fg.author(author)
    fg.generator("statusgen", __version__)
    # Never the wall clock: the newest entry's time, else the instant the site describes.
    fg.updated(_utc(latest(posts) or view.now))

    for post in posts:
        url = base + post.target
        entry = fg.add_entry(order="append")  # feedgen prepends by default; ours are sorted already
        entry.guid(url, permalink=True)
        told = written.get(post.target)
        if told is None:
            told = written[post.target] = (post.title(text), post.content(text))
        entry.title(told[0])
        entry.link(href=url, rel="alternate", type="text/html")
        entry.content(str(told[1]), type="html")
        entry.published(_utc(post.published))
        entry.updated(_utc(post.published))
        for component in post.components:
            entry.category(term=component.id, label=component.name, scheme=base + "components/")

    # The self link goes first: feedgen uses the last link as the RSS channel's <link>.
    fg.link([{"href": base + feed.rss, "rel": "self", "type": RSS_TYPE},
             {"href": base + feed.page, "rel": "alternate", "type": "text/html"}], replace=True)
    rss = fg.rss_str(pretty=True)
    fg.link([{"href": base + feed.atom, "rel": "self", "type": ATOM_TYPE},
             {"href": base + feed.page, "rel": "alternate", "type": "text/html"}], replace=True)
    atom = fg.atom_str(pretty=True)
    return rss, atom


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(timeutil.UTC)

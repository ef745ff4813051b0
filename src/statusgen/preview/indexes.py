"""The pages and posts of a site, kept from one rebuild to the next (``statusgen serve``).

Both give exactly what the pure functions give (:func:`~statusgen.outputs.pages.list_pages`,
:func:`~statusgen.outputs.posts.published_posts`), but an item whose view is the same object
as last time keeps its page entry and its posts, so later steps can tell by identity what
did not change, and the posts of a big site are not all made again on every save.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

from ..content.model import Site
from ..outputs.pages import ItemPages, PageEntry, item_page, page_slots
from ..outputs.posts import Post, PostWriter, post_order
from ..timeutil import instant
from ..view import StatusView


class PageIndex:
    """Every page of the site; an item's page entry is the same object while its item's view is."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[Any, PageEntry]] = {}

    def update(self, view: StatusView) -> list[PageEntry]:
        """Return the pages of ``view`` (as ``list_pages``), reusing the entries of unchanged items."""
        made: dict[tuple[str, str], tuple[Any, PageEntry]] = {}
        known = self._items
        found: list[PageEntry] = []
        for slot in page_slots(view):
            if not isinstance(slot, ItemPages):
                found.append(slot)
                continue
            folder = slot.kind.folder
            for item in slot.items:
                key = (folder, item.id)
                kept = known.get(key)
                if kept is None or kept[0] is not item:
                    kept = (item, item_page(slot.kind, item))
                made[key] = kept
                found.append(kept[1])
        self._items = made
        return found


class PostIndex:
    """Every post of a site, kept from one view of it to the next (``statusgen serve``).

    An item's posts are made again only when its view, or a view its posts show (a postmortem
    lists its actions), is another object than before; the
    others keep their :class:`Post` objects, so what holds the same posts shows the same.
    :meth:`update` gives the same list as :func:`~statusgen.outputs.posts.published_posts`, in a
    fraction of the time.
    """

    def __init__(self) -> None:
        self._site: Site | None = None
        self._writer: PostWriter | None = None
        #: Per item: what its posts were made from, and the posts.
        self._items: dict[tuple[str, str], tuple[Any, tuple[Any, ...], tuple[Post, ...]]] = {}
        #: Every post (published or not) and its place, oldest first.
        self._keys: list[tuple[int, str, int]] = []
        self._posts: list[Post] = []

    def update(self, view: StatusView) -> list[Post]:
        """Return the posts of ``view`` published by its ``now``, newest first (as ``published_posts``)."""
        writer = self._writer
        if writer is None or view.site != self._site:
            # Posts are written with the site's names, zone and URL: start again.
            writer = self._writer = PostWriter(view)
            self._site, self._items, self._keys, self._posts = view.site, {}, [], []
        items = self._items
        added: list[tuple[tuple[int, str, int], Post]] = []
        # A postmortem post lists its actions (commitments) with their state and due date.
        for incident in view.incidents:
            self._refresh(("incidents", incident.id), incident, tuple(incident.actions), writer.incident, added)
        for maintenance in view.maintenance:
            self._refresh(("maintenance", maintenance.id), maintenance, (), writer.maintenance, added)
        for commitment in view.commitments:
            self._refresh(("commitments", commitment.id), commitment, (), writer.commitment, added)
        seen = len(view.incidents) + len(view.maintenance) + len(view.commitments)
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
        return found

    def _refresh(self, key: tuple[str, str], item: Any, links: tuple[Any, ...], make: Callable[[Any], Iterator[Post]],
                 added: list[tuple[tuple[int, str, int], Post]]) -> None:
        """Make the posts of ``item`` again unless it and what its posts show are the same objects as before."""
        known = self._items.get(key)
        if known is not None and known[0] is item and (known[1] is links or _same(known[1], links)):
            return
        if known is not None:
            self._remove(known[2])
        posts = tuple(make(item))
        self._items[key] = (item, links, posts)
        added.extend((post_order(post), post) for post in posts)

    def _remove(self, posts: tuple[Post, ...]) -> None:
        for post in posts:
            at = bisect.bisect_left(self._keys, post_order(post))
            del self._keys[at]
            del self._posts[at]


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))

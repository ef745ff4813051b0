"""(status view) -> ``sitemap.xml`` and ``robots.txt`` for search engines.

The sitemap lists every page (not the 404 page) at its absolute URL. A page whose content
changes with each post (an incident, a component, the home page) carries the time of its
newest post as ``<lastmod>``; pages that only rearrange others carry none rather than a
made-up date. Search engines find the sitemap through ``robots.txt``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from .. import urls
from ..view import StatusView
from .context import RenderContext
from .posts import Post, PostKind

SITEMAP = urls.SITEMAP
ROBOTS = urls.ROBOTS


class Sitemap:
    """Makes ``sitemap.xml`` and ``robots.txt``; remembers each page's line, made again when its date changes."""

    def __init__(self) -> None:
        self._base = ""
        self._lines: dict[str, tuple[Any, str]] = {}

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        view = ctx.view
        if view.site.base_url != self._base:
            self._base, self._lines = view.site.base_url, {}
        return _render(ctx, self._lines)


def _render(ctx: RenderContext, known: dict[str, tuple[Any, str]]) -> dict[str, bytes]:
    """Return ``sitemap.xml`` and ``robots.txt``, reusing the lines in ``known`` whose date did not change."""
    view = ctx.view
    base = view.site.base_url
    lastmod = _last_modified(view, ctx.posts)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page, _ in ctx.pages:
        path = page.path
        if urls.page_file(path) == path:
            continue  # files such as 404.html are not pages to index
        date = lastmod.get(path)
        # The instant and how it is written: equal datetimes may carry other offsets.
        written = (date, date.utcoffset()) if date is not None else None
        line = known.get(path)
        if line is None or line[0] != written:
            line = (written, f"<url><loc>{escape(base + path)}</loc>"
                             + (f"<lastmod>{_w3c(date)}</lastmod>" if date is not None else "") + "</url>")
            known[path] = line
        lines.append(line[1])
    lines.append("</urlset>")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}{SITEMAP}\n"
    return {SITEMAP: ("\n".join(lines) + "\n").encode("utf-8"), ROBOTS: robots.encode("utf-8")}


def _last_modified(view: StatusView, posts: Sequence[Post]) -> dict[str, dt.datetime]:
    """Return, per page path, when its newest post was published (``posts`` newest first: the first dates it)."""
    newest: dict[str, dt.datetime] = {}
    for post in posts:  # each item's own page
        if post.path not in newest:
            newest[post.path] = post.published
    if posts:  # the home page shows every post
        newest[""] = posts[0].published
    # Component pages and the commitments ledger, from the newest posts back until each has one.
    wanting = {urls.component(c.id) for c in view.site.components} | {urls.COMMITMENTS}
    for post in posts:
        for component in post.components:
            path = urls.component(component.id)
            if path not in newest:
                newest[path] = post.published
                wanting.discard(path)
        if post.kind is PostKind.COMMITMENT and urls.COMMITMENTS not in newest:
            newest[urls.COMMITMENTS] = post.published
            wanting.discard(urls.COMMITMENTS)
        if not wanting:
            break
    return newest


def _w3c(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")

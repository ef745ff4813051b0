"""(status view) -> ``sitemap.xml`` and ``robots.txt`` for search engines.

The sitemap lists every page (not the 404 page) at its absolute URL. A page whose content
changes with each post (an incident, a component, the home page) carries the time of its
newest post as ``<lastmod>``; pages that only rearrange others carry none rather than a
made-up date. Search engines find the sitemap through ``robots.txt``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from ..view import StatusView
from .pages import pages
from .posts import Kind, published_posts

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def render_crawl(view: StatusView, *, memo: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Return ``sitemap.xml`` and ``robots.txt``.

    :param memo: kept between calls for views of the same site (``statusgen serve``): the line
        of each page, made again only when its date changed.
    """
    base = view.site.base_url
    lastmod = _last_modified(view)
    known: dict[str, tuple[Any, str]] = {}
    if memo is not None:
        if memo.get("base") != base:
            memo.clear()
            memo["base"] = base
        known = memo.setdefault("lines", {})
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page, _ in pages(view):
        path = page.path
        if not (path == "" or path.endswith("/")):
            continue  # files such as 404.html are not pages to index
        date = lastmod.get(path)
        # The instant and how it is written: equal datetimes may carry other offsets.
        written = (date, date.utcoffset()) if date is not None else None
        line = known.get(path)
        if line is None or line[0] != written:
            line = (written, f"<url><loc>{escape(base + path)}</loc>"
                             + (f"<lastmod>{_w3c(date)}</lastmod>" if date is not None else "") + "</url>")
            if memo is not None:
                known[path] = line
        lines.append(line[1])
    lines.append("</urlset>")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}{SITEMAP}\n"
    return {SITEMAP: ("\n".join(lines) + "\n").encode("utf-8"), ROBOTS: robots.encode("utf-8")}


def _last_modified(view: StatusView) -> dict[str, dt.datetime]:
    """Return, per page path, when its newest post was published."""
    posts = published_posts(view)  # newest first: the first post to touch a page dates it
    newest: dict[str, dt.datetime] = {}
    for post in posts:  # each item's own page
        if post.path not in newest:
            newest[post.path] = post.published
    if posts:  # the home page shows every post
        newest[""] = posts[0].published
    # Component pages and the commitments ledger, from the newest posts back until each has one.
    wanting = {f"components/{c.id}/" for c in view.site.components} | {"commitments/"}
    for post in posts:
        for component in post.components:
            path = f"components/{component.id}/"
            if path not in newest:
                newest[path] = post.published
                wanting.discard(path)
        if post.kind is Kind.COMMITMENT and "commitments/" not in newest:
            newest["commitments/"] = post.published
            wanting.discard("commitments/")
        if not wanting:
            break
    return newest


def _w3c(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")

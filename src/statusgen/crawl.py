"""(status view) -> ``sitemap.xml`` and ``robots.txt`` for search engines.

The sitemap lists every page (not the 404 page) at its absolute URL. A page whose content
changes with each post (an incident, a component, the home page) carries the time of its
newest post as ``<lastmod>``; pages that only rearrange others carry none rather than a
made-up date. Search engines find the sitemap through ``robots.txt``.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from .derive import StatusView
from .posts import Kind, published_posts
from .render import pages

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def render_crawl(view: StatusView) -> dict[str, bytes]:
    """Return ``sitemap.xml`` and ``robots.txt``."""
    base = view.site.base_url
    lastmod = _last_modified(view)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page, _ in pages(view):
        if not (page.path == "" or page.path.endswith("/")):
            continue  # files such as 404.html are not pages to index
        lines.append(f"<url><loc>{escape(base + page.path)}</loc>"
                     + (f"<lastmod>{_w3c(lastmod[page.path])}</lastmod>" if page.path in lastmod else "")
                     + "</url>")
    lines.append("</urlset>")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}{SITEMAP}\n"
    return {SITEMAP: ("\n".join(lines) + "\n").encode("utf-8"), ROBOTS: robots.encode("utf-8")}


def _last_modified(view: StatusView) -> dict[str, dt.datetime]:
    """Return, per page path, when its newest post was published."""
    newest: dict[str, dt.datetime] = {}
    for post in published_posts(view):  # newest first: the first post to touch a page dates it
        paths = [post.path, ""] + [f"components/{c.id}/" for c in post.components]
        if post.kind is Kind.COMMITMENT:
            paths.append("commitments/")
        for path in paths:
            newest.setdefault(path, post.published)
    return newest


def _w3c(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")

"""The site's URL scheme, in one place: every page, feed, document and anchor the build writes.

URLs are a promise (links in feeds, chat messages and e-mails must never break), so they are
made here and nowhere else: the view gives every item its page from these functions, the
outputs write their files at these paths, and templates call them through the ``urls``
global (``url(urls.component(c.id))``). All paths are relative to the site's root; a page is
a folder (``incidents/<id>/``) whose file is ``index.html``.
"""

from __future__ import annotations

import re

#: The home page.
HOME = ""
#: The commitments ledger, the history by month, and what customers can expect.
COMMITMENTS = "commitments/"
HISTORY = "history/"
EXPECT = "expect/"
#: Every way to follow the site: feeds, calendar, e-mail, chat, the banner for other sites.
SUBSCRIBE = "subscribe/"
#: Served by hosts in place of a missing URL.
NOT_FOUND = "404.html"
#: The theme's static files and the logo, each published under a name carrying a hash of its
#: content (see :func:`fingerprinted`); templates name them as the theme does (``static/style.css``).
STATIC = "static/"
#: Hex digits of the content's SHA-256 in a fingerprinted name.
FINGERPRINT_LENGTH = 8
#: The cache rules for hosts that read them (Netlify, Cloudflare Pages); never served as a page.
HEADERS = "_headers"

#: Feed file names, in the site's root, each component's folder and ``commitments/``.
RSS = "feed.xml"
ATOM = "atom.xml"
#: Badge file names, in the site's root and each component's folder.
BADGE_SVG = "badge.svg"
BADGE_JSON = "badge.json"

CALENDAR = "maintenance.ics"
#: The banner other sites embed with one <script> tag; its URL never changes (never fingerprinted).
WIDGET = "widget.js"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
#: Statuspage-compatible documents live under this folder; what they have no room for, in NATIVE_API.
API_V2 = "api/v2/"
NATIVE_API = "api/statusgen.json"

#: Anchors on an item's page: the announcement of maintenance, the promise of a commitment, a postmortem.
DETAILS = "details"
PROMISE = "promise"
POSTMORTEM = "postmortem"


def item(folder: str, item_id: str) -> str:
    """Return the page of one item of the kind stored in ``folder`` (``incidents/<id>/``)."""
    return f"{folder}/{item_id}/"


def incident(item_id: str) -> str:
    return item("incidents", item_id)


def maintenance(item_id: str) -> str:
    return item("maintenance", item_id)


def commitment(item_id: str) -> str:
    return item("commitments", item_id)


def component(component_id: str) -> str:
    return f"components/{component_id}/"


def month(year: int, number: int) -> str:
    """Return the history page of one month (``history/2026/11/``)."""
    return f"{HISTORY}{year:04d}/{number:02d}/"


def rss(folder: str = HOME) -> str:
    """Return the RSS feed of the page at ``folder`` (the site, a component, the ledger)."""
    return folder + RSS


def atom(folder: str = HOME) -> str:
    return folder + ATOM


def badge_svg(folder: str = HOME) -> str:
    return folder + BADGE_SVG


def badge_json(folder: str = HOME) -> str:
    return folder + BADGE_JSON


def api_v2(name: str) -> str:
    """Return a Statuspage v2 document (``api/v2/summary.json``)."""
    return API_V2 + name


def update(number: int) -> str:
    """Return the anchor of update ``number`` (1-based) on its item's page."""
    return f"update-{number}"


def revision(number: int) -> str:
    """Return the anchor of revision ``number`` (1-based) of a postmortem."""
    return f"{POSTMORTEM}-revision-{number}"


def anchored(path: str, anchor: str) -> str:
    """Return ``path#anchor``."""
    return f"{path}#{anchor}"


def fingerprinted(path: str, digest: str) -> str:
    """Return the published name of a static file: the start of ``digest`` before its suffix.

    ``static/style.css`` becomes ``static/style.3f2a9c1e.css``, ``static/LICENSE`` becomes
    ``static/LICENSE.3f2a9c1e``. A new content is a new name, so a cache may keep each name forever.
    """
    folder, slash, name = path.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:  # no suffix, or a dot file: the hash goes at the end
        stem, suffix = name, ""
    tag = digest[:FINGERPRINT_LENGTH]
    return f"{folder}{slash}{stem}.{tag}" + (f".{suffix}" if suffix else "")


def page_file(path: str) -> str:
    """Return the file of a page: a folder's ``index.html``, or the path itself for a file."""
    return path + "index.html" if path == HOME or path.endswith("/") else path


class Urls:
    """The URL functions as templates see them: ``urls.incident(id)``, ``urls.HISTORY``."""

    HOME = HOME
    COMMITMENTS = COMMITMENTS
    HISTORY = HISTORY
    EXPECT = EXPECT
    SUBSCRIBE = SUBSCRIBE
    CALENDAR = CALENDAR
    WIDGET = WIDGET
    NATIVE_API = NATIVE_API
    incident = staticmethod(incident)
    maintenance = staticmethod(maintenance)
    commitment = staticmethod(commitment)
    component = staticmethod(component)
    month = staticmethod(month)
    rss = staticmethod(rss)
    atom = staticmethod(atom)
    badge_svg = staticmethod(badge_svg)
    api_v2 = staticmethod(api_v2)
    update = staticmethod(update)
    revision = staticmethod(revision)
    anchored = staticmethod(anchored)


_ID = r"[a-z0-9][a-z0-9-]{0,99}"
_FEED = rf"(?:{RSS}|{ATOM})"
#: Every path the scheme can name, by what it is. Tests check each link of a built site against these.
ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("home", r"(?:index\.html)?"),
    ("item", rf"(?:incidents|maintenance|commitments)/{_ID}/(?:index\.html)?"),
    ("component", rf"components/{_ID}/(?:index\.html)?"),
    ("ledger", r"commitments/(?:index\.html)?"),
    ("history", r"history/(?:index\.html)?"),
    ("month", r"history/\d{4}/\d{2}/(?:index\.html)?"),
    ("expect", r"expect/(?:index\.html)?"),
    ("subscribe", r"subscribe/(?:index\.html)?"),
    ("feed", rf"(?:(?:components/{_ID}/)|(?:incidents/{_ID}/)|commitments/)?{_FEED}"),
    ("widget", re.escape(WIDGET)),
    ("badge", rf"(?:components/{_ID}/)?badge\.(?:svg|json)"),
    ("calendar", re.escape(CALENDAR)),
    ("api", r"api/v2/(?:summary|status|components|incidents|incidents/unresolved|scheduled-maintenances"
            r"|scheduled-maintenances/upcoming|scheduled-maintenances/active)\.json|api/statusgen\.json"),
    ("crawl", rf"{re.escape(SITEMAP)}|{re.escape(ROBOTS)}"),
    ("not_found", re.escape(NOT_FOUND)),
    ("static", rf"static/[A-Za-z0-9_./-]*\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(?:\.[A-Za-z0-9]+)?"),
    ("headers", re.escape(HEADERS)),
))


def route(path: str) -> str | None:
    """Return what a site-relative path is (``item``, ``feed``, ...), or None when the scheme has no such URL."""
    path = path.partition("#")[0]
    for name, pattern in ROUTES:
        if pattern.fullmatch(path):
            return name
    return None

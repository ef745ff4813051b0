"""The HTTP headers file (``_headers``) for hosts that read one: Netlify and Cloudflare Pages.

Every build writes it, in the site's root; other hosts ignore it (docs/deploy/index.md says
what each does with it, and ``deploy/s3-sync.sh`` of the S3 host applies the same rules).
This module is the one place that says which headers the site is served with:

- **pages, feeds, JSON, the calendar and badges** change with every build: browsers and CDNs
  keep them a minute at most (:data:`CHANGING`), so readers see a new update within a minute
  even when a CDN answers for the host during the year's biggest outage;
- **files under static/** are named after their content (:mod:`.assets`): a new version is a
  new name, so every cache may keep them for a year (:data:`FINGERPRINTED`).

Both hosts give a path every header of every rule that matches it, and Cloudflare joins two
values of one header with a comma (``max-age=60, max-age=31536000``), while Netlify has no
syntax to take a header away again. So the rules never overlap: one rule per entry of the
site's root (``/incidents/*``, ``/feed.xml``, ...), each path matched by exactly one.

To send another header with every response, add it to :func:`headers_for`. Every response
carries the site's Content-Security-Policy too (:mod:`.csp`, the same policy as the pages'
``<meta>``, with ``frame-ancestors 'none'``, which only a header may say): it also covers files
opened on their own, such as an SVG logo.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import urls

__all__ = ["CHANGING", "FINGERPRINTED", "headers_file", "headers_for", "rules"]

#: Cache-Control of everything a build may change: kept a minute, then asked for again.
CHANGING = "public, max-age=60, must-revalidate"
#: Cache-Control of the fingerprinted static files: a new content is a new name.
FINGERPRINTED = "public, max-age=31536000, immutable"

_INTRO = """\
# HTTP headers for hosts that read this file (Netlify, Cloudflare Pages), written by statusgen build.
# Pages, feeds, JSON, the calendar and badges change with every build: kept a minute at most.
# Files under /static/ carry a hash of their content in their name: kept a year.
# Each path is matched by one rule only (hosts would merge the values of overlapping rules).
"""


def headers_for(kind: str, policy: str = "") -> dict[str, str]:
    """Return the headers of one kind of response: ``"static"`` (fingerprinted files) or ``"changing"``.

    :param policy: the site's Content-Security-Policy in its header form (:func:`.csp.site_policy`).
    """
    headers = {"Cache-Control": FINGERPRINTED if kind == "static" else CHANGING}
    if policy:
        headers["Content-Security-Policy"] = policy
    return headers


def rules(paths: Iterable[str], policy: str = "") -> list[tuple[str, dict[str, str]]]:
    """Return ``(URL pattern, headers)`` for the site whose files are ``paths``, one rule per root entry.

    ``paths`` are the output paths of the site (``incidents/x/index.html``); the patterns are
    absolute from the site's root, as hosts match them against the request's path.
    """
    files: set[str] = set()
    folders: set[str] = set()
    for path in paths:
        if path == urls.HEADERS:
            continue
        first, slash, _ = path.partition("/")
        (folders if slash else files).add(first)
    found: list[tuple[str, dict[str, str]]] = []
    if "static" in folders:
        found.append(("/static/*", headers_for("static", policy)))
    if "index.html" in files:
        found.append(("/", headers_for("changing", policy)))  # the home page, asked for by its folder
    found += [(f"/{name}", headers_for("changing", policy)) for name in sorted(files)]
    found += [(f"/{name}/*", headers_for("changing", policy)) for name in sorted(folders - {"static"})]
    return found


def headers_file(paths: Iterable[str], policy: str = "") -> bytes:
    """Return the ``_headers`` file for a site of ``paths`` (Netlify's and Cloudflare's format).

    :param policy: the site's Content-Security-Policy, header form, sent with every response.
    """
    lines = [_INTRO]
    for pattern, headers in rules(paths, policy):
        lines.append(pattern + "\n")
        lines += [f"  {name}: {value}\n" for name, value in headers.items()]
    return "".join(lines).encode("utf-8")

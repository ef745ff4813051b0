"""Every link the build writes (pages, feeds, sitemap, JSON) is a URL of the scheme in statusgen.urls.

URLs are permanent, so they are made in one place. This walks every link of the built example
site: each one inside the site must be a route :func:`statusgen.urls.route` knows, point at a
file the build wrote, and, when it has a fragment, at an element with that id.
"""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from statusgen import urls
from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW

BASE = "https://status.acme.example/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name == "id":
                self.ids.add(value)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("urls") / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    return out


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def links_of(site: Path) -> list[tuple[str, str]]:
    """Return (file the link is in, site-relative target with its fragment) for every link inside the site."""
    found: list[tuple[str, str]] = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            targets = parse(path).links
        elif path.suffix == ".xml":
            targets = re.findall(r'href="([^"]+)"', text) + re.findall(r"<(?:guid|id|loc|link)[^>]*>([^<]+)<", text)
        elif path.suffix == ".json":
            targets = list(_strings(json.loads(text)))
        elif path.suffix in (".ics", ".txt"):
            unfolded = re.sub(r"\r?\n[ \t]", "", text)  # iCalendar folds long lines (RFC 5545, 3.1)
            targets = re.findall(r"https?://[^\s;,\\]+", unfolded)
        else:
            continue
        if path.suffix != ".html":  # only absolute URLs are links there
            targets = [t for t in targets if t.strip().startswith(("http://", "https://"))]
        for target in targets:
            inside = _inside(rel, target.strip())
            if inside is not None:
                found.append((rel, inside))
    return found


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _inside(source: str, target: str) -> str | None:
    """Return ``target`` as a path from the site's root, or None when it points outside the site."""
    if target.startswith(BASE):
        return target[len(BASE):]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target or target.startswith(("mailto:", "data:")):
        return None
    if target.startswith("#"):
        return posixpath.dirname(source) + "/" + target if "/" in source else target
    if target.startswith("/"):  # the 404 page's links, absolute from the site's path
        return target.lstrip("/")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), parts.path))
    joined = "" if joined == "." else joined
    return unquote(joined) + ("#" + parts.fragment if parts.fragment else "")


def test_the_walk_finds_links_of_every_kind(site: Path) -> None:
    routes = {urls.route(target) for _, target in links_of(site)}
    assert {"home", "item", "component", "ledger", "history", "month", "expect", "feed", "badge", "calendar",
            "api", "crawl", "static"} <= routes


def test_every_link_is_a_url_of_the_scheme_and_exists(site: Path) -> None:
    wrong = []
    ids: dict[str, set[str]] = {}
    for source, target in links_of(site):
        path, _, fragment = target.partition("#")
        if urls.route(path) is None:
            wrong.append(f"{source}: {target} is no URL of the scheme")
            continue
        file = site / urls.page_file(path)
        if not file.is_file():
            wrong.append(f"{source}: {target} points at nothing ({file.relative_to(site)})")
            continue
        if fragment and file.suffix == ".html":
            if path not in ids:
                ids[path] = parse(file).ids
            if fragment not in ids[path]:
                wrong.append(f"{source}: {target} names no element of that page")
    assert not wrong, "\n".join(wrong[:40])


def test_every_file_the_build_writes_is_a_url_of_the_scheme(site: Path) -> None:
    unknown = [p.relative_to(site).as_posix() for p in site.rglob("*")
               if p.is_file() and not p.name.startswith(".") and urls.route(p.relative_to(site).as_posix()) is None]
    assert not unknown


@pytest.mark.parametrize(("path", "route"), [
    ("", "home"), ("incidents/2026-11-20-api-latency/", "item"), ("history/2026/11/", "month"),
    ("components/api/feed.xml", "feed"), ("api/v2/incidents/unresolved.json", "api"),
    ("incidents/x/../y/", None), ("incidents/A/", None), ("api/v3/summary.json", None),
])
def test_route_names_what_a_path_is(path: str, route: str | None) -> None:
    assert urls.route(path) == route

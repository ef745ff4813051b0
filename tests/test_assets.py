"""Fingerprinted static files and the cache rules (``_headers``) every build writes.

A CDN may keep a static file for a year only if a new version gets a new name and every page
links that name; everything else must be asked for again within a minute. These tests read
the built site as a host would: each asset a page loads, and which rule of ``_headers`` each
URL gets.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen import urls
from statusgen.build import build
from statusgen.cli import cli
from statusgen.errors import StatusgenError
from statusgen.outputs import csp
from statusgen.outputs.assets import StaticFiles
from statusgen.outputs.headers import CHANGING, FINGERPRINTED, rules
from statusgen.outputs.write import MARKER

from .conftest import EXAMPLE_SITE, NOW, NOW_TEXT, ROOT

CUSTOM_SITE = ROOT / "docs" / "custom-theme-example"
FINGERPRINT = re.compile(r"\.([0-9a-f]{8})(?:\.[A-Za-z0-9]+)?$")


class _Loaded(HTMLParser):
    """Every URL a page makes the browser load or link: href, src and srcset."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.urls.append(value)
            elif value and name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]


def static_links(site: Path) -> dict[str, set[str]]:
    """Return {site-relative static file: pages linking it} for every link into static/ in every page."""
    found: dict[str, set[str]] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        parser = _Loaded()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            path = url.split("#")[0].split("?")[0]
            if path.startswith("/"):  # the 404 page links from the site's path (base_url)
                target = path.lstrip("/")
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            if target.startswith("static/"):
                found.setdefault(target, set()).add(rel)
    return found


def assert_fingerprinted(site: Path) -> dict[str, set[str]]:
    links = static_links(site)
    assert links, "pages link static files"
    for target, pages in links.items():
        match = FINGERPRINT.search(target)
        assert match, f"{target} (linked from {sorted(pages)[0]}) carries no content hash"
        data = (site / target).read_bytes()
        assert hashlib.sha256(data).hexdigest().startswith(match.group(1)), f"{target}: the hash is not its content's"
    published = {p.relative_to(site).as_posix() for p in (site / "static").rglob("*") if p.is_file()}
    assert all(FINGERPRINT.search(p) for p in published), "everything under static/ is fingerprinted"
    return links


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("assets") / "public"
    build(EXAMPLE_SITE, out, now=NOW, jobs=1)
    return out


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("assets") / "public"
    build(CUSTOM_SITE, out, now=NOW, jobs=1)
    return out


def test_every_asset_a_page_links_carries_the_hash_of_its_content(example: Path, custom: Path) -> None:
    assert {posixpath.basename(t).split(".")[0] for t in assert_fingerprinted(example)} == {"style", "status"}
    # A site theme's stylesheet and logos (light and dark) too.
    names = {posixpath.basename(t).split(".")[0] for t in assert_fingerprinted(custom)}
    assert names == {"style", "status", "custom", "logo", "logo-dark"}


def test_every_page_links_the_same_files(example: Path) -> None:
    pages = {p.relative_to(example).as_posix() for p in example.rglob("*.html")}
    for target, linked in static_links(example).items():
        assert linked == pages, f"{target} is linked from every page"


# -- the cache rules ----------------------------------------------------------------------------


def parse_headers(text: str) -> list[tuple[str, dict[str, str]]]:
    """Read a _headers file as Netlify and Cloudflare Pages do: a path line, then indented headers."""
    found: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith((" ", "\t")):
            name, _, value = line.strip().partition(":")
            assert found, "a header before any path"
            found[-1][1][name.strip()] = value.strip()
        else:
            found.append((line.strip(), {}))
    return found


def matches(pattern: str, path: str) -> bool:
    """Whether a rule's pattern matches a request path (``*`` matches anything, as both hosts do)."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), path) is not None


def requests_for(site: Path) -> list[str]:
    """Return the request paths that reach each file of the site: ``/incidents/x/`` and ``.../index.html``."""
    paths = []
    for file in sorted(site.rglob("*")):
        rel = file.relative_to(site).as_posix()
        if not file.is_file() or rel in (urls.HEADERS, MARKER):
            continue
        paths.append("/" + rel)
        if rel.endswith("index.html"):
            paths.append("/" + rel[: -len("index.html")])
    return paths


def test_every_url_gets_its_headers_from_exactly_one_rule(example: Path) -> None:
    parsed = parse_headers((example / urls.HEADERS).read_text(encoding="utf-8"))
    for path in requests_for(example):
        matching = [pattern for pattern, _ in parsed if matches(pattern, path)]
        assert len(matching) == 1, f"{path} matches {matching}: hosts would merge their Cache-Control values"
        (headers,) = [h for pattern, h in parsed if pattern == matching[0]]
        expected = FINGERPRINTED if path.startswith("/static/") else CHANGING
        # Every response carries the pages' Content-Security-Policy too (the example has no accent style).
        assert headers == {"Cache-Control": expected, "Content-Security-Policy": csp.site_policy(None, header=True)}, \
            path


def test_the_cache_rules_are_short_for_what_changes_and_immutable_for_static_files() -> None:
    assert "max-age=60" in CHANGING and "must-revalidate" in CHANGING
    assert "max-age=31536000" in FINGERPRINTED and "immutable" in FINGERPRINTED
    assert rules(["index.html", "static/a.12345678.css", "incidents/x/index.html", "feed.xml"]) == [
        ("/static/*", {"Cache-Control": FINGERPRINTED}),
        ("/", {"Cache-Control": CHANGING}),
        ("/feed.xml", {"Cache-Control": CHANGING}),
        ("/index.html", {"Cache-Control": CHANGING}),
        ("/incidents/*", {"Cache-Control": CHANGING}),
    ]


def test_the_control_catches_overlapping_rules() -> None:
    """The rule check above fails on a file whose rules overlap, as /* and /static/* would."""
    parsed = parse_headers("/*\n  Cache-Control: a\n/static/*\n  Cache-Control: b\n")
    assert [p for p, _ in parsed if matches(p, "/static/x.1234abcd.css")] == ["/*", "/static/*"]


# -- stylesheets and their files ----------------------------------------------------------------


def test_a_stylesheet_names_its_files_by_their_new_names() -> None:
    sources = {
        "static/custom.css": b'@import "more.css";\nbody{background:url(img/bg.png)}\n'
                             b".a{background:url('../static/img/bg.png?v=1#top')}\n"
                             b'.b{background:url("data:image/png;base64,AAAA")}\n.c{background:url(https://cdn.example/x.png)}\n'
                             b".d{background:url(/static/img/bg.png)}\n.e{background:url(missing.png)}\n",
        "static/more.css": b"h1{font-family:x;src:url(fonts/x.woff2)}\n",
        "static/img/bg.png": b"\x89PNG not really",
        "static/fonts/x.woff2": b"wOF2",
    }
    static = StaticFiles.of(sources)
    bg, font, more = (static.names[p] for p in ("static/img/bg.png", "static/fonts/x.woff2", "static/more.css"))
    custom = static.files[static.names["static/custom.css"]].decode()
    assert f'@import "{posixpath.basename(more)}";' in custom
    assert f"url(img/{posixpath.basename(bg)})" in custom
    assert f"url('../static/img/{posixpath.basename(bg)}?v=1#top')" in custom
    # data:, other sites, paths from the host's root and files that do not exist stay as written.
    for kept in ('url("data:image/png;base64,AAAA")', "url(https://cdn.example/x.png)", "url(/static/img/bg.png)",
                 "url(missing.png)"):
        assert kept in custom
    assert f"url(fonts/{posixpath.basename(font)})" in static.files[more].decode()
    # The stylesheet's own hash is of what is published: a new font is a new stylesheet name.
    for published, data in static.files.items():
        assert hashlib.sha256(data).hexdigest().startswith(FINGERPRINT.search(published).group(1))  # type: ignore[union-attr]
    again = StaticFiles.of({**sources, "static/fonts/x.woff2": b"wOF2 v2"})
    assert again.names["static/more.css"] != more and again.names["static/custom.css"] != static.names[
        "static/custom.css"]
    assert again.names["static/img/bg.png"] == bg
    assert StaticFiles.of(dict(reversed(list(sources.items())))) == static, "the same files give the same names"


def test_stylesheets_that_import_each_other_are_refused() -> None:
    with pytest.raises(StatusgenError, match=r"import each other in a circle: static/a.css -> static/b.css -> "
                                             r"static/a.css"):
        StaticFiles.of({"static/a.css": b'@import "b.css";', "static/b.css": b'@import "a.css";'})


def test_a_template_naming_a_static_file_that_does_not_exist_fails_the_build(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path) -> None:
    site = make_site({"theme/templates/base.html": '{% extends "default/base.html" %}\n'
                      '{% block head %}<link rel="stylesheet" href="{{ url("static/brand.css") }}">{% endblock %}\n'})
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("timezone:", "theme: theme\ntimezone:"), encoding="utf-8")
    result = runner.invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 1
    assert "base.html:2: theme error while rendering index.html: static/brand.css is not a static file of the " \
           "theme (there are: static/status.js, static/style.css)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_headers_file_repeats_the_pages_policy_with_what_only_a_header_may_say(tmp_path: Path) -> None:
    """One definition (outputs/csp.py): the <meta> of every page, and the header of every response."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "docs" / "custom-theme-example", site)
    result = build(site, tmp_path / "out", now=NOW, jobs=1)
    meta = csp.site_policy(result.content.site.colors)
    assert "'sha256-" in meta
    assert f'content="{meta}"' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    parsed = parse_headers((tmp_path / "out" / urls.HEADERS).read_text(encoding="utf-8"))
    assert parsed and all(h["Content-Security-Policy"] == meta + "; frame-ancestors 'none'" for _, h in parsed)

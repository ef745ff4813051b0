"""Built pages checked by real tools: the Nu Html Checker, and reading the HTML as a browser would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW, ROOT, published

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _need(tool_ok: bool, reason: str) -> None:
    """Skip when a checker is missing on a developer machine; in CI a missing checker is a failure."""
    if not tool_ok:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must install it: see .ci/run)")
        pytest.skip(f"{reason}; run `npm ci --ignore-scripts` (needs Node) and install Java 17")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    return out


@pytest.fixture(scope="module")
def other_sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The example site in German, and the customised example (docs/custom-theme-example)."""
    tmp = tmp_path_factory.mktemp("html-more")
    german = tmp / "site-de"
    shutil.copytree(EXAMPLE_SITE, german)
    site_yaml = german / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("\nlanguage: en", "\nlanguage: de"),
                         encoding="utf-8")
    outs = [tmp / "public-de", tmp / "public-custom"]
    build(german, outs[0], now=NOW)
    build(ROOT / "docs" / "custom-theme-example", outs[1], now=NOW)
    return outs


def test_every_page_is_valid_html(example_site: Path, other_sites: list[Path]) -> None:
    _need(VNU.is_file(), "the Nu Html Checker (npm package vnu-jar) is not installed")
    _need(shutil.which("java") is not None, "Java is not installed")
    sites = [example_site, *other_sites]
    result = subprocess.run(  # one JVM for all three sites: it takes a second and a half to start
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", *map(str, sites)],
        capture_output=True, text=True, check=False, timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/html', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
                for m in messages if m.get("type") == "error"]
    assert problems == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        if values.get("id"):
            self.ids.append(values["id"] or "")


def test_internal_links_resolve_and_no_script(example_site: Path) -> None:
    """Every relative link and anchor on every page points at a file that exists (works from disk).

    Pages work without JavaScript: the only script is the theme's own, deferred, and what it
    enhances (next-update deadlines, when the page was generated) is in the HTML already.
    """
    broken = []
    anchors: dict[Path, list[str]] = {}
    parsed: dict[Path, _Links] = {}
    for page in sorted(example_site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
        anchors[page.resolve()] = parser.ids
        code = [s for s in parser.scripts if s.get("type") != "application/json"]
        assert len(code) <= 1, f"{page}: at most one script"
        for script in code:
            assert (script.get("src") or "").endswith(published("static/status.js")) and "defer" in script, \
                f"{page}: the only script is the theme's own, deferred: {script}"
        # Besides it, only data: the words the script shows, in the page's language.
        assert [s.get("id") for s in parser.scripts if s not in code] == ["statusgen-messages"], page
        html = page.read_text(encoding="utf-8")
        assert re.search(r"Generated <time datetime=\"[^\"]+Z\">", html), f"{page}: says when it was generated"
        assert len(parser.ids) == len(set(parser.ids)), f"{page}: duplicate ids"
    for page, parser in parsed.items():
        if page.name == "404.html":
            continue  # served at any URL, so its links are absolute paths
        for link in parser.links:
            if link.startswith(("https:", "http:", "mailto:", "data:")):
                continue
            target, _, fragment = link.partition("#")
            resolved = (page.parent / target).resolve() if target else page.resolve()
            if not resolved.is_file():
                broken.append(f"{page.relative_to(example_site)} -> {link}")
            elif fragment and fragment not in anchors.get(resolved, []):
                broken.append(f"{page.relative_to(example_site)} -> {link} (no such anchor)")
    assert broken == []


def test_deadlines_are_in_the_html_without_javascript(example_site: Path) -> None:
    """Every open incident says when the next update is due, as an absolute time, before any script runs."""
    home = (example_site / "index.html").read_text(encoding="utf-8")
    incident = (example_site / "incidents" / "2026-11-25-sso-sign-in-failures" / "index.html").read_text(
        encoding="utf-8")
    shown = ('<span class="due-ahead">Next update by <time datetime="2026-11-25T11:35:00Z">25 Nov 2026, 12:35 CET'
             '</time><span class="countdown"></span>.</span>')
    for html in (home, incident):
        assert '<p class="next" data-due="2026-11-25T12:35:00+01:00">' in html
        assert shown in html
        # The overdue sentence is there for the script to switch to, hidden until then.
        assert '<span class="due-past" hidden><strong>' in html

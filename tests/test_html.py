"""Built pages checked by real tools: the Nu Html Checker, and reading the HTML as a browser would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW, ROOT

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


def test_every_page_is_valid_html(example_site: Path) -> None:
    _need(VNU.is_file(), "the Nu Html Checker (npm package vnu-jar) is not installed")
    _need(shutil.which("java") is not None, "Java is not installed")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(example_site)],
        capture_output=True, text=True, check=False, timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/public/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
                for m in messages if m.get("type") == "error"]
    assert problems == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        if values.get("id"):
            self.ids.append(values["id"] or "")


def test_internal_links_resolve_and_no_script(example_site: Path) -> None:
    """Every relative link and anchor on every page points at a file that exists (works from disk)."""
    broken = []
    anchors: dict[Path, list[str]] = {}
    parsed: dict[Path, _Links] = {}
    for page in sorted(example_site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
        anchors[page.resolve()] = parser.ids
        assert parser.scripts == 0, f"{page}: pages must work without JavaScript"
        assert len(parser.ids) == len(set(parser.ids)), f"{page}: duplicate ids"
    for page, parser in parsed.items():
        if page.name == "404.html":
            continue  # served at any URL, so its links are absolute paths
        for link in parser.links:
            if link.startswith(("https:", "http:", "mailto:")):
                continue
            target, _, fragment = link.partition("#")
            resolved = (page.parent / target).resolve() if target else page.resolve()
            if not resolved.is_file():
                broken.append(f"{page.relative_to(example_site)} -> {link}")
            elif fragment and fragment not in anchors.get(resolved, []):
                broken.append(f"{page.relative_to(example_site)} -> {link} (no such anchor)")
    assert broken == []

"""sitemap.xml and robots.txt, and the rule that no two outputs share a path."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen import build as build_module
from statusgen.build import build
from statusgen.outputs.write import OutputError

from .conftest import NOW

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://status.test.example/"


def url_of(out: Path, page: Path) -> str:
    """Return the canonical URL of the built ``index.html`` at ``page``."""
    folder = page.relative_to(out).parent.as_posix()
    return BASE if folder == "." else f"{BASE}{folder}/"


def test_sitemap_lists_every_page_and_dates_what_posts_change(make_site: Callable[..., Path],
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(make_site(), out, now=NOW)
    root = ET.parse(out / "sitemap.xml").getroot()
    urls = {u.findtext(SITEMAP + "loc"): u.findtext(SITEMAP + "lastmod") for u in root.iter(SITEMAP + "url")}
    assert set(urls) == {url_of(out, page) for page in out.rglob("index.html")}
    assert BASE + "404.html" not in urls
    assert urls[BASE + "incidents/2026-11-20-api-errors/"] == "2026-11-22T12:00:00+01:00"  # the postmortem
    assert urls[BASE + "maintenance/2026-12-01-db/"] == "2026-11-20T10:00:00+00:00"
    assert urls[BASE] == "2026-11-22T12:00:00+01:00"
    assert urls[BASE + "history/"] is None


def test_robots_points_at_the_sitemap(make_site: Callable[..., Path], tmp_path: Path) -> None:
    build(make_site(), tmp_path / "out", now=NOW)
    assert (tmp_path / "out/robots.txt").read_text() == (
        "User-agent: *\nAllow: /\n\nSitemap: https://status.test.example/sitemap.xml\n")


def test_canonical_link_on_every_page(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(make_site(), out, now=NOW)
    for page in out.rglob("index.html"):
        assert f'<link rel="canonical" href="{url_of(out, page)}">' in page.read_text(encoding="utf-8"), page


def test_two_outputs_on_one_path_are_an_error(make_site: Callable[..., Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    class Clash:
        def render(self, ctx: object) -> dict[str, bytes]:
            return {"feed.xml": b"mine"}

    monkeypatch.setattr(build_module, "GENERATORS", (*build_module.GENERATORS, Clash))
    with pytest.raises(OutputError, match="two outputs want the same path: feed.xml"):
        build(make_site(), tmp_path / "out", now=NOW)
    assert not (tmp_path / "out").exists()

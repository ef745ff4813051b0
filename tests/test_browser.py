"""Pages as a person meets them, in headless Chromium: axe-core WCAG 2.1 AA in light and dark, and reflow at 320 px."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW, ROOT

SCRIPT = ROOT / "tests" / "browser" / "check-pages.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _need_browser() -> None:
    missing = [what for what, ok in [
        ("Node.js", shutil.which("node") is not None),
        ("npm packages playwright-core and axe-core (npm ci --ignore-scripts)",
         (ROOT / "node_modules" / "playwright-core").is_dir() and (ROOT / "node_modules" / "axe-core").is_dir()),
        (f"Chromium at {CHROMIUM} (Debian package chromium)", Path(CHROMIUM).is_file()),
    ] if not ok]
    if missing:
        reason = "browser checks need " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must install them: see .ci/run)")
        pytest.skip(reason)


def check_pages(site: Path, pages: list[str]) -> list[dict]:
    result = subprocess.run(["node", str(SCRIPT), str(site), *pages], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["pages"]


@pytest.fixture(scope="module")
def checked() -> Iterator[list[dict]]:
    _need_browser()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "public"
        result = build(EXAMPLE_SITE, site, now=NOW)
        view = result.view
        pages = [
            "",
            view.open_incidents[0].path,  # open: workaround, next update
            next(i.path for i in view.incidents if i.incident.postmortem),
            next(i.path for i in view.incidents if i.corrected_by),
            view.upcoming_maintenance[0].path,
            next(iter(view.components.values())).path,
            "commitments/",
            next(c.path for c in view.commitments if c.changes),
            "history/",
            view.months[0].path,
            "expect/",
            "no-such-page/",  # served the 404 page
        ]
        yield check_pages(site, pages)


def test_no_accessibility_violations(checked: list[dict]) -> None:
    found = [f"{p['page'] or 'home'} ({p['scheme']}): {v['id']} [{v['impact']}] {v['help']}: {v['nodes']}"
             for p in checked for v in p["violations"]]
    assert found == []
    assert {p["scheme"] for p in checked if p["width"] == 1280} == {"light", "dark"}


def test_no_sideways_scrolling_at_320_px(checked: list[dict]) -> None:
    narrow = [(p["page"], p["scheme"], p["scrollWidth"]) for p in checked if p["width"] == 320]
    assert narrow and all(width <= 320 for _, _, width in narrow), narrow


def test_the_checker_does_catch_problems(tmp_path: Path) -> None:
    """A control: a page with known faults must be reported, or a silent checker would pass everything."""
    _need_browser()
    (tmp_path / "index.html").write_text(
        '<!doctype html><html><head><title>x</title></head><body>'
        '<img src="x.png"><p style="color:#999;background:#aaa">low contrast</p>'
        '<div style="width:900px">wide</div></body></html>')
    results = check_pages(tmp_path, [""])
    (page,) = [p for p in results if p["width"] == 1280 and p["scheme"] == "light"]
    assert {"image-alt", "color-contrast", "html-has-lang"} <= {v["id"] for v in page["violations"]}
    assert all(p["scrollWidth"] > 320 for p in results if p["width"] == 320)

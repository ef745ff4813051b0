"""Pages as a person meets them, in headless Chromium.

Every page type of the example site, of the same site in German and of the customised example
(docs/custom-theme-example): axe-core WCAG 2.1 AA in light and dark, reflow at 320 px, the
page's language, the per-day uptime detail reached with the keyboard alone, and printing.
Screenshots of the home page for the README come from the same browser (``make screenshots``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from statusgen.build import build
from statusgen.view import StatusView

from .conftest import EXAMPLE_SITE, NOW, ROOT

BROWSER = ROOT / "tests" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CUSTOM_SITE = ROOT / "docs" / "custom-theme-example"
SCREENSHOTS = ROOT / "docs" / "screenshots"


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


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(["node", str(BROWSER / script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(process: subprocess.Popen[str]) -> dict:
    try:
        stdout, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    return json.loads(stdout)


def _node(script: str, *args: str) -> dict:
    return _finish(_start(script, *args))


def check_pages(site: Path, pages: list[str]) -> list[dict]:
    return _node("check-pages.mjs", str(site), *pages)["pages"]


def every_page_type(view: StatusView) -> list[str]:
    """Return one page of each kind the site has (and a missing one, served the 404 page)."""
    pages = [""]
    pages += [view.open_incidents[0].path] if view.open_incidents else []  # open: workaround, next update
    pages += [i.path for i in view.incidents if i.incident.postmortem][:1]
    pages += [i.path for i in view.incidents if i.corrected_by][:1]
    pages += [m.path for m in view.maintenance][:1]
    pages += [next(iter(view.components.values())).path, "commitments/"]
    pages += [c.path for c in view.commitments if c.changes][:1]
    pages += ["history/", *[m.path for m in view.months][:1], "expect/", "subscribe/", "no-such-page/"]
    return list(dict.fromkeys(pages))


@pytest.fixture(scope="module")
def built() -> Iterator[dict[str, tuple[Path, StatusView]]]:
    """The example site in English and German, and the customised example, built once."""
    _need_browser()
    with tempfile.TemporaryDirectory() as tmp:
        german = Path(tmp) / "site-de"
        shutil.copytree(EXAMPLE_SITE, german)
        site_yaml = german / "site.yaml"
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("\nlanguage: en", "\nlanguage: de"),
                             encoding="utf-8")
        sites = {}
        for name, source in [("en", EXAMPLE_SITE), ("de", german), ("custom", CUSTOM_SITE)]:
            out = Path(tmp) / f"public-{name}"
            sites[name] = (out, build(source, out, now=NOW, jobs=1).view)
        yield sites


@pytest.fixture(scope="module")
def checked(built: dict[str, tuple[Path, StatusView]]) -> dict[str, list[dict]]:
    # One browser per site, side by side: each spends most of its time in axe.
    pages = {name: every_page_type(view) for name, (_, view) in built.items()}
    # The customised site shares the default templates; its own parts are the frame and the home page.
    pages["custom"] = ["", built["custom"][1].incidents[0].path, "expect/", "no-such-page/"]
    running = {name: _start("check-pages.mjs", str(built[name][0]), *pages[name]) for name in built}
    try:
        return {name: _finish(process)["pages"] for name, process in running.items()}
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
            process.communicate()


@pytest.mark.parametrize("site", ["en", "de", "custom"])
def test_no_accessibility_violations(checked: dict[str, list[dict]], site: str) -> None:
    pages = checked[site]
    found = [f"{p['page'] or 'home'} ({p['scheme']}): {v['id']} [{v['impact']}] {v['help']}: {v['nodes']}"
             for p in pages for v in p["violations"]]
    assert found == []
    assert {p["scheme"] for p in pages if p["width"] == 1280} == {"light", "dark"}
    assert len({p["page"] for p in pages}) >= (12 if site != "custom" else 4)


READER_TIMES = {
    # The reader is in New York (EST, UTC-5), the site in Berlin (CET, UTC+1): the latest update of the
    # open incident at 11:35 CET, the upcoming maintenance on 2 Dec 01:00-04:00 CET, the evening before there.
    "en": {"": [" (05:35 your time)", " (Dec 1, 19:00 – 22:00 your time)"],
           "maintenance/2026-12-02-postgres-upgrade/": [" (Dec 1, 19:00 – 22:00 your time)"]},
    "de": {"": [" (05:35 Ihrer Zeit)", " (1. Dez., 19:00 – 22:00 Ihrer Zeit)"]},
}


@pytest.mark.parametrize("site", ["en", "de"])
def test_windows_and_latest_updates_also_show_the_reader_s_time(checked: dict[str, list[dict]], site: str) -> None:
    shown = {p["page"]: p["readerTimes"] for p in checked[site] if "readerTimes" in p}
    for page, expected in READER_TIMES[site].items():
        assert [r["text"] for r in shown[page]] == expected, page
        # Next to the site's own time, which is all a reader without JavaScript sees (the span is empty).
        assert all(" CET" in r["shown"] or " CEST" in r["shown"] for r in shown[page])


@pytest.mark.parametrize("site", ["en", "de", "custom"])
def test_no_sideways_scrolling_at_320_px(checked: dict[str, list[dict]], site: str) -> None:
    narrow = [(p["page"], p["scheme"], p["scrollWidth"]) for p in checked[site] if p["width"] == 320]
    assert narrow and all(width <= 320 for _, _, width in narrow), narrow


def test_the_ledger_shows_the_current_due_date_at_320_px(checked: dict[str, list[dict]]) -> None:
    """The due date columns scroll inside the table; under each title the current due date is in view."""
    for site in ("en", "de"):
        (narrow,) = [p for p in checked[site] if p["page"] == "commitments/" and p["width"] == 320
                     and p["scheme"] == "light"]
        assert narrow["dueInline"]["visible"] and narrow["dueInline"]["right"] <= 320, narrow["dueInline"]
        assert narrow["dueInline"]["text"].startswith(("Due ", "Fällig "))
        (wide,) = [p for p in checked[site] if p["page"] == "commitments/" and p["width"] == 1280
                   and p["scheme"] == "light"]
        assert wide["dueInline"]["visible"] is False  # the column shows it


@pytest.mark.parametrize(("site", "lang"), [("en", "en"), ("de", "de"), ("custom", "en")])
def test_pages_say_their_language(checked: dict[str, list[dict]], site: str, lang: str) -> None:
    assert {p["lang"] for p in checked[site]} == {lang}


def test_uptime_detail_per_day_is_reachable_by_keyboard(checked: dict[str, list[dict]]) -> None:
    """Tab from the top of the home page reaches the first "days with issues" disclosure; Enter opens it."""
    (home,) = [p for p in checked["en"] if p["page"] == "" and p.get("keyboard")]
    assert home["keyboard"]["opened"] is True
    assert home["keyboard"]["tabs"] <= 30
    # The newest day with issues of the first component: date, what happened, what caused it.
    assert home["keyboard"]["detail"].endswith(
        "20 Nov: Degraded performance 1 h 4 min, Partial outage 36 min · Elevated API latency in eu-west")


def test_print_hides_navigation_and_opens_every_detail(checked: dict[str, list[dict]]) -> None:
    printed = [p for pages in checked.values() for p in pages if p.get("print")]
    assert printed
    assert [p["page"] for p in printed if p["print"]["navVisible"] or p["print"]["hiddenDetails"]] == []


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


def png_size(path: Path) -> tuple[int, int]:
    """Return (width, height) from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshots(built: dict[str, tuple[Path, StatusView]], tmp_path: Path) -> None:
    """The home page at 390 and 1280 px, light and dark, as the README shows it.

    ``make screenshots`` (STATUSGEN_UPDATE_SCREENSHOTS=1) writes them to docs/screenshots/;
    otherwise they go to a temporary folder and are only checked.
    """
    out = SCREENSHOTS if os.environ.get("STATUSGEN_UPDATE_SCREENSHOTS") else tmp_path
    # A few minutes after the build, so the page is fresh and counts down to the next update.
    reader_now = (NOW + dt.timedelta(minutes=5)).isoformat()
    files = _node("screenshots.mjs", str(built["en"][0]), str(out), "--now", reader_now)["files"]
    assert sorted(Path(f).name for f in files) == [
        "home-1280-dark.png", "home-1280-light.png", "home-390-dark.png", "home-390-light.png"]
    for name in files:
        path = Path(name)
        width, height = png_size(path)
        assert width == int(path.stem.split("-")[1]) and height > 500
        assert path.stat().st_size > 20_000, f"{path} looks empty"

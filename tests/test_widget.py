"""widget.js, the banner customers embed in their own app, in headless Chromium.

A page on a second origin (another host name and port) loads the script from the status
site, which sends no CORS headers, as most static hosts do: with an open incident the banner
shows, in the site's language, as a ``role="status"`` region that passes axe in light and
dark, can be dismissed with the keyboard, stays still under reduced motion, sets no cookie
and fits 320 px; without one, nothing appears.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import pytest

from statusgen.build import build

from .conftest import BASE_SITE, EXAMPLE_SITE, NOW
from .test_browser import _need_browser, _node

READER_NOW = (NOW + dt.timedelta(minutes=5)).isoformat()


def _built(source: Path, out: Path, *, language: str = "en") -> Path:
    site = out.parent / f"{out.name}-site"
    shutil.copytree(source, site)
    if language != "en":
        site_yaml = site / "site.yaml"
        text = site_yaml.read_text(encoding="utf-8").replace("\nlanguage: en", "")
        site_yaml.write_text(text.replace("\ntimezone:", f"\nlanguage: {language}\ntimezone:", 1), encoding="utf-8")
    build(site, out, now=NOW, jobs=1)
    return out


def test_the_banner_shows_an_open_incident_on_another_origin(tmp_path: Path) -> None:
    _need_browser()
    result = _node("widget.mjs", str(_built(EXAMPLE_SITE, tmp_path / "public")), READER_NOW)
    assert result["appOrigin"] != result["siteOrigin"]
    for scheme in ("light", "dark"):
        assert result[scheme]["present"], scheme
        assert result[scheme]["errors"] == []
        assert result[scheme]["violations"] == [], scheme
    assert (result["role"], result["lang"], result["label"]) == ("status", "en", "Service status")
    assert result["text"] == "Incident: Single sign-on (SAML) sign-in failing (Identified) Details×"
    assert result["links"] == ["https://status.acme.example/incidents/2026-11-25-sso-sign-in-failures/"]
    # Keyboard: the link, then the close button, are reached with Tab; Escape dismisses.
    assert result["tabs"][1:3] == ["A:Details", "BUTTON:Dismiss this notice"]
    assert result["afterEscape"] == 0 and result["afterReload"] == 0  # dismissed for the session
    assert result["cookies"] == 0
    assert (result["animation"], result["reducedAnimation"]) == ("s", "none")
    assert result["scrollWidth320"] <= 320


def test_the_banner_speaks_the_site_s_language(tmp_path: Path) -> None:
    _need_browser()
    result = _node("widget.mjs", str(_built(EXAMPLE_SITE, tmp_path / "public", language="de")), READER_NOW)
    assert result["lang"] == "de" and result["label"] == "Dienststatus"
    assert result["text"].startswith("Störung: Single sign-on (SAML) sign-in failing (Ursache gefunden) Details")
    assert result["light"]["violations"] == []


def test_no_banner_while_all_is_well(tmp_path: Path) -> None:
    _need_browser()
    result = _node("widget.mjs", str(_built(BASE_SITE, tmp_path / "public")), READER_NOW)
    assert result["light"] == {"present": False, "errors": []}
    assert result["dark"] == {"present": False, "errors": []}


def test_the_script_is_small_and_its_data_cannot_break_out(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    incident = next((site / "incidents").glob("2026-11-25-*.yaml"))
    text = incident.read_text(encoding="utf-8")
    incident.write_text(text.replace("title: ", "title: </script><script>alert(1)</script> ", 1),
                        encoding="utf-8")
    out = tmp_path / "public"
    build(site, out, now=NOW, jobs=1)
    script = (out / "widget.js").read_bytes()
    assert len(gzip.compress(script, 9)) < 3 * 1024
    assert b"</script" not in script
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in script.decode()


@pytest.mark.parametrize("when", ["2026-12-01T01:55:00Z", "2026-12-01T02:10:00Z"])
def test_maintenance_appears_when_its_window_starts_between_builds(tmp_path: Path, when: str) -> None:
    """Built before the window, the banner shows it from its start (by the reader's clock), not before."""
    _need_browser()
    out = tmp_path / "public"
    build(BASE_SITE, out, now=dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC), jobs=1)
    result = _node("widget.mjs", str(out), when)
    inside = when.endswith("02:10:00Z")
    assert result["light"]["present"] is inside
    if inside:
        assert result["text"] == "Maintenance: Database upgrade (under way) Details×"

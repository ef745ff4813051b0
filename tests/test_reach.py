"""Following the site: the Subscribe page on every page, and a feed per incident."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import feedparser

from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW


def test_every_page_links_the_subscribe_page(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(EXAMPLE_SITE, out, now=NOW, jobs=1)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    missing = [p.relative_to(out).as_posix() for p in pages
               if not re.search(r'href="(?:[./]*subscribe/index\.html|/subscribe/)"', p.read_text())]
    assert missing == []
    page = (out / "subscribe/index.html").read_text()
    for anchor in ("feeds", "email", "calendar", "components-feeds", "incident-feeds", "widget", "webhooks"):
        assert f'id="{anchor}"' in page
    assert "/feed subscribe https://status.acme.example/feed.xml" in page
    assert '&lt;script async src="https://status.acme.example/widget.js"&gt;&lt;/script&gt;' in page
    assert "We do not send e-mail updates yet." in page


def test_the_subscribe_page_offers_the_sign_up_from_site_yaml(make_site: Any, tmp_path: Path) -> None:
    site = make_site()
    site_yaml = site / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "subscribe:\n  email_url: https://example.com/join?a=1&b=\"2\"\n")
    out = tmp_path / "public"
    build(site, out, now=NOW, jobs=1)
    page = (out / "subscribe/index.html").read_text()
    assert '<a href="https://example.com/join?a=1&amp;b=&#34;2&#34;">our sign-up page</a>' in page


def test_an_incident_has_its_own_feed_while_it_matters(make_site: Any, tmp_path: Path) -> None:
    site = make_site()
    out = tmp_path / "public"
    build(site, out, now=NOW, jobs=1)
    folder = out / "incidents/2026-11-20-api-errors"
    feed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [
        "https://status.test.example/incidents/2026-11-20-api-errors/#postmortem",
        "https://status.test.example/incidents/2026-11-20-api-errors/#update-2",
        "https://status.test.example/incidents/2026-11-20-api-errors/#update-1"]
    assert not feedparser.parse((folder / "atom.xml").read_bytes()).bozo
    page = (folder / "index.html").read_text()
    assert 'href="https://status.test.example/incidents/2026-11-20-api-errors/feed.xml"' in page
    # 90 days after it was resolved, its feed has said all it will: no more feed, no more link.
    later = tmp_path / "later"
    build(site, later, now=NOW + dt.timedelta(days=91), jobs=1)
    assert not (later / "incidents/2026-11-20-api-errors/feed.xml").exists()
    assert "api-errors/feed.xml" not in (later / "incidents/2026-11-20-api-errors/index.html").read_text()


def test_shared_links_preview_with_their_status(tmp_path: Path) -> None:
    out = tmp_path / "public"
    view = build(EXAMPLE_SITE, out, now=NOW, jobs=1).view
    home = (out / "index.html").read_text()
    assert f"<title>{_indicator(view)} · " in home
    incident = next(i for i in view.incidents if i.is_open)
    page = (out / incident.path / "index.html").read_text()
    description = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert description and description.group(1).startswith("Identified: ")
    assert f'<meta property="og:description" content="{description.group(1)}">' in page
    assert f'<meta property="og:url" content="https://status.acme.example/{incident.path}">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def _indicator(view: Any) -> str:
    return {"none": "All Systems Operational", "minor": "Minor Service Outage", "major": "Partial System Outage",
            "critical": "Major System Outage", "maintenance": "Service Under Maintenance"}[view.indicator.key]


def test_calendar_descriptions_are_plain_text(make_site: Any, tmp_path: Path) -> None:
    import icalendar

    site = make_site({"maintenance/2026-12-01-db.yaml": """\
        title: Database upgrade
        components: [web]
        announced_at: 2026-11-20T10:00:00Z
        starts_at: 2026-12-01T02:00:00Z
        ends_at: 2026-12-01T04:00:00Z
        body: |
          The website is **read-only** for up to [two hours](https://example.com/why).

          - uploads wait
          - sign-in works
        """})
    out = tmp_path / "public"
    build(site, out, now=NOW, jobs=1)
    (event,) = icalendar.Calendar.from_ical((out / "maintenance.ics").read_bytes()).walk("VEVENT")
    text = str(event["DESCRIPTION"])
    assert "The website is read-only for up to two hours (https://example.com/why).\n\n- uploads wait\n- sign-in " \
           "works" in text
    assert "**" not in text and "](" not in text

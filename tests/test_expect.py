"""The honest page: responsiveness figures, the "What to expect" page, freshness and deadlines.

The figures are checked on a site whose numbers are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

from statusgen.build import build
from statusgen.content.loader import load_site
from statusgen.timeutil import parse_time
from statusgen.view import derive

from .conftest import NOW, ROOT, published

FIGURES_SITE = {
    # Base incident (Nov 20): first update at its start (0 min); its one promise, the 1 h policy for a
    # major incident, is kept exactly on time by the resolving update.
    "incidents/2026-11-24-a.yaml": """
        title: A
        impact: major
        started_at: 2026-11-24T10:00:00+01:00
        updates:
          - at: 2026-11-24T10:12:00+01:00        # first update after 12 min
            status: investigating
            body: Looking.
            next_update_in: 30m                  # due 10:42: kept at 10:40
          - at: 2026-11-24T10:40:00+01:00        # policy 1 h: due 11:40, missed at 11:50
            status: identified
            body: Found.
          - {at: 2026-11-24T11:50:00+01:00, status: resolved, body: From 10:00 to 11:50 the API failed.}
    """,
    "incidents/2026-11-23-b.yaml": """
        title: B
        impact: minor
        started_at: 2026-11-23T09:00:00+01:00
        updates:
          - at: 2026-11-23T09:05:00+01:00        # backfilled: published 09:45, so 45 min to the first update
            posted_at: 2026-11-23T09:45:00+01:00
            status: investigating
            body: Looking.                       # policy 4 h from 09:45: due 13:45, missed at 13:50
          - {at: 2026-11-23T13:50:00+01:00, status: resolved, body: From 09:00 to 13:50 emails were late.}
    """,
    # Outside the 90 days: counts for nothing.
    "incidents/2026-08-01-old.yaml": """
        title: Old
        impact: critical
        updates:
          - {at: 2026-08-01T10:00:00+01:00, status: investigating, body: Down.}
          - {at: 2026-08-01T14:00:00+01:00, status: resolved, body: From 10:00 to 14:00 all was down.}
    """,
    "commitments/2026-10-01-kept.yaml": """
        title: Kept
        made_at: 2026-10-01T12:00:00+02:00
        due: 2026-10-20
        body: A promise.
        updates:
          - {at: 2026-10-15T12:00:00+02:00, status: delivered, body: Done.}
    """,
    "commitments/2026-10-01-late.yaml": """
        title: Late
        made_at: 2026-10-01T12:00:00+02:00
        due: 2026-10-20
        body: A promise.
        updates:
          - {at: 2026-10-25T12:00:00+01:00, status: delivered, body: Done.}
    """,
    "commitments/2026-10-01-broken.yaml": """
        title: Broken
        made_at: 2026-10-01T12:00:00+02:00
        due: 2026-11-10
        body: A promise.
    """,
    "commitments/2026-05-01-broken-long-ago.yaml": """
        title: Broken long ago
        made_at: 2026-05-01T12:00:00+02:00
        due: 2026-06-01
        body: A promise.
    """,
}


def test_responsiveness_figures(make_site: Callable[..., Path]) -> None:
    figures = derive(load_site(make_site(FIGURES_SITE)), NOW).responsiveness
    assert figures.first_update == dt.timedelta(minutes=12)  # median of 0, 12 and 45 minutes
    assert (figures.promises, figures.promises_kept, figures.promises_share) == (4, 2, 0.5)
    assert figures.to_json() == {
        "window_days": 90,
        "from": "2026-08-27T11:00:00Z",
        "to": "2026-11-25T11:00:00Z",
        "incidents": 3,
        "first_update_median_seconds": 720,
        "next_update_promises": {"settled": 4, "kept": 2, "share_kept": 0.5},
        "commitments": {"kept": 1, "late": 1, "broken": 1, "withdrawn": 0, "reduced": 0},
    }


def test_a_promise_counts_once_it_is_settled(make_site: Callable[..., Path]) -> None:
    site = make_site({"incidents/2026-11-25-open.yaml": """
        title: Open
        impact: major
        updates:
          - {at: 2026-11-25T11:00:00+01:00, status: investigating, body: Looking., next_update_in: 30m}
    """})
    content = load_site(site)
    pending = derive(content, parse_time("2026-11-25T11:30:00+01:00")).responsiveness
    missed = derive(content, parse_time("2026-11-25T11:30:01+01:00")).responsiveness
    # The base incident's kept promise, then the open one's once its time has passed.
    assert (pending.promises, pending.promises_kept) == (1, 1)
    assert (missed.promises, missed.promises_kept) == (2, 1)


def test_no_incidents_no_figures(make_site: Callable[..., Path]) -> None:
    site = make_site({"incidents/2026-11-20-api-errors.yaml": None,
                      "commitments/2026-11-22-canary-deploys.yaml": None})
    figures = derive(load_site(site), NOW).responsiveness
    assert figures.to_json()["first_update_median_seconds"] is None
    assert figures.to_json()["next_update_promises"] == {"settled": 0, "kept": 0, "share_kept": None}


def _built(make_site: Callable[..., Path], tmp_path: Path, files: dict[str, str | None]) -> Path:
    out = tmp_path / "public"
    build(make_site(files), out, now=NOW, jobs=1)
    return out


def _text(html: str) -> str:
    """Return the visible words of some HTML: tags removed, entities decoded, spaces collapsed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


def test_home_page_shows_the_figures(make_site: Callable[..., Path], tmp_path: Path) -> None:
    home = (_built(make_site, tmp_path, FIGURES_SITE) / "index.html").read_text(encoding="utf-8")
    section = home.split('<section aria-labelledby="responsiveness">')[1].split("</section>")[0]
    assert _text(section) == (
        "How we kept you informed Over the last 90 days. What we promise "
        "12 min median time from the start of an incident to our first update (3 incidents) "
        "50% of next-update promises kept (2 of 4) "
        "1 of 3 commitments kept on time; 1 late, 1 broken")


SITE_WITH_POLICY = """
    title: Test Status
    base_url: https://status.test.example/
    timezone: Europe/Berlin
    policy:
      update_every: {critical: 15m, major: 45m, minor: 2h, none: 1d}
      maintenance_notice: 5d
      postmortem_within: 3d
      refresh: 5m
    components:
      - {id: api, name: Public API, group: Platform}
      - {id: web, name: Website, group: Platform}
      - {id: email, name: Email delivery}
"""


def test_what_to_expect_comes_from_the_policy(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _built(make_site, tmp_path, {"site.yaml": SITE_WITH_POLICY})
    page = _text((out / "expect" / "index.html").read_text(encoding="utf-8"))
    assert ("The longest you wait for our next update, by impact Impact Next update at the latest after "
            "✕ Critical impact 15 min ◐ Major impact 45 min ! Minor impact 2 h i No impact 1 day") in page
    assert "we publish a postmortem within 3 days of resolving them" in page
    assert "We announce planned maintenance at least 5 days before it starts" in page
    assert "This site is rebuilt at least every 5 min" in page
    assert "our first update came a median of less than a minute after an incident started" in page


def test_every_page_links_to_what_to_expect(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _built(make_site, tmp_path, {})
    for page in sorted(out.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert ">What to expect</a></li>" in html, page
    expect = (out / "expect" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../expect/index.html" class="active" aria-current="page">What to expect</a>' in expect


def test_pages_say_when_they_were_generated_and_how_often(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _built(make_site, tmp_path, {"site.yaml": SITE_WITH_POLICY})
    html = (out / "index.html").read_text(encoding="utf-8")
    assert ('<body data-generated="2026-11-25T12:00:00+01:00" data-refresh="300" data-timezone="Europe/Berlin">'
            in html)
    assert ('<p>Generated <time datetime="2026-11-25T11:00:00Z">25 Nov 2026, 12:00 CET</time>; this site is '
            'rebuilt at least every 5 min.') in html
    assert f'<script src="{published("static/status.js")}" defer></script>' in html


def test_refresh_defaults_to_15_minutes(make_site: Callable[..., Path], tmp_path: Path) -> None:
    html = (_built(make_site, tmp_path, {}) / "index.html").read_text(encoding="utf-8")
    assert 'data-refresh="900"' in html


OPEN = """
    title: Sign-in failures
    impact: major
    updates:
      - {at: 2026-11-25T11:00:00+01:00, status: investigating, body: Some sign-ins fail., next_update_in: 30m}
"""


def test_overdue_at_build_time_shows_the_overdue_sentence(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _built(make_site, tmp_path, {"incidents/2026-11-25-login.yaml": OPEN})
    html = (out / "incidents" / "2026-11-25-login" / "index.html").read_text(encoding="utf-8")
    assert ('<p class="next overdue" data-due="2026-11-25T11:30:00+01:00">\n'
            '<span class="due-ahead" hidden>Next update by') in html
    assert ('<span class="due-past"><strong><span aria-hidden="true">! </span>Overdue:</strong> our next update '
            'was due by <time datetime="2026-11-25T10:30:00Z">25 Nov 2026, 11:30 CET</time><span class="countdown">'
            '</span>. We are sorry for the wait.</span>') in html


def test_backfilled_update_shows_both_times(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _built(make_site, tmp_path, {"incidents/2026-11-25-login.yaml": """
        title: Sign-in failures
        impact: minor
        started_at: 2026-11-24T22:00:00+01:00
        updates:
          - {at: 2026-11-24T23:10:00+01:00, posted_at: 2026-11-25T00:20:00+01:00, status: investigating, body: Slow.}
          - {at: 2026-11-25T09:20:00+01:00, posted_at: 2026-11-25T11:40:00+01:00, status: resolved,
             body: From 22:00 to 09:20 sign-ins were slow.}
    """})
    text = _text((out / "incidents" / "2026-11-25-login" / "index.html").read_text(encoding="utf-8"))
    assert "Added later: posted 11:40, describing 09:20 CET." in text
    assert "Added later: posted 25 Nov 2026, 00:20, describing 24 Nov 2026, 23:10 CET." in text


def test_the_script_is_small_local_and_safe() -> None:
    script = (ROOT / "themes" / "default" / "static" / "status.js").read_text(encoding="utf-8")
    assert len(script) < 8000
    for banned in ("http:", "https:", "fetch(", "XMLHttpRequest", "innerHTML", "eval(", "document.write"):
        assert banned not in script, banned

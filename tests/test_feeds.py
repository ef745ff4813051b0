"""RSS and Atom feeds read as feed readers read them: one entry per update, stable ids, valid dates."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW

BASE = "https://status.acme.example/"
ATOM = "{http://www.w3.org/2005/Atom}"
COMPONENTS = ["api", "dashboard", "auth", "storage", "databases", "backups", "email", "webhooks"]
FOLDERS = ["", "commitments/"] + [f"components/{c}/" for c in COMPONENTS]
FEEDS = [folder + name for folder in FOLDERS for name in ("feed.xml", "atom.xml")]

UPDATE = """
  - at: 2026-11-20T11:30:00+01:00
    status: resolved
    body: {body}
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds") / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    return out


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    return feed


def entry_ids(path: Path) -> list[str]:
    return [e.id for e in parse(path).entries]


def raw_dates(path: Path) -> list[str]:
    """Every date in the feed as written: feedparser would silently read a date without a zone."""
    root = ET.parse(path).getroot()
    if root.tag == "rss":
        return [e.text or "" for e in root.iter() if e.tag in ("pubDate", "lastBuildDate")]
    return [e.text or "" for e in root.iter() if e.tag in (ATOM + "updated", ATOM + "published")]


def aware(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)  # Atom
    except ValueError:
        value = email.utils.parsedate_to_datetime(text)  # RSS (RFC 822)
    assert value.tzinfo is not None, f"{text!r} has no time zone"
    return value


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates.append((values.get("type") or "", values.get("href") or ""))


def page_of(out: Path, url: str) -> _Ids:
    assert url.startswith(BASE), url
    path = url[len(BASE):].partition("#")[0]
    parser = _Ids()
    parser.feed((out / path / "index.html").read_text(encoding="utf-8"))
    return parser


# -- every feed, as readers see it ---------------------------------------------------------------


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_parses_cleanly_with_unique_ids_and_aware_dates(example: Path, name: str) -> None:
    feed = parse(example / name)
    assert feed.version == ("rss20" if name.endswith("feed.xml") else "atom10")
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    dates = [aware(text) for text in raw_dates(example / name)]
    assert dates, "a feed always says when it was last built"
    published = [aware(e.published) for e in feed.entries]
    assert published == sorted(published, reverse=True), "newest first"
    for entry in feed.entries:
        assert entry.title and entry.link and entry.summary


@pytest.mark.parametrize("name", FEEDS)
def test_every_entry_links_to_an_anchor_that_exists(example: Path, name: str) -> None:
    for entry in parse(example / name).entries:
        assert entry.id == entry.link, "the id is the permalink"
        fragment = entry.link.partition("#")[2]
        assert fragment, entry.link
        assert fragment in page_of(example, entry.link).ids, f"{entry.link}: no such anchor"


@pytest.mark.parametrize("folder", FOLDERS)
def test_self_link_and_channel_link(example: Path, folder: str) -> None:
    """feedgen uses the last link as RSS's <link>: the page must win over the feed itself."""
    channel = ET.parse(example / folder / "feed.xml").getroot().find("channel")
    assert channel is not None
    assert channel.findtext("link") == BASE + folder
    self_link = channel.find(ATOM + "link")
    assert self_link is not None and self_link.get("rel") == "self"
    assert self_link.get("href") == BASE + folder + "feed.xml"
    guids = channel.findall("item/guid")
    assert all(g.get("isPermaLink") == "true" and (g.text or "").startswith(BASE) for g in guids)

    atom = ET.parse(example / folder / "atom.xml").getroot()
    links = {link.get("rel"): link.get("href") for link in atom.findall(ATOM + "link")}
    assert links == {"self": BASE + folder + "atom.xml", "alternate": BASE + folder}
    assert atom.findtext(ATOM + "id") == BASE + folder + "atom.xml"


def test_feed_date_is_the_newest_entry_or_now(example: Path) -> None:
    rss = ET.parse(example / "feed.xml").getroot()
    newest = rss.find("channel/item/pubDate")
    assert newest is not None
    assert rss.findtext("channel/lastBuildDate") == newest.text
    assert ET.parse(example / "atom.xml").getroot().findtext(ATOM + "updated") == "2026-11-25T10:35:00+00:00"
    assert rss.findtext("channel/generator") == "statusgen", "feedgen's own generator tag names no version"


def test_a_feed_without_entries_is_dated_now(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(make_site(), out, now=NOW)
    feed = parse(out / "components/email/feed.xml")
    assert feed.entries == []
    channel = ET.parse(out / "components/email/feed.xml").getroot().find("channel")
    assert channel is not None and aware(channel.findtext("lastBuildDate") or "") == NOW


# -- what the entries say ------------------------------------------------------------------------


def test_one_entry_per_update_with_status_in_the_title(example: Path) -> None:
    entries = {e.id: e for e in parse(example / "feed.xml").entries}
    incident = BASE + "incidents/2026-11-20-api-latency/"
    titles = {n: entries[f"{incident}#update-{n}"].title for n in range(1, 6)}
    assert titles == {
        1: "[Investigating] Elevated API latency in eu-west",
        2: "[Identified] Elevated API latency in eu-west",
        3: "[Identified] Elevated API latency in eu-west (correction of update 2)",
        4: "[Monitoring] Elevated API latency in eu-west",
        5: "[Resolved] Elevated API latency in eu-west",
    }
    correction = entries[f"{incident}#update-3"]
    assert f'href="{incident}#update-2"' in correction.summary
    assert [t.term for t in correction.tags] == ["Public API"]  # RSS carries the label
    assert aware(correction.published) == dt.datetime(2026, 11, 20, 9, 5, tzinfo=dt.UTC)


def test_maintenance_commitments_and_postmortems_are_entries(example: Path) -> None:
    titles = [e.title for e in parse(example / "atom.xml").entries]
    assert "[Maintenance scheduled] PostgreSQL minor version upgrade (rescheduled)" in titles
    assert "[Commitment planned] A published calendar of database maintenance" in titles
    commitments = parse(example / "commitments/atom.xml").entries
    assert commitments and all(e.title.startswith("[Commitment ") for e in commitments)
    assert all("/commitments/" in e.link for e in commitments)


def test_postmortem_entry(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    out = tmp_path / "out"
    build(make_site(), out, now=NOW)
    entry = next(e for e in parse(out / "atom.xml").entries if e.id.endswith("#postmortem"))
    assert entry.title == "[Postmortem] API errors"
    assert aware(entry.published) == dt.datetime(2026, 11, 22, 11, tzinfo=dt.UTC)
    assert "A bad deploy." in entry.content[0].value
    assert BASE.replace("acme", "test") + "commitments/2026-11-22-canary-deploys/" in entry.content[0].value


@pytest.mark.parametrize("component", COMPONENTS)
def test_component_feeds_hold_only_their_component(example: Path, component: str) -> None:
    for entry in parse(example / f"components/{component}/atom.xml").entries:
        assert component in [t.term for t in entry.tags]


def test_entry_content_is_sanitised(make_site: Callable[..., Path], tmp_path: Path) -> None:
    body = '"<script>alert(1)</script><a href=\\"javascript:alert(2)\\" onclick=\\"x()\\">link</a> **bold**"'
    site = make_site({"incidents/2026-11-20-api-errors.yaml": (BASE_INCIDENT + UPDATE.format(body=body))})
    out = tmp_path / "out"
    build(site, out, now=NOW)
    for name in ("feed.xml", "atom.xml"):
        entry = next(e for e in parse(out / name).entries if e.id.endswith("#update-3"))
        raw = html.unescape((out / name).read_text(encoding="utf-8"))
        assert "<script" not in raw and "javascript:" not in raw and "onclick" not in raw
        assert "<strong>bold</strong>" in (entry.content[0].value if name == "atom.xml" else entry.summary)


# -- stable across rebuilds ----------------------------------------------------------------------

BASE_INCIDENT = """
title: API errors
impact: major
components: {api: partial_outage}
updates:
  - at: 2026-11-20T09:00:00+01:00
    status: investigating
    body: We are looking into errors on the API.
  - at: 2026-11-20T10:00:00+01:00
    status: resolved
    body: Fixed. The API returned errors for one hour.
"""


REBUILT = ["feed.xml", "atom.xml", "components/api/feed.xml", "components/api/atom.xml"]


@pytest.mark.parametrize("name", REBUILT, ids=["rss", "atom", "component-rss", "component-atom"])
def test_a_new_update_adds_exactly_one_entry_and_keeps_every_id(
        make_site: Callable[..., Path], tmp_path: Path, name: str) -> None:
    site = make_site({"incidents/2026-11-20-api-errors.yaml": BASE_INCIDENT})
    out = tmp_path / "out"
    build(site, out, now=NOW)
    before = entry_ids(out / name)
    (site / "incidents/2026-11-20-api-errors.yaml").write_text(
        BASE_INCIDENT.lstrip() + UPDATE.format(body="Errors began at 08:55, not 09:00.").lstrip("\n"),
        encoding="utf-8")
    build(site, out, now=NOW)
    after = entry_ids(out / name)
    new = BASE.replace("acme", "test") + "incidents/2026-11-20-api-errors/#update-3"
    assert len(after) == len(before) + 1 and new in after and new not in before
    assert [i for i in after if i != new] == before, "every other id is unchanged, in the same order"


def test_rebuilding_later_changes_no_feed_with_nothing_new(make_site: Callable[..., Path],
                                                            tmp_path: Path) -> None:
    site = make_site()
    build(site, tmp_path / "a", now=NOW)
    build(site, tmp_path / "b", now=NOW + dt.timedelta(hours=3))
    for name in ("feed.xml", "atom.xml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_updates_dated_after_now_wait_for_a_later_build(make_site: Callable[..., Path],
                                                         tmp_path: Path) -> None:
    site = make_site({"incidents/2026-11-20-api-errors.yaml": BASE_INCIDENT.replace(
        "2026-11-20T10:00:00+01:00", "2026-11-25T13:00:00+01:00")})
    build(site, tmp_path / "now", now=NOW)
    build(site, tmp_path / "later", now=NOW + dt.timedelta(hours=2))
    assert len(entry_ids(tmp_path / "later/feed.xml")) == len(entry_ids(tmp_path / "now/feed.xml")) + 1


def test_feed_entries_setting_limits_every_feed(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    build(site, tmp_path / "all", now=NOW)
    with (site / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("feed_entries: 2\n")
    build(site, tmp_path / "two", now=NOW)
    for name in ("feed.xml", "atom.xml"):
        everything = entry_ids(tmp_path / "all" / name)
        assert len(everything) > 2
        assert entry_ids(tmp_path / "two" / name) == everything[:2]


# -- pages link their feeds ----------------------------------------------------------------------


def test_every_page_links_the_site_feeds(example: Path) -> None:
    rss, atom = ("application/rss+xml", BASE + "feed.xml"), ("application/atom+xml", BASE + "atom.xml")
    for page in sorted(example.rglob("*.html")):
        parser = _Ids()
        parser.feed(page.read_text(encoding="utf-8"))
        assert rss in parser.alternates and atom in parser.alternates, page
        rel = page.relative_to(example).as_posix()
        if rel.startswith("components/"):
            folder = BASE + rel.rpartition("/")[0] + "/"
            assert parser.alternates[0] == ("application/rss+xml", folder + "feed.xml"), "its own feed first"
            assert ("application/atom+xml", folder + "atom.xml") in parser.alternates
        if rel.startswith("commitments/"):
            assert ("application/rss+xml", BASE + "commitments/feed.xml") in parser.alternates
        for _, href in parser.alternates:
            assert (example / href[len(BASE):]).is_file(), f"{page}: {href} was not built"


# -- the workaround of an open incident ----------------------------------------------------------

WORKAROUND_INCIDENT = """
title: API errors
impact: major
components: {api: partial_outage}
workaround: Retry with **backoff**.
updates:
  - at: 2026-11-25T09:00:00+01:00
    status: investigating
    body: We are looking into errors on the API.
  - at: 2026-11-25T10:00:00+01:00
    status: identified
    body: A bad deploy; rolling back.
  - at: 2026-11-25T11:00:00+01:00
    status: identified
    workaround: Use the eu-west endpoint until the rollback completes.
    body: Half of the regions are rolled back.
"""


def _entry_html(feed: Path, anchor: str) -> str:
    entry = next(e for e in parse(feed).entries if e.id.endswith(anchor))
    return str(entry.content[0].value)


def test_feed_entries_carry_the_workaround_of_an_open_incident(make_site: Callable[..., Path],
                                                               tmp_path: Path) -> None:
    """Who follows an incident by feed learns what to do now, as the page's reader does; the JSON says it too."""
    first_two, third = WORKAROUND_INCIDENT.split("  - at: 2026-11-25T11:00")
    site = make_site({"incidents/2026-11-25-api-errors.yaml": first_two})
    path = site / "incidents/2026-11-25-api-errors.yaml"
    out = tmp_path / "out"
    # After the second update: the workaround came with the first; the newest entry repeats it.
    build(site, out, now=NOW)
    feed = out / "incidents/2026-11-25-api-errors/atom.xml"
    first, newest = _entry_html(feed, "#update-1"), _entry_html(feed, "#update-2")
    assert "What you can do now, from this update on:" in first and "Retry with <strong>backoff</strong>" in first
    assert "What you can do now</strong>" in newest and "Retry with <strong>backoff</strong>" in newest
    # Our own JSON has it as a field; Statuspage's v2 has no field for it and stays as Statuspage's.
    native = json.loads((out / "api/statusgen.json").read_text(encoding="utf-8"))
    (incident,) = [i for i in native["incidents"] if i["id"] == "2026-11-25-api-errors"]
    assert incident["open"] and incident["workaround"] == "Retry with **backoff**."
    v2 = (out / "api/v2/incidents.json").read_text(encoding="utf-8")
    assert "workaround" not in v2 and "backoff" not in v2

    # A later update with a new workaround: its entry says so, the older ones no longer repeat the old one.
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-11-25T11:00" + third.lstrip("\n"),
                    encoding="utf-8")
    build(site, out, now=NOW)
    newest = _entry_html(feed, "#update-3")
    assert "from this update on:</strong>" in newest and "eu-west endpoint" in newest
    assert "backoff" not in newest and "backoff" not in _entry_html(feed, "#update-2")
    native = json.loads((out / "api/statusgen.json").read_text(encoding="utf-8"))
    (incident,) = [i for i in native["incidents"] if i["id"] == "2026-11-25-api-errors"]
    assert incident["workaround"] == "Use the eu-west endpoint until the rollback completes."
    assert "eu-west endpoint" in _entry_html(out / "components/api/atom.xml", "#update-3")

    # Resolved: the workaround is no longer repeated as standing advice.
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-11-25T11:30:00+01:00\n"
                    "    status: resolved\n    body: Fixed.\n", encoding="utf-8")
    build(site, out, now=NOW)
    assert "What you can do now" not in _entry_html(feed, "#update-4")

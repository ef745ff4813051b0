"""maintenance.ics read as calendar apps read it, and checked where parsers are lenient (RFC 5545)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from statusgen.build import build

from .conftest import EXAMPLE_SITE, NOW

CANCEL = """
  - at: 2026-11-25T09:00:00Z
    status: cancelled
    body: "Called off: the new release is not ready."
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("ics") / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    return (out / "maintenance.ics").read_bytes()


def events(raw: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))


def test_lines_end_in_crlf_and_fold_at_75_octets(example: bytes) -> None:
    assert example.endswith(b"\r\n")
    lines = example.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines), "no bare line feeds"
    assert max(len(line) for line in lines) <= 75


def test_calendar_properties(example: bytes) -> None:
    cal = icalendar.Calendar.from_ical(example)
    assert cal["VERSION"] == "2.0"
    assert str(cal["PRODID"]).startswith("-//statusgen//")
    assert cal["METHOD"] == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Acme Cloud Status: maintenance"
    assert cal["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)


def test_every_event_is_complete_and_in_utc(example: bytes) -> None:
    found = events(example)
    assert len(found) == 3
    for event in found:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "STATUS"):
            assert prop in event, f"{event.get('UID')}: no {prop}"
        for prop in ("DTSTAMP", "DTSTART", "DTEND", "CREATED", "LAST-MODIFIED"):
            assert event[prop].dt.utcoffset() == dt.timedelta(0)
        assert event["DTEND"].dt > event["DTSTART"].dt
        assert str(event["URL"]).startswith("https://status.acme.example/maintenance/")
    uids = [str(e["UID"]) for e in found]
    assert len(set(uids)) == len(uids)
    # All times are UTC, so the file needs (and has) no VTIMEZONE.
    assert b"TZID" not in example and b"VTIMEZONE" not in example


def test_window_status_and_description(example: bytes) -> None:
    by_uid = {str(e["UID"]): e for e in events(example)}
    upcoming = by_uid["maintenance-2026-12-02-postgres-upgrade@status.acme.example"]
    assert upcoming["DTSTART"].dt == dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)
    assert upcoming["DTEND"].dt == dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
    assert upcoming["STATUS"] == "CONFIRMED" and upcoming["TRANSP"] == "TRANSPARENT"
    assert upcoming["DTSTAMP"].dt == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)  # announced, not built
    description = str(upcoming["DESCRIPTION"])
    assert "Window: 2 Dec 2026, 01:00 CET – 04:00 CET (3 h)" in description  # as the page shows it
    assert "Affects: Managed databases (Under maintenance)" in description
    assert "pg_partman" in description
    cancelled = by_uid["maintenance-2026-11-18-postgres-upgrade@status.acme.example"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Cancelled: ")
    assert cancelled["SEQUENCE"] == 1


def test_uid_stays_and_sequence_grows_when_cancelled(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    build(site, tmp_path / "a", now=NOW)
    path = site / "maintenance" / "2026-12-01-db.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "updates:" + CANCEL, encoding="utf-8")
    build(site, tmp_path / "b", now=NOW)
    (before,), (after,) = events((tmp_path / "a/maintenance.ics").read_bytes()), events(
        (tmp_path / "b/maintenance.ics").read_bytes())
    assert before["UID"] == after["UID"] == "maintenance-2026-12-01-db@status.test.example"
    assert (before["STATUS"], after["STATUS"]) == ("CONFIRMED", "CANCELLED")
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTAMP"].dt > before["DTSTAMP"].dt
    assert "Called off" in str(after["DESCRIPTION"])


def test_same_bytes_for_a_later_build(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """Nothing in the file comes from the clock: calendars see no change when nothing changed."""
    site = make_site()
    build(site, tmp_path / "a", now=NOW)
    build(site, tmp_path / "b", now=NOW + dt.timedelta(days=1))
    assert (tmp_path / "a/maintenance.ics").read_bytes() == (tmp_path / "b/maintenance.ics").read_bytes()


def test_long_and_non_ascii_text_folds_within_octets(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": """
        title: Größere Wartung der Datenbank — «read-only» für zwei Stunden, bitte planen Sie entsprechend
        components: [web]
        announced_at: 2026-11-20T10:00:00Z
        starts_at: 2026-12-01T02:00:00Z
        ends_at: 2026-12-01T04:00:00Z
        body: Ünïcödé everywhere, with commas, semicolons; and backslashes \\ in a line longer than 75 octets.
    """})
    build(site, tmp_path / "out", now=NOW)
    raw = (tmp_path / "out/maintenance.ics").read_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    (event,) = events(raw)
    assert str(event["SUMMARY"]).startswith("Maintenance: Größere Wartung")
    assert re.search("semicolons; and backslashes \\\\ in", str(event["DESCRIPTION"]))


def test_a_rescheduled_event_moves_with_a_higher_sequence(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`statusgen reschedule`, then `statusgen cancel`: the same event, new times, then cancelled."""
    from click.testing import CliRunner

    from statusgen.cli import cli

    site = make_site()
    runner = CliRunner()

    def calendar(name: str) -> icalendar.Event:
        build(site, tmp_path / name, now=NOW)
        (event,) = events((tmp_path / name / "maintenance.ics").read_bytes())
        return event

    before = calendar("a")
    result = runner.invoke(cli, ["reschedule", "db", "--start", "2026-12-02 03:00", "--duration", "3h", "--body",
                                 "The vendor asked us to move it by a day.", "--site", str(site)],
                           env={"STATUSGEN_NOW": "2026-11-24 10:00"})
    assert result.exit_code == 0, result.output
    moved = calendar("b")
    assert moved["UID"] == before["UID"]
    assert moved["SEQUENCE"] > before["SEQUENCE"]
    assert (moved["DTSTART"].dt, moved["DTEND"].dt) == (dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC),
                                                        dt.datetime(2026, 12, 2, 5, 0, tzinfo=dt.UTC))
    assert moved["DTSTAMP"].dt > before["DTSTAMP"].dt and moved["LAST-MODIFIED"].dt == moved["DTSTAMP"].dt
    assert moved["STATUS"] == "CONFIRMED"
    assert "First announced for: 1 Dec 2026, 03:00 CET – 05:00 CET (2 h)" in str(moved["DESCRIPTION"])
    result = runner.invoke(cli, ["cancel", "db", "--body", "Not needed after all.", "--site", str(site)],
                           env={"STATUSGEN_NOW": "2026-11-24 11:00"})
    assert result.exit_code == 0, result.output
    cancelled = calendar("c")
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] > moved["SEQUENCE"]
    assert cancelled["DTSTART"].dt == moved["DTSTART"].dt

"""`statusgen list`: what is open, overdue and due, as a table on standard output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.authoring.table import span
from statusgen.cli import cli

from .conftest import EXAMPLE_SITE, NOW_TEXT

EXAMPLE_OPEN = """\
KIND         ID                                        STATE              WHEN                                                  TITLE
incident     2026-11-25-sso-sign-in-failures           identified, major  update by 12:35 (in 35m)                              Single sign-on (SAML) sign-in failing
maintenance  2026-12-02-postgres-upgrade               scheduled          starts 2026-12-02 01:00 (in 6d13h)                    PostgreSQL minor version upgrade (rescheduled)
commitment   2026-11-09-webhook-delivery-log           at_risk            due 2026-12-18 (in 23d12h); word by 2026-12-04 17:00  Webhook delivery log in the Dashboard
commitment   2026-11-17-database-maintenance-calendar  open               due 2026-12-15 (in 20d12h)                            A published calendar of database maintenance
commitment   2026-10-12-rebalancing-safeguards         open               due 2026-12-18 (in 23d12h)                            Hard limit for storage rebalancing
"""  # noqa: E501 - the table as printed

RECENT = """\
incident     2026-11-20-api-latency                    resolved, minor    resolved 2026-11-20 10:52                             Elevated API latency in eu-west
incident     2026-11-13-backup-restores-slow           resolved, minor    resolved 2026-11-13 18:10                             Slow database restores from backups
"""  # noqa: E501


def listing(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["list", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_open_items_of_the_example_site(runner: CliRunner) -> None:
    assert listing(runner, str(EXAMPLE_SITE), "--open", "--now", NOW_TEXT) == EXAMPLE_OPEN


def test_without_open_recent_items_follow_newest_first(runner: CliRunner) -> None:
    text = listing(runner, str(EXAMPLE_SITE), "--now", NOW_TEXT)
    lines = text.splitlines(keepends=True)
    assert lines[:2] == EXAMPLE_OPEN.splitlines(keepends=True)[:2]
    assert "".join(lines[2:4]) == RECENT
    assert "2026-11-18-postgres-upgrade               cancelled          was planned for 2026-11-18 01:00" in text


def test_overdue_update_and_running_maintenance(runner: CliRunner) -> None:
    text = listing(runner, str(EXAMPLE_SITE), "--open", "--now", "2026-12-02T02:00:00+01:00")
    assert "identified, major  update OVERDUE since 2026-11-25 12:35 (6d13h)" in text
    assert "2026-12-02-postgres-upgrade               in_progress        ends 04:00 (in 2h)" in text
    assert text.index("OVERDUE") < text.index("in_progress"), "incidents first, the most urgent at the top"


def test_broken_promise_and_overrun(runner: CliRunner, make_site: Callable[..., Path]) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": """
        title: Database upgrade
        components: [web]
        announced_at: 2026-11-20T10:00:00Z
        starts_at: 2026-12-01T02:00:00Z
        ends_at: 2026-12-01T04:00:00Z
        body: The website is read-only for up to two hours.
        updates:
          - {at: 2026-12-01T02:00:00Z, status: in_progress, body: Started.}
    """})
    text = listing(runner, str(site), "--open", "--now", "2026-12-16T12:00:00+01:00")
    assert [re.split(r"\s{2,}", line) for line in text.splitlines()[1:]] == [
        ["maintenance", "2026-12-01-db", "in_progress", "OVERRUN: planned to end 2026-12-01 05:00 (15d7h)",
         "Database upgrade"],
        ["commitment", "2026-11-22-canary-deploys", "BROKEN", "was due 2026-12-15 (12h ago); no new date given in "
         "time", "Canary deploys for the API"],
    ]


def test_nothing_open(runner: CliRunner, make_site: Callable[..., Path]) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": None, "commitments/2026-11-22-canary-deploys.yaml": None,
                      "incidents/2026-11-20-api-errors.yaml": """
        title: API errors
        impact: minor
        updates:
          - {at: 2026-11-20T09:00:00+01:00, status: resolved, body: Fixed after an hour of errors.}
    """})
    assert listing(runner, str(site), "--open", "--now", NOW_TEXT) == "Nothing is open.\n"
    assert listing(runner, str(site), "--now", "2027-01-01T00:00:00Z") == \
        "Nothing is open, and nothing happened in the last 14 days.\n"


def test_list_shows_what_check_fails_on(runner: CliRunner, make_site: Callable[..., Path]) -> None:
    """Maintenance that ended without a closing update, and a postmortem that is due: listed before check fails."""
    from statusgen.check.report import check_site
    from statusgen.timeutil import parse_time

    site = make_site({"commitments/2026-11-22-canary-deploys.yaml": None, "incidents/2026-11-20-api-errors.yaml": """
        title: API errors
        impact: major
        updates:
          - {at: 2026-11-20T09:00:00+01:00, status: resolved, body: From 08:00 to 09:00 the API failed.}
    """})
    text = listing(runner, str(site), "--open", "--now", "2026-11-23T12:00:00+01:00")
    assert [re.split(r"\s{2,}", line) for line in text.splitlines()[1:]] == [
        ["postmortem", "2026-11-20-api-errors", "due", "due by 2026-11-25 09:00 (in 1d21h)", "API errors"],
        ["maintenance", "2026-12-01-db", "scheduled", "starts 2026-12-01 03:00 (in 7d15h)", "Database upgrade"],
    ]
    later = "2026-12-01T06:00:00+01:00"
    text = listing(runner, str(site), "--open", "--now", later)
    assert [re.split(r"\s{2,}", line) for line in text.splitlines()[1:]] == [
        ["postmortem", "2026-11-20-api-errors", "OVERDUE", "OVERDUE since 2026-11-25 09:00 (5d21h)", "API errors"],
        ["maintenance", "2026-12-01-db", "not closed", "NOT CLOSED: ended 05:00 (1h); no update says completed",
         "Database upgrade"],
    ]
    failed = {(p.file.rpartition("/")[2], p.rule) for p in check_site(site, now=parse_time(later)).problems
              if str(p.severity) == "error"}
    assert failed == {("2026-11-20-api-errors.yaml", "postmortem-overdue"), ("2026-12-01-db.yaml",
                                                                             "maintenance-not-closed")}


def test_invalid_site_is_an_error(runner: CliRunner, make_site: Callable[..., Path]) -> None:
    site = make_site({"incidents/2026-11-20-api-errors.yaml": "title: [\n"})
    result = runner.invoke(cli, ["list", str(site)])
    assert result.exit_code == 1
    assert "YAML syntax error" in result.stderr


@pytest.mark.parametrize("minutes,text", [(0, "0m"), (35, "35m"), (60, "1h"), (125, "2h5m"), (1440, "1d"),
                                          (1500, "1d1h")])
def test_span(minutes: int, text: str) -> None:
    assert span(dt.timedelta(minutes=minutes)) == text

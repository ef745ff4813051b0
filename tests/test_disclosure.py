"""Legitimate changes are appended updates, made from the command line and disclosed on the page.

Each test writes with the real commands (as a support lead would), then builds the site and
reads what customers see: the change, when it was made, and what was first published.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusgen.build import build
from statusgen.cli import cli
from statusgen.content.loader import load_site, read_site
from statusgen.timeutil import parse_time
from statusgen.view import CommitmentState, derive

INCIDENT = "incidents/2026-11-25-login.yaml"
OPEN = """
    title: Login slow
    impact: minor
    components: {web: degraded_performance}
    updates:
      - {at: 2026-11-25T10:00:00+01:00, status: investigating, body: Logins are slow., next_update_in: 30m}
"""
T1, T2 = "2026-11-25 10:20", "2026-11-25 10:40"


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site({INCIDENT: OPEN})


def run(runner: CliRunner, site: Path, now: str, *args: str) -> Result:
    return runner.invoke(cli, [*args, "--site", str(site)], env={"STATUSGEN_NOW": now})


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def page(site: Path, tmp_path: Path, rel: str, now: str = "2026-11-25T11:00:00+01:00") -> str:
    out = tmp_path / "public"
    build(site, out, now=parse_time(now), jobs=1)
    return (out / rel / "index.html").read_text(encoding="utf-8")


# -- incidents: impact, title, workaround ----------------------------------------------------------------------


def test_impact_title_and_workaround_change_with_an_update(runner: CliRunner, site: Path, tmp_path: Path) -> None:
    ok(run(runner, site, T1, "update", "login", "--status", "identified", "--impact", "major", "--title",
           "Login failing", "--workaround", "Use an API token.", "--body", "Most logins now fail."))
    text = (site / INCIDENT).read_text(encoding="utf-8")
    assert text.startswith("title: Login slow\nimpact: minor\n"), "what was published stays as it was"
    assert ("    status: identified\n    title: Login failing\n    impact: major\n    workaround: Use an API token.\n"
            "    body: Most logins now fail.\n") in text
    view = derive(load_site(site), parse_time("2026-11-25T11:00:00+01:00"))
    (incident,) = view.open_incidents
    assert (incident.title, incident.impact.value, incident.workaround) == ("Login failing", "major",
                                                                            "Use an API token.")
    assert view.indicator.key == "major", "the overall status follows the impact now"
    html = page(site, tmp_path, "incidents/2026-11-25-login")
    assert "<h1>Login failing</h1>" in html
    assert "First published as “Login slow”." in html
    assert "Impact raised from minor to major at" in html
    assert "Use an API token." in html
    home = (tmp_path / "public/index.html").read_text(encoding="utf-8")
    assert "Login failing" in home and "Use an API token." in home


def test_a_postmortem_once_owed_stays_owed(runner: CliRunner, site: Path) -> None:
    ok(run(runner, site, T1, "update", "login", "--impact", "major", "--body", "Worse than we thought."))
    ok(run(runner, site, T2, "update", "login", "--impact", "minor", "--status", "resolved",
           "--body", "Fixed. From 10:00 to 10:40 logins were slow."))
    (incident,) = [v for v in derive(load_site(site), parse_time("2026-12-01T00:00:00Z")).incidents
                   if v.id == "2026-11-25-login"]
    assert incident.impact.value == "minor" and incident.peak_impact.value == "major"
    assert incident.postmortem_overdue, "lowering the impact does not remove the postmortem it owed"


# -- corrections keep the course ---------------------------------------------------------------------------------


def test_a_correction_keeps_the_standing_promise(runner: CliRunner, site: Path) -> None:
    ok(run(runner, site, T1, "update", "login", "--corrects", "1", "--body", "It is the dashboard login, not the "
           "API."))
    (incident,) = derive(load_site(site), parse_time("2026-11-25T10:25:00+01:00")).open_incidents
    assert incident.next_update_by == parse_time("2026-11-25T10:30:00+01:00"), "the 30m promise of update 1 stands"
    assert incident.pacing.number == 1
    (late,) = derive(load_site(site), parse_time("2026-11-25T10:31:00+01:00")).open_incidents
    assert late.overdue


@pytest.mark.parametrize("args,message", [
    (["--status", "resolved"], "--status: a correction cannot change the status (investigating)"),
    (["--next-in", "1h"], "a correction does not move the next update"),
])
def test_a_correction_cannot_change_the_status_or_the_promise(runner: CliRunner, site: Path, args: list[str],
                                                               message: str) -> None:
    before = (site / INCIDENT).read_bytes()
    result = run(runner, site, T1, "update", "login", "--corrects", "1", *args, "--body", "Correction.")
    assert result.exit_code == 2 and message in result.stderr
    assert (site / INCIDENT).read_bytes() == before


@pytest.mark.parametrize("update,message", [
    ("{at: 2026-11-25T10:20:00+01:00, corrects: 1, status: resolved, body: Fixed.}",
     "update 2 is a correction and changes the status from investigating to resolved"),
    ("{at: 2026-11-25T10:20:00+01:00, corrects: 1, next_update_in: 2h, body: Correction.}",
     "update 2 is a correction and promises the next update"),
])
def test_the_file_format_holds_corrections_to_the_same_rules(make_site: Callable[..., Path], update: str,
                                                             message: str) -> None:
    site = make_site({INCIDENT: OPEN + f"      - {update}\n"})
    content, problems = read_site(site)
    assert content is None
    assert [p.message for p in problems] == [message]


# -- maintenance: reschedule and cancel ------------------------------------------------------------------------


def test_reschedule_shows_the_first_and_the_new_window(runner: CliRunner, site: Path, tmp_path: Path) -> None:
    out = ok(run(runner, site, "2026-11-24 10:00", "reschedule", "db", "--start", "2026-12-02 03:00", "--body",
                 "The database vendor asked for a day more."))
    assert "now 2026-12-02 03:00 to 2026-12-02 05:00, was 2026-12-01 03:00 to 2026-12-01 05:00" in out
    text = (site / "maintenance/2026-12-01-db.yaml").read_text(encoding="utf-8")
    assert "starts_at: 2026-12-01T02:00:00Z\nends_at: 2026-12-01T04:00:00Z\n" in text, "the announcement stays"
    assert ("  - at: 2026-11-24T10:00:00+01:00\n    status: scheduled\n    starts_at: 2026-12-02T03:00:00+01:00\n"
            "    ends_at: 2026-12-02T05:00:00+01:00\n") in text
    html = page(site, tmp_path, "maintenance/2026-12-01-db")
    assert "First announced for" in html
    assert "Changes to the window" in html
    assert "moved from" in html and "with 7 days 17 h notice" in html
    assert "New window:" in html
    (view,) = derive(load_site(site), parse_time("2026-12-01T04:00:00+01:00")).maintenance
    assert view.status.value == "scheduled", "the clock follows the new window"


@pytest.mark.parametrize("args,now,message,code", [
    (["--start", "2026-11-20 10:00"], "2026-11-24 10:00", "is not in the future", 2),
    (["--start", "2026-12-01 03:00"], "2026-11-24 10:00", "is already planned from", 2),
    (["--end", "2026-12-01 02:00"], "2026-11-24 10:00", "the window must end after it starts", 2),
    ([], "2026-11-24 10:00", "give the new window", 2),
])
def test_reschedule_refuses(runner: CliRunner, site: Path, args: list[str], now: str, message: str,
                            code: int) -> None:
    result = run(runner, site, now, "reschedule", "db", *args, "--body", "Moved.")
    assert result.exit_code == code and message in result.stderr


def test_cancel_and_then_nothing_more_to_change(runner: CliRunner, site: Path, tmp_path: Path) -> None:
    ok(run(runner, site, "2026-11-24 10:00", "cancel", "db", "--body", "Not needed after all."))
    assert "This maintenance was cancelled." in page(site, tmp_path, "maintenance/2026-12-01-db")
    for command in (["cancel", "db"], ["reschedule", "db", "--duration", "3h"]):
        result = run(runner, site, "2026-11-24 11:00", *command, "--body", "Again.")
        assert result.exit_code == 1 and "was cancelled" in result.stderr


# -- postmortems: written once, then revised ---------------------------------------------------------------------


def test_postmortem_then_revisions(runner: CliRunner, make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    text = (site / "incidents/2026-11-20-api-errors.yaml").read_text(encoding="utf-8")
    (site / "incidents/2026-11-20-api-errors.yaml").write_text(text[:text.index("postmortem:")], encoding="utf-8")
    out = ok(run(runner, site, "2026-11-22 12:00", "postmortem", "api-errors", "--body", "## What happened\n\nA "
                 "bad deploy.", "--action", "canary-deploys"))
    assert "Wrote the postmortem" in out
    assert ok(run(runner, site, "2026-11-23 09:00", "postmortem", "api-errors", "--body",
                  "We found a second cause: a stale cache.")).startswith("Added revision 1")
    text = (site / "incidents/2026-11-20-api-errors.yaml").read_text(encoding="utf-8")
    assert text.endswith("postmortem:\n  published_at: 2026-11-22T12:00:00+01:00\n  body: |\n    ## What happened\n\n"
                         "    A bad deploy.\n  actions: [2026-11-22-canary-deploys]\n  revisions:\n"
                         "    - at: 2026-11-23T09:00:00+01:00\n      body: |\n"
                         "        We found a second cause: a stale cache.\n")
    html = page(site, tmp_path, "incidents/2026-11-20-api-errors")
    assert 'id="postmortem-revision-1"' in html and "Revision 1, published" in html
    assert "the postmortem above is unchanged" in html
    feed = (tmp_path / "public/feed.xml").read_text(encoding="utf-8")
    assert "[Postmortem revised] API errors" in feed


def test_postmortem_refuses(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, T1, "postmortem", "login", "--body", "Too early.")
    assert result.exit_code == 1 and "is not resolved" in result.stderr
    result = run(runner, site, T1, "postmortem", "api-errors", "--body", "Again.", "--action", "canary-deploys")
    assert result.exit_code == 2 and "the postmortem already lists 2026-11-22-canary-deploys" in result.stderr
    result = run(runner, site, T1, "postmortem", "api-errors", "--body", "Again.", "--action", "nope")
    assert result.exit_code == 2 and "no commitment 'nope'" in result.stderr


# -- commitments: scope ------------------------------------------------------------------------------------------


def test_a_reduced_scope_is_judged_against_the_first_promise(runner: CliRunner, site: Path,
                                                             tmp_path: Path) -> None:
    ok(run(runner, site, "2026-11-23 10:00", "update", "canary-deploys", "--scope", "reduced", "--title",
           "Canary deploys for the public API", "--body", "Internal endpoints are left out."))
    ok(run(runner, site, "2026-11-24 10:00", "deliver", "canary-deploys", "--body", "Done."))
    view = derive(load_site(site), parse_time("2026-11-25T11:00:00+01:00"))
    (commitment,) = view.commitments
    assert commitment.state is CommitmentState.REDUCED, "delivered by the date, but not what was first promised"
    assert view.ledger.reduced == 1 and view.ledger.kept == 0
    html = page(site, tmp_path, "commitments/2026-11-22-canary-deploys")
    assert "<h1>Canary deploys for the public API</h1>" in html
    assert "First promised as “Canary deploys for the API”." in html
    assert "with a reduced scope." in html and "scope reduced</strong>" in html
    ledger = (tmp_path / "public/commitments/index.html").read_text(encoding="utf-8")
    assert "delivered with reduced scope" in ledger and "Kept in part" in ledger


@pytest.mark.parametrize("args,message", [
    (["update", "login", "--scope", "reduced"], "--scope: not available for incidents"),
    (["update", "db", "--impact", "major"], "--impact: not available for maintenance"),
    (["update", "canary-deploys", "--impact", "major"], "--impact: not available for commitments"),
])
def test_options_that_do_not_fit_the_kind(runner: CliRunner, site: Path, args: list[str], message: str) -> None:
    result = run(runner, site, T1, *args, "--body", "Text.")
    assert result.exit_code == 2 and message in result.stderr


def test_expect_says_since_when_the_policy_applies(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8")
                                    + "policy: {since: 2026-11-01T00:00:00+01:00}\n", encoding="utf-8")
    html = page(site, tmp_path, "expect")
    assert 'This policy applies since <time datetime="2026-11-01">1 Nov 2026</time>.' in html

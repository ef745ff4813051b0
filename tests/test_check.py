"""`statusgen check`: one test per rule, each with a site that breaks exactly that rule and one that
sits right at its limit and passes; then the loader's own problems, and the three output formats.

Every site starts from tests/base-site, which is clean at NOW (checked first).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.check.report import check_site
from statusgen.cli import cli
from statusgen.timeutil import parse_time

from .conftest import BASE_SITE, NOW, NOW_TEXT, TESTS

Found = list[tuple[str, str, str, str]]
Check = Callable[..., Found]


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Check:
    """Return ``check(files, now=...)``: write a site over tests/base-site and return what check finds.

    Each call gets a fresh site, so one test can check a breaking site and one at the limit.
    Problems come back as (file:line:col, severity, rule, message), in report order.
    """
    made = iter(range(1000))

    def run(files: dict[str, str | None] | None = None, now: str = NOW_TEXT) -> Found:
        site = tmp_path / f"site{next(made)}"
        shutil.copytree(BASE_SITE, site)
        for rel, text in (files or {}).items():
            if text is None:
                (site / rel).unlink()
            else:
                (site / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        monkeypatch.chdir(site)
        result = check_site(Path("."), now=parse_time(now))
        assert all(p.hint for p in result.problems), "every problem says how to fix it"
        return [(p.location, str(p.severity), p.rule, p.message) for p in result.problems]

    return run


def test_the_base_site_is_clean(check: Check) -> None:
    assert check() == []


# -- incidents -----------------------------------------------------------------------------------

OPEN = """
title: Sign-in failures
impact: {impact}
components: {{web: partial_outage}}
started_at: 2026-11-25T10:40:00+01:00
updates:
  - at: 2026-11-25T10:52:00+01:00
    status: investigating
    body: Some customers cannot sign in.
  - at: 2026-11-25T11:00:00+01:00
    status: identified
    body: An expired certificate.
    {promise}
"""
LOGIN = "incidents/2026-11-25-login.yaml"


def test_incident_silent_longer_than_policy(check: Check) -> None:
    files = {LOGIN: OPEN.format(impact="major", promise="")}
    assert check(files, now="2026-11-25T12:00:00+01:00") == []  # 1 h after the last update: the limit
    assert check(files, now="2026-11-25T12:01:00+01:00") == [(
        f"{LOGIN}:9:5", "error", "incident-silent",
        "no update for 1 h 1 min: the policy allows 1 h between updates of a major incident, so the next one "
        "was due by 25 Nov 2026, 12:00 CET",
    )]


def test_incident_silence_follows_the_impact(check: Check) -> None:
    files = {LOGIN: OPEN.format(impact="critical", promise="")}
    assert check(files, now="2026-11-25T11:30:00+01:00") == []
    assert [f[2] for f in check(files, now="2026-11-25T11:31:00+01:00")] == ["incident-silent"]


def test_incident_promise_missed(check: Check) -> None:
    files = {LOGIN: OPEN.format(impact="major", promise="next_update_in: 30m")}
    assert check(files, now="2026-11-25T11:30:00+01:00") == []
    assert check(files, now="2026-11-25T11:45:00+01:00") == [(
        f"{LOGIN}:9:5", "error", "incident-promise-missed",
        "update 2 promised the next update by 25 Nov 2026, 11:30 CET, 15 min ago",
    )]


def test_incident_promise_beyond_policy(check: Check) -> None:
    now = "2026-11-25T11:30:00+01:00"
    assert check({LOGIN: OPEN.format(impact="major", promise="next_update_in: 1h")}, now=now) == []
    assert check({LOGIN: OPEN.format(impact="major", promise="next_update_in: 2h")}, now=now) == [(
        f"{LOGIN}:9:5", "warning", "incident-promise-beyond-policy",
        "update 2 promises the next update 2 h after it was posted; the policy promises customers one at "
        "least every 1 h for a major incident",
    )]


def test_resolved_incident_is_never_silent(check: Check) -> None:
    """A missed promise on a resolved incident is history: the figures count it, check does not fail."""
    files = {LOGIN: OPEN.format(impact="major", promise="next_update_in: 30m") + """
  - at: 2026-11-25T11:50:00+01:00
    status: resolved
    body: From 10:40 to 11:45 some customers could not sign in.
"""}
    assert check(files, now="2026-11-26T12:00:00+01:00") == []


@pytest.mark.parametrize("body,missing", [
    ("Fixed.", "how long it lasted or what was affected"),
    ("Fixed at 10:00.", "what was affected"),
    ("Errors on the API are gone.", "how long it lasted"),
])
def test_incident_resolved_without_summary(check: Check, body: str, missing: str) -> None:
    incident = (BASE_SITE / "incidents/2026-11-20-api-errors.yaml").read_text(encoding="utf-8")
    assert "body: Fixed. The API returned errors for one hour." in incident  # at the limit: both, briefly
    found = check({"incidents/2026-11-20-api-errors.yaml": incident.replace(
        "Fixed. The API returned errors for one hour.", body)})
    assert found == [(
        "incidents/2026-11-20-api-errors.yaml:8:5", "warning", "incident-no-summary",
        f"the resolved incident ends without a summary: its last update does not say {missing}",
    )]


def test_incident_summary_may_come_in_a_later_resolved_update(check: Check) -> None:
    incident = (BASE_SITE / "incidents/2026-11-20-api-errors.yaml").read_text(encoding="utf-8")
    incident = incident.replace("Fixed. The API returned errors for one hour.", "Fixed.").replace(
        "postmortem:", "  - {at: 2026-11-20T12:00:00+01:00, status: resolved, body: 'From 09:00 to 10:00 the API "
        "failed.'}\npostmortem:")
    assert check({"incidents/2026-11-20-api-errors.yaml": incident}) == []


# -- times ---------------------------------------------------------------------------------------


def test_update_dated_in_the_future(check: Check) -> None:
    files = {LOGIN: OPEN.format(impact="major", promise="")}
    assert check(files, now="2026-11-25T11:00:00+01:00") == []  # posted this very minute
    assert check(files, now="2026-11-25T10:55:00+01:00") == [(
        f"{LOGIN}:9:5", "error", "future-dated",
        "update 2 is dated in the future: 25 Nov 2026, 11:00 CET is 5 min from now",
    )]


@pytest.mark.parametrize("rel,old,new,message", [
    ("incidents/2026-11-20-api-errors.yaml", "  published_at: 2026-11-22T12:00:00+01:00",
     "  published_at: 2026-11-25T12:30:00+01:00",
     ("incidents/2026-11-20-api-errors.yaml:11:1", "the postmortem is dated in the future: 25 Nov 2026, 12:30 CET "
      "is 30 min from now")),
    ("maintenance/2026-12-01-db.yaml", "announced_at: 2026-11-20T10:00:00Z", "announced_at: 2026-11-25T11:30:00Z",
     ("maintenance/2026-12-01-db.yaml:3:1", "the announcement is dated in the future: 25 Nov 2026, 12:30 CET is "
      "30 min from now")),
    ("commitments/2026-11-22-canary-deploys.yaml", "made_at: 2026-11-22T12:00:00+01:00",
     "made_at: 2026-11-25T12:30:00+01:00",
     ("commitments/2026-11-22-canary-deploys.yaml:2:1", "the promise is dated in the future: 25 Nov 2026, 12:30 "
      "CET is 30 min from now")),
], ids=["postmortem", "maintenance", "commitment"])
def test_announcements_dated_in_the_future(check: Check, rel: str, old: str, new: str,
                                           message: tuple[str, str]) -> None:
    text = (BASE_SITE / rel).read_text(encoding="utf-8")
    assert old in text
    assert check({rel: text.replace(old, new)}, now="2026-11-25T12:30:00+01:00") == []
    assert check({rel: text.replace(old, new)}) == [(message[0], "error", "future-dated", message[1])]


def test_backfilled_update_is_judged_by_when_it_was_posted(check: Check) -> None:
    files = {LOGIN: OPEN.format(impact="major", promise="posted_at: 2026-11-25T11:40:00+01:00")}
    assert check(files, now="2026-11-25T11:40:00+01:00") == []
    assert check(files, now="2026-11-25T11:39:00+01:00") == [(
        f"{LOGIN}:9:5", "error", "future-dated",
        "update 2 is dated in the future: 25 Nov 2026, 11:40 CET is 1 min from now",
    )]
    # Its silence counts from when it was posted, not from the time it describes.
    assert check(files, now="2026-11-25T12:40:00+01:00") == []
    assert [f[2] for f in check(files, now="2026-11-25T12:41:00+01:00")] == ["incident-silent"]


# -- commitments -----------------------------------------------------------------------------------

STATUS_EMAILS = "commitments/2026-11-24-status-emails.yaml"
PROMISE = """
title: Email subscriptions to this page
made_at: 2026-11-01T12:00:00+01:00
due: {due}
body: You will be able to subscribe to updates by email.
updates:
{updates}
"""
IN_PROGRESS = "  - {at: 2026-11-10T12:00:00+01:00, status: in_progress, body: We have started.}"


def test_commitment_broken(check: Check) -> None:
    files = {STATUS_EMAILS: PROMISE.format(due="2026-11-30", updates=IN_PROGRESS)}
    # A date is due at the end of that day in the site's zone.
    assert check(files, now="2026-12-01T00:00:00+01:00") == []
    assert check(files, now="2026-12-01T00:00:01+01:00") == [(
        f"{STATUS_EMAILS}:3:1", "error", "commitment-broken",
        "broken promise: it was due 30 Nov 2026 and is neither delivered nor given a new date",
    )]


def test_commitment_broken_points_at_the_update_that_moved_it(check: Check) -> None:
    moved = IN_PROGRESS + "\n  - {at: 2026-11-20T12:00:00+01:00, status: at_risk, due: 2026-11-24, body: Late.}"
    assert check({STATUS_EMAILS: PROMISE.format(due="2026-11-21", updates=moved)}) == [(
        f"{STATUS_EMAILS}:7:5", "error", "commitment-broken",
        "broken promise: it was due 24 Nov 2026 and is neither delivered nor given a new date",
    )]


def test_commitment_delivered_or_withdrawn_is_never_broken(check: Check) -> None:
    for update in ("  - {at: 2026-12-01T00:10:00+01:00, status: delivered, body: Delivered.}",
                   "  - {at: 2026-11-20T12:00:00+01:00, status: withdrawn, body: We chose another way.}"):
        assert check({STATUS_EMAILS: PROMISE.format(due="2026-11-30", updates=update)},
                     now="2026-12-01T00:30:00+01:00") == []


def test_commitment_redated_after_the_date_passed(check: Check) -> None:
    def redated(at: str) -> dict[str, str]:
        return {STATUS_EMAILS: PROMISE.format(due="2026-11-20", updates=(
            f"  - {{at: {at}, status: at_risk, due: 2026-12-20, body: Our vendor is late.}}"))}

    assert check(redated("2026-11-21T00:00:00+01:00")) == []  # the very end of Nov 20: still in time
    assert check(redated("2026-11-21T00:00:01+01:00")) == [(
        f"{STATUS_EMAILS}:6:5", "warning", "commitment-redated-late",
        "broken promise: the new date was announced only after the old one (20 Nov 2026) had passed; the page "
        "shows it as broken until it is delivered",
    )]


def test_commitment_due_soon_still_planned(check: Check) -> None:
    files = {STATUS_EMAILS: PROMISE.format(due="2026-11-28", updates="  []")}
    assert check(files, now="2026-11-26T00:00:00+01:00") == []  # exactly 3 days left
    assert check(files, now="2026-11-26T01:00:00+01:00") == [(
        f"{STATUS_EMAILS}:3:1", "warning", "commitment-due-soon",
        "due 28 Nov 2026, in 2 days 23 h, and still planned: customers have heard nothing about progress",
    )]
    # Any word on progress is enough.
    started = {STATUS_EMAILS: PROMISE.format(due="2026-11-28", updates=IN_PROGRESS)}
    assert check(started, now="2026-11-26T01:00:00+01:00") == []


def test_commitment_update_promise_missed(check: Check) -> None:
    files = {STATUS_EMAILS: PROMISE.format(due="2026-12-20", updates=(
        "  - {at: 2026-11-20T12:00:00+01:00, status: at_risk, body: A vendor delay., "
        "next_update_by: 2026-11-25T11:00:00+01:00}"))}
    assert check(files, now="2026-11-25T11:00:00+01:00") == []
    assert check(files) == [(
        f"{STATUS_EMAILS}:6:5", "error", "commitment-update-overdue",
        "update 1 promised the next word on this commitment by 25 Nov 2026, 11:00 CET, 1 h ago",
    )]


def test_commitment_withdrawn_without_a_reason(check: Check) -> None:
    """The loader refuses it on every build; check reports it as a content error with the others."""
    assert check({STATUS_EMAILS: PROMISE.format(due="2026-12-20", updates=(
        "  - {at: 2026-11-20T12:00:00+01:00, status: withdrawn, body: We chose another way.}"))}) == []
    assert check({STATUS_EMAILS: PROMISE.format(due="2026-12-20", updates=(
        "  - {at: 2026-11-20T12:00:00+01:00, status: withdrawn}"))}) == [(
        f"{STATUS_EMAILS}:6:5", "error", "", "withdrawing a commitment needs a reason in `body`",
    )]


# -- maintenance ---------------------------------------------------------------------------------

DB = "maintenance/2026-12-01-db.yaml"
WINDOW = """
title: Database upgrade
components: [web]
announced_at: {announced}
starts_at: 2026-11-27T12:00:00+01:00
ends_at: 2026-11-27T14:00:00+01:00
body: The website is read-only for up to two hours.
"""


def test_maintenance_short_notice(check: Check) -> None:
    assert check({DB: WINDOW.format(announced="2026-11-24T12:00:00+01:00")}) == []  # exactly 72 h
    assert check({DB: WINDOW.format(announced="2026-11-24T12:01:00+01:00")}) == [(
        f"{DB}:3:1", "warning", "maintenance-short-notice",
        "announced 2 days 23 h before it starts; the policy promises at least 3 days of notice",
    )]


def test_short_notice_follows_the_policy(check: Check) -> None:
    site_yaml = (BASE_SITE / "site.yaml").read_text(encoding="utf-8") + "policy: {maintenance_notice: 24h}\n"
    assert check({DB: WINDOW.format(announced="2026-11-24T12:01:00+01:00"), "site.yaml": site_yaml}) == []


def test_maintenance_not_closed(check: Check) -> None:
    assert check(now="2026-12-01T04:00:00Z") == []
    assert check(now="2026-12-01T04:30:00Z") == [(
        f"{DB}:5:1", "error", "maintenance-not-closed",
        "the window ended 30 min ago (1 Dec 2026, 05:00 CET) and no update says it is completed or cancelled",
    )]
    base = (BASE_SITE / DB).read_text(encoding="utf-8")
    for status in ("completed", "cancelled"):
        closed = base + f"updates:\n  - {{at: 2026-12-01T03:50:00Z, status: {status}, body: Done.}}\n"
        assert check({DB: closed}, now="2026-12-01T04:30:00Z") == []


def test_maintenance_overrun_with_updates(check: Check) -> None:
    base = (BASE_SITE / DB).read_text(encoding="utf-8") + (
        "updates:\n"
        "  - {at: 2026-12-01T02:00:00Z, status: in_progress, body: Started.}\n"
        "  - {at: 2026-12-01T04:05:00Z, status: in_progress, body: It takes longer; done by 05:00 UTC.}\n")
    done = base + "  - {at: 2026-12-01T04:20:00Z, status: completed, body: Done.}\n"
    assert check({DB: done}, now="2026-12-01T04:30:00Z") == []
    assert check({DB: base}, now="2026-12-01T04:30:00Z") == [(
        f"{DB}:9:5", "warning", "maintenance-overrun",
        "overrunning: the window ended 30 min ago (1 Dec 2026, 05:00 CET) and it is still not completed",
    )]


# -- postmortems ---------------------------------------------------------------------------------

API_ERRORS = "incidents/2026-11-20-api-errors.yaml"


def test_postmortem_overdue(check: Check) -> None:
    incident = (BASE_SITE / API_ERRORS).read_text(encoding="utf-8").split("postmortem:")[0]
    files = {API_ERRORS: incident, "commitments/2026-11-22-canary-deploys.yaml": None}
    assert check(files, now="2026-11-25T10:00:00+01:00") == []  # resolved at 10:00, 5 days ago
    assert check(files, now="2026-11-25T10:00:01+01:00") == [(
        f"{API_ERRORS}:8:5", "error", "postmortem-overdue",
        "no postmortem: the policy promises one within 5 days of resolving a major incident, so it was due by "
        "25 Nov 2026, 10:00 CET",
    )]
    # Minor incidents need none.
    assert check({**files, API_ERRORS: incident.replace("impact: major", "impact: minor")}) == []


def test_postmortem_action_late(check: Check) -> None:
    """An action past due is an error in its own file and a warning where the postmortem names it."""
    canary = (BASE_SITE / "commitments/2026-11-22-canary-deploys.yaml").read_text(encoding="utf-8") + (
        "updates:\n  - {at: 2026-11-23T12:00:00+01:00, status: in_progress, body: Started.}\n")
    closed = (BASE_SITE / DB).read_text(encoding="utf-8") + (
        "updates:\n  - {at: 2026-12-01T03:50:00Z, status: completed, body: Done.}\n")
    files = {"commitments/2026-11-22-canary-deploys.yaml": canary, DB: closed}
    assert check(files, now="2026-12-16T00:00:00+01:00") == []
    assert check(files, now="2026-12-16T00:00:01+01:00") == [
        ("commitments/2026-11-22-canary-deploys.yaml:3:1", "error", "commitment-broken",
         "broken promise: it was due 15 Dec 2026 and is neither delivered nor given a new date"),
        (f"{API_ERRORS}:11:1", "warning", "postmortem-action-late",
         "postmortem action '2026-11-22-canary-deploys' is past its due date (15 Dec 2026) and not delivered"),
    ]


# -- the loader's problems, reported by check too ---------------------------------------------------


@pytest.mark.parametrize("case", ["incident-updates-out-of-order", "incident-update-before-start",
                                  "commitment-withdrawn-no-reason", "incident-posted-before-at"])
def test_check_reports_what_build_refuses(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          runner: CliRunner) -> None:
    """The same messages as `build` (tests/bad/), then check's verdict instead of build's."""
    site = tmp_path / "site"
    shutil.copytree(BASE_SITE, site)
    folder = {"incident": "incidents", "commitment": "commitments"}[case.split("-", 1)[0]]
    shutil.copyfile(TESTS / "bad" / f"{case}.yaml", site / folder / f"{case}.yaml")
    monkeypatch.chdir(site)
    result = runner.invoke(cli, ["check", ".", "--now", NOW_TEXT])
    assert result.exit_code == 1
    expected = (TESTS / "bad" / f"{case}.expected").read_text(encoding="utf-8").splitlines(keepends=True)
    assert expected[-1].endswith("nothing was written.\n")
    assert result.stderr == "".join(expected[:-1]) + (
        "1 error as of 2026-11-25T12:00:00+01:00; fix the content errors first: the rules about silence and "
        "promises need a site that loads.\n")


# -- output formats, exit status --------------------------------------------------------------------

TWO_PROBLEMS = {
    LOGIN: OPEN.format(impact="major", promise="next_update_in: 30m"),
    DB: WINDOW.format(announced="2026-11-24T12:01:00+01:00"),
}
AT = "2026-11-25T11:45:00+01:00"


@pytest.fixture
def two_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    shutil.copytree(BASE_SITE, site)
    for rel, text in TWO_PROBLEMS.items():
        (site / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    monkeypatch.chdir(site)
    return site


def test_text_format(two_problems: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "--now", AT])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "incidents/2026-11-25-login.yaml:9:5: update 2 promised the next update by 25 Nov 2026, 11:30 CET, "
        "15 min ago\n"
        "      - at: 2026-11-25T11:00:00+01:00\n"
        "        ^\n"
        "  hint: post an update now, even if nothing changed, and say when the next one will come "
        "(next_update_in)\n"
        "maintenance/2026-12-01-db.yaml:3:1: warning: announced 2 days 23 h before it starts; the policy promises "
        "at least 3 days of notice\n"
        "    announced_at: 2026-11-24T12:01:00+01:00\n"
        "    ^\n"
        "  hint: if it can wait, move it to start at 27 Nov 2026, 12:01 CET or later; if it cannot, say in the "
        "body why\n"
        "1 error and 1 warning as of 2026-11-25T11:45:00+01:00.\n"
    )


def test_json_format(two_problems: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", ".", "--now", AT, "--format", "json"])
    assert result.exit_code == 1
    assert result.stderr == "1 error and 1 warning as of 2026-11-25T11:45:00+01:00.\n"
    assert json.loads(result.stdout) == {
        "now": "2026-11-25T11:45:00+01:00",
        "since": None,
        "errors": 1,
        "warnings": 1,
        "problems": [
            {"file": "incidents/2026-11-25-login.yaml", "line": 9, "column": 5, "severity": "error",
             "rule": "incident-promise-missed",
             "message": "update 2 promised the next update by 25 Nov 2026, 11:30 CET, 15 min ago",
             "hint": "post an update now, even if nothing changed, and say when the next one will come "
                     "(next_update_in)"},
            {"file": "maintenance/2026-12-01-db.yaml", "line": 3, "column": 1, "severity": "warning",
             "rule": "maintenance-short-notice",
             "message": "announced 2 days 23 h before it starts; the policy promises at least 3 days of notice",
             "hint": "if it can wait, move it to start at 27 Nov 2026, 12:01 CET or later; if it cannot, say in "
                     "the body why"},
        ],
    }


def test_github_format(two_problems: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", ".", "--now", AT, "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=incidents/2026-11-25-login.yaml,line=9,col=5,title=statusgen incident-promise-missed::"
        "update 2 promised the next update by 25 Nov 2026, 11:30 CET, 15 min ago%0Afix: post an update now, even "
        "if nothing changed, and say when the next one will come (next_update_in)\n"
        "::warning file=maintenance/2026-12-01-db.yaml,line=3,col=1,title=statusgen maintenance-short-notice::"
        "announced 2 days 23 h before it starts; the policy promises at least 3 days of notice%0Afix: if it can "
        "wait, move it to start at 27 Nov 2026, 12:01 CET or later; if it cannot, say in the body why\n"
    )
    assert result.stderr == "1 error and 1 warning as of 2026-11-25T11:45:00+01:00.\n"


def test_github_format_escapes_what_would_end_a_command() -> None:
    from statusgen.check.report import CheckResult, format_github
    from statusgen.errors import Problem

    problem = Problem("a,b:c.yaml", 0, 0, "100% wrong\nreally", "", rule="x")
    assert format_github(CheckResult([problem], NOW)) == (
        "::error file=a%2Cb%3Ac.yaml,title=statusgen x::100%25 wrong%0Areally\n")


def test_warnings_alone_pass(two_problems: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "--now", "2026-11-25T11:30:00+01:00", "--format", "json"])
    assert result.exit_code == 0
    assert [(p["severity"], p["rule"]) for p in json.loads(result.stdout)["problems"]] == [
        ("warning", "maintenance-short-notice")]
    assert result.stderr == "1 warning as of 2026-11-25T11:30:00+01:00.\n"


def test_quiet_site_says_so(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(BASE_SITE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "--now", NOW_TEXT])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", "No problems as of 2026-11-25T12:00:00+01:00.\n")


def test_check_help_explains_every_option(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "--help"])
    assert result.exit_code == 0
    for option in ("--site", "--now", "--since GIT_REF", "--format [text|json|github]", "Exit status"):
        assert option in result.output


def test_every_problem_is_sorted_by_file_and_line(check: Check) -> None:
    found = check({**TWO_PROBLEMS, STATUS_EMAILS: PROMISE.format(due="2026-11-24", updates=IN_PROGRESS)}, now=AT)
    assert [f[0] for f in found] == sorted((f[0] for f in found), key=lambda loc: (
        loc.split(":")[0], int(loc.split(":")[1])))
    assert [f[2] for f in found] == ["commitment-broken", "incident-promise-missed", "maintenance-short-notice"]


def test_clock_defaults_to_now(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --now the real clock is used: the base site's maintenance is long over by now, or not yet."""
    shutil.copytree(BASE_SITE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "--format", "json"])
    assert result.exit_code in (0, 1)
    assert json.loads(result.stdout)["now"] != NOW.isoformat()


def test_workflows_for_status_repositories() -> None:
    """The copyable workflows do what the README says: check pull requests, publish on push and every 10 min."""
    import yaml

    folder = TESTS.parent / "src" / "statusgen" / "authoring" / "skeleton" / "hosts"
    check_pr = yaml.safe_load((folder / "github" / "check-pr.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((folder / "github-pages" / "publish.yml").read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert set(check_pr[True]) == {"pull_request"}
    steps = check_pr["jobs"]["check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[-1]["run"] == 'statusgen check content --since "origin/$BASE_REF" --format github'
    assert steps[-1]["env"] == {"BASE_REF": "${{ github.base_ref }}"}

    assert publish[True]["schedule"] == [{"cron": "*/10 * * * *"}]
    assert publish[True]["push"] == {"branches": ["main"]}
    # On a push, compared with the commit before it (run as a push would in test_publish_workflow.py),
    # on every host whose workflow checks pushes.
    for name in ("github-pages/publish.yml", "cloudflare-pages/publish.yml", "s3/publish.yml", "netlify/rebuild.yml"):
        steps = yaml.safe_load((folder / name).read_text(encoding="utf-8"))["jobs"]["check"]["steps"]
        (check_step,) = [s for s in steps if s.get("name") == "statusgen check"]
        assert check_step["run"] == 'statusgen check content --pushed-from "$BEFORE" --format github', name
        assert check_step["env"] == {"BEFORE": "${{ github.event.before }}"}, name
        assert steps[0]["with"]["fetch-depth"] == 0, name
    gitlab = yaml.safe_load((folder / "gitlab-pages" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["check"]["script"] == ['statusgen check content --pushed-from "$CI_COMMIT_BEFORE_SHA"']
    assert gitlab["check"]["variables"]["GIT_DEPTH"] == "0"
    deploy = publish["jobs"]["publish"]
    assert "needs" not in deploy, "a failing check must not stop an honest page from being published"
    assert [s.get("uses", s.get("run")) for s in deploy["steps"]][-7:-3] == [
        "statusgen build content -o public", "actions/configure-pages@v5", "actions/upload-pages-artifact@v3",
        "actions/deploy-pages@v4"]
    # Then notify, after a successful deploy (tests/test_notify.py runs the step).
    assert [s.get("name", s.get("uses")) for s in deploy["steps"]][-3:] == [
        "actions/cache/restore@v4", "statusgen notify", "actions/cache/save@v4"]
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}

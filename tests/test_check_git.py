"""`statusgen check --since REF`: published updates are append-only, on a real git repository.

Each test builds a repository in a temporary folder with real commits (dates set through
GIT_COMMITTER_DATE), publishes tests/base-site as ``content/`` on ``main``, then changes it on a
branch, the way a pull request would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.check.report import check_site
from statusgen.cli import cli

from .conftest import BASE_SITE, NOW, NOW_TEXT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

INCIDENT = "content/incidents/2026-11-20-api-errors.yaml"
COMMITMENT = "content/commitments/2026-11-22-canary-deploys.yaml"
MAINTENANCE = "content/maintenance/2026-12-01-db.yaml"
PUBLISHED = "2026-11-20T10:05:00+01:00"


class Repo:
    """A scratch git repository; every commit gets the date it is given."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                    "GIT_AUTHOR_NAME": "Support", "GIT_AUTHOR_EMAIL": "support@example.com",
                    "GIT_COMMITTER_NAME": "Support", "GIT_COMMITTER_EMAIL": "support@example.com"}
        root.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str | None = None) -> str:
        env = dict(self.env)
        if when:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, old
        self.write(rel, text.replace(old, new))

    def commit(self, when: str, message: str = "update") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The base site published on main, and a branch `pr` checked out to change it."""
    repo = Repo(tmp_path / "status")
    shutil.copytree(BASE_SITE, repo.root / "content")
    repo.commit(PUBLISHED, "publish")
    repo.git("checkout", "-q", "-b", "pr")
    monkeypatch.chdir(repo.root)
    return repo


def found(since: str = "main", site: str = "content") -> list[tuple[str, str, str, str]]:
    result = check_site(Path(site), now=NOW, since=since)
    assert all(p.hint for p in result.problems)
    return [(p.location, str(p.severity), p.rule, p.message) for p in result.problems]


def append(repo: Repo, update: str, rel: str = INCIDENT) -> None:
    """Add an update at the end of the incident's list (before its postmortem)."""
    repo.replace(rel, "postmortem:", update.strip("\n") + "\npostmortem:")


# -- published updates are append-only ----------------------------------------------------------------


def test_unchanged_site_passes(repo: Repo) -> None:
    assert found() == []


def test_edited_update(repo: Repo) -> None:
    repo.replace(INCIDENT, "We are looking into errors on the API.", "We are looking into a few errors on the API.")
    repo.commit("2026-11-20T10:30:00+01:00")
    assert found() == [(
        f"{INCIDENT}:7:5", "error", "update-edited",
        "update 1 was edited after it was published (in main): its body said “We are looking into errors on the "
        "API.” and now says “We are looking into a few errors on the API.”",
    )]


def test_reformatting_is_not_editing(repo: Repo) -> None:
    """Comments, quoting, flow or block style, wrapping and the offset of a time are not edits."""
    repo.replace(INCIDENT, """  - at: 2026-11-20T09:00:00+01:00
    status: investigating
    body: We are looking into errors on the API.""", """  # The first word to customers.
  - {at: "2026-11-20T08:00:00Z", status: investigating,
     body: "We are looking into
       errors on the API."}""")
    repo.commit("2026-11-20T10:30:00+01:00")
    assert found() == []


def test_deleted_update(repo: Repo) -> None:
    repo.replace(INCIDENT, """  - at: 2026-11-20T09:00:00+01:00
    status: investigating
    body: We are looking into errors on the API.
""", "")
    repo.commit("2026-11-20T10:30:00+01:00")
    # Without `started_at` the incident started with its first update: deleting it also shortens the incident.
    assert found() == [
        (f"{INCIDENT}:5:5", "error", "fact-edited", "the incident's start was moved later, from 20 Nov 2026, "
         "09:00 CET to 20 Nov 2026, 10:00 CET, after it was published (in main)"),
        (f"{INCIDENT}:5:5", "error", "update-deleted", "update 1 was deleted after it was published (it is in main)"),
    ]


def test_reordered_updates(repo: Repo) -> None:
    repo.replace(INCIDENT, "    body: Fixed. The API returned errors for one hour.\n",
                 "    body: Fixed. The API returned errors for one hour.\n"
                 "  - {at: 2026-11-20T10:00:00+01:00, status: resolved, body: 'Sorry: from 09:00 to 10:00 "
                 "API errors.'}\n")
    repo.commit("2026-11-20T10:01:00+01:00")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")
    # Two updates at the same minute change places: the loader cannot tell, history can.
    text = repo.read(INCIDENT)
    second = "  - at: 2026-11-20T10:00:00+01:00\n    status: resolved\n    body: Fixed. The API returned errors " \
             "for one hour.\n"
    third = "  - {at: 2026-11-20T10:00:00+01:00, status: resolved, body: 'Sorry: from 09:00 to 10:00 API errors.'}\n"
    repo.write(INCIDENT, text.replace(second + third, third + second))
    repo.commit("2026-11-20T10:30:00+01:00")
    assert found() == [(
        f"{INCIDENT}:8:5", "error", "update-reordered",
        "update 3 was moved to position 2 after it was published (compared with main)",
    )]


def test_update_inserted_before_published_ones(repo: Repo) -> None:
    repo.replace(INCIDENT, "  - at: 2026-11-20T10:00:00+01:00\n",
                 "  - {at: 2026-11-20T09:30:00+01:00, status: identified, body: A bad deploy.}\n"
                 "  - at: 2026-11-20T10:00:00+01:00\n")
    repo.commit("2026-11-20T10:30:00+01:00")
    assert found() == [(
        f"{INCIDENT}:8:5", "error", "update-inserted",
        "a new update was inserted as update 2, before updates already published in main",
    )]


@pytest.mark.parametrize("rel,noun", [(INCIDENT, "incident"), (MAINTENANCE, "maintenance"),
                                      (COMMITMENT, "commitment")])
def test_deleted_file(repo: Repo, rel: str, noun: str) -> None:
    (repo.root / rel).unlink()
    if noun == "commitment":  # the postmortem names it: drop the reference so the site still loads
        repo.replace(INCIDENT, "  actions: [2026-11-22-canary-deploys]\n", "")
    if noun == "incident":
        repo.replace(COMMITMENT, "incident: 2026-11-20-api-errors\n", "")
    repo.commit("2026-11-20T10:30:00+01:00")
    problems = [p for p in found() if p[2] == "file-deleted"]
    message = f"this {noun} was deleted after it was published (it is in main)"
    assert problems == [(rel, "error", "file-deleted", message)]


def test_uncommitted_changes_count_too(repo: Repo) -> None:
    repo.replace(INCIDENT, "We are looking into errors on the API.", "We are looking into errors.")
    assert [p[2] for p in found()] == ["update-edited"]


def test_site_at_the_top_of_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "status")
    shutil.copytree(BASE_SITE, repo.root, dirs_exist_ok=True)
    repo.commit(PUBLISHED)
    repo.replace("incidents/2026-11-20-api-errors.yaml", "status: investigating", "status: identified")
    monkeypatch.chdir(repo.root)
    assert found(site=".") == [(
        "incidents/2026-11-20-api-errors.yaml:6:5", "error", "update-edited",
        "update 1 was edited after it was published (in main): its status was investigating and is now identified",
    )]


# -- published facts ---------------------------------------------------------------------------------


def test_original_due_date_edited_in_place(repo: Repo) -> None:
    repo.replace(COMMITMENT, "due: 2026-12-15", "due: 2026-12-22")
    repo.commit("2026-11-23T10:00:00+01:00")
    assert found() == [(
        f"{COMMITMENT}:3:1", "error", "fact-edited",
        "due was changed after it was published (in main): it was 2026-12-15 and is now 2026-12-22",
    )]


def test_due_date_moved_by_an_update_passes(repo: Repo) -> None:
    repo.write(COMMITMENT, repo.read(COMMITMENT) + (
        "updates:\n  - {at: 2026-11-23T10:00:00+01:00, status: at_risk, due: 2026-12-22, body: Tests found a "
        "problem.}\n"))
    repo.commit("2026-11-23T10:05:00+01:00")
    assert found() == []


def test_announcement_time_edited(repo: Repo) -> None:
    repo.replace(MAINTENANCE, "announced_at: 2026-11-20T10:00:00Z", "announced_at: 2026-11-18T10:00:00Z")
    repo.commit("2026-11-20T12:00:00+01:00")
    assert found() == [(
        f"{MAINTENANCE}:3:1", "error", "fact-edited",
        "announced_at was changed after it was published (in main): it was 20 Nov 2026, 11:00 CET and is now 18 Nov "
        "2026, 11:00 CET",
    )]


def test_incident_start_moved_later(repo: Repo) -> None:
    # The start defaults to the first update (09:00); an earlier start only makes the incident longer.
    repo.replace(INCIDENT, "impact: major\n", "impact: major\nstarted_at: 2026-11-20T08:50:00+01:00\n")
    repo.commit("2026-11-20T10:30:00+01:00")
    assert found() == []
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")
    repo.replace(INCIDENT, "started_at: 2026-11-20T08:50:00+01:00", "started_at: 2026-11-20T08:45:00+01:00")
    assert found() == []
    repo.replace(INCIDENT, "started_at: 2026-11-20T08:45:00+01:00", "started_at: 2026-11-20T08:55:00+01:00")
    assert found() == [(
        f"{INCIDENT}:3:1", "error", "fact-edited",
        "the incident's start was moved later, from 20 Nov 2026, 08:50 CET to 20 Nov 2026, 08:55 CET, after it "
        "was published (in main)",
    )]


# -- backfilled updates ---------------------------------------------------------------------------------

ON_TIME = "  - {at: 2026-11-20T11:00:00+01:00, status: resolved, body: 'From 09:00 to 10:00 the API failed.'}\n"
LATE = "  - {at: 2026-11-20T11:10:00+01:00, status: resolved, body: 'From 09:00 to 10:00 the API failed; sorry.'}\n"


def test_backfilled_update(repo: Repo) -> None:
    append(repo, ON_TIME)
    repo.commit("2026-11-20T11:30:00+01:00")  # 30 min later: the tolerance, not beyond it
    append(repo, LATE)
    repo.commit("2026-11-20T11:41:00+01:00")  # 31 min later
    assert found() == [(
        f"{INCIDENT}:12:5", "warning", "backfilled",
        "update 4 is dated 20 Nov 2026, 11:10 CET but was committed 20 Nov 2026, 11:41 CET, 31 min later",
    )]
    result = check_site(Path("content"), now=NOW, since="main")
    assert result.problems[0].hint == (
        "if it was written after the fact, add `posted_at: 2026-11-20T11:41:00+01:00` so the page shows both "
        "times and the incident does not look shorter than it was")


def test_backfill_tolerance_is_a_site_setting(repo: Repo) -> None:
    append(repo, LATE)
    repo.commit("2026-11-20T11:41:00+01:00")
    assert [p[2] for p in found()] == ["backfilled"]
    repo.write("content/site.yaml", repo.read("content/site.yaml") + "policy: {backfill_tolerance: 1h}\n")
    assert found() == []


def test_posted_at_declares_a_backfill(repo: Repo) -> None:
    append(repo, "  - {at: 2026-11-20T10:30:00+01:00, posted_at: 2026-11-20T11:35:00+01:00, status: resolved, "
                 "body: 'From 09:00 to 10:00 the API failed.'}\n")
    repo.commit("2026-11-20T11:40:00+01:00")
    assert found() == []
    append(repo, "  - {at: 2026-11-20T10:40:00+01:00, posted_at: 2026-11-20T11:45:00+01:00, status: resolved, "
                 "body: 'From 09:00 to 10:00 the API failed: 30%.'}\n")
    repo.commit("2026-11-20T12:20:00+01:00")
    assert found() == [(
        f"{INCIDENT}:12:5", "warning", "backfilled",
        "update 4 says it was posted 20 Nov 2026, 11:45 CET but was committed 20 Nov 2026, 12:20 CET, 35 min later",
    )]


def test_uncommitted_update_is_compared_with_now(repo: Repo) -> None:
    append(repo, ON_TIME)
    assert found() == [(
        f"{INCIDENT}:11:5", "warning", "backfilled",
        "update 3 is dated 20 Nov 2026, 11:00 CET but was committed 25 Nov 2026, 12:00 CET, 5 days 1 h later "
        "(not committed yet: compared with now)",
    )]


def test_new_maintenance_backdated(repo: Repo) -> None:
    window = ("title: Cache upgrade\ncomponents: [api]\nannounced_at: {at}\nstarts_at: 2026-12-10T02:00:00Z\n"
              "ends_at: 2026-12-10T03:00:00Z\nbody: Short pauses.\n")
    repo.write("content/maintenance/2026-12-10-cache.yaml", window.format(at="2026-11-21T10:00:00Z"))
    repo.write("content/maintenance/2026-12-10-queue.yaml", window.format(at="2026-11-21T09:59:00Z"))
    repo.commit("2026-11-21T10:30:00Z")
    assert found() == [(
        "content/maintenance/2026-12-10-queue.yaml:3:1", "warning", "backfilled",
        "announced_at is 21 Nov 2026, 10:59 CET but the file was committed 21 Nov 2026, 11:30 CET, 31 min later",
    )]


def test_a_new_incident_is_checked_update_by_update(repo: Repo) -> None:
    repo.write("content/incidents/2026-11-24-email.yaml", (
        "title: Email delays\nimpact: minor\nupdates:\n"
        "  - {at: 2026-11-24T10:00:00+01:00, status: investigating, body: Emails are late.}\n"))
    repo.commit("2026-11-24T10:05:00+01:00")
    repo.replace("content/incidents/2026-11-24-email.yaml", "body: Emails are late.}\n",
                 "body: Emails are late.}\n  - {at: 2026-11-24T10:10:00+01:00, status: resolved, body: 'From "
                 "09:50 to 10:10 emails were late.'}\n")
    repo.commit("2026-11-24T11:00:00+01:00")
    assert found() == [(
        "content/incidents/2026-11-24-email.yaml:5:5", "warning", "backfilled",
        "update 2 is dated 24 Nov 2026, 10:10 CET but was committed 24 Nov 2026, 11:00 CET, 50 min later",
    )]


# -- the command line -------------------------------------------------------------------------------------


def test_github_annotations_on_a_pull_request(repo: Repo, runner: CliRunner) -> None:
    repo.replace(INCIDENT, "We are looking into errors on the API.", "We are looking into a few errors on the API.")
    append(repo, LATE)
    repo.commit("2026-11-20T11:41:00+01:00")
    result = runner.invoke(cli, ["check", "content", "--since", "main", "--now", NOW_TEXT, "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={INCIDENT},line=7,col=5,title=statusgen update-edited::update 1 was edited after it was "
        "published (in main): its body said “We are looking into errors on the API.” and now says “We are looking "
        "into a few errors on the API.”%0Afix: restore update 1 as it was and add a new update with "
        "`corrects: 1`; the original stays visible beside the correction\n"
        f"::warning file={INCIDENT},line=11,col=5,title=statusgen backfilled::update 3 is dated 20 Nov 2026, "
        "11:10 CET but was committed 20 Nov 2026, 11:41 CET, 31 min later%0Afix: if it was written after the fact, "
        "add `posted_at: 2026-11-20T11:41:00+01:00` so the page shows both times and the incident does not look "
        "shorter than it was\n"
    )
    assert result.stderr == "1 error and 1 warning as of 2026-11-25T12:00:00+01:00, compared with main.\n"


def test_json_names_the_revision(repo: Repo, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "content", "--since", "main", "--now", NOW_TEXT, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"now": NOW_TEXT, "since": "main", "errors": 0, "warnings": 0,
                                         "problems": []}


def test_unknown_revision_is_a_usage_error(repo: Repo, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "content", "--since", "no-such-branch", "--now", NOW_TEXT])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --since no-such-branch: git knows no such revision here (in CI, fetch the "
                             "history: actions/checkout with fetch-depth: 0)\n")


def test_since_outside_a_repository(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(BASE_SITE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = runner.invoke(cli, ["check", "content", "--since", "main", "--now", NOW_TEXT])
    assert result.exit_code == 2
    assert result.stderr == "Error: --since needs a git repository, and content is not in one\n"

"""Published means permanent: every protected key, on a real git repository with real commits.

For each key customers were told, editing it in place fails `check --since main` on the key's
own line, saying what it said and what it says now; the honest way to make the same change, an
appended update (or revision), passes. Renames are reported as renames, naming the new file;
a weaker policy is a warning. The repository and its helpers are those of test_check_git.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statusgen.check.facts import fact_findings, parse
from statusgen.check.report import check_site

from .conftest import BASE_SITE, NOW
from .test_check_git import COMMITMENT, INCIDENT, MAINTENANCE, PUBLISHED, Repo, append, found

LATER = "2026-11-23T10:05:00+01:00"  # when the changes are committed: soon after the updates they add


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The base site published on main, and a branch `pr` checked out to change it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = Repo(tmp_path / "status")
    shutil.copytree(BASE_SITE, repo.root / "content")
    repo.commit(PUBLISHED, "publish")
    repo.git("checkout", "-q", "-b", "pr")
    monkeypatch.chdir(repo.root)
    return repo


def errors() -> list[tuple[str, str, str]]:
    return [(p[0], p[2], p[3]) for p in found() if p[1] == "error"]


def update_of_maintenance(text: str) -> str:
    return "updates:\n  - " + text + "\n"


# -- every protected key: edited in place fails, the honest change passes ---------------------------------

IN_PLACE = [
    # (file, old text, new text, line:column, message)
    (INCIDENT, "title: API errors", "title: API hiccups", "1:1",
     "title was edited after it was published (in main): it said “API errors” and now says “API hiccups”"),
    (INCIDENT, "impact: major", "impact: minor", "2:1",
     "impact was changed after it was published (in main): it was major and is now minor"),
    (INCIDENT, "components: {api: partial_outage}", "components: {api: degraded_performance}", "3:1",
     "components was changed after it was published (in main): it was api: partial_outage and is now api: "
     "degraded_performance"),
    (INCIDENT, "impact: major\n", "impact: major\nworkaround: Retry later.\n", "3:1",
     "workaround was added after it was published (in main): it says “Retry later.”"),
    (INCIDENT, "  body: A bad deploy.", "  body: A bad deploy of the router.", "13:3",
     "postmortem.body was edited after it was published (in main): it said “A bad deploy.” and now says “A bad "
     "deploy of the router.”"),
    (INCIDENT, "  published_at: 2026-11-22T12:00:00+01:00", "  published_at: 2026-11-21T12:00:00+01:00", "12:3",
     "postmortem.published_at was changed after it was published (in main): it was 22 Nov 2026, 12:00 CET and is "
     "now 21 Nov 2026, 12:00 CET"),
    (MAINTENANCE, "title: Database upgrade", "title: Database tuning", "1:1",
     "title was edited after it was published (in main): it said “Database upgrade” and now says “Database "
     "tuning”"),
    (MAINTENANCE, "components: [web]", "components: [web, api]", "2:1",
     "components was changed after it was published (in main): it was web and is now web, api"),
    (MAINTENANCE, "starts_at: 2026-12-01T02:00:00Z", "starts_at: 2026-12-01T03:00:00Z", "4:1",
     "starts_at was changed after it was published (in main): it was 1 Dec 2026, 03:00 CET and is now 1 Dec 2026, "
     "04:00 CET"),
    (MAINTENANCE, "ends_at: 2026-12-01T04:00:00Z", "ends_at: 2026-12-01T06:00:00Z", "5:1",
     "ends_at was changed after it was published (in main): it was 1 Dec 2026, 05:00 CET and is now 1 Dec 2026, "
     "07:00 CET"),
    (MAINTENANCE, "body: The website is read-only for up to two hours.", "body: The website may be slow.", "6:1",
     "body was edited after it was published (in main): it said “The website is read-only for up to two hours.” "
     "and now says “The website may be slow.”"),
    (COMMITMENT, "title: Canary deploys for the API", "title: Canary deploys for some API endpoints", "1:1",
     "title was edited after it was published (in main): it said “Canary deploys for the API” and now says "
     "“Canary deploys for some API endpoints”"),
    (COMMITMENT, "due: 2026-12-15\n", "due: 2026-12-15\ncomponents: [api]\n", "4:1",
     "components was added after it was published (in main): it says api"),
    (COMMITMENT, "incident: 2026-11-20-api-errors\n", "", "1:1",
     "incident was removed after it was published (in main): it said 2026-11-20-api-errors"),
    (COMMITMENT, "body: Every API deploy goes to 5% of traffic first.",
     "body: Most API deploys go to 5% of traffic first.", "5:1",
     "body was edited after it was published (in main): it said “Every API deploy goes to 5% of traffic first.” "
     "and now says “Most API deploys go to 5% of traffic first.”"),
]


@pytest.mark.parametrize("rel,old,new,line,message", IN_PLACE,
                         ids=[f"{r.split('/')[1]}-{m.split(' ')[0]}" for r, _, _, _, m in IN_PLACE])
def test_a_published_key_changed_in_place_fails_on_its_own_line(repo: Repo, rel: str, old: str, new: str,
                                                                 line: str, message: str) -> None:
    repo.replace(rel, old, new)
    repo.commit(LATER)
    result = check_site(Path("content"), now=NOW, since="main")
    problems = [p for p in result.problems if p.rule == "fact-edited"]
    assert [(p.location, p.message) for p in problems] == [(f"{rel}:{line}", message)]
    assert "update" in problems[0].hint or "revision" in problems[0].hint or "restore" in problems[0].hint


def test_the_postmortem_deleted_or_its_actions_changed(repo: Repo) -> None:
    repo.replace(INCIDENT, "  actions: [2026-11-22-canary-deploys]\n", "")
    repo.commit(LATER)
    assert errors() == [(f"{INCIDENT}:11:1", "fact-edited", "postmortem.actions was removed after it was "
                         "published (in main): it said 2026-11-22-canary-deploys")]
    text = repo.read(INCIDENT)
    repo.write(INCIDENT, text[:text.index("postmortem:")])
    assert [e for e in errors() if e[1] != "postmortem-overdue"] == [
        (f"{INCIDENT}:1:1", "fact-edited", "the postmortem was deleted after it was published (it is in main)")]


HONEST = [
    # (file, how: "append" to the incident, or text to add at the end of the file)
    (INCIDENT, "  - {at: 2026-11-23T10:00:00+01:00, status: resolved, impact: minor, title: API errors in eu-west, "
               "workaround: Retry., components: {api: degraded_performance}, body: We reassessed the impact.}\n"),
    (MAINTENANCE, update_of_maintenance("{at: 2026-11-23T10:00:00+01:00, status: scheduled, "
                                        "starts_at: 2026-12-01T03:00:00Z, ends_at: 2026-12-01T06:00:00Z, "
                                        "components: [web, api], body: Moved by an hour; the API pauses too.}")),
    (COMMITMENT, "updates:\n  - {at: 2026-11-23T10:00:00+01:00, status: in_progress, scope: reduced, "
                 "title: Canary deploys for the public API, body: Internal endpoints are left out.}\n"),
    (INCIDENT, "  revisions:\n    - {at: 2026-11-23T10:00:00+01:00, body: The deploy was of the router., "
               "actions: [2026-11-22-canary-deploys]}\n"),
]


@pytest.mark.parametrize("rel,text", HONEST, ids=["incident-update", "maintenance-reschedule",
                                                  "commitment-scope", "postmortem-revision"])
def test_the_honest_change_passes(repo: Repo, rel: str, text: str) -> None:
    if text.startswith("  - ") and rel == INCIDENT:
        append(repo, text)
    else:
        repo.write(rel, repo.read(rel) + text)
    repo.commit(LATER)
    assert found() == []


def test_reflowed_text_and_a_rewritten_offset_are_no_change(repo: Repo) -> None:
    repo.replace(MAINTENANCE, "starts_at: 2026-12-01T02:00:00Z\n", "starts_at: 2026-12-01T03:00:00+01:00\n")
    repo.replace(MAINTENANCE, "body: The website is read-only for up to two hours.\n",
                 "body: |\n  The website is read-only\n  for up to two hours.\n")
    repo.replace(MAINTENANCE, "components: [web]", "components: {web: under_maintenance}")
    repo.replace(INCIDENT, "  body: A bad deploy.", "  body: >\n    A bad\n    deploy.")
    repo.commit(LATER)
    assert found() == []


def test_a_published_revision_is_append_only(repo: Repo) -> None:
    repo.write(INCIDENT, repo.read(INCIDENT) + "  revisions:\n    - {at: 2026-11-23T10:00:00+01:00, body: One.}\n")
    repo.commit(LATER)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")
    repo.replace(INCIDENT, "body: One.}", "body: Two.}")
    assert errors() == [(f"{INCIDENT}:16:7", "update-edited", "revision 1 was edited after it was published (in "
                         "main): its body was One. and is now Two.")]


def test_a_maintenance_update_keeps_its_new_window(repo: Repo) -> None:
    """The moved window is published in the update: editing it there is editing an update."""
    repo.write(MAINTENANCE, repo.read(MAINTENANCE) + update_of_maintenance(
        "{at: 2026-11-23T10:00:00+01:00, status: scheduled, starts_at: 2026-12-01T03:00:00Z, body: Moved.}"))
    repo.commit(LATER)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")
    repo.replace(MAINTENANCE, "starts_at: 2026-12-01T03:00:00Z, body", "starts_at: 2026-12-01T01:00:00Z, body")
    assert [e[1] for e in errors()] == ["update-edited"]
    assert "its starts_at was 1 Dec 2026, 04:00 CET and is now 1 Dec 2026, 02:00 CET" in errors()[0][2]


# -- renames ---------------------------------------------------------------------------------------------------

RENAMED = "content/incidents/2026-11-20-api-outage.yaml"


def test_a_committed_rename_is_named_as_a_rename(repo: Repo) -> None:
    repo.git("mv", INCIDENT, RENAMED)
    repo.replace(COMMITMENT, "incident: 2026-11-20-api-errors", "incident: 2026-11-20-api-outage")
    repo.commit(LATER)
    assert [(e[0], e[1]) for e in errors()] == [
        (f"{COMMITMENT}:4:1", "fact-edited"),
        (f"{RENAMED}:1:1", "file-renamed"),
    ]
    message = errors()[1][2]
    assert message == (f"this incident was renamed from {INCIDENT} to {RENAMED} after it was published (it is in "
                       "main as 2026-11-20-api-errors): its address incidents/2026-11-20-api-errors/ is a permalink "
                       "customers bookmarked")
    result = check_site(Path("content"), now=NOW, since="main")
    assert f"git mv {RENAMED} {INCIDENT}" in next(p.hint for p in result.problems if p.rule == "file-renamed")


def test_an_uncommitted_and_edited_rename_is_found_by_content(repo: Repo) -> None:
    (repo.root / MAINTENANCE).rename(repo.root / "content/maintenance/2026-12-01-database.yaml")
    new = "content/maintenance/2026-12-01-database.yaml"
    repo.replace(new, "body: The website is read-only for up to two hours.", "body: Read-only for a while.")
    assert [(e[0], e[1]) for e in errors()] == [(f"{new}:1:1", "file-renamed"), (f"{new}:6:1", "fact-edited")]
    assert "renamed from content/maintenance/2026-12-01-db.yaml to " + new in errors()[0][2]


def test_moving_a_file_to_another_kind_is_a_deletion(repo: Repo) -> None:
    repo.git("mv", MAINTENANCE, "content/incidents/2026-12-01-db.yaml")
    repo.commit(LATER)
    assert (MAINTENANCE, "file-deleted") in [(e[0], e[1]) for e in errors()]
    assert not [e for e in errors() if e[1] == "file-renamed"]


# -- the policy ---------------------------------------------------------------------------------------------


def policy(repo: Repo, text: str) -> None:
    repo.write("content/site.yaml", repo.read("content/site.yaml") + text)


def warnings() -> list[tuple[str, str, str]]:
    return [(p[0], p[2], p[3]) for p in found() if p[1] == "warning"]


def test_a_weaker_policy_is_a_warning(repo: Repo) -> None:
    policy(repo, "policy:\n  since: 2026-11-01T00:00:00+01:00\n")
    repo.commit(LATER)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")
    repo.replace("content/site.yaml", "policy:\n", "policy:\n  update_every: {major: 2h}\n  maintenance_notice: 24h\n")
    assert warnings() == [
        ("content/site.yaml:9:3", "policy-weakened", "policy.update_every.major was 1h in main and is now 2h: "
         "customers were promised an update at least every 1 h on an open major incident"),
        ("content/site.yaml:10:3", "policy-weakened", "policy.maintenance_notice was 3d in main and is now 1d: "
         "customers were promised at least 3 days of notice before maintenance"),
        ("content/site.yaml:11:3", "policy-since", "the policy changed since main, but policy.since still says "
         "1 Nov 2026, 00:00 CET"),
    ]
    repo.replace("content/site.yaml", "since: 2026-11-01T00:00:00+01:00", "since: 2026-11-23T10:00:00+01:00")
    assert [w[1] for w in warnings()] == ["policy-weakened", "policy-weakened"]
    assert errors() == [], "a warning: the team may weaken its policy, in the open"


def test_a_stronger_policy_only_asks_for_its_date(repo: Repo) -> None:
    policy(repo, "policy:\n  update_every: {major: 30m}\n")
    assert warnings() == [("content/site.yaml:8:1", "policy-since", "the policy changed since main, but "
                           "policy.since is not given")]
    policy(repo, "  since: 2026-11-25T11:00:00+01:00\n")
    assert warnings() == []


# -- what counts as a change, as a property (no git needed) -------------------------------------------------

_WORDS = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=8), min_size=1, max_size=12)
_INSTANTS = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1),
                         timezones=st.just(dt.UTC))
_OFFSETS = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: dt.timezone(dt.timedelta(minutes=15 * q)))


def _maintenance(start: dt.datetime, words: list[str], width: int) -> str:
    lines, line = [], ""
    for word in words:  # wrap the body at ``width`` characters
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    body = "\n".join(f"  {text}" for text in [*lines, line])
    return (f"title: Upgrade\ncomponents: [web]\nannounced_at: 2019-12-01T00:00:00Z\nstarts_at: {start.isoformat()}\n"
            f"ends_at: 2030-06-01T00:00:00Z\nbody: |\n{body}\n")


@given(_INSTANTS, _OFFSETS, _WORDS, st.integers(min_value=1, max_value=40))
def test_an_offset_rewrite_or_a_reflow_is_never_a_change(when: dt.datetime, offset: dt.tzinfo, words: list[str],
                                                        width: int) -> None:
    old = parse(_maintenance(when, words, 80))
    new = parse(_maintenance(when.astimezone(offset), words, width))
    assert old is not None and new is not None
    assert list(fact_findings("maintenance", old, new, "main", dt.UTC)) == []


@given(_INSTANTS, _WORDS, _WORDS)
def test_any_other_wording_or_instant_is_reported_on_its_line(when: dt.datetime, words: list[str],
                                                              other: list[str]) -> None:
    old = parse(_maintenance(when, words, 80))
    reworded = parse(_maintenance(when, other, 80))
    moved = parse(_maintenance(when + dt.timedelta(seconds=1), words, 80))
    assert old is not None and reworded is not None and moved is not None
    found = [(f.line, f.message.split(" ")[0]) for f in fact_findings("maintenance", old, reworded, "main", dt.UTC)]
    assert found == ([] if words == other else [(6, "body")])
    assert [(f.line, f.rule) for f in fact_findings("maintenance", old, moved, "main", dt.UTC)] == [
        (4, "fact-edited")]

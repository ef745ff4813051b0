"""Authoring commands on a scratch site: the exact text they write, and everything they refuse."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shlex
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusgen.authoring import editor
from statusgen.authoring import session as authoring
from statusgen.authoring.session import new_id, parse_when, slugify
from statusgen.cli import cli
from statusgen.content.loader import load_site
from statusgen.timeutil import TimeFormatError, load_zone

from .conftest import NOW, NOW_TEXT

BERLIN = load_zone("Europe/Berlin")

#: An open incident written by hand: comments, blank lines, quoting and a flow-style update.
OPEN = """\
# Card payments fail for some customers.
title: "Payments: card charges failing"
impact: major
components:
  api: partial_outage   # the payments endpoints

updates:
  - at: 2026-11-25T10:52:00+01:00
    status: investigating
    body: |
      Some card payments fail with an error. We are investigating.

      Other payment methods work.
    next_update_in: 30m          # a promise

  # the second update was posted from a phone
  - {at: "2026-11-25T11:18:00+01:00", status: identified, body: 'A faulty deploy; rolling back.'}

workaround: 'Use "Pay by invoice" meanwhile.'
# end of file
"""
OPEN_ID = "2026-11-25-payments"
OPEN_REL = f"incidents/{OPEN_ID}.yaml"
#: Where a new update of OPEN goes: after the flow update, before the blank line and `workaround`.
OPEN_ANCHOR = "rolling back.'}\n"


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site({OPEN_REL: OPEN})


def run(runner: CliRunner, site: Path, *args: str, input: str | None = None, now: str = NOW_TEXT) -> Result:
    return runner.invoke(cli, [*args, "--site", str(site)], input=input, env={"STATUSGEN_NOW": now})


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root``, hidden ones too, by content hash: to prove nothing changed."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- update ----------------------------------------------------------------------------------


def test_update_appends_and_keeps_the_file_as_it_was(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", OPEN_ID, "--status", "monitoring", "--next-in", "1h",
                 "-c", "api=degraded_performance", "--body", "The rollback is done; we are watching: card payments "
                 "succeed again.")
    assert result.exit_code == 0, result.output
    assert (site / OPEN_REL).read_text() == OPEN.replace(OPEN_ANCHOR, OPEN_ANCHOR + """
  - at: 2026-11-25T12:00:00+01:00
    status: monitoring
    components: {api: degraded_performance}
    body: |
      The rollback is done; we are watching: card payments succeed again.
    next_update_in: 1h
""")
    assert "Added update 3 (monitoring) to " in result.stderr
    assert "Next update due by 13:00 (as promised)." in result.stderr
    assert result.stdout == ""


def test_update_keeps_the_status_and_says_when_the_policy_wants_the_next(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", OPEN_ID, "--body", "Still rolling back.")
    assert result.exit_code == 0, result.output
    assert (site / OPEN_REL).read_text().endswith(
        "  - at: 2026-11-25T12:00:00+01:00\n    status: identified\n    body: Still rolling back.\n\n"
        "workaround: 'Use \"Pay by invoice\" meanwhile.'\n# end of file\n")
    assert "Next update due by 13:00 (policy for major incidents)." in result.stderr


@pytest.mark.parametrize("ref", [OPEN_ID, "payments", f"incidents/{OPEN_ID}", f"incidents/{OPEN_ID}.yaml",
                                 "{site}/" + OPEN_REL])
def test_an_item_is_found_by_id_short_id_kind_or_path(runner: CliRunner, site: Path, ref: str) -> None:
    result = run(runner, site, "update", ref.format(site=site), "--body", "Still rolling back.")
    assert result.exit_code == 0, result.output


def test_next_by_clock_time_and_correction(runner: CliRunner, site: Path) -> None:
    assert run(runner, site, "update", OPEN_ID, "--next-by", "12:45", "-b", "Rolled back.").exit_code == 0
    result = run(runner, site, "update", OPEN_ID, "--corrects", "2", "-b", "The deploy was not faulty; a "
                 "certificate expired.", now="2026-11-25T12:05:00+01:00")
    assert result.exit_code == 0, result.output
    assert (site / OPEN_REL).read_text().split(OPEN_ANCHOR)[1] == """
  - at: 2026-11-25T12:00:00+01:00
    status: identified
    body: Rolled back.
    next_update_by: 2026-11-25T12:45:00+01:00

  - at: 2026-11-25T12:05:00+01:00
    corrects: 2
    body: The deploy was not faulty; a certificate expired.

workaround: 'Use "Pay by invoice" meanwhile.'
# end of file
"""
    assert "(correction of update 2)" in result.stderr


def test_backfilled_update_keeps_when_it_was_posted(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", OPEN_ID, "--at", "11:40", "-b", "Rollback started.")
    assert result.exit_code == 0, result.output
    assert "  - at: 2026-11-25T11:40:00+01:00\n    posted_at: 2026-11-25T12:00:00+01:00\n    status: identified\n" \
        in (site / OPEN_REL).read_text()


def test_resolve(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "resolve", OPEN_ID, "--body", "Card payments work again since 11:50. Between "
                 "10:40 and 11:50 about 8% of card payments failed.")
    assert result.exit_code == 0, result.output
    assert (site / OPEN_REL).read_text().split(OPEN_ANCHOR)[1].startswith(
        "\n  - at: 2026-11-25T12:00:00+01:00\n    status: resolved\n    body: Card payments work again since 11:50.")
    assert "Resolved after 1 h 8 min. A postmortem is expected by 2026-11-30 12:00 (policy)." in result.stderr
    content = load_site(site)
    assert next(i for i in content.incidents if i.id == OPEN_ID).updates[-1].status.value == "resolved"


def test_maintenance_update(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", "2026-12-01-db", "--status", "in_progress", "--body", "Work has started.",
                 now="2026-12-01T03:01:00+01:00")
    assert result.exit_code == 0, result.output
    assert (site / "maintenance/2026-12-01-db.yaml").read_text() == """\
title: Database upgrade
components: [web]
announced_at: 2026-11-20T10:00:00Z
starts_at: 2026-12-01T02:00:00Z
ends_at: 2026-12-01T04:00:00Z
body: The website is read-only for up to two hours.
updates:
  - at: 2026-12-01T03:01:00+01:00
    status: in_progress
    body: Work has started.
"""


def test_commitment_update_promise_is_a_time(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", "canary-deploys", "-s", "in_prog", "--next-in", "1w", "-b", "Half done.")
    assert result.exit_code == 0, result.output
    assert (site / "commitments/2026-11-22-canary-deploys.yaml").read_text().endswith("""\
body: Every API deploy goes to 5% of traffic first.
updates:
  - at: 2026-11-25T12:00:00+01:00
    status: in_progress
    body: Half done.
    next_update_by: 2026-12-02T12:00:00+01:00
""")


def test_deliver_says_kept_or_late(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "deliver", "canary-deploys", "-b", "Every deploy is a canary now.")
    assert result.exit_code == 0, result.output
    assert "The ledger counts it as kept (originally due 2026-12-15)." in result.stderr
    again = run(runner, site, "deliver", "canary-deploys", "-b", "Again.")
    assert again.exit_code == 1
    assert "was delivered (update 1, 12:00); it is finished" in again.stderr


def test_postpone(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "postpone", "canary-deploys", "--due", "2027-01-15", "--status", "at_risk",
                 "--next-by", "2026-12-01 17:00", "-b", "The load balancer needs an upgrade first.")
    assert result.exit_code == 0, result.output
    assert (site / "commitments/2026-11-22-canary-deploys.yaml").read_text().endswith("""\
updates:
  - at: 2026-11-25T12:00:00+01:00
    status: at_risk
    due: 2027-01-15
    body: The load balancer needs an upgrade first.
    next_update_by: 2026-12-01T17:00:00+01:00
""")


def test_postponing_a_passed_date_warns_that_it_stays_broken(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "postpone", "canary-deploys", "--due", "2027-01-15", "-b", "Late.",
                 now="2026-12-20T12:00:00+01:00")
    assert result.exit_code == 0, result.output
    assert "warning: the due date 2026-12-15 has passed; the ledger counts this promise as broken" in result.stderr


def test_crlf_bom_and_permissions_are_kept(runner: CliRunner, site: Path) -> None:
    path = site / OPEN_REL
    path.write_bytes(b"\xef\xbb\xbf" + OPEN.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    assert run(runner, site, "update", OPEN_ID, "-b", "Still on it.").exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + OPEN.split(OPEN_ANCHOR)[0].replace("\n", "\r\n").encode())
    assert b"\r\n  - at: 2026-11-25T12:00:00+01:00\r\n    status: identified\r\n    body: Still on it.\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# -- new -------------------------------------------------------------------------------------


def test_new_incident(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "new", "incident", "Café: sign-in fails", "--impact", "critical",
                 "-c", "api=major_outage,web=degraded", "--next-in", "30m", "--workaround", "Use API keys.",
                 "--started", "11:40", "--body", "Nobody can sign in. We are investigating.")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-11-25-cafe-sign-in-fails\n"
    assert (site / "incidents/2026-11-25-cafe-sign-in-fails.yaml").read_text() == """\
title: 'Café: sign-in fails'
impact: critical
components: {api: major_outage, web: degraded_performance}
started_at: 2026-11-25T11:40:00+01:00
workaround: Use API keys.
updates:
  - at: 2026-11-25T12:00:00+01:00
    status: investigating
    body: Nobody can sign in. We are investigating.
    next_update_in: 30m
"""
    assert "Next update due by 12:30 (as promised)." in result.stderr


def test_new_maintenance_and_commitment(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "new", "maintenance", "Email relay upgrade", "--start", "2026-12-03 06:00",
                 "--duration", "90m", "-c", "email", "-b", "Email may be delayed by up to 15 minutes.")
    assert result.exit_code == 0, result.output
    assert (site / "maintenance/2026-12-03-email-relay-upgrade.yaml").read_text() == """\
title: Email relay upgrade
components: [email]
announced_at: 2026-11-25T12:00:00+01:00
starts_at: 2026-12-03T06:00:00+01:00
ends_at: 2026-12-03T07:30:00+01:00
body: Email may be delayed by up to 15 minutes.
"""
    result = run(runner, site, "new", "commitment", "Retry payments automatically", "--due", "2026-12-31",
                 "-c", "api", "--incident", "payments", "-b", "Failed card payments will be retried for 24 hours.")
    assert result.exit_code == 0, result.output
    assert (site / "commitments/2026-11-25-retry-payments-automatically.yaml").read_text() == """\
title: Retry payments automatically
made_at: 2026-11-25T12:00:00+01:00
due: 2026-12-31
components: [api]
incident: 2026-11-25-payments
body: Failed card payments will be retried for 24 hours.
"""


def test_short_notice_is_allowed_with_a_warning(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "new", "maintenance", "Urgent patch", "--start", "2026-11-25 22:00", "--end",
                 "2026-11-25 23:00", "-c", "api=degraded_performance", "-b", "Short interruptions.")
    assert result.exit_code == 0, result.output
    assert "warning: only 10 h of notice; the policy promises at least 3 days" in result.stderr
    text = (site / "maintenance/2026-11-25-urgent-patch.yaml").read_text()
    assert "components: {api: degraded_performance}\n" in text


def test_ids_never_clash_and_never_overwrite(runner: CliRunner, site: Path) -> None:
    taken = site / "incidents/2026-11-25-api-down.yaml"
    taken.write_text(OPEN)
    first = run(runner, site, "new", "incident", "API down", "--impact", "major", "-b", "Down.")
    second = run(runner, site, "new", "incident", "API down!", "--impact", "major", "-b", "Down.")
    assert (first.stdout, second.stdout) == ("2026-11-25-api-down-2\n", "2026-11-25-api-down-3\n")
    assert taken.read_text() == OPEN
    before = snapshot(site)
    refused = run(runner, site, "new", "incident", "X", "--impact", "major", "--id", "2026-11-25-api-down", "-b", "X")
    assert refused.exit_code == 1
    assert "incidents/2026-11-25-api-down.yaml already exists; statusgen never overwrites a file" in refused.stderr
    assert snapshot(site) == before


@pytest.mark.parametrize("title,slug", [
    ("Elevated API latency in eu-west", "elevated-api-latency-in-eu-west"),
    ("Café – Straße, Øresund & Łódź", "cafe-strasse-oresund-lodz"),
    ("Customers can't sign in", "customers-cant-sign-in"),
    ("  --- !!! ---  ", ""),
    ("障害", ""),
    ("A very long title " * 6, "a-very-long-title-a-very-long-title-a-very-long-title-a-very"),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_new_id_scheme(tmp_path: Path) -> None:
    day = dt.date(2026, 11, 25)
    assert new_id(tmp_path, day, "障害", "incidents") == "2026-11-25-incident"
    (tmp_path / "2026-11-25-x.yml").write_text("")
    assert new_id(tmp_path, day, "X", "incidents") == "2026-11-25-x-2", "a .yml file takes the id too"
    long_id = new_id(tmp_path, day, "word " * 40, "incidents")
    assert len(long_id) <= 100 and authoring.SLUG_RE.match(long_id)


# -- refusals: nothing changes, and the message says why --------------------------------------


@pytest.mark.parametrize("args,code,message", [
    (["update", "nope", "-b", "x"], 2, "no incident or maintenance or commitment 'nope'"),
    (["update", "payment", "-b", "x"], 2, "did you mean '2026-11-25-payments'?"),
    (["update", OPEN_ID, "-c", "apii=major_outage", "-b", "x"], 2, "unknown component 'apii'; did you mean 'api'?"),
    (["update", OPEN_ID, "-c", "api", "-b", "x"], 2, "give its status too, e.g. api=partial_outage"),
    (["update", OPEN_ID, "-c", "api=under_maintenance", "-b", "x"], 2, "'under_maintenance' is not valid here"),
    (["update", OPEN_ID, "-s", "scheduled", "-b", "x"], 2, "--status: 'scheduled' is not valid here"),
    (["update", OPEN_ID, "--next-in", "soon", "-b", "x"], 2, "--next-in: 'soon' is not a duration"),
    (["update", OPEN_ID, "--next-in", "1h", "--next-by", "13:00", "-b", "x"], 2, "not both"),
    (["update", OPEN_ID, "--next-by", "11:00", "-b", "x"], 2, "--next-by: 11:00 is not in the future"),
    (["update", OPEN_ID, "--next-by", "tomorrow", "-b", "x"], 2, "--next-by: 'tomorrow' is not a time"),
    (["update", OPEN_ID, "-s", "resolved", "--next-in", "1h", "-b", "x"], 2, "promises no next update"),
    (["update", OPEN_ID, "--corrects", "3", "-b", "x"], 2, "has updates 1 to 2"),
    (["update", OPEN_ID, "--at", "10:00", "-b", "x"], 2, "is before the latest update (11:18)"),
    (["update", OPEN_ID, "-b", "   "], 2, "--body is empty"),
    (["update", "2026-12-01-db", "--next-in", "1h", "-b", "x"], 2, "--next-in: not available for maintenance"),
    (["update", "2026-12-01-db", "-s", "investigating", "-b", "x"], 2, "'investigating' is not valid here"),
    (["update", "canary-deploys", "-c", "api", "-b", "x"], 2, "--component: not available for commitments"),
    (["update", "2026-11-20-api-errors", "-b", "x"], 1, "is resolved; to reopen it give --status"),
    (["resolve", OPEN_ID, "--next-in", "1h", "-b", "x"], 2, "a resolved incident promises no next update"),
    (["resolve", "2026-11-20-api-errors", "-b", "x"], 1, "is already resolved"),
    (["resolve", "2026-12-01-db", "-b", "x"], 2, "2026-12-01-db is a maintenance; this command works on an incident"),
    (["deliver", OPEN_ID, "-b", "x"], 2, "is an incident; this command works on a commitment"),
    (["postpone", "canary-deploys", "--due", "2026-12-01", "-b", "x"], 2, "is not later than the current due date"),
    (["postpone", "canary-deploys", "--due", "someday", "-b", "x"], 2, "--due: 'someday' is not a time"),
    (["new", "incident", "X", "--impact", "huge", "-b", "x"], 2, "--impact: 'huge' is not valid here; one of "
     "none, minor, major, critical"),
    (["new", "incident", "X", "--impact", "m", "-b", "x"], 2, "--impact: 'm' is not valid here"),
    (["postpone", "canary-deploys", "--due", "2027-01-15", "-s", "delivered", "-b", "x"], 2,
     "a delivered commitment gets no new due date"),
    (["new", "incident", "X" * 201, "--impact", "major", "-b", "x"], 2, "more than 200"),
    (["new", "incident", "X", "--impact", "major", "--started", "13:00", "-b", "x"], 2, "cannot start after now"),
    (["new", "incident", "X", "--impact", "major", "--id", "Not_An_Id", "-b", "x"], 2, "is not a valid id"),
    (["new", "maintenance", "X", "--start", "2026-11-25 10:00", "--duration", "1h", "-c", "web", "-b", "x"], 2,
     "is not in the future"),
    (["new", "maintenance", "X", "--start", "2026-12-03 06:00", "-c", "web", "-b", "x"], 2, "--end TIME or"),
    (["new", "maintenance", "X", "--start", "2026-03-29 02:30", "--duration", "1h", "-c", "web", "-b", "x"], 2,
     "does not exist in the site's time zone"),
    (["new", "commitment", "X", "--due", "2026-11-01", "-b", "x"], 2, "--due: 2026-11-01 is not in the future"),
    (["new", "commitment", "X", "--due", "2026-12-01", "-c", "api=major_outage", "-b", "x"], 2,
     "lists components without a status"),
    (["new", "commitment", "X", "--due", "2026-12-01", "--incident", "nope", "-b", "x"], 2, "no incident 'nope'"),
])
def test_refused_commands_change_nothing_and_say_why(runner: CliRunner, site: Path, args: list[str], code: int,
                                                     message: str) -> None:
    before = snapshot(site)
    result = run(runner, site, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(site) == before


def test_the_new_text_is_validated_with_the_whole_site_before_writing(runner: CliRunner, site: Path) -> None:
    """The clock is behind the latest update: the loader's own check stops the write."""
    before = snapshot(site)
    result = run(runner, site, "update", OPEN_ID, "-b", "x", now="2026-11-25T11:00:00+01:00")
    assert result.exit_code == 1
    assert f"{OPEN_REL}:19:5: update 3 is dated before update 2" in result.stderr
    assert "1 error in the content; nothing was written." in result.stderr
    assert snapshot(site) == before


def test_an_invalid_site_is_not_edited(runner: CliRunner, site: Path) -> None:
    (site / "site.yaml").write_text((site / "site.yaml").read_text().replace("timezone:", "timezon:"))
    before = snapshot(site)
    result = run(runner, site, "update", OPEN_ID, "-b", "x")
    assert result.exit_code == 1
    assert "unknown key 'timezon'" in result.stderr
    assert snapshot(site) == before


# -- atomic writes ---------------------------------------------------------------------------


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_failed_replace_leaves_the_file_and_no_temporary_file(runner: CliRunner, site: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(site)
    monkeypatch.setattr(os, "replace", _fail)
    result = run(runner, site, "update", OPEN_ID, "-b", "Still on it.")
    assert result.exit_code == 1
    assert f"cannot write {site}/{OPEN_REL}: No space left on device; nothing was changed" in result.stderr
    assert snapshot(site) == before, "the file is unchanged and no temporary file remains"


def test_failed_create_leaves_nothing(runner: CliRunner, make_site: Callable[..., Path],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": None})
    (site / "maintenance").rmdir()
    before = snapshot(site)
    monkeypatch.setattr(os, "link", _fail)
    result = run(runner, site, "new", "maintenance", "X", "--start", "2026-12-03 06:00", "--duration", "1h",
                 "-c", "web", "-b", "x")
    assert result.exit_code == 1
    assert "No space left on device; nothing was changed" in result.stderr
    assert snapshot(site) == before
    assert not (site / "maintenance").exists(), "a folder made for the file is removed again"


def test_without_hard_links_a_new_file_is_still_created(runner: CliRunner, site: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def unsupported(*args: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", unsupported)
    result = run(runner, site, "new", "incident", "API down", "--impact", "major", "-b", "Down.")
    assert result.exit_code == 0, result.output
    assert (site / "incidents/2026-11-25-api-down.yaml").is_file()
    assert not [p for p in (site / "incidents").iterdir() if p.name.startswith(".")]


def test_a_file_changed_meanwhile_is_not_overwritten(runner: CliRunner, site: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = authoring.load_site

    def edit_meanwhile(root: Path, overlay: dict[str, str] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        if overlay:
            (site / OPEN_REL).write_text(OPEN + "# edited by someone else\n")
        return real(root, overlay, **kwargs)

    monkeypatch.setattr(authoring, "load_site", edit_meanwhile)
    result = run(runner, site, "update", OPEN_ID, "-b", "x")
    assert result.exit_code == 1
    assert "changed while statusgen was working on it; nothing was written" in result.stderr
    assert (site / OPEN_REL).read_text() == OPEN + "# edited by someone else\n"


# -- the body: --body, standard input, or the editor -----------------------------------------


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Return a function that sets $EDITOR to a script typing ``text`` above the template; the
    template it was given is copied to the returned path."""
    monkeypatch.setattr(editor, "interactive", lambda: True)
    monkeypatch.delenv("VISUAL", raising=False)

    def use(text: str, exit_code: int = 0) -> Path:
        typed, seen = tmp_path / "typed.txt", tmp_path / "seen.txt"
        typed.write_text(text, encoding="utf-8")
        script = tmp_path / "fake editor.py"
        script.write_text(
            "import pathlib, sys\n"
            "typed, seen, path = (pathlib.Path(a) for a in sys.argv[1:])\n"
            "template = path.read_text(encoding='utf-8')\n"
            "seen.write_text(template, encoding='utf-8')\n"
            "path.write_text(typed.read_text(encoding='utf-8') + template, encoding='utf-8')\n"
            f"sys.exit({exit_code})\n"
        )
        monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(script), str(typed), str(seen)]))
        return seen

    return use


def test_editor_opens_without_body(runner: CliRunner, site: Path, fake_editor: Callable[..., Path]) -> None:
    seen = fake_editor("# Update\n\nWe rolled back; **card payments** work again.\n")
    result = run(runner, site, "update", OPEN_ID, "-s", "monitoring")
    assert result.exit_code == 0, result.output
    assert (site / OPEN_REL).read_text().split(OPEN_ANCHOR)[1].startswith("""
  - at: 2026-11-25T12:00:00+01:00
    status: monitoring
    body: |
      # Update

      We rolled back; **card payments** work again.
""")
    template = seen.read_text()
    assert editor.SCISSORS in template
    assert f"# Update 3 of incident {OPEN_ID}: monitoring" in template
    assert "# Update 2, 11:18, identified:\n#   A faulty deploy; rolling back." in template


def test_empty_editor_text_aborts(runner: CliRunner, site: Path, fake_editor: Callable[..., Path]) -> None:
    fake_editor("\n\n")
    before = snapshot(site)
    result = run(runner, site, "update", OPEN_ID)
    assert result.exit_code == 1
    assert "Aborted: the text is empty; nothing was written." in result.stderr
    assert snapshot(site) == before


def test_failing_editor_aborts(runner: CliRunner, site: Path, fake_editor: Callable[..., Path]) -> None:
    fake_editor("Some text", exit_code=3)
    result = run(runner, site, "update", OPEN_ID)
    assert result.exit_code == 1
    assert "the editor exited with status 3; nothing was written." in result.stderr


def test_text_typed_in_the_editor_is_kept_when_the_write_is_refused(
        runner: CliRunner, site: Path, fake_editor: Callable[..., Path]) -> None:
    fake_editor("A carefully written update.")
    result = run(runner, site, "update", OPEN_ID, now="2026-11-25T11:00:00+01:00")
    assert result.exit_code == 1
    line = next(line for line in result.stderr.splitlines() if "your text is not lost" in line)
    draft = Path(line.rsplit(" ", 1)[1])
    assert draft.read_text() == "A carefully written update.\n"
    draft.unlink()


def test_the_site_is_not_locked_while_the_editor_is_open_and_a_change_meanwhile_is_refused(
        runner: CliRunner, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor may stay open for minutes: other commands go on, and what they wrote is never lost."""
    pytest.importorskip("fcntl")
    monkeypatch.setattr(editor, "interactive", lambda: True)
    monkeypatch.delenv("VISUAL", raising=False)
    script, locked = tmp_path / "editor.py", tmp_path / "locked.txt"
    script.write_text(
        "import fcntl, os, pathlib, sys\n"
        "site, locked, path = sys.argv[1:]\n"
        "fd = os.open(site, os.O_RDONLY)\n"
        "try:\n"
        "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "    pathlib.Path(locked).write_text('free')\n"
        "except BlockingIOError:\n"
        "    pathlib.Path(locked).write_text('held')\n"
        f"with open(pathlib.Path(site) / {OPEN_REL!r}, 'a') as f:\n"
        "    f.write('# written by another command meanwhile\\n')\n"
        "pathlib.Path(path).write_text('My careful update.\\n')\n")
    monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(script), str(site), str(locked)]))
    result = run(runner, site, "update", OPEN_ID)
    assert locked.read_text() == "free", "the site was locked while the editor was open"
    assert result.exit_code == 1, result.output
    assert "changed while statusgen was working on it; nothing was written" in result.stderr
    assert (site / OPEN_REL).read_text() == OPEN + "# written by another command meanwhile\n"
    line = next(line for line in result.stderr.splitlines() if "your text is not lost" in line)
    draft = Path(line.rsplit(" ", 1)[1])
    assert draft.read_text() == "My careful update.\n"
    draft.unlink()


@pytest.mark.parametrize(("args", "option"), [
    (["new", "incident", "Bad \x1b]0;x\x07 title", "--impact", "minor", "-b", "x"], "TITLE"),
    (["new", "incident", "Bad \udcff byte", "--impact", "minor", "-b", "x"], "TITLE"),
    (["new", "incident", "Title", "--impact", "minor", "-b", "x", "--workaround", "a\x9bb"], "--workaround"),
])
def test_control_characters_in_command_line_text_are_refused(runner: CliRunner, site: Path, args: list[str],
                                                             option: str) -> None:
    before = snapshot(site)
    result = run(runner, site, *args)
    assert result.exit_code == 2, result.output
    assert f"{option}: the text contains the character U+" in result.stderr
    assert snapshot(site) == before


def test_control_characters_in_the_body_option_are_refused(runner: CliRunner, site: Path) -> None:
    before = snapshot(site)
    result = run(runner, site, "update", OPEN_ID, "-b", "Fixed \x1b[2J now")
    assert result.exit_code == 2
    assert "--body: the text contains the character U+001B (ESC)" in result.stderr
    assert "\x1b" not in result.stderr
    assert snapshot(site) == before


def test_no_terminal_and_no_body_is_a_usage_error(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", OPEN_ID)
    assert result.exit_code == 2
    assert "no --body given, and no terminal to open an editor on" in result.stderr


def test_body_from_standard_input(runner: CliRunner, site: Path) -> None:
    result = run(runner, site, "update", OPEN_ID, "--body", "-", input="Line one.\nLine two.\n")
    assert result.exit_code == 0, result.output
    assert "    body: |\n      Line one.\n      Line two.\n" in (site / OPEN_REL).read_text()


def test_editor_command_is_split_like_a_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "code --wait")
    monkeypatch.setenv("EDITOR", "nano")
    assert editor.editor_command() == ["code", "--wait"]
    monkeypatch.delenv("VISUAL")
    assert editor.editor_command() == ["nano"]
    monkeypatch.delenv("EDITOR")
    assert editor.editor_command() == ["vi"]


def test_cleanup_drops_the_help_even_without_the_scissors_line() -> None:
    template = f"\n\n{editor.SCISSORS}\n# help line\n"
    assert editor.cleanup("## Heading\ntext\n" + template, template) == "## Heading\ntext"
    assert editor.cleanup("text\n# help line\n", template) == "text"


# -- times from the command line -------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("14:30", "2026-11-25T14:30:00+01:00"),
    ("2026-12-01 02:00", "2026-12-01T02:00:00+01:00"),
    ("2026-07-01T09:15:30", "2026-07-01T09:15:30+02:00"),
    ("2026-11-25T13:00:00Z", "2026-11-25T13:00:00+00:00"),
    ("2026-10-25 02:30", "2026-10-25T02:30:00+02:00"),  # happens twice: the first
])
def test_parse_when(text: str, expected: str) -> None:
    assert parse_when(text, BERLIN, NOW).isoformat() == expected


@pytest.mark.parametrize("text", ["25:00", "2026-02-30 10:00", "2026-03-29 02:30", "noon", "2026-11-25"])
def test_parse_when_refuses(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_when(text, BERLIN, NOW)

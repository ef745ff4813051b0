"""The command line as a user meets it: help, version, site discovery, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from statusgen import __version__
from statusgen.cli import cli, main

from .conftest import EXAMPLE_SITE, NOW_TEXT


def test_help_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "build" in result.output
    assert runner.invoke(cli, ["-h"]).output == result.output


def test_build_help_explains_every_option(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["build", "--help"])
    assert result.exit_code == 0
    for option in ("--site", "-o, --output", "--now", "Exit status"):
        assert option in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"statusgen {__version__} from ")
    assert "Python 3." in result.output


def test_build_without_arguments_uses_content_and_public(
    runner: CliRunner, make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    site.rename(tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "--now", NOW_TEXT])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public" / "index.html").is_file()
    assert "Built " in result.output and "Open file://" in result.output


def test_build_finds_site_yaml_in_current_folder(
    runner: CliRunner, make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    monkeypatch.chdir(site)
    result = runner.invoke(cli, ["build", "-o", "../out", "--now", NOW_TEXT])
    assert result.exit_code == 0, result.output
    assert (site.parent / "out" / "index.html").is_file()


def test_no_site_says_where_it_looked(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "no site found: looked for content/site.yaml and ./site.yaml" in result.output


def test_site_option_and_missing_site_yaml(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a statusgen site: it has no site.yaml" in result.output


@pytest.mark.parametrize("now,message", [
    ("2026-11-25", "expected a time, got the date"),
    ("tomorrow", "is not a time"),
    ("25:00", "is not a time"),
    ("2026-03-29 02:30", "does not exist in the site's time zone Europe/Berlin (the clocks change then)"),
])
def test_bad_now_is_a_usage_error(runner: CliRunner, make_site: Callable[..., Path], now: str, message: str) -> None:
    result = runner.invoke(cli, ["build", str(make_site()), "--now", now])
    assert result.exit_code == 2
    assert message in result.output


# -- one clock: every command reads --now and $STATUSGEN_NOW the same way ---------------------------------------

#: Ways to write 2026-11-25 12:00 CET, as the authoring commands read times: in the site's zone (Europe/Berlin).
SAME_INSTANT = ["2026-11-25T12:00:00+01:00", "2026-11-25T11:00:00Z", "2026-11-25 12:00", "2026-11-25T12:00"]


def _as_of(runner: CliRunner, site: Path, command: list[str], now: str, *, env: bool) -> str:
    """Run ``command`` as of ``now`` given by --now or $STATUSGEN_NOW; return its standard output and error."""
    args = [*command, str(site)] if command[0] in ("build", "check", "list") else command
    result = runner.invoke(cli, args + ([] if env else ["--now", now]),
                           env={"STATUSGEN_NOW": now} if env else {"STATUSGEN_NOW": None})
    assert result.exit_code in (0, 1), result.output
    return result.stdout + result.stderr


@pytest.mark.parametrize("env", [False, True], ids=["option", "environment"])
@pytest.mark.parametrize("now", SAME_INSTANT)
def test_every_command_reads_now_the_same_way(runner: CliRunner, make_site: Callable[..., Path], tmp_path: Path,
                                              now: str, env: bool) -> None:
    site = make_site({"incidents/2026-11-25-open.yaml": """
        title: Open
        impact: major
        updates:
          - {at: 2026-11-25T11:30:00+01:00, status: investigating, body: Looking.}
    """})
    out = tmp_path / f"public-{env}-{SAME_INSTANT.index(now)}"
    _as_of(runner, site, ["build", "-o", str(out)], now, env=env)
    assert 'Generated <time datetime="2026-11-25T11:00:00Z">' in (out / "index.html").read_text(encoding="utf-8")
    checked = _as_of(runner, site, ["check", "--format", "json"], now, env=env)
    assert json.loads(checked[:checked.rindex("}") + 1])["now"] == "2026-11-25T12:00:00+01:00"
    assert "update by 12:30 (in 30m)" in _as_of(runner, site, ["list", "--open"], now, env=env)
    written = _as_of(runner, site, ["update", "open", "--site", str(site), "--body", "Still looking."], now, env=env)
    assert "Added update 2" in written
    assert "at: 2026-11-25T12:00:00+01:00\n    status: investigating\n    body: Still looking." in \
        (site / "incidents/2026-11-25-open.yaml").read_text(encoding="utf-8")


def test_a_clock_time_is_today_in_the_sites_zone(runner: CliRunner, make_site: Callable[..., Path]) -> None:
    result = runner.invoke(cli, ["check", str(make_site()), "--now", "12:00", "--format", "json"])
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    assert json.loads(result.stdout)["now"].startswith(f"{today.isoformat()}T12:00:00")


def test_serve_resolves_now_in_the_sites_zone(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from statusgen.preview import app

    seen: list[dt.datetime | None] = []

    class Recorder:
        def __init__(self, site_dir: Path, *, host: str, port: int, now: dt.datetime | None, jobs: int) -> None:
            seen.append(now)

        def serve_forever(self) -> None:
            pass

    monkeypatch.setattr(app, "Preview", Recorder)
    site = make_site()
    assert main(["serve", str(site), "--now", "2026-11-25 12:00"]) == 0
    monkeypatch.setenv("STATUSGEN_NOW", "2026-11-25T12:00")
    assert main(["serve", str(site)]) == 0
    assert seen == [dt.datetime.fromisoformat("2026-11-25T12:00:00+01:00")] * 2


def test_every_error_at_once_and_no_traceback(make_site: Callable[..., Path], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    site = make_site({
        "site.yaml": """
            title: Test Status
            base_url: https://status.test.example/
            timezone: Europe/Berlin
            components:
              - {id: api, name: Public API, grup: Platform}
              - {id: web, name: Website}
              - {id: email, name: Email delivery}
        """,
        "incidents/2026-11-24-x.yaml": """
            title: X
            impact: huge
            updates:
              - {at: 2026-11-24T10:00:00, status: investigating, body: Slow.}
        """,
        "commitments/2026-11-22-canary-deploys.yaml": """
            title: Canary deploys
            made_at: 2026-11-22T12:00:00+01:00
            due: 2026-12-15
            incident: nope
            body: Every deploy goes to 5% first.
        """,
    })
    monkeypatch.chdir(site)
    assert main(["build", ".", "-o", str(tmp_path / "out"), "--now", NOW_TEXT]) == 1
    err = capsys.readouterr().err
    locations = [line.split(": ", 1)[0] for line in err.splitlines() if not line.startswith(" ")]
    assert locations == [
        "commitments/2026-11-22-canary-deploys.yaml:4:1",
        "incidents/2026-11-24-x.yaml:2:9",
        "incidents/2026-11-24-x.yaml:4:10",
        "site.yaml:5:33",
        "4 errors in the content; nothing was written.",
    ]
    assert "Traceback" not in err


def test_python_m_statusgen_and_console_script(tmp_path: Path) -> None:
    """The installed entry points run end to end in a real process."""
    out = tmp_path / "out"
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "statusgen", "build", str(EXAMPLE_SITE), "-o", str(out), "--now", NOW_TEXT],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Built ")
    assert (out / "index.html").is_file()

"""The command line as a user meets it: help, version, site discovery, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
    ("2026-11-25T12:00:00", "has no offset"),
    ("tomorrow", "is not a time"),
])
def test_bad_now_is_a_usage_error(runner: CliRunner, make_site: Callable[..., Path], now: str, message: str) -> None:
    result = runner.invoke(cli, ["build", str(make_site()), "--now", now])
    assert result.exit_code == 2
    assert message in result.output


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

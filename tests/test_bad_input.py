"""The bad-input corpus: one file per mistake, each with the exact messages it must produce.

Each ``tests/bad/<kind>-<case>.yaml`` is dropped into a copy of tests/base-site (a valid
site): ``site-*`` replaces site.yaml, the others go into incidents/, maintenance/ or
commitments/. ``<case>.expected`` holds what ``statusgen build`` must print, exactly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import cli

from .conftest import BASE_SITE, NOW_TEXT, TESTS

BAD = TESTS / "bad"
FOLDERS = {"incident": "incidents", "maintenance": "maintenance", "commitment": "commitments"}
CASES = sorted(BAD.glob("*.yaml"))


def place(case: Path, site: Path) -> Path:
    kind = case.stem.split("-", 1)[0]
    if kind == "site":
        return site / "site.yaml"
    return site / FOLDERS[kind] / case.name


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert all(case.with_suffix(".expected").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_input(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    shutil.copytree(BASE_SITE, site)
    shutil.copyfile(case, place(case, site))
    out = tmp_path / "out"
    monkeypatch.chdir(site)

    result = CliRunner().invoke(cli, ["build", ".", "-o", str(out), "--now", NOW_TEXT])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output == case.with_suffix(".expected").read_text(encoding="utf-8")
    assert not out.exists(), "a failed build must not write anything"

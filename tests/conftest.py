"""Shared fixtures: a fixed clock, scratch sites written from text, and a CLI runner."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from statusgen.timeutil import parse_time

# Property tests check behaviour, not speed: no per-example deadline, so a busy CI machine
# cannot turn a slow example into a failure.
settings.register_profile("statusgen", deadline=None)
settings.load_profile("statusgen")

TESTS = Path(__file__).parent
ROOT = TESTS.parent
BASE_SITE = TESTS / "base-site"
EXAMPLE_SITE = ROOT / "content"
#: The instant the example site and the golden files are built for.
NOW = parse_time("2026-11-25T12:00:00+01:00")
NOW_TEXT = "2026-11-25T12:00:00+01:00"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes a site into ``tmp_path/site``.

    ``make_site({"incidents/x.yaml": "..."})`` starts from tests/base-site (a small valid
    site) and writes each given file (dedented) over it; ``None`` deletes a file.
    ``base=False`` starts from an empty folder.
    """

    def make(files: dict[str, str | None] | None = None, *, base: bool = True) -> Path:
        site = tmp_path / "site"
        if base:
            shutil.copytree(BASE_SITE, site)
        else:
            site.mkdir()
        for rel, text in (files or {}).items():
            target = site / rel
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return site

    return make


def published(path: str, site: Path | None = None) -> str:
    """Return the fingerprinted name a static file (``static/style.css``) is published under.

    For the default theme, or with ``site`` for that site's theme (its own static files and logo).
    """
    from statusgen.content.loader import load_site
    from statusgen.outputs.theme import Theme

    theme = Theme.for_site(load_site(site).site) if site else Theme.default()
    name = theme.static_files().published(path)
    assert name is not None, f"{path} is no static file of the theme"
    return name


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment in which pip installs only from a wheelhouse of statusgen's dependencies (no index)."""
    from . import offline

    base = tmp_path_factory.mktemp("wheelhouse")
    return offline.pip_env(offline.make_wheelhouse(base / "wheels"), base / "pip-cache")

"""The documentation stays true.

- docs/commands.md is what tools/cli_reference.py writes from the command line today
  (``make docs`` regenerates it).
- `make site` builds the example as of the instant the tests and screenshots use.

Only ``statusgen.cli`` is imported (for ``cli``): the modules behind it may move.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from types import ModuleType

import pytest

from statusgen.cli import cli

from .conftest import NOW_TEXT, ROOT

DOCS = ROOT / "docs"
COMMANDS = DOCS / "commands.md"
GENERATOR = ROOT / "tools" / "cli_reference.py"


# -- the command reference ----------------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_reference", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_is_current() -> None:
    expected = _generator().render()
    actual = COMMANDS.read_text(encoding="utf-8") if COMMANDS.is_file() else ""
    if actual != expected:
        diff = "".join(difflib.unified_diff(actual.splitlines(keepends=True), expected.splitlines(keepends=True),
                                            "docs/commands.md (committed)", "docs/commands.md (from the CLI)"))
        pytest.fail("docs/commands.md does not match the command line; run `make docs` and commit it.\n" + diff,
                    pytrace=False)


def test_the_command_reference_has_every_command() -> None:
    """A control for the generator: every visible command and option is in the page."""
    text = COMMANDS.read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        subcommands = getattr(command, "commands", {})
        paths = [f"statusgen {name}"] + [f"statusgen {name} {sub}" for sub in subcommands]
        for path in paths:
            assert f"`{path}`" in text, f"{path} is missing from docs/commands.md"
    assert "`--since GIT_REF`" in text and "`-o, --output PATH`" in text
    assert "STATUSGEN_NOW" in text  # an option's environment variable is said
    assert "hidden" not in text.lower()


# -- the front page ---------------------------------------------------------------------------------


def test_make_site_shows_the_example_as_the_tests_see_it() -> None:
    """`make site` builds the example at the instant of the tests and screenshots, unless NOW= says otherwise."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^EXAMPLE_NOW\s*:?=\s*{re.escape(NOW_TEXT)}\s*$", makefile, re.M)
    assert re.search(r"^NOW\s*\?=\s*\$\(EXAMPLE_NOW\)\s*$", makefile, re.M)
    assert "$(if $(NOW),--now $(NOW))" in makefile



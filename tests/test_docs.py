"""The documentation stays true.

- docs/commands.md is what tools/cli_reference.py writes from the command line today
  (``make docs`` regenerates it).
- docs/format.md, the content contract, lists every key ``statusgen schema`` knows, and no
  other, each marked required exactly when the schema requires it.
- `make site` builds the example as of the instant the tests and screenshots use.

Only ``statusgen.cli`` is imported (for ``cli``): the modules behind it may move.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from types import ModuleType

import pytest
from click.testing import CliRunner

from statusgen.cli import cli

from .conftest import NOW_TEXT, ROOT

DOCS = ROOT / "docs"
COMMANDS = DOCS / "commands.md"
FORMAT = DOCS / "format.md"
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




# -- the format reference ---------------------------------------------------------------------------

#: The schema `statusgen schema` writes for each kind, and the heading of its section in format.md.
_SECTIONS = {"site": "site.yaml", "incident": "incidents/&lt;id&gt;.yaml",
             "maintenance": "maintenance/&lt;id&gt;.yaml", "commitment": "commitments/&lt;id&gt;.yaml"}


def schema_keys(schema: dict, prefix: str = "") -> dict[str, bool]:
    """Return every key path of a JSON Schema object (``policy.refresh``, ``updates[].at``) -> required."""
    keys: dict[str, bool] = {}
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        path = prefix + name
        keys[path] = name in required
        if prop.get("type") == "object" and "properties" in prop:
            keys.update(schema_keys(prop, path + "."))
        items = prop.get("items", {})
        if prop.get("type") == "array" and isinstance(items, dict) and "properties" in items:
            keys.update(schema_keys(items, path + "[]."))
    return keys


def documented_keys(kind: str) -> dict[str, str]:
    """Return the key paths in the table of ``kind``'s section of format.md -> its Required cell."""
    text = FORMAT.read_text(encoding="utf-8")
    heading = f"\n## {_SECTIONS[kind]}\n"
    assert heading in text, f"docs/format.md has no section {heading.strip()!r}"
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \|[^|]*\| ([^|]*) \|", section, re.M)
    return {key: required.strip() for key, required in rows}


@pytest.mark.parametrize("kind", list(_SECTIONS))
def test_the_format_reference_lists_every_key(kind: str) -> None:
    result = CliRunner().invoke(cli, ["schema", kind])
    assert result.exit_code == 0, result.output
    known = schema_keys(json.loads(result.output))
    documented = documented_keys(kind)
    assert sorted(known.keys() - documented.keys()) == [], "keys missing from docs/format.md"
    assert sorted(documented.keys() - known.keys()) == [], "keys in docs/format.md that statusgen does not know"
    wrong = {key: documented[key] for key, required in known.items() if (documented[key] == "yes") != required}
    assert not wrong, f"Required is wrong in docs/format.md for {wrong} (schema: {known})"

"""The documentation stays true: a current command reference, links that resolve, a complete format.

- docs/commands.md is what tools/cli_reference.py writes from the command line today
  (``make docs`` regenerates it).
- Every Markdown link and image in README.md and docs/ points at a file in this repository,
  and at a heading of it when it has a ``#fragment`` (GitHub's anchor rules). Nothing links
  outside: no http(s) links, and a web address in code is an example on an example domain.
- docs/format.md, the content contract, lists every key ``statusgen schema`` knows, and no
  other, each marked required exactly when the schema requires it.
- README.md opens with `make site` and `make test` and stays a front page; `make site` builds
  the example as of the instant the tests and screenshots use.

Only ``statusgen.cli`` is imported (for ``cli``): the modules behind it may move.
"""

from __future__ import annotations

import difflib
import html
import importlib.util
import json
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from statusgen.cli import cli

from .conftest import NOW_TEXT, ROOT

DOCS = ROOT / "docs"
COMMANDS = DOCS / "commands.md"
FORMAT = DOCS / "format.md"
GENERATOR = ROOT / "tools" / "cli_reference.py"


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


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


# -- reading Markdown -----------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def split_code(text: str) -> tuple[str, list[str]]:
    """Return ``text`` with fenced blocks and code spans blanked out, and the code that was in them."""
    rest, code = _split_fences(text)
    code += [m.group(2) for m in _CODE_SPAN.finditer(rest)]
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), rest), code


def _split_fences(text: str) -> tuple[str, list[str]]:
    """Return ``text`` with fenced code blocks blanked out (lines kept), and their lines."""
    prose, code, fence = [], [], None
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            code.append(line)
            prose.append("\n")
        elif fence is not None:
            code.append(line)
            prose.append("\n")
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
        else:
            prose.append(line)
    return "".join(prose), code


# [text](target "title") and ![alt](target): text may hold one level of brackets and code.
_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
                     r"(?:\s+\"[^\"]*\"|\s+'[^']*')?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(\S+)", re.M)
_AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:|www\.)[^\s<>]*)>")
_HTML_LINK = re.compile(r"<(?:a|img|source)\b[^>]*?\b(?:href|src|srcset)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_BARE_URL = re.compile(r"(?<![\w/<\"'])(?:https?://|www\.)[^\s<>)\]]+", re.I)


def links(text: str) -> Iterator[str]:
    """Yield the target of every link and image in the prose of ``text`` (code is not linked)."""
    prose, _ = split_code(text)
    for pattern in (_INLINE, _REFERENCE, _AUTOLINK, _HTML_LINK):
        for match in pattern.finditer(prose):
            yield match.group(1).strip("<>")
    # GitHub turns a bare web address into a link, too.
    yield from (m.group(0) for m in _BARE_URL.finditer(_INLINE.sub(" ", prose)))


def github_slug(heading: str) -> str:
    """Return the anchor GitHub gives a heading: its text, lowercase, punctuation dropped, spaces as dashes."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = html.unescape(text.replace("`", ""))
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """Return the heading anchors of a Markdown file, numbered as GitHub numbers repeated ones."""
    prose, _ = _split_fences(path.read_text(encoding="utf-8"))  # headings keep their code spans
    seen: dict[str, int] = {}
    result = set()
    for match in re.finditer(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", prose, re.M):
        slug = github_slug(match.group(1))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    # Explicit anchors: <a id="..."> or name="...".
    result.update(re.findall(r"<a\s[^>]*\b(?:id|name)=[\"']([^\"']+)[\"']", prose))
    return frozenset(result)


@cache
def repository_files() -> frozenset[str] | None:
    """Return the files git tracks or would track (not ignored), or None outside a git checkout."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                          capture_output=True, check=False)
    if done.returncode:
        return None
    return frozenset(p for p in done.stdout.decode("utf-8").split("\0") if p and (ROOT / p).exists())


def problem_with_link(source: Path, target: str) -> str | None:
    """Return what is wrong with the link ``target`` written in ``source``, or None when it resolves."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("//", "www.")):
        return "points outside the repository"
    if target.startswith("/"):
        return "is absolute; write it relative to the file, so it works on every git host"
    path_part, _, fragment = target.partition("#")
    path_part = urllib.parse.unquote(path_part.split("?", 1)[0])
    resolved = (source.parent / path_part).resolve() if path_part else source.resolve()
    if not resolved.is_relative_to(ROOT.resolve()):
        return "points outside the repository"
    rel = resolved.relative_to(ROOT.resolve()).as_posix()
    if not resolved.exists():
        return f"names {rel}, which does not exist"
    known = repository_files()
    if known is not None and rel != "." and rel not in known and not any(f.startswith(rel + "/") for f in known):
        return f"names {rel}, which is not in the repository (ignored by git?)"
    if fragment:
        if resolved.is_dir() or resolved.suffix != ".md":
            return f"has the fragment #{fragment}, but {rel} is not a Markdown file"
        if urllib.parse.unquote(fragment) not in anchors(resolved):
            return f"names #{fragment}, which is not a heading of {rel}"
    return None


#: Hosts a web address in an example may name: reserved example domains and this computer.
_EXAMPLE_HOST = re.compile(r"^(?:[\w-]+\.)*(?:example|example\.(?:com|org|net))$"
                           r"|^(?:localhost|127\.0\.0\.1|0\.0\.0\.0)$")
_CODE_URL = re.compile(r"\b(?:https?|wss?|ftp)://([^/\s\"'`<>)\]:]+)")


@pytest.mark.parametrize("path", markdown_files(), ids=_rel)
def test_links_stay_in_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    problems = []
    for target in links(text):
        problem = problem_with_link(path, target)
        if problem:
            problems.append(f"{_rel(path)}: the link {target!r} {problem}")
    _, code = split_code(text)
    for snippet in code:
        for host in _CODE_URL.findall(snippet):
            if not _EXAMPLE_HOST.match(host.lower()):
                problems.append(f"{_rel(path)}: the web address on {host} in code is not an example domain "
                                "(use *.example, example.com or 127.0.0.1)")
    assert not problems, "\n".join(problems)


def test_the_link_checker_finds_what_it_must() -> None:
    """A control: broken, outside and http links are reported; good ones and code are not."""
    source = DOCS / "index.md"
    assert problem_with_link(source, "format.md#permalinks-where-the-build-writes") is None
    assert problem_with_link(source, "custom-theme-example/") is None
    assert problem_with_link(source, "#running-a-status-page-support-leads") is None
    assert "not a heading" in (problem_with_link(source, "format.md#no-such-heading") or "")
    assert "does not exist" in (problem_with_link(source, "no-such-page.md") or "")
    assert "outside" in (problem_with_link(source, "../../shared/PRINCIPLES.md") or "")
    assert "outside" in (problem_with_link(source, "https://status.acme.example/") or "")
    assert "absolute" in (problem_with_link(source, "/docs/format.md") or "")
    sample = ("See [a](a.md), ![b](img/b.png \"title\"), [`c` d](c.md#x), <https://e.example/>, "
              "www.f.example and https://g.example/x (https://i.example).\n\n[h]: h.md\n\n```\n[no](code.md)\n```\n"
              "`[no](span.md)`\n")
    assert list(links(sample)) == ["a.md", "img/b.png", "c.md#x", "h.md", "https://e.example/",
                                   "www.f.example", "https://g.example/x", "https://i.example"]
    assert github_slug("`--since`: published updates are append-only") == "--since-published-updates-are-append-only"
    assert github_slug("incidents/&lt;id&gt;.yaml") == "incidentsidyaml"
    assert github_slug("11. Every customer gets [full](x.md) attention") == "11-every-customer-gets-full-attention"


def test_every_docs_page_is_on_the_map() -> None:
    index = DOCS / "index.md"
    linked = {(index.parent / t.partition("#")[0]).resolve() for t in links(index.read_text(encoding="utf-8"))
              if not re.match(r"^[a-z]+:", t) and t.partition("#")[0]}
    missing = [_rel(p) for p in sorted(DOCS.rglob("*.md")) if p != index and p.resolve() not in linked]
    assert not missing, f"not linked from docs/index.md: {missing}"


# -- the front page ---------------------------------------------------------------------------------


def test_the_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```\w*\n(.*?)```", text, re.S)
    assert first is not None
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines() if line.strip()]
    assert commands == ["make site", "make test"]
    assert text.index("```") < text.index("\n## "), "the commands come before any section"
    # A front page, not a manual: the rest lives in docs/.
    assert len(text) < 8000, f"README.md is {len(text)} characters; move detail to docs/"


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

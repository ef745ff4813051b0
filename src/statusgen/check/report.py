"""`statusgen check`: everything that keeps the site honest, reported at once.

The order is the loader's problems (a file that cannot be read cannot be judged), then the
clock rules of :mod:`rules` on the derived view at ``now``, then, with ``since``, the
comparison with git history of :mod:`history`. Every problem carries file, line, severity,
message and a plain-language fix; they are sorted by file and line and shown as text, JSON
or GitHub workflow annotations.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..content.format import POLICY
from ..content.limits import FILE_LIMIT
from ..content.loader import read_site
from ..content.site_settings import site_zone
from ..errors import Problem, Severity, StatusgenError, visible
from ..fsutil import RefusedFile, read_regular
from ..timeutil import UTC
from ..view import derive

log = logging.getLogger(__name__)


class CheckFailed(StatusgenError):
    """The check found errors. They are reported already; this carries the one-line verdict."""

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(self.message, err=True, file=file)


@dataclass(slots=True)
class CheckResult:
    """What a check found, and against what: the instant and the git revision."""

    problems: list[Problem]
    now: dt.datetime
    since: str | None = None
    #: False when the content has errors: then only those (and the git comparison) were checked.
    loaded: bool = True

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity is Severity.WARNING for p in self.problems)


def check_site(site_dir: Path, *, now: dt.datetime, since: str | None = None) -> CheckResult:
    """Check the site in ``site_dir`` as of ``now``; with ``since``, also against that git revision.

    :raises history.HistoryError: when ``since`` cannot be compared (no git, no repository,
        unknown revision).
    """
    content, problems = read_site(site_dir)
    if content is not None:
        from .clock import run_rules

        problems.extend(run_rules(derive(content, now)))
        tz: dt.tzinfo = content.site.timezone
        tolerance: dt.timedelta = content.site.policy.backfill_tolerance
    else:
        tz, tolerance = _site_zone(site_dir), POLICY.fields["backfill_tolerance"].default
    if since is not None:
        from .published import compare_history

        problems.extend(compare_history(site_dir, since, now=now, tz=tz, tolerance=tolerance))
    return CheckResult(sorted(_with_sources(problems, site_dir), key=Problem.sort_key), now, since, content is not None)


def _site_zone(site_dir: Path) -> dt.tzinfo:
    """Return the site's zone for messages, even when the content has errors (else UTC)."""
    return site_zone(site_dir) or UTC


def _with_sources(problems: list[Problem], site_dir: Path) -> list[Problem]:
    """Fill in the quoted source line and the column of problems that name only a line."""
    texts: dict[str, list[str]] = {}
    done = []
    for p in problems:
        if p.source or not p.line:
            done.append(p)
            continue
        if p.file not in texts:
            try:
                path = Path(p.file)
                # Only what the loader would read: a regular file of the site, not a symlink leaving it.
                data = read_regular(path, within=site_dir, limit=FILE_LIMIT)
                texts[p.file] = data.decode("utf-8-sig").split("\n")
            except (OSError, RefusedFile, UnicodeDecodeError):
                texts[p.file] = []
        lines = texts[p.file]
        source = lines[p.line - 1] if p.line <= len(lines) else ""
        # Point at the key, past the indentation and a list item's dash.
        column = p.column or (len(source) - len(source.lstrip(" -")) + 1 if source.strip() else 0)
        done.append(Problem(p.file, p.line, column, p.message, p.hint, p.severity, source, p.rule))
    return done


# -- output -----------------------------------------------------------------------------------------


def summary(result: CheckResult) -> str:
    """Return the one-line verdict: counts, the instant checked and the revision compared with."""
    counts = [f"{n} {word}{'s' if n != 1 else ''}"
              for n, word in ((result.errors, "error"), (result.warnings, "warning")) if n]
    text = " and ".join(counts) if counts else "No problems"
    text += f" as of {result.now.isoformat(timespec='seconds')}"
    if result.since is not None:
        text += f", compared with {result.since}"
    if not result.loaded:
        text += "; fix the content errors first: the rules about silence and promises need a site that loads"
    return text + "."


def format_text(result: CheckResult) -> str:
    """Return every problem as ``file:line:col: message`` with the source line and the fix."""
    return "".join(p.format() + "\n" for p in result.problems)


def format_json(result: CheckResult) -> str:
    """Return the result as one JSON document, for other tools."""
    doc: dict[str, Any] = {
        "now": result.now.isoformat(timespec="seconds"),
        "since": result.since,
        "errors": result.errors,
        "warnings": result.warnings,
        "problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "severity": str(p.severity),
                "rule": p.rule or "content",
                "message": p.message,
                "hint": p.hint,
            }
            for p in result.problems
        ],
    }
    # JSON escapes C0 controls itself; the others a terminal acts on (DEL, C1, U+2028/9) are escaped too.
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def format_github(result: CheckResult) -> str:
    """Return GitHub Actions workflow commands, so a pull request shows each problem on its line."""
    lines = []
    for p in result.problems:
        props = [f"file={_escape_property(visible(p.file))}"]
        if p.line:
            props.append(f"line={p.line}")
            if p.column:
                props.append(f"col={p.column}")
        props.append(f"title={_escape_property('statusgen ' + (p.rule or 'content'))}")
        text = visible(p.message + (f"\nfix: {p.hint}" if p.hint else ""))
        lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(text)}\n")
    return "".join(lines)


def github_annotation(severity: str, title: str, message: str) -> str:
    """Return one GitHub Actions workflow command for a problem that belongs to no file."""
    return f"::{severity} title={_escape_property(title)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}

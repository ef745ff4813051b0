"""Problems found in content, and the exceptions that carry them to the user."""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click

#: Characters never printed as they are: C0 controls but tab and newline, DEL, C1 controls (``\x9b`` is a
#: terminal's CSI), the Unicode line and paragraph separators, and lone surrogates. In a terminal or a
#: CI log they can move the cursor, retitle the window or hide text; in a message they show escaped.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Return ``text`` with every control character written as an escape (``\\x1b``), fit for a terminal.

    Tabs and line breaks stay as they are; everything else that could act on a terminal, or
    that does not show, is spelt out, so a message can never carry an escape sequence.
    """
    return _INVISIBLE.sub(_escape, text) if _INVISIBLE.search(text) else text


class Severity(enum.IntEnum):
    """How bad a problem is; the order is meaningful (higher is worse)."""

    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the content, pinned to a place in a file.

    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    source: str = ""
    #: The `statusgen check` rule that found it ("" for problems in the content itself).
    rule: str = ""

    @property
    def location(self) -> str:
        """``file:line:column`` (or the file alone), control characters in the file name escaped."""
        if self.line:
            return f"{_one_line(self.file)}:{self.line}:{self.column}"
        return _one_line(self.file)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)

    def format(self) -> str:
        """Return the problem as ``file:line:col: message``, then the source line and the hint."""
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        lines = [f"{self.location}: {prefix}{visible(self.message)}"]
        if self.source:
            lines.append(f"    {_one_line(self.source.rstrip())}")
            if self.column:
                # Point at the column, keeping tabs so the caret lines up (under the escaped text).
                pad = "".join(c if c == "\t" else " " for c in _one_line(self.source[: self.column - 1]))
                lines.append(f"    {pad}^")
        if self.hint:
            lines.append(f"  hint: {visible(self.hint)}")
        return "\n".join(lines)


def _one_line(text: str) -> str:
    """Return ``text`` fit for one line of a terminal: control characters (line breaks too) escaped."""
    return visible(text).replace("\n", "\\n")


class StatusgenError(click.ClickException):
    """Base of every error statusgen reports to the user without a traceback."""

    exit_code = 1


class UsageProblem(StatusgenError):
    """The command line asks for something that cannot be (a wrong id, option or time): exit status 2."""

    exit_code = 2


class ContentError(StatusgenError):
    """The content has one or more errors; every one of them is attached."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        errors = sum(p.severity is Severity.ERROR for p in self.problems)
        super().__init__(f"{errors} error{'s' if errors != 1 else ''} in the content; nothing was written.")

    def format_message(self) -> str:
        body = "\n".join(p.format() for p in self.problems)
        return f"{body}\n{self.message}"

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(self.format_message(), err=True, file=file)


def display_path(path: Path, root: Path | None = None) -> str:
    """Return ``path`` as the user will recognise it: relative to ``root`` or the cwd when possible."""
    try:
        # The folder resolved, the name kept: a symlink is shown as itself, not as where it leads.
        resolved = path.parent.resolve() / path.name if path.name not in ("", ".", "..") else path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: show the path as given
        return path.as_posix()
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice that ``word`` most likely misspells, if any is close enough."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], *, otherwise: str | None = None, most: int = 1,
                 cutoff: float = 0.6) -> str:
    """Return a hint naming the choices closest to ``word`` (``did you mean 'status'?``).

    When none is close, return ``otherwise``; by default the list of every choice.
    """
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=most, cutoff=cutoff)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return otherwise if otherwise is not None else "expected one of: " + ", ".join(options)

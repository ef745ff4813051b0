"""The text of an update: ``--body``, standard input, or written in ``$EDITOR`` like a commit message."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import StatusgenError, UsageProblem

log = logging.getLogger(__name__)

#: Everything from this line on is dropped, as with ``git commit --cleanup=scissors``. Markdown
#: headings start with ``#`` too, so lines starting with ``#`` above it are kept.
SCISSORS = "# ------------------------ >8 ------------------------"
_SCISSORS_HELP = "# Do not change or remove the line above. Everything below it is ignored."


@dataclass(frozen=True, slots=True)
class Body:
    """The text of an update, and whether someone just typed it in an editor (then it is worth saving)."""

    text: str
    edited: bool = False


def obtain_body(body: str | None, *, help_lines: list[str], option: str = "--body") -> Body:
    """Return the body: ``body`` itself, standard input for ``-``, else what the user writes in an editor.

    :param help_lines: shown under the scissors line in the editor, to say what is being written.
    :raises UsageProblem: when there is no body and no terminal to open an editor on.
    :raises StatusgenError: when the editor fails or the text is empty (aborted).
    """
    if body == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise UsageProblem(f"{option} -: standard input was empty")
        return Body(text)
    if body is not None:
        if not body.strip():
            raise UsageProblem(f"{option} is empty; say what customers should know")
        return Body(body)
    if not interactive():
        raise UsageProblem(f"no {option} given, and no terminal to open an editor on; give {option} TEXT, "
                           f"or {option} - to read it from standard input")
    text = edit(help_lines)
    if not text.strip():
        raise StatusgenError("Aborted: the text is empty; nothing was written.")
    return Body(text, edited=True)


def interactive() -> bool:
    """Return whether a person is at the keyboard (standard input is a terminal)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


def editor_command() -> list[str]:
    """Return the editor to run, split like a shell would: ``$VISUAL``, else ``$EDITOR``, else ``vi``."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    return ["vi"]


def edit(help_lines: list[str], initial: str = "") -> str:
    """Open the editor on a template and return what the user wrote above the scissors line."""
    template = f"{initial}\n\n{SCISSORS}\n{_SCISSORS_HELP}\n" + "".join(f"# {line}".rstrip() + "\n"
                                                                       for line in help_lines)
    fd, name = tempfile.mkstemp(prefix="statusgen-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(template)
        command = [*editor_command(), str(path)]
        try:
            result = subprocess.run(command, check=False)
        except OSError as exc:
            raise StatusgenError(f"cannot run the editor {shlex.join(command[:-1])!r}: {exc.strerror}. "
                                 "Set $VISUAL or $EDITOR, or give the text with --body.") from None
        if result.returncode != 0:
            raise StatusgenError(f"the editor exited with status {result.returncode}; nothing was written.")
        return cleanup(path.read_text(encoding="utf-8"), template)
    finally:
        path.unlink(missing_ok=True)


def cleanup(text: str, template: str = "") -> str:
    """Return ``text`` without the scissors line and what follows, and without blank lines around it.

    Should someone delete the scissors line, the help lines of ``template`` are still dropped.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    if SCISSORS in lines:
        lines = lines[: lines.index(SCISSORS)]
    else:
        help_lines = {line for line in template.split("\n") if line.startswith("#")}
        lines = [line for line in lines if line not in help_lines]
    return "\n".join(lines).strip("\n")


def save_draft(text: str) -> Path:
    """Keep text someone typed when the command fails afterwards, so it is not lost; return where."""
    fd, name = tempfile.mkstemp(prefix="statusgen-draft-", suffix=".md")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return Path(name)

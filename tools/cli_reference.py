"""Write docs/commands.md, the command reference, from the command line itself.

Every command, its usage line, its description and its options come from the click group
``statusgen.cli.cli`` (the docstrings and the help texts the commands show with ``--help``),
so the reference cannot drift from the program: tests/test_docs.py fails when the file is not
what this script writes. Run ``make docs`` (or ``python tools/cli_reference.py``) after changing
a command.

Only ``statusgen.cli`` is imported, for ``cli``: it is the command line's public face and
stays where it is however the modules behind it move.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "commands.md"

#: The order of the reference: publishing, then authoring, then the tools around them.
#: A command missing here is listed after these, in click's order, so a new one never goes unseen.
ORDER = ("build", "check", "serve", "new", "incident", "maintenance", "commitment", "update", "resolve", "deliver",
         "postpone", "list", "schema", "init")

HEADER = """\
# Command reference

<!-- Generated from the command line by tools/cli_reference.py. Do not edit: run `make docs`. -->

Everything on this page is what the commands themselves say with `--help`: the usage line, the
description and every option. For the story around them read the [tutorial](tutorial.md); for
how the authoring commands read times, ids and text and how they write files, see
[Authoring from the command line](authoring.md).

`python -m statusgen` is the same as `statusgen`.
"""


def main_context() -> click.Context:
    """Return the context of the top-level group, as the real command line makes it."""
    from statusgen.cli import cli

    return cli.make_context("statusgen", [], resilient_parsing=True)


def walk(ctx: click.Context) -> Iterator[tuple[click.Context, int]]:
    """Yield the context of every visible command under ``ctx``, with its depth (1 for top-level)."""
    group = ctx.command
    if not isinstance(group, click.Group):
        return
    names = group.list_commands(ctx)
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    for name in ordered:
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        yield sub, ctx.command_path.count(" ") + 1
        yield from walk(sub)


def _escape(text: str) -> str:
    """Return help text for Markdown: code spans as written, elsewhere no HTML, emphasis or table breaks.

    A URL becomes a code span: it is an example to type, not a link to follow.
    """
    text = re.sub(r"(?<!`)(https?://[^\s\])`]+)", r"`\1`", text)
    parts = re.split(r"(`[^`]*`)", text)
    for i, part in enumerate(parts):
        if i % 2:  # a code span: only a table's cell separator needs escaping
            parts[i] = part.replace("|", "\\|")
        else:
            parts[i] = (part.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("*", "\\*").replace("|", "\\|"))
    return "".join(parts)


def _paragraphs(help_text: str) -> list[str]:
    """Return a command's docstring as Markdown blocks: paragraphs unwrapped, ``\\b`` blocks as code."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(help_text)):
        if paragraph.startswith("\b"):
            verbatim = paragraph.split("\n", 1)[1] if "\n" in paragraph else ""
            blocks.append("```text\n" + verbatim.rstrip() + "\n```")
        else:
            blocks.append(_escape(" ".join(line.strip() for line in paragraph.splitlines())))
    return blocks


def _option_rows(ctx: click.Context, *, with_help: bool = False) -> list[str]:
    """Return a Markdown table row per visible option, from click's own help records.

    ``--help`` is left out unless ``with_help``: it is said once, for every command.
    """
    rows = []
    for param in ctx.command.get_params(ctx):
        if not isinstance(param, click.Option) or (param.name == "help" and not with_help):
            continue
        record = param.get_help_record(ctx)
        if record is None:  # hidden
            continue
        names, help_text = record
        envvar = param.envvar if isinstance(param.envvar, str) else None
        if envvar:
            help_text = f"{help_text} Also read from `${envvar}`." if help_text else f"Also `${envvar}`."
        rows.append(f"| `{names.replace('|', chr(92) + '|')}` | {_escape(help_text)} |")
    return rows


def section(ctx: click.Context, depth: int) -> str:
    """Return the Markdown for one command: heading, usage, description, options."""
    command = ctx.command
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"{'#' * (depth + 1)} `{ctx.command_path}`", "", "```text", usage, "```", ""]
    for block in _paragraphs(command.help or ""):
        lines += [block, ""]
    rows = _option_rows(ctx)
    if rows:
        lines += ["| Option | What it does |", "|---|---|", *rows, ""]
    return "\n".join(lines)


def render() -> str:
    """Return the whole of docs/commands.md."""
    top = main_context()
    entries = list(walk(top))
    out = [HEADER]
    out.append("| Command | What it does |")
    out.append("|---|---|")
    for ctx, _ in entries:
        anchor = ctx.command_path.replace(" ", "-")
        out.append(f"| [`{ctx.command_path}`](#{anchor}) | {_escape(ctx.command.get_short_help_str(limit=300))} |")
    out.append("")
    out.append("## Options of `statusgen` itself")
    out.append("")
    out.append("Give these before the command (`statusgen -v build`); `-h` and `--help` also work after any "
               "command.")
    out.append("")
    out += ["| Option | What it does |", "|---|---|", *_option_rows(top, with_help=True), ""]
    out.extend(section(ctx, depth) for ctx, depth in entries)
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/commands.md (or the file given as the only argument)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else TARGET
    text = render()
    if target.exists() and target.read_text(encoding="utf-8") == text:
        print(f"{target} is up to date")  # noqa: T201 - a script's one line of output
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())

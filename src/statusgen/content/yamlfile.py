"""One YAML text -> a tree of nodes that keep their line and column; syntax errors as problems.

Content is *composed*, never constructed: nodes carry their positions for messages, and no
YAML tag can build a Python object (tags beyond the plain YAML types are refused by
:func:`~.validation.check_tags`). What the format never needs is refused before anything
looks at the values, each at its line and column:

- characters that do not belong in a text file (control characters, lone surrogates), which
  garble terminals and feeds, and the Unicode line separators, which YAML counts as line
  breaks where editors do not;
- anchors' aliases (``*name``): a recursive one makes a cycle, and a few lines of them make
  a "billion laughs" of nodes. Without them the node tree is a tree, walked once.
"""

from __future__ import annotations

import re

import yaml

from .validation import Context, check_tags, describe_character

try:  # The C loader is several times faster on big sites.
    Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    Loader = yaml.SafeLoader

#: Raw characters refused in a content file: C0 controls but tab, line feed and carriage return; DEL;
#: C1 controls (with NEL, a YAML line break); U+2028 and U+2029 (YAML line breaks too); lone
#: surrogates; and the non-characters U+FFFE and U+FFFF (which no XML feed may hold). YAML's reader
#: refuses all but the three line breaks itself, so the text is scanned only when it does.
RAW_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
#: At most this many of them are reported per file, one per line.
_MOST_REPORTED = 20


def compose(text: str) -> yaml.Node | None:
    """Return the node tree of one YAML document (None when it is empty).

    :raises yaml.YAMLError: when the text is not YAML.
    """
    node: yaml.Node | None = yaml.compose(text, Loader=Loader)
    return node


def is_tree(node: yaml.Node) -> bool:
    """Return whether no node of ``node`` is reached twice (no alias, no cycle); visits each node once."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return False
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return True


def compose_file(ctx: Context, text: str) -> yaml.Node | None:
    """Return the node tree of a content file's ``text``, reporting syntax errors and unsafe tags to ``ctx``."""
    # YAML's reader refuses the others itself (below); these three it reads as line breaks.
    if ("\x85" in text or "\u2028" in text or "\u2029" in text) and report_raw_characters(ctx, text):
        return None
    try:
        node = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else 1
        source = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""
        ctx.report(None, f"YAML syntax error: {problem}", _hint(problem, source),
                   line=line, column=mark.column + 1 if mark else 1)
        return None
    except (yaml.reader.ReaderError, UnicodeEncodeError):
        # A control character (or a lone surrogate, in text given to the loader): report each line's
        # first at its own line and column (the reader's error gives a byte offset, and only one).
        if not report_raw_characters(ctx, text):  # pragma: no cover - every character it refuses is listed
            ctx.report(None, "a character YAML does not allow", "remove it", line=1, column=1)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every error of the composer carries a mark
        ctx.report(None, f"YAML error: {type(exc).__name__}", line=1, column=1)
        return None
    if node is None:
        ctx.report(None, "the file is empty", "every content file holds one YAML mapping", line=1, column=1)
        return None
    safe, repeated = check_tags(node, ctx)
    if not safe:
        return None
    if repeated:
        report_aliases(ctx, text)
        return None
    return node


def position(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of the character at ``index`` of ``text``."""
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - start + 1


def report_raw_characters(ctx: Context, text: str) -> bool:
    """Report the characters a content file must not hold, one per line; return whether there were any."""
    reported_lines: set[int] = set()
    for match in RAW_FORBIDDEN.finditer(text):
        line, column = position(text, match.start())
        if line in reported_lines:
            continue
        reported_lines.add(line)
        ch = match.group()
        hint = ("use an ordinary line break" if ch in "\u2028\u2029\x85" else
                "remove it: it shows as nothing in a page, and garbles feeds and terminals")
        ctx.report(None, f"the character {describe_character(ch)} is not allowed in a content file", hint,
                   line=line, column=column)
        if len(reported_lines) >= _MOST_REPORTED:
            break
    return bool(reported_lines)


def report_aliases(ctx: Context, text: str) -> None:
    """Report every line that uses a YAML alias (``*name``), at the alias."""
    reported_lines: set[int] = set()
    for event in yaml.parse(text, Loader=Loader):
        mark = event.start_mark
        if not isinstance(event, yaml.AliasEvent) or mark is None or mark.line + 1 in reported_lines:
            continue
        reported_lines.add(mark.line + 1)
        ctx.report(None, f"YAML aliases are not allowed (*{event.anchor})",
                   "write the value out where it is needed: statusgen's files never need anchors (&) "
                   "and aliases (*)", line=mark.line + 1, column=mark.column + 1)
        if len(reported_lines) >= _MOST_REPORTED:
            break


def _hint(problem: str, source: str) -> str:
    if "tab" in problem or "\t" in source[: len(source) - len(source.lstrip())]:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or written as a block with '|'"
    if "could not find expected ':'" in problem:
        return "check the indentation of this line and the one before"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "quote text that starts with @ or `"
    return "check the indentation and quoting around this line"

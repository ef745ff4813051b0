"""One YAML text -> a tree of nodes that keep their line and column; syntax errors as problems.

Content is *composed*, never constructed: nodes carry their positions for messages, and no
YAML tag can build a Python object (tags beyond the plain YAML types are refused by
:func:`~.validation.check_tags`).
"""

from __future__ import annotations

import yaml

from .validation import Context, check_tags

try:  # The C loader is several times faster on big sites.
    Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    Loader = yaml.SafeLoader


def compose(text: str) -> yaml.Node | None:
    """Return the node tree of one YAML document (None when it is empty).

    :raises yaml.YAMLError: when the text is not YAML.
    """
    node: yaml.Node | None = yaml.compose(text, Loader=Loader)
    return node


def compose_file(ctx: Context, text: str) -> yaml.Node | None:
    """Return the node tree of a content file's ``text``, reporting syntax errors and unsafe tags to ``ctx``."""
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
    except yaml.YAMLError as exc:
        ctx.report(None, f"YAML error: {exc}", line=1, column=1)
        return None
    if node is None:
        ctx.report(None, "the file is empty", "every content file holds one YAML mapping", line=1, column=1)
        return None
    if not check_tags(node, ctx):
        return None
    return node


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

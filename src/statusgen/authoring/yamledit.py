"""Write YAML the way a careful person would: new files, and one more item appended to a list.

Appending is textual: the new lines go in after the last item of the list and every other
byte of the file stays as it was (comments, key order, quoting, blank lines, line endings).
Where the new text goes is worked out from the positions PyYAML reports, and the result
is checked: read back, it must equal the old document with exactly the new item added.

Values are given as Python objects:

- :class:`Raw`: a token written as is (times, durations, statuses, ids, numbers), which
  the caller guarantees to be a safe plain scalar;
- ``str``: one line of text (a title), plain when that reads back the same, else quoted;
- :class:`Block`: Markdown text, plain when it is one line that can be, else a ``|`` block
  (double-quoted only when a block cannot hold it, e.g. with control characters);
- ``dict`` / ``list`` of :class:`Raw`: a flow mapping ``{api: partial_outage}`` or list ``[api]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import StatusgenError

try:  # The C loader is several times faster on big files.
    _Loader: type = yaml.CSafeLoader
    _BaseLoader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _BaseLoader = yaml.BaseLoader

#: Line breaks as YAML 1.1 (PyYAML) counts them; normalised to "\n" in text we write.
_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_NEWLINE = re.compile(r"\r\n|\n|\r")
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][+-]?|[+-][1-9]?)?")
#: Item indentation used when a file gives no example of its own: "  - at: ...".
DEFAULT_INDENT = 2


class EditError(StatusgenError):
    """The file cannot be edited safely; nothing was written."""


class Raw(str):
    """A token written verbatim: a time, duration, status, id or number."""

    __slots__ = ()


class Block(str):
    """Text that reads best as a ``|`` block when it cannot be written plain: Markdown bodies."""

    __slots__ = ()


Pairs = Sequence[tuple[str, Any]]


# -- emitting values -------------------------------------------------------------------------


class _TextDumper(yaml.SafeDumper):
    """Writes text as a plain scalar when that reads back the same, else quoted; several lines as ``|``."""


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_TextDumper.add_representer(str, _represent_text)


class _FlowTextDumper(yaml.SafeDumper):
    """Text inside a flow collection: always double-quoted, one line."""


_FlowTextDumper.add_representer(
    str, lambda d, data: d.represent_scalar("tag:yaml.org,2002:str", data, style='"'))


def normalize_text(text: str) -> str:
    """Return ``text`` with every line break as ``\\n`` and no blank lines around it.

    YAML 1.1 counts ``\\x85``, ``\\u2028`` and ``\\u2029`` as line breaks and YAML 1.2
    does not; writing ``\\n`` only means every reader sees the same lines.
    """
    return _BREAKS.sub("\n", text).strip("\n")


def _dump(key: str, value: str) -> str:
    return yaml.dump({key: value}, Dumper=_TextDumper, allow_unicode=True, width=float("inf"),
                     sort_keys=False, default_flow_style=False)


def _written_value(text: str) -> str:
    """Return the value that is written for ``text``: normalised, and with a final line break when
    it goes in a ``|`` block (so the block is ``|``, not ``|-``, like the hand-written files)."""
    value = normalize_text(text)
    if not value.strip():
        return value
    # For Markdown, a block reads better than quotes and escapes.
    wants_block = "\n" in value or (isinstance(text, Block) and _dump("k", value)[3:4] in ("'", '"'))
    if wants_block and _dump("k", value + "\n").startswith("k: |"):
        return value + "\n"
    return value


def _dump_text(key: str, text: str) -> list[str]:
    """Return the lines of ``key: text`` at column 0, the text plain, quoted or as a block as needed."""
    return _dump(key, _written_value(text)).rstrip("\n").split("\n")


def inline_text(text: str) -> str:
    """Return one line of text as a YAML scalar for a block mapping value: plain when safe, else quoted."""
    if "\n" in normalize_text(text):
        raise ValueError("inline_text takes a single line")
    return _dump_text("k", text)[0].removeprefix("k: ")


def _flow(value: Any) -> str:
    """Return ``value`` in flow style, on one line."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return yaml.dump(normalize_text(value), Dumper=_FlowTextDumper, allow_unicode=True,
                         width=float("inf")).rstrip("\n").removesuffix("\n...")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as YAML")


def _pair_lines(key: str, value: Any) -> list[str]:
    """Return the lines of one ``key: value`` pair at column 0."""
    if isinstance(value, str) and not isinstance(value, Raw):
        return _dump_text(key, value)
    return [f"{key}: {_flow(value)}"]


def mapping_lines(pairs: Pairs, indent: int, first_prefix: str = "") -> list[str]:
    """Return a block mapping at column ``indent``; ``first_prefix`` replaces the first line's indentation.

    ``first_prefix`` makes a list item: ``mapping_lines(pairs, 4, "  - ")``.
    """
    lines: list[str] = []
    pad = " " * indent
    for key, value in pairs:
        for line in _pair_lines(key, value):
            lines.append(pad + line if line else "")
    if lines and first_prefix:
        lines[0] = first_prefix + lines[0][indent:]
    return lines


def render_document(pairs: Pairs, list_key: str = "updates", items: Sequence[Pairs] = ()) -> str:
    """Return a whole file: the top-level ``pairs``, then ``list_key`` with ``items`` as a block list."""
    lines = mapping_lines(pairs, 0)
    if items:
        lines.append(f"{list_key}:")
        dash = " " * DEFAULT_INDENT + "- "
        for item in items:
            lines.extend(mapping_lines(item, len(dash), dash))
    text = "\n".join(lines) + "\n"
    expected = _expected(pairs)
    if items:
        expected[list_key] = [_expected(item) for item in items]
    _check_document(text, expected)
    return text


# -- appending to a list ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    """Replace ``text[start:end]`` by ``new``."""

    start: int
    end: int
    new: str


def append_item(text: str, key: str, item: Pairs, *, under: str | None = None) -> str:
    """Return ``text`` with ``item`` appended to the list under the top-level ``key``.

    The list is created (at the end of the file) when ``key`` is missing or empty. Every
    other byte of ``text`` is kept. ``text`` must not start with a byte order mark.

    :param under: a top-level key holding a block mapping: the list is ``key`` inside it
        (``postmortem`` for ``postmortem.revisions``), created at the end of that mapping.
    :raises EditError: when the file is not a mapping, or ``key`` holds something else than a list.
    """
    top = _compose(text)
    root = top if under is None else _block_mapping(top, under)
    newline = _newline_of(text)
    value = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    in_flow = isinstance(value, yaml.SequenceNode) and bool(value.flow_style) and bool(value.value)
    if in_flow and isinstance(value, yaml.SequenceNode):
        at = _content_end(text, value.value[-1])
        edit = _Edit(at, at, ", " + _flow(dict(item)))
    elif isinstance(value, yaml.SequenceNode) and value.value:
        edit = _append_block(text, value, item, newline)
    elif value is None or _is_empty(text, value):
        edit = _new_list(text, root, key, value, item, newline)
    else:
        raise EditError(f"cannot add to {key!r}: it holds {_describe(value)}, not a list")
    new_text = text[: edit.start] + edit.new + text[edit.end:]
    document = yaml.load(text, Loader=_BaseLoader)
    expected = document if under is None else document[under]
    expected.setdefault(key, [])
    if not isinstance(expected[key], list):  # `updates:` with no value reads as ""
        expected[key] = []
    expected[key].append(_expected(item, flow=in_flow))
    _check_document(new_text, document)
    return new_text


def add_mapping(text: str, key: str, pairs: Pairs) -> str:
    """Return ``text`` with a new top-level ``key`` holding the block mapping ``pairs``, at the end.

    :raises EditError: when the file is not a mapping, or already has ``key``.
    """
    root = _compose(text)
    if any(isinstance(k, yaml.ScalarNode) and k.value == key for k, _ in root.value):
        raise EditError(f"the file already has {key!r}")
    key_col = root.start_mark.column
    lines = [" " * key_col + f"{key}:", *mapping_lines(pairs, key_col + DEFAULT_INDENT)]
    edit = _insert_lines(text, _line_end(text, _content_end(text, root)), lines, _newline_of(text))
    new_text = text[: edit.start] + edit.new + text[edit.end:]
    expected = yaml.load(text, Loader=_BaseLoader)
    expected[key] = _expected(pairs)
    _check_document(new_text, expected)
    return new_text


def _block_mapping(root: yaml.MappingNode, key: str) -> yaml.MappingNode:
    """Return the block mapping under the top-level ``key``."""
    value = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    if not isinstance(value, yaml.MappingNode) or value.flow_style or not value.value:
        raise EditError(f"cannot add to {key!r}: it is not a block mapping; add it by hand")
    return value


def _compose(text: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise EditError(f"the file is not valid YAML: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        raise EditError("the file does not hold a mapping of keys to values")
    if root.flow_style:
        raise EditError("the file is written as one {...} flow mapping; add the update by hand")
    return root


def _is_empty(text: str, node: yaml.Node) -> bool:
    """Return whether ``node`` is an empty value: nothing, ``~``, ``null`` or ``[]``."""
    if isinstance(node, yaml.ScalarNode):
        return node.tag == "tag:yaml.org,2002:null"
    if isinstance(node, yaml.SequenceNode) and not node.value:
        return re.fullmatch(r"\[\s*\]", text[node.start_mark.index:node.end_mark.index]) is not None
    return False


def _append_block(text: str, seq: yaml.SequenceNode, item: Pairs, newline: str) -> _Edit:
    """Return the edit that adds ``item`` after the last item of a block list, indented like it."""
    dash_col = seq.start_mark.column
    last = seq.value[-1]
    key_col = last.start_mark.column if isinstance(last, yaml.MappingNode) and not last.flow_style \
        else dash_col + 2
    at = _line_end(text, _content_end(text, last))
    lines = mapping_lines(item, key_col, " " * dash_col + "-" + " " * (key_col - dash_col - 1))
    if len(seq.value) > 1 and _blank_line_between(text, seq.value[-2], last):
        lines.insert(0, "")
    return _insert_lines(text, at, lines, newline)


def _new_list(text: str, root: yaml.MappingNode, key: str, value: yaml.Node | None, item: Pairs,
              newline: str) -> _Edit:
    """Return the edit that writes a one-item block list under ``key``, which is missing or empty.

    A missing key is added after the last key of the file. An empty value (nothing, ``~``,
    ``null`` or ``[]``) is removed and the list goes on the lines below its key; a comment
    on the key's line stays where it is.
    """
    key_col = root.start_mark.column
    indent = key_col + _list_indent(root)
    lines = mapping_lines(item, indent + 2, " " * indent + "- ")
    if value is None:
        at = _line_end(text, _content_end(text, root))
        return _insert_lines(text, at, [" " * key_col + f"{key}:", *lines], newline)
    start, end = value.start_mark.index, value.end_mark.index
    at = _line_end(text, end)
    tail = text[end:at]
    if not tail.strip():  # nothing after the value but the line break: drop the space before it too
        while start > 0 and text[start - 1] in " \t":
            start -= 1
    return _Edit(start, at, tail + _insert_lines(text, at, lines, newline).new)


def _insert_lines(text: str, at: int, lines: list[str], newline: str) -> _Edit:
    """Return the edit that inserts whole ``lines`` at ``at``, the start of a line or the end of the text."""
    body = newline.join(lines) + newline
    if at == len(text) and text and text[-1] not in "\r\n":
        body = newline + body  # the file did not end with a line break
    return _Edit(at, at, body)


def _content_end(text: str, node: yaml.Node) -> int:
    """Return the index just after the last character that belongs to ``node``'s value.

    Comments and blank lines after it do not belong to it. A block scalar (``|``, ``>``)
    ends where PyYAML's end mark says only when it keeps its trailing blank lines (``|+``);
    otherwise those blank lines are not part of it.
    """
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.index
        if node.style in ("|", ">"):
            header = _BLOCK_HEADER.match(text, node.start_mark.index)
            if header and "+" in header.group():
                return end
            while end > node.start_mark.index and text[end - 1] in " \t\r\n":
                end -= 1
        return end
    if not isinstance(node, yaml.CollectionNode) or node.flow_style or not node.value:
        return int(node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        return max(max(_content_end(text, k), _content_end(text, v)) for k, v in node.value)
    return max(_content_end(text, child) for child in node.value)


def _line_end(text: str, pos: int) -> int:
    """Return the start of the line after the one holding ``pos`` (``pos`` itself at a line start)."""
    if pos > 0 and text[pos - 1] in "\r\n":
        return pos
    match = _NEWLINE.search(text, pos)
    return match.end() if match else len(text)


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


def _blank_line_between(text: str, first: yaml.Node, second: yaml.Node) -> bool:
    """Return whether a blank line separates two list items (then the new item gets one too)."""
    gap = text[_line_end(text, _content_end(text, first)):_line_start(text, second.start_mark.index)]
    return any(not line.strip() for line in _NEWLINE.split(gap)[:-1])


def _list_indent(root: yaml.MappingNode) -> int:
    """Return how far this file indents a block list's dashes from its key (2 when it has no list)."""
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(v, yaml.SequenceNode) and not v.flow_style and v.value:
                    return int(v.start_mark.column - k.start_mark.column)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return DEFAULT_INDENT


def _newline_of(text: str) -> str:
    """Return the line break the file uses (that of its first line)."""
    match = _NEWLINE.search(text)
    return match.group() if match else "\n"


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value)


# -- checking the result ---------------------------------------------------------------------


def _as_strings(value: Any, *, flow: bool = False) -> Any:
    """Return ``value`` as PyYAML's BaseLoader reads back what this module wrote for it."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return normalize_text(value) if flow else _written_value(value)
    if isinstance(value, dict):
        return {k: _as_strings(v, flow=True) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_strings(v, flow=True) for v in value]
    raise TypeError(f"cannot write {value!r} as YAML")


def _expected(pairs: Pairs, *, flow: bool = False) -> dict[str, Any]:
    """Return the mapping ``pairs`` as BaseLoader reads it back (block style unless ``flow``)."""
    return {key: _as_strings(value, flow=flow) for key, value in pairs}


def _check_document(text: str, expected: Any) -> None:
    """Read ``text`` back and compare it with what was meant; refuse to go on when they differ."""
    try:
        actual = yaml.load(text, Loader=_BaseLoader)
    except yaml.YAMLError as exc:
        actual = exc
    if actual != expected:
        raise EditError(
            "statusgen could not write this without changing something else in the file, so it wrote "
            "nothing. Please make the change by hand, and report this with a copy of the file."
        )

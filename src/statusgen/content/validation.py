"""The engine that checks YAML against the format: every problem at once, each with line and column.

A :class:`ValueType` converts one YAML node (keeping its position) into a value, or reports
what is wrong with it and returns :data:`INVALID`, so that checking goes on and finds every
other problem too. An :class:`Obj` is a mapping of declared :class:`Field` s: unknown and
repeated keys are errors, a likely typo gets a "did you mean". The same declarations describe
themselves as JSON Schema (:mod:`.jsonschema`), so editors and the loader never disagree.
The scalar types are in :mod:`.values`, the declarations of the format in :mod:`.format`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem, Severity, closest, did_you_mean

TAG = "tag:yaml.org,2002:"
_SAFETAGS = {f"{TAG}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


#: Characters no text of the format may hold, even written as YAML escapes ("\x01", "\uFFFF"): C0
#: controls but tab and line feed, DEL, C1 controls, lone surrogates, U+FFFE and U+FFFF. They show as
#: nothing (or garble the terminal) and no XML feed may carry them.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_NAMES = {0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL",
          0x9B: "CSI", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"}


def describe_character(ch: str) -> str:
    """Return ``U+001B (ESC)``: how messages name a character that cannot be shown."""
    code = ord(ch)
    name = _NAMES.get(code)
    if name is None:
        if 0xDC80 <= code <= 0xDCFF:
            name = "a byte that is not UTF-8 text"
        elif 0xD800 <= code <= 0xDFFF:
            name = "a lone surrogate"
        elif code in (0xFFFE, 0xFFFF):
            name = "not a character"
        else:
            name = "a control character"
    return f"U+{code:04X} ({name})"



class _Invalid:
    """The value of something that failed validation (a problem was already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Any = _Invalid()


class Context:
    """Collects problems for one file, with the source text to quote the offending line."""

    def __init__(self, path: str, text: str, problems: list[Problem]) -> None:
        self.path = path
        #: The lines as YAML counts them (line feeds only: other line breaks are refused).
        self.lines = text.split("\n") if text else []
        self.problems = problems
        #: Whether a value may hold a control character: only through an escape in a double-quoted
        #: scalar (a backslash in the text), as raw ones are refused before (see :meth:`read`).
        self.escapes = True

    def read(self, text: str) -> None:
        """Take ``text`` as the file's text (for quoting lines), free of raw control characters."""
        self.lines = text.split("\n")
        self.escapes = "\\" in text or "\r" in text

    def report(
        self,
        node: yaml.Node | None,
        message: str,
        hint: str = "",
        *,
        line: int | None = None,
        column: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record a problem at ``node`` (or at an explicit 1-based line and column)."""
        if node is not None:
            line = node.start_mark.line + 1
            column = node.start_mark.column + 1
        line = line or 0
        column = column or 0
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.problems.append(Problem(self.path, line, column, message, hint, severity, source))


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == f"{TAG}null":
        return "nothing"
    return repr(node.value)



class ValueType:
    """A type of value in the format: converts a YAML node and describes itself as JSON Schema."""

    #: Shown in messages: "expected <what>".
    what = "a value"
    #: Whether a mapping or list given instead is likely text meant as a block (the hint says how).
    text = False

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _scalar(self, node: yaml.Node, ctx: Context) -> str | None:
        """Return the text of a scalar node, or report that a scalar was expected."""
        if isinstance(node, yaml.ScalarNode) and node.tag != f"{TAG}null":
            text = str(node.value)
            bad = CONTROL.search(text) if ctx.escapes else None
            if bad is not None:
                ctx.report(node, f"the text contains the character {describe_character(bad.group())}",
                           "remove it: it shows as nothing in a page, and garbles feeds and terminals")
                return None
            return text
        hint = "write a single value on the same line as the key"
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and self.text:
            hint += "; for text over several lines use a block: `key: |` and indent the lines below"
        ctx.report(node, f"expected {self.what}, got {describe(node)}", hint)
        return None


class ListOf(ValueType):
    what = "a list"

    def __init__(self, item: ValueType, *, min_items: int = 0, unique: bool = False) -> None:
        self.item = item
        self.min_items = min_items
        self.unique = unique

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            ctx.report(node, f"expected a list, got {describe(node)}", "start each item on its own line with '- '")
            return INVALID
        if len(node.value) < self.min_items:
            ctx.report(node, f"this list needs at least {self.min_items} item{'s' if self.min_items > 1 else ''}",
                       "add an item on a new line starting with '- '")
            return INVALID
        items = []
        seen: dict[Any, int] = {}
        for child in node.value:
            value = self.item.convert(child, ctx)
            if self.unique and value is not INVALID:
                if value in seen:
                    ctx.report(child, f"{value!r} is listed twice", f"first listed on line {seen[value]}")
                    value = INVALID
                else:
                    seen[value] = line_of(child)
            items.append((value, child))
        return items

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return schema


class MapOf(ValueType):
    """A mapping from ids to values, e.g. ``{api: partial_outage}``."""

    what = "a mapping"

    def __init__(self, key: ValueType, value: ValueType, *, min_items: int = 0) -> None:
        self.key = key
        self.value = value
        self.min_items = min_items

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.MappingNode):
            ctx.report(node, f"expected a mapping, got {describe(node)}", "write it as `id: value` pairs")
            return INVALID
        if len(node.value) < self.min_items:
            ctx.report(node, f"this mapping needs at least {self.min_items} entry", "add `id: value` pairs")
            return INVALID
        result: dict[Any, tuple[Any, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.key.convert(key_node, ctx)
            value = self.value.convert(value_node, ctx)
            if key is INVALID:
                continue
            if key in result:
                ctx.report(key_node, f"{key!r} is given twice", f"first given on line {line_of(result[key][1])}")
                continue
            result[key] = (value, key_node)
        return result

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "propertyNames": self.key.json_schema(),
            "additionalProperties": self.value.json_schema(),
        }
        if self.min_items:
            schema["minProperties"] = self.min_items
        return schema


class MapOrList(MapOf):
    """A :class:`MapOf` that also accepts a plain list of keys, each mapped to ``default``."""

    def __init__(self, key: ValueType, value: ValueType, default: Any, *, min_items: int = 0) -> None:
        super().__init__(key, value, min_items=min_items)
        self.default = default

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if isinstance(node, yaml.SequenceNode):
            result: dict[Any, tuple[Any, yaml.Node]] = {}
            if len(node.value) < self.min_items:
                ctx.report(node, f"this list needs at least {self.min_items} item", "list at least one id")
                return INVALID
            for key_node in node.value:
                key = self.key.convert(key_node, ctx)
                if key is INVALID:
                    continue
                if key in result:
                    ctx.report(key_node, f"{key!r} is listed twice", f"first listed on line {line_of(result[key][1])}")
                    continue
                result[key] = (self.default, key_node)
            return result
        return super().convert(node, ctx)

    def json_schema(self) -> dict[str, Any]:
        as_list = {"type": "array", "items": self.key.json_schema(), "uniqueItems": True}
        if self.min_items:
            as_list["minItems"] = self.min_items
        return {"oneOf": [super().json_schema(), as_list]}


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its kind, whether it is required, its default and its documentation."""

    name: str
    kind: ValueType
    doc: str
    required: bool = False
    default: Any = None


@dataclass
class Record:
    """A validated mapping: values by key, and the node of each key for messages."""

    node: yaml.Node
    values: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, yaml.Node] = field(default_factory=dict)
    #: Known key -> the unknown key that looks like a typo of it (``stauts`` -> ``status``).
    typos: dict[str, str] = field(default_factory=dict)
    #: False when anything in this mapping, however deep, had a problem.
    ok: bool = True

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        """Return the value of ``name``; ``default`` when it is absent or invalid (already reported).

        Callers then never trip over a value that failed validation while they go on
        checking the rest of the file for more problems.
        """
        value = self.values.get(name)
        return default if value is None or value is INVALID else value

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def key_node(self, name: str) -> yaml.Node:
        return self.keys.get(name, self.node)

    @property
    def line(self) -> int:
        return line_of(self.node)

    def lines(self) -> dict[str, int]:
        return {name: line_of(node) for name, node in self.keys.items()}


class Obj(ValueType):
    """A mapping with a fixed set of keys. Unknown and repeated keys are errors."""

    what = "a mapping"

    def __init__(self, *fields: Field, doc: str = "") -> None:
        self.fields = {f.name: f for f in fields}
        self.doc = doc

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.MappingNode):
            ctx.report(node, f"expected a mapping of keys to values, got {describe(node)}",
                       "write `key: value` lines, e.g. " + ", ".join(list(self.fields)[:3]))
            return INVALID
        record = Record(node)
        problems_before = len(ctx.problems)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                ctx.report(key_node, "a key must be plain text")
                continue
            name = str(key_node.value)
            if name in record.keys:
                first = line_of(record.keys[name])
                ctx.report(key_node, f"the key {name!r} is given twice", f"it was first given on line {first}; "
                           "keep one")
                continue
            spec = self.fields.get(name)
            if spec is None:
                known = list(self.fields)
                ctx.report(key_node, f"unknown key {name!r}",
                           did_you_mean(name, known, otherwise="known keys: " + ", ".join(known)))
                typo_of = closest(name, known)
                if typo_of is not None:
                    record.typos.setdefault(typo_of, name)
                record.keys[name] = key_node
                continue
            record.keys[name] = key_node
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag == f"{TAG}null":
                if spec.required:
                    ctx.report(key_node, f"{name!r} has no value", f"give `{name}` a value ({spec.doc})")
                    record.values[name] = INVALID
                continue
            record.values[name] = spec.kind.convert(value_node, ctx)
        for spec in self.fields.values():
            if spec.name in record.keys:
                continue
            if spec.required:
                # A misspelt key was already reported with a "did you mean"; once is enough.
                if spec.name not in record.typos:
                    ctx.report(node, f"missing required key {spec.name!r}", f"add `{spec.name}:` ({spec.doc})")
                record.values[spec.name] = INVALID
            elif spec.default is not None:
                record.values[spec.name] = spec.default() if callable(spec.default) else spec.default
        # Drop keys that were unknown: only declared fields have values.
        record.keys = {k: v for k, v in record.keys.items() if k in self.fields}
        record.ok = len(ctx.problems) == problems_before
        return record

    def json_schema(self) -> dict[str, Any]:
        props = {}
        for spec in self.fields.values():
            prop = spec.kind.json_schema()
            prop["description"] = spec.doc
            props[spec.name] = prop
        schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        required = [f.name for f in self.fields.values() if f.required]
        if required:
            schema["required"] = required
        if self.doc:
            schema["description"] = self.doc
        return schema


def check_tags(node: yaml.Node, ctx: Context) -> tuple[bool, bool]:
    """Report every YAML tag outside the plain YAML types; return (whether all were safe, whether a node repeats).

    Each node is visited once: a node reached a second time is an alias of an anchor (or a
    cycle, for a recursive one), which the caller refuses. So the walk ends, and takes time in
    proportion to the text, whatever the aliases would expand to. (It runs on every file of
    every load: written for speed.)
    """
    ok = True
    repeated = False
    seen: set[int] = set()
    add = seen.add
    stack = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    while stack:
        current = pop()
        before = len(seen)
        add(id(current))
        if len(seen) == before:
            repeated = True
            continue
        if current.tag not in _SAFETAGS:
            ctx.report(current, f"the YAML tag {current.tag!r} is not allowed",
                       "statusgen reads plain YAML only (text, numbers, lists, mappings); remove the tag")
            ok = False
        kind = current.__class__
        if kind is mapping:
            for k, v in current.value:
                push(k)
                push(v)
        elif kind is sequence:
            extend(current.value)
    return ok, repeated

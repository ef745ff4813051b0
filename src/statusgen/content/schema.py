"""The content format, declared once.

Each kind of file is an :class:`Obj` of :class:`Field` s. The loader validates YAML nodes
against these declarations, collecting every problem with its line and column; the same
declarations describe the format as JSON Schema, so editors and the loader never disagree.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import timeutil
from ..errors import Problem, Severity
from ..resources import shipped_languages
from .model import CommitmentStatus, ComponentStatus, Impact, IncidentStatus, MaintenanceStatus

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
SLUG_HINT = "ids are lowercase letters, digits and dashes, starting with a letter or digit, at most 100 long"

_TAG = "tag:yaml.org,2002:"
_SAFE_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


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
        self.lines = text.splitlines()
        self.problems = problems

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


def _where(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == f"{_TAG}null":
        return "nothing"
    return repr(node.value)


class Kind:
    """A type of value in the format: converts a YAML node and describes itself as JSON Schema."""

    #: Shown in messages: "expected <what>".
    what = "a value"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _scalar(self, node: yaml.Node, ctx: Context) -> str | None:
        """Return the text of a scalar node, or report that a scalar was expected."""
        if isinstance(node, yaml.ScalarNode) and node.tag != f"{_TAG}null":
            return str(node.value)
        hint = "write a single value on the same line as the key"
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and isinstance(self, Str):
            hint += "; for text over several lines use a block: `key: |` and indent the lines below"
        ctx.report(node, f"expected {self.what}, got {_describe(node)}", hint)
        return None


class Str(Kind):
    what = "text"

    def __init__(self, *, markdown: bool = False, max_length: int | None = None) -> None:
        self.markdown = markdown
        self.max_length = max_length

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        text = text.strip("\n") if self.markdown else text.strip()
        if not text.strip():
            ctx.report(node, "this text is empty", "write something here, or leave the key out if it is optional")
            return INVALID
        if self.max_length and len(text) > self.max_length:
            ctx.report(node, f"this text is {len(text)} characters long, more than {self.max_length}")
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.max_length:
            schema["maxLength"] = self.max_length
        if self.markdown:
            schema["contentMediaType"] = "text/markdown"
        return schema


class Slug(Kind):
    what = "an id"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if not SLUG_RE.match(text):
            ctx.report(node, f"{text!r} is not a valid id", SLUG_HINT)
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": SLUG_RE.pattern}


class Url(Kind):
    what = "an absolute http(s) URL"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        text = text.strip()
        if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text):
            ctx.report(node, f"{text!r} is not an absolute http(s) URL", "e.g. https://status.example.com/")
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": "^https?://"}


class Email(Kind):
    what = "an email address"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if not re.match(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$", text.strip()):
            ctx.report(node, f"{text!r} is not an email address", "e.g. support@example.com")
            return INVALID
        return text.strip()

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email"}


class Int(Kind):
    what = "a whole number"

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if node.tag != f"{_TAG}int" or not text.strip().isdigit():
            ctx.report(node, f"expected a whole number, got {text!r}")
            return INVALID
        value = int(text)
        if value < self.minimum:
            ctx.report(node, f"expected a number of at least {self.minimum}, got {value}")
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum}


class Choice(Kind):
    def __init__(self, choices: Sequence[str], convert: Callable[[str], Any] = str, noun: str = "value") -> None:
        self.choices = tuple(choices)
        self._to_value = convert
        self.noun = noun
        self.what = "one of " + ", ".join(self.choices)

    @classmethod
    def of(cls, enum_cls: type, exclude: Sequence[Any] = ()) -> Choice:
        """Return a choice of the enum's values; messages name it (``ComponentStatus`` -> component status)."""
        members = [m for m in enum_cls if m not in exclude]
        noun = re.sub(r"(?<!^)(?=[A-Z])", " ", enum_cls.__name__).lower()
        return cls([m.value for m in members], enum_cls, noun)

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if text not in self.choices:
            ctx.report(node, f"{text!r} is not a valid {self.noun}", _did_you_mean(text, self.choices))
            return INVALID
        return self._to_value(text)

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


class Color(Kind):
    what = "a colour written as #rrggbb"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if not re.match(r"^#[0-9a-fA-F]{6}$", text.strip()):
            ctx.report(node, f"{text!r} is not a colour written as #rrggbb",
                       'e.g. "#0b5cd5": six hexadecimal digits, in quotes (# starts a comment in YAML)')
            return INVALID
        return text.strip().lower()

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}


class Zone(Kind):
    what = "an IANA time zone"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        try:
            return timeutil.load_zone(text.strip())
        except timeutil.TimeFormatError as exc:
            ctx.report(node, exc.message, exc.hint)
            return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "examples": ["Europe/Berlin", "America/New_York", "UTC"]}


# YAML allows a space between a time and its offset; ISO 8601 does not.
_SPACED_OFFSET = re.compile(r"\s+(?=(?:[+-]\d{2}(?::?\d{2})?|Z)$)")


class _Parsed(Kind):
    """A scalar read by a parser from :mod:`timeutil`."""

    def __init__(self, parse: Callable[[str], Any], what: str, schema: dict[str, Any]) -> None:
        self.parse = parse
        self.what = what
        self.schema = schema

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        try:
            return self.parse(_SPACED_OFFSET.sub("", text.strip()))
        except timeutil.TimeFormatError as exc:
            ctx.report(node, exc.message, exc.hint)
            return INVALID

    def json_schema(self) -> dict[str, Any]:
        return dict(self.schema)


_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s?(Z|z|[+-]\d{2}(:?\d{2})?)$"
Time = _Parsed(timeutil.parse_time, "a time with an offset", {"type": "string", "pattern": _TIME_PATTERN})
TimeOrDate = _Parsed(
    timeutil.parse_time_or_date,
    "a date or a time with an offset",
    {"type": "string", "anyOf": [{"pattern": _TIME_PATTERN}, {"pattern": r"^\d{4}-\d{2}-\d{2}$"}]},
)
Duration = _Parsed(
    timeutil.parse_duration,
    "a duration",
    {"type": "string", "pattern": r"^\s*(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?\s*$"},
)


class ListOf(Kind):
    what = "a list"

    def __init__(self, item: Kind, *, min_items: int = 0, unique: bool = False) -> None:
        self.item = item
        self.min_items = min_items
        self.unique = unique

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            ctx.report(node, f"expected a list, got {_describe(node)}", "start each item on its own line with '- '")
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
                    seen[value] = _where(child)
            items.append((value, child))
        return items

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return schema


class MapOf(Kind):
    """A mapping from ids to values, e.g. ``{api: partial_outage}``."""

    what = "a mapping"

    def __init__(self, key: Kind, value: Kind, *, min_items: int = 0) -> None:
        self.key = key
        self.value = value
        self.min_items = min_items

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.MappingNode):
            ctx.report(node, f"expected a mapping, got {_describe(node)}", "write it as `id: value` pairs")
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
                ctx.report(key_node, f"{key!r} is given twice", f"first given on line {_where(result[key][1])}")
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

    def __init__(self, key: Kind, value: Kind, default: Any, *, min_items: int = 0) -> None:
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
                    ctx.report(key_node, f"{key!r} is listed twice", f"first listed on line {_where(result[key][1])}")
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
    kind: Kind
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
        return _where(self.node)

    def lines(self) -> dict[str, int]:
        return {name: _where(node) for name, node in self.keys.items()}


class Obj(Kind):
    """A mapping with a fixed set of keys. Unknown and repeated keys are errors."""

    what = "a mapping"

    def __init__(self, *fields: Field, doc: str = "") -> None:
        self.fields = {f.name: f for f in fields}
        self.doc = doc

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.MappingNode):
            ctx.report(node, f"expected a mapping of keys to values, got {_describe(node)}",
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
                first = _where(record.keys[name])
                ctx.report(key_node, f"the key {name!r} is given twice", f"it was first given on line {first}; "
                           "keep one")
                continue
            spec = self.fields.get(name)
            if spec is None:
                ctx.report(key_node, f"unknown key {name!r}", _did_you_mean(name, self.fields, "known keys: "))
                close = difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
                if close:
                    record.typos.setdefault(close[0], name)
                record.keys[name] = key_node
                continue
            record.keys[name] = key_node
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag == f"{_TAG}null":
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


def _did_you_mean(word: str, choices: Sequence[str] | dict[str, Any], prefix: str = "expected one of: ") -> str:
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return prefix + ", ".join(options)


def check_tags(node: yaml.Node, ctx: Context) -> bool:
    """Report every YAML tag outside the plain YAML types; return whether all were safe."""
    ok = True
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag not in _SAFE_TAGS:
            ctx.report(current, f"the YAML tag {current.tag!r} is not allowed",
                       "statusgen reads plain YAML only (text, numbers, lists, mappings); remove the tag")
            ok = False
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return ok


# ---------------------------------------------------------------------------------------------
# The format. Field docs are what editors show on hover and what `statusgen schema` emits.

_INCIDENT_COMPONENT_STATUS = Choice.of(ComponentStatus, exclude=[ComponentStatus.UNDER_MAINTENANCE])

COMPONENT = Obj(
    Field("id", Slug(), "Component id, used in incidents and in the URL /components/<id>/.", required=True),
    Field("name", Str(max_length=100), "Name customers see.", required=True),
    Field("group", Str(max_length=100), "Group heading; components without a group are listed on their own."),
    Field("description", Str(), "One line shown under the name."),
    doc="A part of the service customers know by name.",
)

UPDATE_EVERY = Obj(
    *(
        Field(impact.value, Duration, f"Longest silence on an open {impact.value} incident.",
              default=timeutil.parse_duration(default))
        for impact, default in zip(
            (Impact.CRITICAL, Impact.MAJOR, Impact.MINOR, Impact.NONE), ("30m", "1h", "4h", "24h"), strict=True
        )
    ),
    doc="Longest time between two updates of an open incident, by impact.",
)

POLICY = Obj(
    Field("update_every", UPDATE_EVERY, UPDATE_EVERY.doc),
    Field("maintenance_notice", Duration, "Minimum notice between announcing maintenance and its start.",
          default=timeutil.parse_duration("72h")),
    Field("postmortem_within", Duration, "How soon after a major or critical incident is resolved its "
          "postmortem is due.", default=timeutil.parse_duration("5d")),
    Field("refresh", Duration, "How often the site is rebuilt; a page older than this warns readers that it "
          "may be out of date.", default=timeutil.parse_duration("15m")),
    Field("backfill_tolerance", Duration, "`check --since` warns when an update is committed more than this "
          "long after the time it claims, unless it gives `posted_at`.", default=timeutil.parse_duration("30m")),
    doc="The promises the team makes about its own communication.",
)

COLORS = Obj(
    Field("accent", Color(), 'Accent colour for links, the focus ring and the header stripe, "#rrggbb" in quotes; '
          "it needs 4.5:1 contrast on the theme's light backgrounds.", required=True),
    Field("accent_dark", Color(), "Accent colour in the dark colour scheme (default: `accent`); it needs 4.5:1 "
          "contrast on the theme's dark backgrounds."),
    doc="The site's own colours; status colours stay the theme's, so every site reads the same.",
)

SITE = Obj(
    Field("title", Str(max_length=200), "Title of the status site.", required=True),
    Field("base_url", Url(), "Absolute URL the site is published at; used in feeds, links and the API.",
          required=True),
    Field("description", Str(), "One sentence describing the site."),
    Field("timezone", Zone(), "IANA time zone in which pages show times, e.g. Europe/Berlin.", required=True),
    Field("language", Choice(shipped_languages(), noun="language"), "Language of the pages (a message catalog "
          "of the default theme).", default="en"),
    Field("contact", Obj(
        Field("email", Email(), "Support email address."),
        Field("url", Url(), "Support page."),
    ), "How customers reach support."),
    Field("feedback_url", Url(), "Optional survey link shown under updates (\"was this helpful?\")."),
    Field("feed_entries", Int(minimum=1), "How many entries each RSS and Atom feed holds, newest first.",
          default=50),
    Field("policy", POLICY, POLICY.doc),
    Field("theme", Str(), "The site's own theme folder, relative to site.yaml: its templates, static files and "
          "messages override the default theme's, one file (or message) at a time."),
    Field("logo", Str(), "Logo image (SVG, PNG, JPEG, WebP or GIF), relative to site.yaml; shown in the header "
          "in place of the title, with the title as its text alternative."),
    Field("logo_dark", Str(), "The logo for the dark colour scheme, when `logo` does not read well on a dark "
          "background."),
    Field("colors", COLORS, COLORS.doc),
    Field("components", ListOf(COMPONENT, min_items=1), "The components, in the order customers see them.",
          required=True),
    doc="Site settings, components and communication policy (site.yaml).",
)

INCIDENT_UPDATE = Obj(
    Field("at", Time, "When this update describes (time with offset).", required=True),
    Field("posted_at", Time, "When it was really posted, if later than `at` (a backfilled update)."),
    Field("status", Choice.of(IncidentStatus), "Status of the incident from this update on. A correction may "
          "leave it out to keep the previous status."),
    Field("body", Str(markdown=True), "What customers should know (Markdown).", required=True),
    Field("components", MapOf(Slug(), _INCIDENT_COMPONENT_STATUS, min_items=1),
          "Component statuses from this update on (only those that change)."),
    Field("next_update_in", Duration, "Promise: the next update comes within this long."),
    Field("next_update_by", Time, "Promise: the next update comes by this time."),
    Field("corrects", Int(minimum=1), "This update corrects update number N (1-based) of this incident."),
    doc="One published update; append-only.",
)

POSTMORTEM = Obj(
    Field("published_at", Time, "When the postmortem was published.", required=True),
    Field("body", Str(markdown=True), "What happened, why, and what changes (Markdown).", required=True),
    Field("actions", ListOf(Slug(), unique=True), "Ids of the commitments that prevent a repeat.", default=list),
    doc="The postmortem of an incident.",
)

INCIDENT = Obj(
    Field("title", Str(max_length=200), "Short title customers recognise.", required=True),
    Field("impact", Choice.of(Impact), "none, minor, major or critical.", required=True),
    Field("components", MapOf(Slug(), _INCIDENT_COMPONENT_STATUS), "Affected components and their status "
          "while the incident is open.", default=dict),
    Field("started_at", Time, "When customers were first affected (default: the first update)."),
    Field("workaround", Str(markdown=True), "What customers can do now (Markdown), shown while open."),
    Field("updates", ListOf(INCIDENT_UPDATE, min_items=1), "Updates, oldest first.", required=True),
    Field("postmortem", POSTMORTEM, POSTMORTEM.doc),
    doc="An incident (incidents/<id>.yaml).",
)

MAINTENANCE_UPDATE = Obj(
    Field("at", Time, "When this update was posted.", required=True),
    Field("status", Choice.of(MaintenanceStatus), "Status from this update on.", required=True),
    Field("body", Str(markdown=True), "What customers should know (Markdown).", required=True),
    doc="One update of a maintenance.",
)

MAINTENANCE = Obj(
    Field("title", Str(max_length=200), "Short title.", required=True),
    Field("components", MapOrList(Slug(), Choice.of(ComponentStatus), ComponentStatus.UNDER_MAINTENANCE,
                                  min_items=1),
          "Affected components: a list (under maintenance) or a mapping id: status.", required=True),
    Field("announced_at", Time, "When customers were told.", required=True),
    Field("starts_at", Time, "Planned start.", required=True),
    Field("ends_at", Time, "Planned end.", required=True),
    Field("body", Str(markdown=True), "What customers should expect (Markdown).", required=True),
    Field("updates", ListOf(MAINTENANCE_UPDATE), "Updates, oldest first.", default=list),
    doc="A scheduled maintenance (maintenance/<id>.yaml).",
)

COMMITMENT_UPDATE = Obj(
    Field("at", Time, "When this update was posted.", required=True),
    Field("status", Choice.of(CommitmentStatus), "Status from this update on.", required=True),
    Field("due", TimeOrDate, "A new due date or time; the page keeps showing the original one."),
    Field("body", Str(markdown=True), "What changed and why (Markdown); required to move the date or "
          "withdraw."),
    Field("next_update_by", Time, "Promise: the next word on this commitment comes by this time."),
    doc="One update of a commitment.",
)

COMMITMENT = Obj(
    Field("title", Str(max_length=200), "The promise, in a few words.", required=True),
    Field("made_at", Time, "When the promise was made public.", required=True),
    Field("due", TimeOrDate, "Due date (end of that day in the site's zone) or time.", required=True),
    Field("components", ListOf(Slug(), unique=True), "Components it concerns.", default=list),
    Field("incident", Slug(), "The incident that led to it."),
    Field("body", Str(markdown=True), "The promise in full (Markdown).", required=True),
    Field("updates", ListOf(COMMITMENT_UPDATE), "Updates, oldest first.", default=list),
    doc="A promise to customers (commitments/<id>.yaml).",
)

KINDS: dict[str, Obj] = {"incidents": INCIDENT, "maintenance": MAINTENANCE, "commitments": COMMITMENT}

"""The scalar types of the format: text, ids, URLs, numbers, choices, colours, zones, times, durations."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import yaml

from .. import timeutil
from ..errors import did_you_mean
from .limits import MARKDOWN_LIMIT, NESTING_LIMIT, too_deep
from .validation import INVALID, TAG, Context, ValueType

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
SLUG_HINT = "ids are lowercase letters, digits and dashes, starting with a letter or digit, at most 100 long"

class Str(ValueType):
    what = "text"
    text = True

    def __init__(self, *, markdown: bool = False, max_length: int | None = None) -> None:
        self.markdown = markdown
        self.max_length = max_length if max_length is not None or not markdown else MARKDOWN_LIMIT

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        text = text.strip("\n") if self.markdown else text.strip()
        if not text.strip():
            ctx.report(node, "this text is empty", "write something here, or leave the key out if it is optional")
            return INVALID
        if self.max_length and len(text) > self.max_length:
            ctx.report(node, f"this text is {len(text):,} characters long, more than {self.max_length:,}",
                       "split it over several updates" if self.markdown else "shorten it")
            return INVALID
        if self.markdown:
            deep = too_deep(text)
            if deep is not None:
                depth, line = deep
                ctx.report(node, f"line {line} of this text nests lists and quotes {depth} levels deep, more "
                           f"than {NESTING_LIMIT}", "flatten the list: Markdown this deep is not shown well anyway")
                return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.max_length:
            schema["maxLength"] = self.max_length
        if self.markdown:
            schema["contentMediaType"] = "text/markdown"
        return schema


class Slug(ValueType):
    what = "an id"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if not SLUG_RE.fullmatch(text):
            ctx.report(node, f"{text!r} is not a valid id", SLUG_HINT)
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": SLUG_RE.pattern}


class Url(ValueType):
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


_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/?")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?"
                   r"|\[[0-9A-Fa-f:.]+\]")


def base_url_problem(text: str) -> str | None:
    """Return what keeps ``text`` from being a site's address ("has a query"), or None when it is one.

    Pages link to ``<path of base_url>/static/...``: a path like ``//evil.example/`` (or
    ``/\\evil.example/``, which browsers read alike) would load scripts from another host. So
    the address is an absolute http(s) URL with a host, no user name, query or fragment, and a
    plain path: letters, digits, ``- . _ ~`` between single slashes, no ``.`` or ``..``.
    """
    if not re.fullmatch(r"https?://[^\s]+", text):
        return "is not an absolute http(s) URL"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return "is not an absolute http(s) URL"
    host = parts.netloc.rpartition(":")[0] if parts.port is not None or parts.netloc.endswith(":") else parts.netloc
    if "@" in parts.netloc:
        return "has a user name or password in it"
    if not _HOST.fullmatch(host):
        return "does not name a host (letters, digits, dots and dashes, or an IP address)"
    if parts.query or parts.fragment or "?" in text or "#" in text:
        return "has a query or fragment (?, #)"
    if not _PLAIN_PATH.fullmatch(parts.path) or any(seg in (".", "..") for seg in parts.path.split("/")):
        return "has a path that is not plain (only letters, digits, - . _ ~ between single slashes)"
    return None


class BaseUrl(ValueType):
    """The address a site is published at (``base_url``): see :func:`base_url_problem`."""

    what = "an absolute http(s) URL"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        text = text.strip()
        problem = base_url_problem(text)
        if problem is not None:
            ctx.report(node, f"{text!r} {problem}", "e.g. https://status.example.com/ or https://example.com/status/")
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": r"^https?://[^/?#@\s\\]+(/[A-Za-z0-9._~-]+)*/?$"}


class Email(ValueType):
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


class Int(ValueType):
    what = "a whole number"

    def __init__(self, minimum: int = 0, maximum: int | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if node.tag != f"{TAG}int" or not text.strip().isdigit():
            ctx.report(node, f"expected a whole number, got {text!r}")
            return INVALID
        value = int(text)
        if value < self.minimum:
            ctx.report(node, f"expected a number of at least {self.minimum}, got {value}")
            return INVALID
        if self.maximum is not None and value > self.maximum:
            ctx.report(node, f"expected a number of at most {self.maximum}, got {value}")
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer", "minimum": self.minimum}
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


class Choice(ValueType):
    def __init__(self, choices: Sequence[str], convert: Callable[[str], Any] = str, noun: str = "value") -> None:
        self.choices = tuple(choices)
        self._to_value = convert
        self.noun = noun
        self.what = "one of " + ", ".join(self.choices)

    @classmethod
    def of(cls, enum_cls: type[enum.Enum], exclude: Sequence[Any] = ()) -> Choice:
        """Return a choice of the enum's values; messages name it (``ComponentStatus`` -> component status)."""
        members = [m for m in enum_cls if m not in exclude]
        noun = re.sub(r"(?<!^)(?=[A-Z])", " ", enum_cls.__name__).lower()
        return cls([m.value for m in members], enum_cls, noun)

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if text not in self.choices:
            ctx.report(node, f"{text!r} is not a valid {self.noun}", did_you_mean(text, self.choices))
            return INVALID
        return self._to_value(text)

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


class Color(ValueType):
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


class Zone(ValueType):
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


class _Parsed(ValueType):
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


class Pattern(ValueType):
    """Text matching a regular expression: an environment variable's name, a host name, a relative path."""

    def __init__(self, pattern: str, what: str, hint: str) -> None:
        self.pattern = re.compile(pattern)
        self.what = what
        self.hint = hint

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        text = self._scalar(node, ctx)
        if text is None:
            return INVALID
        if not self.pattern.fullmatch(text):
            ctx.report(node, f"{text!r} is not {self.what}", self.hint)
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^(?:{self.pattern.pattern})$"}


#: The name of an environment variable (never its value: secrets stay in CI's secret store).
EnvName = Pattern(r"[A-Za-z_][A-Za-z0-9_]{0,127}", "the name of an environment variable",
                  "letters, digits and underscores, not starting with a digit, e.g. SLACK_WEBHOOK_URL; give the "
                  "name of the variable that holds the secret, never the secret itself")
#: A host name or an IP address (an SMTP server).
Host = Pattern(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\[?[0-9A-Fa-f:.]{2,45}\]?", "a host name",
               "e.g. smtp.example.com or 127.0.0.1, without a scheme or a port (the port has its own key)")
#: A file below the site folder, written with forward slashes: no absolute path, no `..`.
RelPath = Pattern(r"(?!/)(?!.*(?:^|/)\.\.(?:/|$))[A-Za-z0-9_.][A-Za-z0-9_./-]{0,254}", "a file in the site folder",
                  "a path relative to site.yaml inside the site folder, e.g. subscribers.txt (letters, digits, "
                  "`.`, `_`, `-` and `/`; no `..`)")

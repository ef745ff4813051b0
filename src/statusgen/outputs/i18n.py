"""Message catalogs of themes: every word a page shows, in the site's language.

A theme folder may hold ``messages/<language>.yaml``: nested mappings whose leaves are
messages. Keys are flattened with dots (``nav.status``). A leaf is

- text, with named placeholders in braces: ``"Since {time} ({duration})"``;
- a plural message, a mapping of CLDR plural categories (``one``, ``other``) chosen by the
  variable ``n``: ``{one: "{n} day", other: "{n} days"}``;
- a list of texts (month names).

The site's theme folder is searched before the default theme, key by key, so a site can
reword single messages without copying a catalog. Every language the default theme ships
is complete: ``tests/test_theme.py`` checks that each catalog has exactly the keys and
placeholders of ``en.yaml``.

Dates and numbers are formatted here from patterns and month names in the catalog
(``date.*``, ``number.*``), not with Babel: four languages need a dozen patterns, which
translators can read and themes can override, and the package stays small.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..content.limits import FILE_LIMIT
from ..content.yamlfile import compose, is_tree
from ..errors import StatusgenError, display_path
from ..fsutil import RefusedFile, read_regular

#: The CLDR plural categories a plural message may use.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

Message = str | dict[str, str] | list[str]


# Plural rules for whole numbers (CLDR). French counts 0 as singular; the others only 1.
# Languages not listed use the English rule.
def _one_is_1(n: int) -> str:
    return "one" if n == 1 else "other"


def _one_is_0_or_1(n: int) -> str:
    return "one" if n in (0, 1) else "other"


PLURAL_RULES: dict[str, Callable[[int], str]] = {"en": _one_is_1, "de": _one_is_1, "es": _one_is_1,
                                                  "fr": _one_is_0_or_1}


def plural_category(language: str, n: int) -> str:
    return PLURAL_RULES.get(language.split("-")[0], _one_is_1)(abs(n))


class CatalogError(StatusgenError):
    """A message catalog is unreadable or a message is missing: names the file or key."""


def read_catalog(path: Path) -> dict[str, Message]:
    """Read one catalog file into ``{dotted key: message}``.

    Every scalar is read as text (``No`` stays "No", not false); a key given twice is an error.
    """
    shown = display_path(path)
    try:
        # A regular file of the theme folder (messages/<language>.yaml): never a symlink out of it.
        data = read_regular(path, within=path.parent.parent, limit=FILE_LIMIT, folder="the theme")
        node = compose(data.decode("utf-8"))
    except RefusedFile as exc:
        raise CatalogError(f"{shown}: not read: {exc.reason}") from None
    except OSError as exc:
        raise CatalogError(f"{shown}: cannot read the message catalog: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{shown}: the message catalog is not UTF-8 text (byte {exc.start})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        raise CatalogError(f"{where}: the message catalog is not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError:
        raise CatalogError(f"{shown}: the message catalog is not valid YAML") from None
    out: dict[str, Message] = {}
    if node is None:
        return out
    if not is_tree(node):
        raise CatalogError(f"{shown}: YAML aliases (*name) are not allowed in a message catalog")
    if not isinstance(node, yaml.MappingNode):
        raise CatalogError(f"{shown}:1: a message catalog is a mapping of keys to messages")
    _flatten(node, "", out, shown)
    return out


def _flatten(node: yaml.MappingNode, prefix: str, out: dict[str, Message], shown: str) -> None:
    seen: set[str] = set()
    for key_node, value in node.value:
        where = f"{shown}:{key_node.start_mark.line + 1}"
        key = str(key_node.value)
        if key in seen:
            raise CatalogError(f"{where}: the key {prefix + key!r} is given twice")
        seen.add(key)
        if isinstance(value, yaml.ScalarNode):
            out[prefix + key] = str(value.value)
        elif isinstance(value, yaml.SequenceNode):
            if not all(isinstance(v, yaml.ScalarNode) for v in value.value):
                raise CatalogError(f"{where}: {prefix + key!r} must be a list of texts")
            out[prefix + key] = [str(v.value) for v in value.value]
        elif isinstance(value, yaml.MappingNode):
            names = [str(k.value) for k, _ in value.value]
            if "other" in names and set(names) <= set(PLURAL_CATEGORIES):
                if not all(isinstance(v, yaml.ScalarNode) for _, v in value.value):
                    raise CatalogError(f"{where}: each form of the plural message {prefix + key!r} must be text")
                out[prefix + key] = {str(k.value): str(v.value) for k, v in value.value}
            else:
                _flatten(value, f"{prefix}{key}.", out, shown)
        else:  # pragma: no cover - compose yields only the three node kinds
            raise CatalogError(f"{where}: unexpected value for {prefix + key!r}")


@dataclass(frozen=True, slots=True)
class Messages:
    """The messages of one language, looked up through the theme folders in order."""

    language: str
    table: dict[str, Message]
    #: The catalog files read, most specific first: named when a key is missing.
    sources: tuple[Path, ...]

    @classmethod
    def load(cls, theme_dirs: Sequence[Path], language: str) -> Messages:
        """Merge ``messages/<language>.yaml`` of every theme folder, the first folder winning."""
        table: dict[str, Message] = {}
        sources = []
        for folder in theme_dirs:
            path = folder / "messages" / f"{language}.yaml"
            if path.is_file():
                sources.append(path)
                for key, message in read_catalog(path).items():
                    table.setdefault(key, message)
        if not sources:
            looked = ", ".join(display_path(d / "messages") for d in theme_dirs)
            raise CatalogError(f"no message catalog {language}.yaml for the site's language (looked in {looked})")
        return cls(language, table, tuple(sources))

    def raw(self, key: str) -> Message:
        try:
            return self.table[key]
        except KeyError:
            looked = ", ".join(display_path(p) for p in self.sources)
            raise CatalogError(f"no message {key!r} in {looked}") from None

    def _list(self, key: str) -> list[str]:
        """Return the list message ``key`` (month names)."""
        found = self.raw(key)
        if not isinstance(found, list):
            raise CatalogError(f"the message {key!r} must be a list")
        return found

    def pick(self, key: str, n: int | None) -> str:
        """Return the text of ``key``; for a plural message, the form for ``n``."""
        message = self.raw(key)
        if isinstance(message, dict):
            if n is None:
                raise CatalogError(f"the message {key!r} has plural forms and needs a number `n`")
            return message.get(plural_category(self.language, n), message["other"])
        if isinstance(message, list):
            raise CatalogError(f"the message {key!r} is a list, not a text")
        return message

    def text(self, key: str, **variables: Any) -> str:
        """Return the message ``key`` with its placeholders filled in, as plain text."""
        template = self.pick(key, variables.get("n"))
        return fill(template, variables, key)

    # -- dates, times, numbers -------------------------------------------------------------

    def format_date(self, value: dt.date, style: str = "date") -> str:
        """Return ``value`` (a date, or a datetime already in the wanted zone) in a catalog style.

        Styles: ``date`` (25 Nov 2026), ``day_month`` (25 Nov), ``month_year`` (November 2026),
        ``time`` (12:35), ``time_zone`` (12:35 CET), ``datetime`` (25 Nov 2026, 12:35 CET) and
        ``datetime_nozone``; each is ``date.format.<style>`` in the catalog.
        """
        if style not in DATE_STYLES:
            raise CatalogError(f"unknown date style {style!r}; use one of {', '.join(DATE_STYLES)}")
        months = self._list("date.months")
        short = self._list("date.months_short")
        parts: dict[str, Any] = {
            "day": value.day,
            "year": value.year,
            "month": months[value.month - 1],
            "month_short": short[value.month - 1],
        }
        if isinstance(value, dt.datetime):
            parts["hour"] = f"{value.hour:02d}"
            parts["minute"] = f"{value.minute:02d}"
            parts["zone"] = value.tzname() or ""
        # Composite styles are made of the simpler ones, so a catalog changes each piece once.
        for piece in ("date", "time"):
            if piece != style and "{" + piece + "}" in self.pick(f"date.format.{style}", None):
                parts[piece] = fill(self.pick(f"date.format.{piece}", None), parts, f"date.format.{piece}")
        return fill(self.pick(f"date.format.{style}", None), parts, f"date.format.{style}")

    def format_number(self, value: float, decimals: int = 0) -> str:
        text = f"{value:.{decimals}f}"
        return text.replace(".", self.pick("number.decimal", None)) if decimals else text

    def format_percent(self, share: float) -> str:
        """Return an uptime share (0..1) as a percentage: 100% only when it really is 100%."""
        percent = share * 100
        number = "100" if percent >= 100 else self.format_number(min(percent, 99.99), 2)
        return self.text("number.percent", n=number)

    def format_duration(self, delta: dt.timedelta | int) -> str:
        """Return a reader-friendly length such as ``2 h 5 min`` or ``3 days 4 h`` (minutes rounded).

        :param delta: a timedelta, or whole minutes.
        """
        minutes = delta if isinstance(delta, int) else max(0, round(delta.total_seconds() / 60))
        days, rest = divmod(minutes, 1440)
        hours, mins = divmod(rest, 60)
        parts = []
        if days:
            parts.append(self.text("duration.days", n=days))
        if hours:
            parts.append(self.text("duration.hours", n=hours))
        if mins and not days:
            parts.append(self.text("duration.minutes", n=mins))
        return " ".join(parts) or self.text("duration.less_than_a_minute")

    def script_messages(self) -> dict[str, Message]:
        """Return the messages ``static/status.js`` shows (keys under ``js.``), for a JSON block."""
        return {key[3:]: value for key, value in sorted(self.table.items()) if key.startswith("js.")}


DATE_STYLES = ("date", "day_month", "month_year", "time", "time_zone", "datetime", "datetime_nozone")


def fill(template: str, variables: dict[str, Any], key: str = "",
         convert: Callable[[Any], str] = str) -> str:
    """Replace each ``{name}`` in ``template`` with ``convert(variables[name])``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise CatalogError(f"the message {key!r} needs a value for {{{name}}}")
        return convert(variables[name])

    return PLACEHOLDER.sub(replace, template)


def placeholders(message: Message) -> set[str]:
    """Return the placeholder names a message uses (in any of its forms)."""
    texts = message.values() if isinstance(message, dict) else message if isinstance(message, list) else [message]
    return {name for text in texts for name in PLACEHOLDER.findall(text)}

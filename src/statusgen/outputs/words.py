"""The theme's messages bound to the site's zone: the words of feeds, the calendar, badges and notify.

Pages get their words through the Jinja environment (:mod:`.theme`); every other output that
people read gets them from a :class:`Words`, from the same catalog and with the same rules, so
a feed entry, a calendar event, a badge and a Slack message say what the page says, in the
site's language. (The Statuspage JSON keeps Statuspage's English: clients compare its values.)

Messages are HTML (they may use ``<strong>`` and entities). :meth:`Words.html` fills one in
with its variables escaped, as the templates' ``_()`` does; :meth:`Words.text` gives the same
message as plain text for places that take no markup (titles, iCalendar, SVG text).
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from ..content.model import Component, Due
from .i18n import Messages, fill
from .theme import label

_TAG = re.compile(r"<[^>]*>")


class Words:
    """The catalog's words and the site's zone, for every output besides the pages."""

    def __init__(self, messages: Messages, tz: dt.tzinfo) -> None:
        self.messages = messages
        self.tz = tz

    def html(self, key: str, **variables: Any) -> Markup:
        """Return the message ``key`` as markup: the message is trusted, each variable escaped unless markup."""
        template = self.messages.pick(key, variables.get("n"))
        return Markup(fill(template, variables, key, convert=lambda value: str(escape(value))))

    def text(self, key: str, **variables: Any) -> str:
        """Return the message ``key`` as plain text: its tags dropped, its entities decoded."""
        return plain(self.html(key, **variables))

    def label(self, value: enum.Enum) -> str:
        """Return the label of a status, impact or state (``label.<kind>.<value>``)."""
        return label(self.messages, value)

    def time(self, value: dt.datetime, style: str = "datetime") -> str:
        """Return an instant in the site's zone, in a catalog style (``25 Nov 2026, 12:35 CET``)."""
        return self.messages.format_date(value.astimezone(self.tz), style)

    def date(self, value: dt.date) -> str:
        return self.messages.format_date(value, "date")

    def due(self, value: Due) -> str:
        """Return a due date as promised: a day, or an instant in the site's zone."""
        return self.date(value.value) if value.is_date else self.time(value.deadline)

    def duration(self, value: dt.timedelta) -> str:
        return self.messages.format_duration(value)

    def window(self, starts: dt.datetime, ends: dt.datetime) -> str:
        """Return a window as the pages show it: ``2 Dec 2026, 22:00 – 23:30 CET`` (the date once on one day)."""
        same_day = starts.astimezone(self.tz).date() == ends.astimezone(self.tz).date()
        if same_day:
            return self.text("window.same_day", start=self.time(starts), end=self.time(ends, "time_zone"))
        return self.text("window.days", start=self.time(starts), end=self.time(ends))

    def names(self, components: Iterable[Component]) -> str:
        return self.text("list.separator").join(c.name for c in components)


def plain(markup: str) -> str:
    """Return catalog HTML as text: tags dropped, entities decoded (variables were escaped, so nothing else is lost)."""
    return html.unescape(_TAG.sub("", markup))

"""Times, dates and durations: text in, aware values out.

Every time statusgen handles carries a time zone. Naive times are refused where they
enter (content, ``--now``), so nothing downstream ever has to guess an offset.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

UTC = dt.UTC


class TimeFormatError(ValueError):
    """A time, date or duration that cannot be read; the message says why and how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


#: The years statusgen handles: times and dates outside are refused where they enter (content,
#: ``--now``, the authoring options), so adding any duration statusgen accepts to any of them can
#: never leave the calendar Python computes with (years 1 to 9999).
FIRST_YEAR = 1970
LAST_YEAR = 2199
#: The longest duration accepted (a promise, a policy setting): ten years.
LONGEST_DURATION = dt.timedelta(days=3650)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Offsets we accept: Z, +hh:mm, +hhmm, +hh. fromisoformat knows them all; this only
# decides whether an offset is present at all, to give the right message.
_OFFSET_RE = re.compile(r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$")
_TIME_HINT = "write it with an offset, e.g. 2026-11-20T09:12:00+01:00 or 2026-11-20T08:12:00Z"


def parse_time(text: str) -> dt.datetime:
    """Return the aware datetime written in ``text`` (ISO 8601 with an offset).

    :raises TimeFormatError: when the text is not a time or has no offset.
    """
    value = text.strip()
    if _DATE_RE.fullmatch(value):
        raise TimeFormatError(f"expected a time, got the date {value!r}", _TIME_HINT)
    candidate = value.replace(" ", "T", 1) if "T" not in value and " " in value else value
    try:
        parsed = dt.datetime.fromisoformat(candidate)
    except ValueError:
        raise TimeFormatError(f"{value!r} is not a time", _TIME_HINT) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None or not _OFFSET_RE.search(candidate):
        raise TimeFormatError(f"the time {value!r} has no offset (a time zone)", _TIME_HINT)
    _check_year(parsed, value)
    return parsed


def _check_year(value: dt.date, text: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise TimeFormatError(f"{text!r}: the year {value.year} is outside {FIRST_YEAR}-{LAST_YEAR}",
                              f"statusgen handles times from {FIRST_YEAR} to {LAST_YEAR}; check the year")


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_LOCAL = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")
_WHEN_HINT = ("write 14:30 (today), 2026-11-25 14:30 (both in the site's time zone) or a time with an "
              "offset, e.g. 2026-11-25T14:30:00+01:00")


WHEN_HINT = _WHEN_HINT


def is_local_time(text: str) -> bool:
    """Return whether ``text`` is a time written without an offset (``14:30``, ``2026-11-25 14:30``)."""
    value = text.strip()
    return bool(_CLOCK.fullmatch(value) or _LOCAL.fullmatch(value))


def parse_when(text: str, tz: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """Return the time ``text`` means: with an offset as written, else in the site's zone ``tz``.

    ``14:30`` is today in ``tz``; ``2026-11-25 14:30`` is that day. A local time that does
    not exist (skipped by a DST change) is refused; one that happens twice means the first.
    """
    value = text.strip()
    try:
        return parse_time(value)
    except TimeFormatError:
        pass
    clock = _CLOCK.fullmatch(value)
    local = _LOCAL.fullmatch(value)
    if clock:
        day = now.astimezone(tz).date()
        hour, minute, second = int(clock[1]), int(clock[2]), 0
    elif local:
        try:
            day = dt.date.fromisoformat(local[1])
        except ValueError:
            raise TimeFormatError(f"{value!r} is not a time", _WHEN_HINT) from None
        hour, minute, second = int(local[2]), int(local[3]), int(local[4] or 0)
    else:
        raise TimeFormatError(f"{value!r} is not a time", _WHEN_HINT)
    try:
        naive = dt.datetime.combine(day, dt.time(hour, minute, second))
    except ValueError:
        raise TimeFormatError(f"{value!r} is not a time", _WHEN_HINT) from None
    _check_year(day, value)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise TimeFormatError(f"{value} does not exist in the site's time zone {tz} (the clocks change then)",
                              "give a time with an offset")
    return aware


def parse_date(text: str) -> dt.date:
    """Return the calendar date written as ``YYYY-MM-DD``."""
    value = text.strip()
    if not _DATE_RE.fullmatch(value):
        raise TimeFormatError(f"{value!r} is not a date", "write a date as YYYY-MM-DD, e.g. 2026-12-15")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise TimeFormatError(f"{value!r} is not a date", "write a date as YYYY-MM-DD, e.g. 2026-12-15") from None
    _check_year(parsed, value)
    return parsed


def parse_time_or_date(text: str) -> dt.datetime | dt.date:
    """Return a date for ``YYYY-MM-DD``, else an aware datetime."""
    value = text.strip()
    if _DATE_RE.fullmatch(value):
        return parse_date(value)
    try:
        return parse_time(value)
    except TimeFormatError as exc:
        raise TimeFormatError(exc.message, "write a date (2026-12-15) or a time with an offset") from None


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return the instant a day ends in ``tz`` (the first moment of the next day), in UTC.

    Days around a DST change last 23 or 25 hours; starting from the next midnight keeps
    them right. A midnight that does not exist (some zones skip it) is normalised. The
    result is in UTC because Python compares times in a repeated (ambiguous) hour of a
    zone as unequal to everything else; UTC has no such hour.
    """
    nxt = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return nxt.astimezone(UTC)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def instant(value: dt.datetime) -> int:
    """Return the aware ``value`` as whole microseconds since 1970 UTC.

    Orders exactly like the datetimes themselves, and compares much faster than aware
    datetimes in different zones do, which matters in loops over every update of a big site.
    """
    return (value - _EPOCH) // _MICROSECOND


def start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return the instant a day starts in ``tz``."""
    return end_of_day(day - dt.timedelta(days=1), tz)


_DURATION_RE = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_DURATION_HINT = "write a duration like 30m, 1h, 2h30m or 3d (w, d, h, m, s, largest unit first)"
_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def parse_duration(text: str) -> dt.timedelta:
    """Return the positive duration written as e.g. ``2h30m``.

    :raises TimeFormatError: for anything else, including zero.
    """
    value = text.strip().replace(" ", "")
    match = _DURATION_RE.fullmatch(value)
    if not value or not match:
        raise TimeFormatError(f"{text.strip()!r} is not a duration", _DURATION_HINT)
    seconds = sum(int(n) * size for n, (_, size) in zip(match.groups(), _UNITS, strict=True) if n)
    if seconds <= 0:
        raise TimeFormatError(f"the duration {text.strip()!r} is zero", "a duration must be longer than 0")
    if seconds > LONGEST_DURATION.total_seconds():  # compared as integers: no timedelta can overflow
        raise TimeFormatError(f"the duration {text.strip()!r} is longer than ten years",
                              f"statusgen accepts durations up to {LONGEST_DURATION.days}d")
    return dt.timedelta(seconds=seconds)


def format_duration(delta: dt.timedelta) -> str:
    """Return ``delta`` in the notation ``parse_duration`` reads (``2h30m``)."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        raise ValueError("only positive durations can be written")
    parts = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def humanize_duration(delta: dt.timedelta) -> str:
    """Return a reader-friendly length such as ``2 h 5 min`` or ``3 days 4 h`` (minutes rounded)."""
    minutes = max(0, round(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts) or "less than a minute"


def format_local(value: dt.datetime, tz: dt.tzinfo) -> str:
    """Return ``value`` as English text in ``tz``, as messages, feeds and the calendar show it.

    ``25 Nov 2026, 12:35 CET``: the day without its leading zero, the zone's abbreviation.
    Pages format times through the theme instead, in the site's language.
    """
    shown = value.astimezone(tz)
    return f"{shown.day} {shown.strftime('%b %Y, %H:%M %Z')}"


def format_day(value: dt.date) -> str:
    """Return a date as ``15 Dec 2026``."""
    return f"{value.day} {value.strftime('%b %Y')}"


def format_short(value: dt.datetime, tz: dt.tzinfo, now: dt.datetime) -> str:
    """Return ``value`` for terminal output: ``12:35`` when it is today in ``tz``, else ``2026-11-25 12:35``."""
    shown = value.astimezone(tz)
    if shown.date() == now.astimezone(tz).date():
        return shown.strftime("%H:%M")
    return shown.strftime("%Y-%m-%d %H:%M")


def load_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``; raise ``TimeFormatError`` when it is unknown."""
    import zoneinfo

    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise zoneinfo.ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        from .errors import did_you_mean

        hint = did_you_mean(name, sorted(zoneinfo.available_timezones()),
                            otherwise="use an IANA zone name such as Europe/Berlin or UTC")
        raise TimeFormatError(f"unknown time zone {name!r}", hint) from None
